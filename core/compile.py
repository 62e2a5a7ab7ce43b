"""Compile validated rules into durable_rules JSON rulesets, and encode facts for them.

Each stratum becomes one ruleset in which every rule matches a single fact: the case, carrying its features, the
derived facts of earlier strata, the evaluation date and the parameter values in force on it. ``not`` is pushed
down to the leaves (De Morgan), and every leaf is compiled so that an unknown fact (absent property) behaves
exactly as in ``jubao.conditions`` — the Python evaluator the differential tests compare against.

Property names are prefixed so that no fact can collide with durable's own keys (``sid``, ``id``) or our type tag:
``f_<fact>`` for facts, ``s_<fact>__<value>`` for members of set facts, ``p_<param>`` for parameters, ``as_of``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from jubao.conditions import ORDER_OPS, All, Condition, Leaf, Not, Op, ParamRef, leaves
from jubao.rules import FactSpec, FactType, Rule

CASE_TAG = "case"
SENTINEL_TAG = "$sentinel"
SENTINEL_RULE = "sentinel"
AS_OF = "as_of"

Json = dict[str, Any]

_CMP = {Op.LT: "$lt", Op.LTE: "$lte", Op.GT: "$gt", Op.GTE: "$gte"}
_FLIP = {Op.LT: Op.GTE, Op.LTE: Op.GT, Op.GT: Op.LTE, Op.GTE: Op.LT}


def fact_property(name: str) -> str:
    return f"f_{name}"


def member_property(name: str, value: str) -> str:
    return f"s_{name}__{value}"


def param_property(name: str) -> str:
    return "p_" + name.replace(".", "__")


def membership_property(fact: str, values: Iterable[object]) -> str:
    """The property holding "the fact's value (or, for a set, one of its members) is among ``values``".

    ``in`` and ``contains_any`` are computed by the encoder into one boolean per distinct value list instead of
    being compiled to ``$or`` branches: durable fires a rule once per matching branch and keeps every branch
    pending on its 64-entry stack, so one property per list means fewer firings and fewer shards."""
    digest = hashlib.sha1(repr(sorted(map(str, values))).encode(), usedforsecurity=False).hexdigest()[:10]
    return f"m_{fact}__{digest}"


def rule_key(index: int) -> str:
    """durable's name for the rule at ``index`` of its stratum (ids may hold characters durable dislikes)."""
    return f"r{index}"


def _ex(prop: str) -> Json:
    return {"$ex": {prop: 1}}


def _nex(prop: str) -> Json:
    return {"$nex": {prop: 1}}


def _and(parts: list[Json]) -> Json:
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _or(parts: list[Json]) -> Json:
    return parts[0] if len(parts) == 1 else {"$or": parts}


