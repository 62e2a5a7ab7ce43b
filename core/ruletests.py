"""Golden rule tests: YAML cases with expected conclusions, and rule coverage (OPA ``test --coverage`` style).

A test gives either a whole ``case`` (as in a case file) or only the ``features`` a rule looks at (the others take
neutral defaults), an optional ``as_of``/``today``, and what to ``expect``. The files live in rules/tests/ (and, for
plugins, in their own rule directories' tests/); pytest collects them through tests/test_rule_golden.py and
``jubao rules test`` runs them with coverage: the share of rules that at least one test fires.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib.resources.abc import Traversable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jubao.case import Case
from jubao.engine import Engine
from jubao.evaluation import Evaluation
from jubao.problems import problems_from_validation_error
from jubao.rules import FactType
from jubao.ruleset import RuleProblem, RuleSet
from jubao.sourcemap import SourceError, parse_yaml

DEFAULT_DAY = date(2026, 11, 20)

NEUTRAL_FEATURES: dict[str, Any] = {
    "reporter_role": "borrower",
    "lender_kind": "unknown",
    "funding_kind": "none",
    "lender_named": True,
    "lender_has_app": False,
    "annual_rate_percent": None,
    "term_days": None,
    "upfront_deduction_ratio": None,
    "debt_disputed": False,
    "contact_list_consent": "unknown",
    "mediums": [],
    "behaviours": [],
    "behaviours_to_third_parties": [],
    "third_parties_reached": False,
    "contacts_reached": 0,
    "contacts_exposed": None,
    "relations_reached": [],
    "only_guarantors_or_emergency_contacts": False,
    "night_contact_to_borrower": False,
    "night_contact": False,
    "max_calls_per_target_per_day": 0,
    "incidents_total": 1,
    "days_since_last_incident": 100,
    "prior_channels": [],
    "continued_after_12321_report": False,
    "collector_agency_named": False,
    "wants": [],
    "reporter_province": "beijing",
    "carrier_complaint_status": "none",
    "episodes": 1,
    "months_unreported_to_police": 3,
    "repeated_behaviours": [],
}
"""A borrower-only case with nothing abusive: what a features-only test starts from."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Model):
    """What a test expects. Every key given is checked; keys not given are not."""

    facts: dict[str, Any] = {}
    severity: int | None = Field(default=None, ge=0, le=4)
    routes: list[str] | None = None
    """Exactly these channels, in this order (priority, then catalogue order)."""
    routes_include: list[str] = []
    routes_exclude: list[str] = []
    route_priorities: dict[str, int] = {}
    characterisations: list[str] | None = None
    """Exactly these characterisation ids (any order)."""
    characterisations_include: list[str] = []
    characterisations_exclude: list[str] = []
    fired_include: list[str] = []
    fired_exclude: list[str] = []


class RuleTest(_Model):
    name: str = Field(min_length=1)
    case: dict[str, Any] | None = None
    features: dict[str, Any] | None = None
    as_of: date | None = None
    today: date = DEFAULT_DAY
    expect: Expect

    @model_validator(mode="after")
    def _one_input(self) -> RuleTest:
        if (self.case is None) == (self.features is None):
            raise ValueError("give exactly one of 'case' or 'features'")
        return self


class RuleTestFile(_Model):
    tests: list[RuleTest] = Field(min_length=1)


@dataclass(frozen=True)
class LocatedTest:
    file: str
    line: int | None
    test: RuleTest

    @property
    def id(self) -> str:
        return f"{self.file}::{self.test.name}"


@dataclass
class GoldenOutcome:
    test: LocatedTest
    failures: list[str]
    fired: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class GoldenRun:
    outcomes: list[GoldenOutcome]
    rule_ids: list[str]
    load_problems: list[RuleProblem] = field(default_factory=list)

    @property
    def fired(self) -> set[str]:
        return {rule for outcome in self.outcomes for rule in outcome.fired}

    @property
    def uncovered(self) -> list[str]:
        fired = self.fired
        return [rule for rule in self.rule_ids if rule not in fired]

    @property
    def coverage(self) -> float:
        return 100.0 * (len(self.rule_ids) - len(self.uncovered)) / len(self.rule_ids) if self.rule_ids else 100.0


