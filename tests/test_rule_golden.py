"""The golden rule tests in rules/tests, collected one pytest test per YAML test, and 100 % rule coverage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from jubao.engine import Engine
from jubao.ruleset import bundled_source
from jubao.ruletests import (
    Expect,
    LocatedTest,
    RuleTest,
    check,
    features_for,
    golden_test_files,
    load_tests,
    run_all,
    run_test,
)

TESTS, LOAD_PROBLEMS = load_tests(golden_test_files(bundled_source().root))


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with Engine() as shared:
        yield shared


def test_golden_files_load() -> None:
    assert [p.render() for p in LOAD_PROBLEMS] == []
    assert len(TESTS) >= 40


@pytest.mark.parametrize("located", TESTS, ids=lambda located: located.id)
def test_golden(engine: Engine, located: LocatedTest) -> None:
    outcome = run_test(engine, located)
    assert outcome.failures == []


def test_every_rule_is_fired_by_some_golden_test(engine: Engine) -> None:
    run = run_all(engine, golden_test_files(bundled_source().root))
    assert run.uncovered == []
    assert run.coverage == 100.0


def test_a_wrong_expectation_is_reported(engine: Engine) -> None:
    """The golden runner must be able to fail: each kind of expectation, deliberately wrong."""
    test = RuleTest(
        name="deliberately wrong",
        features={"lender_kind": "bank"},
        expect=Expect(
            facts={"regulator": "local_finance_bureau"},
            severity=3,
            routes=["police"],
            routes_include=["cac_12377"],
            routes_exclude=["lender_complaint"],
            route_priorities={"nfra_12378": 1},
            characterisations=["civil.privacy"],
            fired_include=["lender.unlicensed"],
            fired_exclude=["lender.bank"],
        ),
    )
    failures = run_test(engine, LocatedTest(file="x", line=1, test=test)).failures
    assert len(failures) == 9, failures


def test_check_compares_lists_regardless_of_order(engine: Engine) -> None:
    test = RuleTest(name="x", features={"lender_kind": "unknown", "term_days": 7, "upfront_deduction_ratio": 0.3},
                    expect=Expect())  # fmt: skip
    day = date(2026, 1, 1)
    result = engine.evaluate_features(features_for(test, engine.ruleset), as_of=day, today=day)
    assert check(result, Expect(facts={"illegal_debt_indicators": ["upfront_deduction", "term_714"]})) == []