class Compiler:
    """Compiles conditions against a fact catalogue."""

    def __init__(self, facts: Mapping[str, FactSpec]) -> None:
        self.facts = facts

    def condition(self, condition: Condition, negated: bool = False) -> Json:
        if isinstance(condition, Leaf):
            return self.leaf(condition, negated)
        if isinstance(condition, Not):
            return self.condition(condition.not_, not negated)
        children = condition.all if isinstance(condition, All) else condition.any
        parts = [self.condition(child, negated) for child in children]
        conjunctive = isinstance(condition, All) != negated
        return _and(parts) if conjunctive else _or(parts)

    def leaf(self, leaf: Leaf, negated: bool) -> Json:
        spec = self.facts[leaf.fact]
        if spec.type is FactType.SET and leaf.op is not Op.EXISTS:
            return self._set_leaf(leaf, negated)
        prop = fact_property(leaf.fact)
        if leaf.op is Op.EXISTS:
            present = leaf.value is True
            return _ex(prop) if present != negated else _nex(prop)
        if isinstance(leaf.value, ParamRef):
            return self._param_leaf(leaf, prop, negated)
        op = leaf.op
        if op is Op.EQ:
            return _or([_nex(prop), {"$neq": {prop: leaf.value}}]) if negated else _and([_ex(prop), {prop: leaf.value}])
        if op is Op.NE:
            return self.leaf(leaf.model_copy(update={"op": Op.EQ}), not negated)
        if op in ORDER_OPS:
            if negated:
                return _or([_nex(prop), {_CMP[_FLIP[op]]: {prop: leaf.value}}])
            return _and([_ex(prop), {_CMP[op]: {prop: leaf.value}}])
        values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
        if op is Op.IN:
            member = membership_property(leaf.fact, values)
            return _nex(member) if negated else {member: True}
        if op is Op.NOT_IN:
            return self.leaf(leaf.model_copy(update={"op": Op.IN}), not negated)
        raise ValueError(f"operator {op} does not apply to {spec.type} facts")

    def _param_leaf(self, leaf: Leaf, prop: str, negated: bool) -> Json:
        """A leaf comparing a fact to a parameter; if the parameter has no value that day, the leaf is false."""
        assert isinstance(leaf.value, ParamRef)
        param = param_property(leaf.value.param)
        other = {"$m": param}
        op = leaf.op
        if op is Op.NE:
            raw = _and([_ex(param), _or([_nex(prop), {"$neq": {prop: other}}])])
            anti = _or([_nex(param), _and([_ex(prop), {prop: other}])])
        elif op is Op.EQ:
            raw = _and([_ex(param), _ex(prop), {prop: other}])
            anti = _or([_nex(param), _nex(prop), {"$neq": {prop: other}}])
        elif op in ORDER_OPS:
            raw = _and([_ex(param), _ex(prop), {_CMP[op]: {prop: other}}])
            anti = _or([_nex(param), _nex(prop), {_CMP[_FLIP[op]]: {prop: other}}])
        else:
            raise ValueError(f"parameters cannot be used with '{op}'")
        return anti if negated else raw

    def _set_leaf(self, leaf: Leaf, negated: bool) -> Json:
        """Only members present are encoded (as ``s_<fact>__<member>: true``): an absent member property means
        "not contained" whether the set is known or unknown, which is exactly the Python semantics."""
        values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
        if leaf.op is Op.CONTAINS_ANY and len(values) > 1:
            member = membership_property(leaf.fact, values)
            return _nex(member) if negated else {member: True}
        members = [member_property(leaf.fact, str(v)) for v in values]
        contains = leaf.op in (Op.CONTAINS, Op.CONTAINS_ANY)
        if contains != negated:
            return _or([{m: True} for m in members])
        return _and([_nex(m) for m in members])

    def rule(self, rule: Rule) -> Json:
        """The single pattern of ``rule``: tagged as a case fact, within its dates, meeting its condition."""
        parts: list[Json] = [{"t": CASE_TAG}]
        if rule.effective_from is not None:
            parts.append({"$gte": {AS_OF: rule.effective_from.toordinal()}})
        if rule.effective_to is not None:
            parts.append({"$lte": {AS_OF: rule.effective_to.toordinal()}})
        compiled = self.condition(rule.when)
        parts.extend(compiled.get("$and", [compiled]))
        return {"all": [{"m": {"$and": parts}}]}

    def ruleset(self, rules: Iterable[Rule], positions: Iterable[int] | None = None) -> Json:
        """A durable ruleset for (a shard of) one stratum, plus the sentinel rule (see ``jubao.engine``).

        Rules are keyed by their position in the stratum, so a shard's firings map straight back."""
        rules = list(rules)
        chosen = list(positions) if positions is not None else list(range(len(rules)))
        definition: Json = {rule_key(i): self.rule(rules[i]) for i in chosen}
        definition[SENTINEL_RULE] = {"all": [{"m": {"t": SENTINEL_TAG}}]}
        return definition


