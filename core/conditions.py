"""The condition language of rules (``when``), and its plain-Python evaluation.

A condition is a tree of ``all`` / ``any`` / ``not`` over leaves ``{fact: NAME, OP: VALUE}``. Values are
literals or ``{param: NAME}`` (a dated parameter). Semantics are two-valued: a fact whose value is unknown
(``None``) is unequal to everything, not ordered, contains nothing, and ``exists: false``; ``not`` is plain
complement. The durable_rules compiler (``jubao.compile``) implements exactly the same semantics, and this module
is both the explanation engine (which leaf failed, with what value) and the differential-test oracle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LTE = "lte"
    GT = "gt"
    GTE = "gte"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    CONTAINS_ANY = "contains_any"
    EXISTS = "exists"


_OP_NAMES = frozenset(op.value for op in Op)
ORDER_OPS = frozenset({Op.LT, Op.LTE, Op.GT, Op.GTE})
LIST_OPS = frozenset({Op.IN, Op.NOT_IN, Op.CONTAINS_ANY})
SET_OPS = frozenset({Op.CONTAINS, Op.NOT_CONTAINS, Op.CONTAINS_ANY})
NEGATION = {
    Op.EQ: Op.NE, Op.NE: Op.EQ, Op.IN: Op.NOT_IN, Op.NOT_IN: Op.IN,
    Op.CONTAINS: Op.NOT_CONTAINS, Op.NOT_CONTAINS: Op.CONTAINS,
}  # fmt: skip

Scalar = str | int | float | bool


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParamRef(_Node):
    """A reference to a dated parameter, resolved for the evaluation date."""

    param: str


Value = ParamRef | Scalar | list[Scalar]


class Leaf(_Node):
    """``{fact: NAME, OP: VALUE}`` — written with the operator as the key, stored normalised."""

    kind: Literal["leaf"] = "leaf"
    fact: str
    op: Op
    value: Value

    @model_validator(mode="before")
    @classmethod
    def _operator_as_key(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or "op" in data:
            return data
        ops = [key for key in data if key in _OP_NAMES]
        if len(ops) != 1:
            return data  # pydantic then reports "op" missing and each surplus key by name
        rest = {key: value for key, value in data.items() if key != ops[0]}
        return {**rest, "op": ops[0], "value": data[ops[0]]}

    @model_validator(mode="after")
    def _value_fits_operator(self) -> Leaf:
        if self.op in LIST_OPS and not isinstance(self.value, list | ParamRef):
            raise ValueError(f"'{self.op}' needs a list of values")
        if self.op not in LIST_OPS and isinstance(self.value, list):
            raise ValueError(f"'{self.op}' needs a single value, not a list")
        if self.op is Op.EXISTS and not isinstance(self.value, bool):
            raise ValueError("'exists' needs true or false")
        return self


class All(_Node):
    kind: Literal["all"] = "all"
    all: list[Condition] = Field(min_length=1)


class Any_(_Node):
    kind: Literal["any"] = "any"
    any: list[Condition] = Field(min_length=1)


class Not(_Node):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: Literal["not"] = "not"
    not_: Condition = Field(alias="not")


def _condition_kind(data: Any) -> str:
    if isinstance(data, BaseModel):
        return str(getattr(data, "kind", "leaf"))
    if isinstance(data, Mapping):
        for key in ("all", "any", "not"):
            if key in data:
                return key
    return "leaf"


Condition = Annotated[
    Annotated[All, Tag("all")]
    | Annotated[Any_, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[Leaf, Tag("leaf")],
    Discriminator(_condition_kind),
]

All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()


def leaves(condition: Condition) -> Iterator[Leaf]:
    """Every leaf of ``condition``, left to right."""
    if isinstance(condition, Leaf):
        yield condition
    elif isinstance(condition, All):
        for child in condition.all:
            yield from leaves(child)
    elif isinstance(condition, Any_):
        for child in condition.any:
            yield from leaves(child)
    else:
        yield from leaves(condition.not_)


# --- evaluation -------------------------------------------------------------------------------------

Resolver = Callable[[str], Any]
"""Gives a parameter's value (by name) on the evaluation date, or None."""


def resolve(value: Value, params: Resolver) -> Any:
    return params(value.param) if isinstance(value, ParamRef) else value


