"""Tests of the example plugin, written with jubao's test kit (fixtures come from jubao's pytest plugin)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from jubao.plugins import build_documents
from jubao.ruletests import golden_test_files, run_all
from jubao.testing import assert_channel_conforms, assert_matches_snapshot

PLUGINS = ("guangdong_12345", "formats")


def test_channel_conforms(jubao_plugins_for, jubao_example_cases) -> None:
    plugins = jubao_plugins_for(*PLUGINS)
    assert_channel_conforms(plugins.channels["gd_12345"], plugins, jubao_example_cases)


def test_guangdong_microloan_cases_are_routed_here(jubao_engine_for, jubao_example_cases) -> None:
    engine = jubao_engine_for(*PLUGINS)
    routes = {route.channel: route.priority for route in engine.evaluate(jubao_example_cases[0]).routes}
    assert routes["gd_12345"] == 4
    assert "gd_12345" not in engine.evaluate(jubao_example_cases[2]).route_ids()  # unlicensed: police, not 12345


def test_golden_rule_tests(jubao_engine_for) -> None:
    engine = jubao_engine_for(*PLUGINS)
    run = run_all(engine, golden_test_files(files("jubao_guangdong_12345") / "rules", "guangdong_12345"))
    assert [o.failures for o in run.outcomes if not o.passed] == []
    assert len(run.outcomes) == 3


def test_call_notes_match_the_reviewed_snapshot(jubao_plugins_for, jubao_engine_for, jubao_example_cases) -> None:
    plugins = jubao_plugins_for(*PLUGINS)
    engine = jubao_engine_for(*PLUGINS)
    case = jubao_example_cases[0]
    (document,) = build_documents(plugins, "gd_12345", case, engine.evaluate(case))
    text = plugins.formats["md"].write(document).decode("utf-8")
    assert_matches_snapshot(text, Path(__file__).parent / "snapshots" / "call_notes.md")