def golden_test_files(root: Traversable, label: str = "jubao") -> Iterator[tuple[str, Traversable]]:
    tests_dir = root.joinpath("tests")
    if not tests_dir.is_dir():
        return
    for item in sorted(tests_dir.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith((".yaml", ".yml")):
            yield f"{label}:tests/{item.name}", item


def load_tests(files: Iterable[tuple[str, Traversable]]) -> tuple[list[LocatedTest], list[RuleProblem]]:
    tests: list[LocatedTest] = []
    problems: list[RuleProblem] = []
    for label, item in files:
        try:
            document = parse_yaml(item.read_text(encoding="utf-8"), allow_aliases=True)
        except SourceError as exc:
            problems.append(
                RuleProblem(code=exc.code, file=label, line=exc.line, detail=str(exc.params.get("detail", exc.code)))
            )
            continue
        try:
            parsed = RuleTestFile.model_validate(document.data)
        except ValidationError as exc:
            for problem in problems_from_validation_error(exc, RuleTestFile):
                position = document.position_of(problem.at or problem.loc)
                problems.append(RuleProblem(code=problem.code, loc=problem.loc, file=label,
                                            line=position[0] if position else None,
                                            detail=f"{problem.message('en')} [{problem.path}]"))  # fmt: skip
            continue
        for index, test in enumerate(parsed.tests):
            position = document.position_of(("tests", index))
            tests.append(LocatedTest(file=label, line=position[0] if position else None, test=test))
    return tests, problems


def features_for(test: RuleTest, ruleset: RuleSet) -> dict[str, Any]:
    """The test's features over a neutral case; jubao's and the loaded plugins' features may be given."""
    features = {name for name, spec in ruleset.facts.items() if not spec.derived}
    unknown = sorted(set(test.features or {}) - features)
    if unknown:
        raise ValueError(f"unknown features {unknown}")
    values = {**NEUTRAL_FEATURES, **(test.features or {})}
    for name, spec in ruleset.facts.items():  # a plugin's features: unknown unless the test gives them
        if not spec.derived:
            values.setdefault(name, None)
    for name, value in values.items():
        if ruleset.facts[name].type is FactType.SET and value is not None:
            values[name] = frozenset(value)
    return values


def run_test(engine: Engine, located: LocatedTest) -> GoldenOutcome:
    test = located.test
    try:
        if test.case is not None:
            case = Case.model_validate(test.case)
            evaluation = engine.evaluate(case, as_of=test.as_of, today=test.today)
        else:
            evaluation = engine.evaluate_features(
                features_for(test, engine.ruleset), as_of=test.as_of or test.today, today=test.today
            )
    except (ValidationError, ValueError) as exc:
        return GoldenOutcome(located, [f"input is invalid: {exc}"], [])
    return GoldenOutcome(located, check(evaluation, test.expect), [item.rule for item in evaluation.fired])


def check(evaluation: Evaluation, expect: Expect) -> list[str]:
    """Every way ``evaluation`` differs from ``expect``, as readable sentences."""
    failures: list[str] = []
    for name, expected in expect.facts.items():
        actual = evaluation.facts.get(name, evaluation.features.get(name))
        if isinstance(actual, list) and isinstance(expected, list):
            actual, expected = sorted(actual), sorted(expected)  # noqa: PLW2901 - compare lists as sets
        if actual != expected:
            failures.append(f"fact {name}: expected {expected!r}, got {actual!r}")
    if expect.severity is not None and evaluation.severity.level != expect.severity:
        failures.append(f"severity: expected S{expect.severity}, got S{evaluation.severity.level}")
    routes = evaluation.route_ids()
    if expect.routes is not None and routes != expect.routes:
        failures.append(f"routes: expected {expect.routes}, got {routes}")
    failures += [f"route {c} expected but missing" for c in expect.routes_include if c not in routes]
    failures += [f"route {c} present but excluded" for c in expect.routes_exclude if c in routes]
    priorities = {route.channel: route.priority for route in evaluation.routes}
    for channel, priority in expect.route_priorities.items():
        if priorities.get(channel) != priority:
            failures.append(f"route {channel}: expected priority {priority}, got {priorities.get(channel)}")
    found = [item.id for item in evaluation.characterisations]
    if expect.characterisations is not None and sorted(found) != sorted(expect.characterisations):
        failures.append(f"characterisations: expected {sorted(expect.characterisations)}, got {sorted(found)}")
    failures += [
        f"characterisation {c} expected but missing" for c in expect.characterisations_include if c not in found
    ]
    failures += [f"characterisation {c} present but excluded" for c in expect.characterisations_exclude if c in found]
    fired = [item.rule for item in evaluation.fired]
    failures += [f"rule {r} expected to fire" for r in expect.fired_include if r not in fired]
    failures += [f"rule {r} fired but should not" for r in expect.fired_exclude if r in fired]
    return failures


def run_all(engine: Engine, files: Iterable[tuple[str, Traversable]]) -> GoldenRun:
    tests, problems = load_tests(files)
    outcomes = [run_test(engine, located) for located in tests]
    return GoldenRun(outcomes=outcomes, rule_ids=[rule.id for rule in engine.ruleset.rules], load_problems=problems)