def properties_read(rules: Iterable[Rule], facts: Mapping[str, FactSpec]) -> tuple[list[str], list[str]]:
    """The facts and parameters a stratum reads, so that only those are encoded into its fact."""
    fact_names: set[str] = set()
    params: set[str] = set()
    for rule in rules:
        for leaf in leaves(rule.when):
            fact_names.add(leaf.fact)
            if isinstance(leaf.value, ParamRef):
                params.add(leaf.value.param)
    return sorted(fact_names), sorted(params)


class FactEncoder:
    """Encodes a case's values as the durable fact for one shard: only what its rules read, property names
    worked out once (it runs for every case), unknown values left out."""

    def __init__(self, rules: Iterable[Rule], facts: Mapping[str, FactSpec]) -> None:
        rules = list(rules)
        names, params = properties_read(rules, facts)
        memberships: dict[str, tuple[str, frozenset[object], bool]] = {}
        for rule in rules:
            for leaf in leaves(rule.when):
                if isinstance(leaf.value, list) and (
                    leaf.op in (Op.IN, Op.NOT_IN) or (leaf.op is Op.CONTAINS_ANY and len(leaf.value) > 1)
                ):
                    prop = membership_property(leaf.fact, leaf.value)
                    memberships[prop] = (leaf.fact, frozenset(leaf.value), facts[leaf.fact].type is FactType.SET)
        self._memberships = sorted(memberships.items())
        self._scalars = [(n, fact_property(n)) for n in names if facts[n].type is not FactType.SET]
        self._sets = [
            (n, fact_property(n), [(m, member_property(n, m)) for m in facts[n].values or []])
            for n in names
            if facts[n].type is FactType.SET
        ]
        self._params = [(n, param_property(n)) for n in params]

    def encode(self, values: Mapping[str, Any], param_values: Mapping[str, Any], as_of: date) -> Json:
        encoded: Json = {"id": CASE_TAG, "t": CASE_TAG, AS_OF: as_of.toordinal()}
        for name, prop in self._scalars:
            value = values.get(name)
            if value is not None:
                encoded[prop] = value
        for name, prop, members in self._sets:
            members_present = values.get(name)
            if members_present is not None:
                encoded[prop] = True
                for member, member_prop in members:
                    if member in members_present:
                        encoded[member_prop] = True
        for name, prop in self._params:
            value = param_values.get(name)
            if value is not None:
                encoded[prop] = value
        for prop, (name, wanted, is_set) in self._memberships:
            value = values.get(name)
            if value is not None and (not wanted.isdisjoint(value) if is_set else value in wanted):
                encoded[prop] = True
        return encoded


MAX_BRANCHES = 64
"""durable_rules walks its alpha network with a fixed stack of 64 pending nodes (``MAX_STACK_SIZE`` in its
events.c) and refuses a fact with error 303 when more are pending. Pending nodes are bounded by the number of
alternative paths (DNF branches) through a ruleset's patterns, so jubao keeps every durable ruleset at or under
this many branches — splitting a stratum into shards — and refuses a single rule with more."""


def branch_count(pattern: Json) -> int:
    """Alternative paths through a compiled pattern: ``$and`` multiplies, ``$or`` adds."""
    if "$and" in pattern:
        total = 1
        for part in pattern["$and"]:
            total *= branch_count(part)
        return total
    if "$or" in pattern:
        return sum(branch_count(part) for part in pattern["$or"])
    return 1


def rule_branches(compiler: Compiler, rule: Rule) -> int:
    return branch_count(compiler.rule(rule)["all"][0]["m"])


def shard(compiler: Compiler, rules: tuple[Rule, ...], limit: int = MAX_BRANCHES) -> list[list[int]]:
    """Split a stratum's rule positions into groups of at most ``limit`` branches, keeping file order."""
    shards: list[list[int]] = [[]]
    used = 0
    for position, rule in enumerate(rules):
        branches = rule_branches(compiler, rule)
        if shards[-1] and used + branches > limit:
            shards.append([])
            used = 0
        shards[-1].append(position)
        used += branches
    return [group for group in shards if group]
