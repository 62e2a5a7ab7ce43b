"""Tests of the example plugin, written with jubao's test kit (fixtures come from jubao's pytest plugin)."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path

from jubao.testing import assert_channel_conforms, assert_matches_snapshot, assert_rule_tests_pass, documents_for

PLUGINS = ("guangdong_12345", "formats")
TODAY = date(2026, 11, 20)


def test_channel_conforms(jubao_plugins_for, jubao_example_cases) -> None:
    plugins = jubao_plugins_for(*PLUGINS)
    assert_channel_conforms(plugins.channels["gd_12345"], plugins, jubao_example_cases)


def test_guangdong_microloan_cases_are_routed_here(jubao_engine_for, jubao_example_cases) -> None:
    engine = jubao_engine_for(*PLUGINS)
    routes = {route.channel: route.priority for route in engine.evaluate(jubao_example_cases[0], today=TODAY).routes}
    assert routes["gd_12345"] == 4
    unlicensed = engine.evaluate(jubao_example_cases[2], today=TODAY)
    assert "gd_12345" not in unlicensed.route_ids()  # police, not 12345


def test_golden_rule_tests(jubao_engine_for) -> None:
    run = assert_rule_tests_pass(
        jubao_engine_for(*PLUGINS), files("jubao_guangdong_12345") / "rules", "guangdong_12345"
    )
    assert len(run.outcomes) == 3


def test_call_notes_match_the_reviewed_snapshot(jubao_plugins_for, jubao_example_cases) -> None:
    plugins = jubao_plugins_for(*PLUGINS)
    (document,) = documents_for(plugins, "gd_12345", jubao_example_cases[0], today=TODAY)
    text = plugins.formats["md"].write(document).decode("utf-8")
    assert_matches_snapshot(text, Path(__file__).parent / "snapshots" / "call_notes.md")
