"""The engine's promises to embedders: isolation, determinism, thread safety, agreement with the Python oracle,
errors as jubao's own exceptions, and resources released."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from jubao import load_case
from jubao.engine import ConflictError, Engine, EngineClosedError
from jubao.evaluation import Evaluation, RouteResult, fast_construct
from jubao.generate import random_cases
from jubao.ruleset import RuleSource, load_ruleset
from jubao.ruletests import NEUTRAL_FEATURES
from tests.conftest import EXAMPLES, bundled_rules_copy, example_cases

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with Engine() as shared:
        yield shared


def _evaluate_alone(case_index_and_case: tuple[int, object]) -> Evaluation:
    with Engine() as fresh:
        return fresh.evaluate(case_index_and_case[1], today=TODAY)  # type: ignore[arg-type]


@pytest.mark.slow
def test_ten_thousand_cases_in_one_engine_equal_each_evaluated_alone(engine: Engine) -> None:
    """No state leaks from one case to the next (durable sessions are reused; memoised results are shared)."""
    cases = list(random_cases(10_000, seed=101))
    together = [engine.evaluate(case, today=TODAY) for case in cases]
    # Evaluating each of 10,000 cases in its own Engine would take minutes (compiling rules is the expensive
    # part); a fresh engine for every 25th case, plus a second shared engine in reverse order, covers both.
    for index in range(0, len(cases), 25):
        assert _evaluate_alone((index, cases[index])) == together[index], index
    with Engine() as other:
        backwards = [other.evaluate(case, today=TODAY) for case in reversed(cases)][::-1]
    assert backwards == together


def test_thread_pool_gives_the_same_results_as_serial(engine: Engine) -> None:
    cases = list(random_cases(1_500, seed=202))
    serial = [engine.evaluate(case, today=TODAY) for case in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda case: engine.evaluate(case, today=TODAY), cases))
    assert parallel == serial


def test_a_long_running_engine_does_not_grow_with_the_cases_it_has_seen() -> None:
    """``jubao serve`` and batch workers keep one engine for their whole life: what it shares between cases must
    depend on the rule set, not on how many different cases it has evaluated. (Whole results keyed by every rule
    that fired grew ~9 KB with nearly every new case, to ~400 MiB.)"""
    first, second = list(random_cases(400, seed=404)), list(random_cases(400, seed=405))
    with Engine() as engine:
        for case in first:
            engine.evaluate(case, today=TODAY)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.take_snapshot()
            for case in second:
                engine.evaluate(case, today=TODAY)
            gc.collect()
            grown = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename"))
        finally:
            tracemalloc.stop()
    assert grown < 256 * 1024, f"{grown / 1024:.0f} KiB kept after 400 new cases"


def test_durable_agrees_with_the_python_oracle_on_random_cases(engine: Engine) -> None:
    cases = list(random_cases(3_000, seed=303))
    fired: set[str] = set()
    with Engine(backend="python") as oracle:
        for case in cases:
            result = engine.evaluate(case, today=TODAY)
            assert result == oracle.evaluate(case, today=TODAY)
            fired |= {item.rule for item in result.fired}
    assert fired == {rule.id for rule in engine.ruleset.rules}, "the sample should exercise every rule"


def test_results_are_deterministic_and_stamped(engine: Engine) -> None:
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    first = engine.evaluate(case, today=TODAY)
    assert engine.evaluate(case, today=TODAY).model_dump_json() == first.model_dump_json()
    assert first.ruleset_hash == engine.ruleset.content_hash
    assert len(first.ruleset_hash) == 64
    assert first.ruleset_version.endswith(first.ruleset_hash[:12])
    assert first.format == "jubao.evaluation/1"


def test_fast_constructed_results_equal_validated_ones(engine: Engine) -> None:
    """Results skip validation on the hot path; they must be exactly what validation would build."""
    for path in example_cases():
        result = engine.evaluate(load_case(path), today=TODAY)
        assert Evaluation.model_validate_json(result.model_dump_json()) == result
    direct = fast_construct(RouteResult, channel="police", name=result.routes[0].name, priority=1, modes=(), reasons=())
    assert RouteResult.model_validate(direct.model_dump()) == direct


def test_as_of_selects_the_law_in_force(engine: Engine) -> None:
    """Conduct ending before 2026-01-01 falls under old Art. 42(5); after, under new Art. 50(1)(5)."""
    case = load_case(EXAMPLES / "unlicensed-714-threats.yaml")
    old = {item.rule for item in engine.evaluate(case, as_of=date(2025, 12, 21), today=TODAY).fired}
    new = {item.rule for item in engine.evaluate(case, today=TODAY).fired}
    assert "legal.public_order.harassment.2012" in old
    assert "legal.public_order.harassment.2026" not in old
    assert "legal.public_order.harassment.2026" in new
    assert "legal.public_order.harassment.2012" not in new
    assert engine.evaluate(case, today=TODAY).as_of == date(2026, 1, 6)  # default: the latest incident


def test_a_case_that_matches_nothing_gives_an_empty_result(tmp_path: Path) -> None:
    rules = bundled_rules_copy(tmp_path)
    (rules / "only.yaml").write_text(textwrap.dedent("""\
        rules:
          - id: only.extortion
            title: {zh: 敲诈, en: extortion}
            when: {fact: behaviours, contains: extortion}
            then: {routes: [{channel: police, priority: 1, reason: {zh: 报警, en: police}}]}
            citations: [{instrument: 刑法, status: V}]
        """), encoding="utf-8")  # fmt: skip
    with Engine(load_ruleset([RuleSource("test", rules)])) as small:
        result = small.evaluate(load_case(EXAMPLES / "night-calls-borrower-only.yaml"), today=TODAY)
    assert result.routes == ()
    assert result.fired == ()
    assert result.severity.level == 0


def test_contradicting_rules_raise_jubaos_own_error(tmp_path: Path) -> None:
    rules = bundled_rules_copy(tmp_path)
    (rules / "clash.yaml").write_text(textwrap.dedent("""\
        rules:
          - id: clash.a
            title: {zh: 甲, en: a}
            when: {fact: reporter_role, eq: borrower}
            then: {set: {regulator: nfra}}
            citations: [{instrument: x, status: policy}]
          - id: clash.b
            title: {zh: 乙, en: b}
            when: {fact: reporter_role, eq: borrower}
            then: {set: {regulator: none}}
            citations: [{instrument: x, status: policy}]
        """), encoding="utf-8")  # fmt: skip
    with Engine(load_ruleset([RuleSource("test", rules)])) as clashing, pytest.raises(ConflictError, match=r"clash\.a"):
        clashing.evaluate(load_case(EXAMPLES / "night-calls-borrower-only.yaml"), today=TODAY)


def test_a_closed_engine_refuses_politely() -> None:
    engine = Engine()
    engine.close()
    engine.close()  # idempotent
    with pytest.raises(EngineClosedError):
        engine.evaluate(load_case(EXAMPLES / "night-calls-borrower-only.yaml"), today=TODAY)


def test_engine_survives_durables_heap_bug_and_frees_its_rulesets() -> None:
    """durable 2.0.28 frees uninitialised pointers when a session where nothing fired is deleted. With glibc's
    perturb tunable every fresh allocation holds garbage, so without jubao's sentinel this run crashes."""
    script = textwrap.dedent("""\
        from datetime import date
        from jubao.engine import Engine
        from jubao.generate import random_cases
        cases = list(random_cases(300, seed=9))
        for round_ in range(3):                      # engines built and closed repeatedly in one process
            with Engine() as engine:
                for case in cases:
                    engine.evaluate(case, today=date(2026, 11, 20))
        print("ok")
        """)  # fmt: skip
    env = {**os.environ, "GLIBC_TUNABLES": "glibc.malloc.perturb=165"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_evaluation_json_holds_no_personal_data(engine: Engine) -> None:
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    dumped = engine.explain(case, today=TODAY).model_dump_json()
    for secret in ("王晓明", "赵人事", "13800000101", "1055550110", "17000000201", "示例路"):
        assert secret not in dumped
    assert json.loads(dumped)["format"] == "jubao.trace/1"


def test_a_case_with_every_behaviour_and_medium_evaluates(engine: Engine) -> None:
    """The most property-rich fact activates the most alpha nodes at once: it must stay within durable's stack."""
    worst = dict(NEUTRAL_FEATURES)
    for name, spec in engine.ruleset.facts.items():
        if not spec.derived and spec.type.value == "set":
            worst[name] = frozenset(spec.values or [])
    worst.update(third_parties_reached=True, contacts_reached=80, night_contact=True, lender_has_app=True,
                 max_calls_per_target_per_day=20, contacts_exposed=6000, days_since_last_incident=1)  # fmt: skip
    result = engine.evaluate_features(worst, as_of=date(2026, 6, 1), today=date(2026, 6, 1))
    assert result.severity.level == 4
    with Engine(backend="python") as oracle:
        assert oracle.evaluate_features(worst, as_of=date(2026, 6, 1), today=date(2026, 6, 1)) == result
