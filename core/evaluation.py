"""What an evaluation returns: classification, severity, legal characterisation, routes, and the trace.

Everything here is immutable and JSON-serialisable, holds no personal data (features are aggregates), and is
stamped with the rule set's version and content hash so that a result can be traced to the rules that made it.
``evaluation_json_schema()`` and ``trace_json_schema()`` describe the JSON (what ``jubao schema evaluation|trace``
print).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field

from jubao.conditions import LeafOutcome
from jubao.rules import Citation, Text

EVALUATION_FORMAT = "jubao.evaluation/1"
TRACE_FORMAT = "jubao.trace/1"

M = TypeVar("M", bound=BaseModel)
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Reason(_Frozen):
    """Why something was concluded: the rule, its words and its law."""

    rule: str
    text: Text
    citations: tuple[Citation, ...]


class SeverityVote(Reason):
    level: int


class SeverityResult(_Frozen):
    level: int
    """0–4 (S0–S4): the highest level any rule concluded."""
    label: Text
    reasons: tuple[SeverityVote, ...]
    """Every rule that raised the severity, highest first."""

    @computed_field(  # type: ignore[prop-decorator]  # pydantic's documented pattern; mypy cannot type it
        description="The level written S0–S4, as shown to people.", json_schema_extra={"pattern": "^S[0-4]$"}
    )
    @property
    def code(self) -> str:
        """``"S0"`` … ``"S4"``; part of the JSON output (``severity.code``) like the fields."""
        return f"S{self.level}"


class CharacterisationResult(_Frozen):
    id: str
    label: Text
    confidence: Literal["likely", "possible"]
    reasons: tuple[Reason, ...]


class RouteResult(_Frozen):
    channel: str
    name: Text
    priority: int
    """1 = first; equal priorities can be pursued in parallel."""
    modes: tuple[str, ...]
    reasons: tuple[Reason, ...]


class FactValue(_Frozen):
    name: str
    value: Any
    label: Text | None = None


class Classification(_Frozen):
    lender_kind: str
    regulator: FactValue
    licence_status: FactValue
    illegal_debt: bool
    illegal_debt_indicators: tuple[FactValue, ...]
    contacts_reached: int
    contacts_exposed: int | None
    contacts_bucket: FactValue
    ongoing: bool


class FiredRule(_Frozen):
    rule: str
    stratum: int
    title: Text
    matched: tuple[LeafOutcome, ...]
    """The facts that made the condition true, with their values."""
    concluded: dict[str, Any]
    citations: tuple[Citation, ...]


class Evaluation(_Frozen):
    """The result of evaluating one case."""

    format: str = Field(default=EVALUATION_FORMAT, json_schema_extra={"const": EVALUATION_FORMAT})
    ruleset_version: str
    ruleset_hash: str
    as_of: date
    """The date whose law was applied (default: the day of the latest incident)."""
    today: date
    features: dict[str, Any]
    facts: dict[str, Any]
    """Every derived fact, after combination and defaults."""
    classification: Classification
    severity: SeverityResult
    characterisations: tuple[CharacterisationResult, ...]
    routes: tuple[RouteResult, ...]
    fired: tuple[FiredRule, ...]

    def route_ids(self) -> list[str]:
        return [route.channel for route in self.routes]


class RuleCheck(_Frozen):
    """Why one rule that routes to a channel did not fire."""

    rule: str
    title: Text
    in_force: bool
    failed: tuple[LeafOutcome, ...]


class WhyNot(_Frozen):
    channel: str
    name: Text
    rules: tuple[RuleCheck, ...]
    """Each rule that could route here, with the condition that failed; empty if no rule routes here."""
    note: Text | None = None


class Trace(_Frozen):
    """``jubao explain``: the evaluation plus, for every channel not routed, why not."""

    format: str = Field(default=TRACE_FORMAT, json_schema_extra={"const": TRACE_FORMAT})
    evaluation: Evaluation
    why_not: tuple[WhyNot, ...]


def evaluation_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an evaluation as serialised (``jubao evaluate --json``)."""
    return _output_schema(Evaluation, "evaluation", EVALUATION_FORMAT)


def trace_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a trace as serialised (``jubao explain --json``)."""
    return _output_schema(Trace, "trace", TRACE_FORMAT)


def _output_schema(model: type[BaseModel], name: str, fmt: str) -> dict[str, Any]:
    # mode="serialization": the JSON as written, including computed fields such as severity.code. Every field is
    # always written, so every property is required (pydantic leaves out those with defaults). The result objects
    # stay open (no additionalProperties: false): output of a later 1.x that adds fields still validates.
    schema = model.model_json_schema(mode="serialization")
    for definition in [schema, *schema.get("$defs", {}).values()]:
        if "properties" in definition:
            definition["required"] = list(definition["properties"])
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = f"urn:jubao:schema:{name}:{fmt.rsplit('/', 1)[1]}"
    return schema


def fast_construct(cls: type[M], **fields: Any) -> M:
    """Build a result model from values the engine produced itself, skipping validation (the hot path).

    Same as ``cls.model_construct(**fields)`` when every field is given, at a tenth of the cost. A test checks
    that results built this way equal fully validated ones, so a pydantic change to these internals is caught.
    """
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj
