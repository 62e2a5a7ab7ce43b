"""The durable compilation of conditions means exactly what the Python evaluator means, for every operator,
every fact type, negation, unknown (None) values and parameters that are or are not in force."""

from __future__ import annotations

import random
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from jubao.engine import Engine
from jubao.rules import FactType
from jubao.ruleset import RuleSource, load_ruleset
from jubao.ruletests import NEUTRAL_FEATURES
from tests.conftest import bundled_rules_copy

SEED = 20261123
RULES = 150
FACT_VECTORS = 1500
NUMERIC_PARAMS = ("policy.contacts_many", "collection.max_calls_per_number_per_day")  # the latter: from 2026-01-30


def _ops(kind: FactType) -> list[str]:
    return {
        FactType.BOOL: ["eq", "ne", "exists"],
        FactType.INT: ["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "exists"],
        FactType.NUMBER: ["eq", "ne", "lt", "lte", "gt", "gte", "exists"],
        FactType.ENUM: ["eq", "ne", "in", "not_in", "exists"],
        FactType.SET: ["contains", "not_contains", "contains_any", "exists"],
    }[kind]


def _leaf(rng: random.Random, facts: dict[str, Any]) -> dict[str, Any]:
    name = rng.choice(sorted(facts))
    spec = facts[name]
    op = rng.choice(_ops(spec.type))
    if op == "exists":
        return {"fact": name, op: rng.random() < 0.5}
    if spec.type is FactType.BOOL:
        return {"fact": name, op: rng.random() < 0.5}
    if spec.type in (FactType.INT, FactType.NUMBER):
        if op in ("in", "not_in"):
            return {"fact": name, op: rng.sample(range(0, 12), 3)}
        if spec.type is FactType.INT and op in ("lt", "lte", "gt", "gte") and rng.random() < 0.3:
            return {"fact": name, op: {"param": rng.choice(NUMERIC_PARAMS)}}
        numbers = (0, 1, 2, 6, 7, 10) if spec.type is FactType.INT else (0, 1, 2, 6, 7, 10, 36.5)
        return {"fact": name, op: rng.choice(numbers)}
    values = spec.values
    if op in ("in", "not_in", "contains_any"):
        return {"fact": name, op: rng.sample(values, min(2, len(values)))}
    return {"fact": name, op: rng.choice(values)}


def _condition(rng: random.Random, facts: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    roll = rng.random()
    if depth >= 3 or roll < 0.45:
        return _leaf(rng, facts)
    if roll < 0.65:
        return {"not": _condition(rng, facts, depth + 1)}
    key = "all" if roll < 0.85 else "any"
    return {key: [_condition(rng, facts, depth + 1) for _ in range(rng.randint(1, 3))]}


def _features(rng: random.Random, facts: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = dict(NEUTRAL_FEATURES)
    for name, spec in facts.items():
        if rng.random() < 0.15:
            values[name] = None
        elif spec.type is FactType.BOOL:
            values[name] = rng.random() < 0.5
        elif spec.type is FactType.INT:
            values[name] = rng.choice((0, 1, 2, 6, 7, 10, 12))
        elif spec.type is FactType.NUMBER:
            values[name] = rng.choice((0.0, 1.0, 7.0, 36.5, 100.0))
        elif spec.type is FactType.ENUM:
            values[name] = rng.choice(spec.values)
        else:
            values[name] = frozenset(rng.sample(spec.values, rng.randint(0, 3)))
    return values


def test_random_conditions_mean_the_same_in_durable_and_python(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    bundled = load_ruleset()
    features = {name: spec for name, spec in bundled.facts.items() if not spec.derived}
    rules = [
        {
            "id": f"fuzz.r{index}",
            "title": {"zh": "随机", "en": "random"},
            "when": _condition(rng, features),
            "then": {"characterisations": [{"id": "civil.privacy", "confidence": "possible"}]},
            "citations": [{"instrument": "test", "status": "policy"}],
        }
        for index in range(RULES)
    ]
    target = bundled_rules_copy(tmp_path, **{"fuzz.yaml": yaml.safe_dump({"rules": rules}, allow_unicode=True)})
    ruleset = load_ruleset([RuleSource("fuzz", target)])
    vectors = [_features(rng, features) for _ in range(FACT_VECTORS)]
    firing_counts = [0] * RULES
    with Engine(ruleset) as durable, Engine(ruleset, backend="python") as oracle:
        for vector in vectors:
            day = rng.choice((date(2025, 12, 1), date(2026, 6, 1)))  # before / after the six-call parameter
            got = [item.rule for item in durable.evaluate_features(vector, as_of=day, today=day).fired]
            want = [item.rule for item in oracle.evaluate_features(vector, as_of=day, today=day).fired]
            assert got == want, textwrap.shorten(f"{vector} on {day}", 500)
            for rule_id in got:
                firing_counts[int(rule_id.removeprefix("fuzz.r"))] += 1
    assert sum(1 for count in firing_counts if 0 < count < FACT_VECTORS) > RULES // 2, "conditions should vary"
