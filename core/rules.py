"""The rule format: rules, dated parameters, the fact catalogue and the channel catalogue — all YAML data.

Law is data: a threshold, a time window or an article number lives in a file under rules/ with its citation,
its effective dates and how sure we are of it (the reference's tags V/S/M/U). This module defines those files
as pydantic models; ``jubao.ruleset`` loads, cross-checks and orders them.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from jubao.conditions import Condition, Scalar

RULE_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
NAME_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Verification(StrEnum):
    """How sure we are of a fact: V verified in a public text, S secondary sources, M from memory, U uncertain."""

    VERIFIED = "V"
    SECONDARY = "S"
    MEMORY = "M"
    UNCERTAIN = "U"
    POLICY = "policy"
    """Not law: a choice jubao makes (e.g. a bucket boundary) and says so."""


_DEVELOPER_NOTE = re.compile(r"shared/|reference\s*§|reference\.md|参考资料", re.IGNORECASE)
_LOCAL_PATH = re.compile(
    r"(?:^|[\s(（;；,，])(?:/(?=\S)|\./|\.\./|~/|[A-Za-z]:\\)"  # an absolute or relative path
    r"|\.(?:md|ya?ml|py|j2|txt|json|toml|rst|tmpl)(?:\b|$)",  # a file of the source tree
    re.IGNORECASE,
)


def check_source_text(value: str) -> str:
    """A ``source`` names something a user can look up: a source id (``jubao.sources``), a public instrument or an
    address on the web — never a file on the maintainers' disk or a section of their notes."""
    if _DEVELOPER_NOTE.search(value):
        raise ValueError(
            "a source must name a public instrument or page (or a source id from jubao's rules/sources.yaml), "
            "not the project's development notes"
        )
    if _LOCAL_PATH.search(value):
        raise ValueError("a source must name a public instrument or page, not a local file path")
    return value


SourceText = Annotated[str, AfterValidator(check_source_text)]
"""A ``source`` value: comma-separated ids from ``rules/sources.yaml``, or free text naming a public source."""