def leaf_holds(leaf: Leaf, facts: Mapping[str, Any], params: Resolver) -> bool:
    """Whether ``leaf`` holds for ``facts``; unknown (None) facts follow the module's two-valued rules."""
    actual = facts.get(leaf.fact)
    expected = resolve(leaf.value, params)
    op = leaf.op
    if isinstance(leaf.value, ParamRef) and expected is None:
        return False  # a parameter not in force on the evaluation date makes its leaf false
    if op is Op.EXISTS:
        return (actual is not None) is expected
    if actual is None:
        return op in (Op.NE, Op.NOT_IN, Op.NOT_CONTAINS)
    if op is Op.EQ:
        return bool(actual == expected)
    if op is Op.NE:
        return bool(actual != expected)
    if op in ORDER_OPS:
        if expected is None:
            return False
        return _compare(op, actual, expected)
    if op is Op.IN:
        return actual in expected
    if op is Op.NOT_IN:
        return actual not in expected
    if op is Op.CONTAINS:
        return expected in actual
    if op is Op.NOT_CONTAINS:
        return expected not in actual
    return any(item in actual for item in expected)  # CONTAINS_ANY


def _compare(op: Op, actual: Any, expected: Any) -> bool:
    if op is Op.LT:
        return bool(actual < expected)
    if op is Op.LTE:
        return bool(actual <= expected)
    if op is Op.GT:
        return bool(actual > expected)
    return bool(actual >= expected)


def holds(condition: Condition, facts: Mapping[str, Any], params: Resolver) -> bool:
    """Evaluate ``condition`` against ``facts``."""
    if isinstance(condition, Leaf):
        return leaf_holds(condition, facts, params)
    if isinstance(condition, All):
        return all(holds(child, facts, params) for child in condition.all)
    if isinstance(condition, Any_):
        return any(holds(child, facts, params) for child in condition.any)
    return not holds(condition.not_, facts, params)


class LeafOutcome(BaseModel):
    """One leaf as evaluated: what was required, what the fact was, whether it held (after any ``not``)."""

    model_config = ConfigDict(frozen=True)

    fact: str
    op: str
    expected: Any
    actual: Any
    negated: bool
    held: bool


def explain(
    condition: Condition, facts: Mapping[str, Any], params: Resolver, *, negated: bool = False
) -> tuple[bool, list[LeafOutcome]]:
    """Evaluate and return the leaves that decided the outcome.

    For a true condition: the leaves that made it true. For a false one: the leaves that made it false (in an
    ``all`` the first failing child, in an ``any`` every failing child). Under ``not`` roles swap.
    """
    if isinstance(condition, Leaf):
        raw = leaf_holds(condition, facts, params)
        outcome = LeafOutcome(
            fact=condition.fact,
            op=f"not {condition.op}" if negated else str(condition.op),
            expected=resolve(condition.value, params),
            actual=_stable(facts.get(condition.fact)),
            negated=negated,
            held=raw != negated,
        )
        return raw, [outcome]
    if isinstance(condition, Not):
        value, why = explain(condition.not_, facts, params, negated=not negated)
        return not value, why
    children = condition.all if isinstance(condition, All) else condition.any
    results = [explain(child, facts, params, negated=negated) for child in children]
    value = all(r for r, _ in results) if isinstance(condition, All) else any(r for r, _ in results)
    deciding = [why for r, why in results if r == value]
    if isinstance(condition, All) and not value:
        deciding = deciding[:1]
    if isinstance(condition, Any_) and value:
        deciding = deciding[:1]
    return value, [leaf for why in deciding for leaf in why]


def required_leaves(condition: Condition) -> list[Leaf]:
    """The leaves every match needs: those reached from the root through ``all`` nodes only."""
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, All):
        return [leaf for child in condition.all for leaf in required_leaves(child)]
    return []


def located_leaves(
    condition: Condition, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[Leaf, tuple[str | int, ...]]]:
    """Every leaf with its path inside the ``when`` mapping as written (``("all", 0, "any", 1)``)."""
    if isinstance(condition, Leaf):
        yield condition, loc
    elif isinstance(condition, All):
        for index, child in enumerate(condition.all):
            yield from located_leaves(child, (*loc, "all", index))
    elif isinstance(condition, Any_):
        for index, child in enumerate(condition.any):
            yield from located_leaves(child, (*loc, "any", index))
    else:
        yield from located_leaves(condition.not_, (*loc, "not"))


def _stable(value: Any) -> Any:
    """A set-valued fact in a fixed order: a trace must not change with the interpreter's hash seed."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return value