class Text(_Model):
    """A short text in both languages."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Citation(_Model):
    """Where a rule or parameter comes from."""

    instrument: str = Field(min_length=1)
    """The law, regulation, guideline or document, e.g. 《中华人民共和国个人信息保护法》."""
    version: date | None = None
    """Date of the version relied on (adoption or publication)."""
    article: str | None = None
    """Article, e.g. 第二十三条; omitted where the number is not verified."""
    status: Verification
    """How it was verified (V: text read; S: secondary; M: memory; U: uncertain; policy: jubao's choice)."""
    source: SourceText | None = Field(default=None, min_length=1)
    """Where a user can check it: ids from ``rules/sources.yaml`` (comma-separated, e.g. ``pipl`` or
    ``nfra_consumer_complaint_measures, caixin_2020_01_17``), or free text naming a public instrument or page
    (see ``jubao.sources``). Never a local path or a note for developers."""
    note: str | None = None


class Dated(_Model):
    """A value and the date from which it holds (until the next entry)."""

    since: date
    value: Scalar


class Parameter(_Model):
    """A named, dated, cited value that rules compare against (OpenFisca-style)."""

    name: str = Field(pattern=NAME_PATTERN)
    description: Text
    unit: str | None = None
    values: list[Dated] = Field(min_length=1)
    citations: list[Citation] = Field(min_length=1)

    @model_validator(mode="after")
    def _dates_ascend(self) -> Self:
        dates = [entry.since for entry in self.values]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ValueError("values must be in strictly ascending order of 'since'")
        return self

    def value_on(self, day: date) -> Scalar | None:
        """The value in force on ``day``, or None before the first entry."""
        current: Scalar | None = None
        for entry in self.values:
            if entry.since <= day:
                current = entry.value
        return current


class FactType(StrEnum):
    BOOL = "bool"
    INT = "int"
    NUMBER = "number"
    DATE = "date"
    ENUM = "enum"
    ORDINAL = "ordinal"
    SET = "set"


class Combine(StrEnum):
    """How the values several rules give one derived fact are combined after a stratum settles."""

    SINGLE = "single"  # every writer must agree
    ANY = "any"  # boolean OR
    MAX = "max"  # highest ordinal
    UNION = "union"  # set union


class FactSpec(_Model):
    """A fact rules can read: computed from the case (feature) or concluded by rules (derived)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: FactType
    values: list[str] | None = None
    """For enum, ordinal (low to high) and set facts: the allowed values."""
    description: Text
    derived: bool = False
    default: Scalar | list[str] | None = None
    """For derived facts: the value when no rule concludes one."""
    combine: Combine | None = None
    """For derived facts: how several conclusions combine."""
    labels: dict[str, Text] | None = None
    """Human labels of the values (enum, ordinal, set)."""

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        vocabulary = self.type in (FactType.ENUM, FactType.ORDINAL, FactType.SET)
        if vocabulary and not self.values:
            raise ValueError(f"a {self.type} fact needs 'values'")
        if not vocabulary and self.values:
            raise ValueError(f"a {self.type} fact takes no 'values'")
        if self.derived and self.combine is None:
            raise ValueError("a derived fact needs 'combine'")
        if not self.derived and (self.combine is not None or self.default is not None):
            raise ValueError("only derived facts take 'combine' and 'default'")
        return self


class Channel(_Model):
    """A reporting channel id the rules may route to (adapters come from plugins)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text | None = None
    """Only for non-channels: a routable channel's name comes from its plugin's ``channel.yaml`` (one source)."""
    routable: bool = True
    """False for well-known non-channels (信用中国) that must never be routed to."""
    why_not: Text | None = None
    """For non-channels: why, and where to go instead."""

    @property
    def label(self) -> Text:
        """The name to show (a loaded rule set names every channel; the id is the last resort)."""
        return self.name or Text(zh=self.id, en=self.id)


class Route(_Model):
    """A rule's conclusion that a case should go to a channel."""

    channel: str
    priority: int = Field(ge=1, le=9)
    """1 = first. Steps with the same priority can run in parallel."""
    reason: Text
    modes: list[str] = []
    """Filing modes at the channel, e.g. [complaint, report] (投诉 and 举报) for 12378."""


class Characterisation(_Model):
    """A rule's conclusion about the legal character of the conduct."""

    id: str = Field(pattern=NAME_PATTERN)
    confidence: Literal["likely", "possible"]
    """likely: the facts given match the elements; possible: depends on facts not in the case (e.g. 情节严重)."""


class Then(_Model):
    """What a rule concludes."""

    set: dict[str, Scalar | list[str]] = {}
    """Derived facts, e.g. {regulator: nfra}; combined across rules as the fact catalogue says."""
    routes: list[Route] = []
    characterisations: list[Characterisation] = []

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not (self.set or self.routes or self.characterisations):
            raise ValueError("'then' concludes nothing: give set, routes or characterisations")
        return self


class Rule(_Model):
    """One decision, with its reason and its law."""

    id: str = Field(pattern=RULE_ID_PATTERN)
    title: Text
    when: Condition
    then: Then
    citations: list[Citation] = Field(min_length=1)
    effective_from: date | None = None
    effective_to: date | None = None
    """Last day in force (inclusive)."""
    severity_reason: Text | None = None
    """For rules that raise severity: the reason shown to the user (defaults to the title)."""

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from: the rule could never be in force")
        return self

    def in_force(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


class RuleFile(_Model):
    """A file of rules (rules/*.yaml)."""

    rules: list[Rule] = Field(min_length=1)


class ParameterFile(_Model):
    """A file of parameters (rules/parameters/*.yaml)."""

    parameters: list[Parameter] = Field(min_length=1)


class CatalogueFile(_Model):
    """rules/catalogue.yaml: the facts rules may use and the channels they may route to."""

    facts: list[FactSpec] = Field(min_length=1)
    channels: list[Channel] = Field(min_length=1)
    characterisations: dict[str, Text] = {}
    """Labels of legal characterisations by id."""


def citation_dict(citation: Citation) -> dict[str, Any]:
    """A citation as plain JSON-able data (for traces and outputs)."""
    return citation.model_dump(mode="json", exclude_none=True)
