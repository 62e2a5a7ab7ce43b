"""The plugin contract through the same entry points a third-party plugin uses: discovery, isolation, strict
mode, disabling, validation at registration, and plugin rules routing to plugin channels."""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from datetime import date
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jubao import Channel, Document, DraftingContext, Provenance, Scope, Text, hookimpl, load_case
from jubao.channel import FilingKind, FilingMethod, RequiredField
from jubao.cli.main import cli
from jubao.documents_api import MARKDOWN
from jubao.engine import Engine
from jubao.plugins import PluginError, build_documents, load_plugins
from jubao.rules import Verification
from tests.conftest import EXAMPLES


def channel(channel_id: str = "test_channel", **overrides: Any) -> Channel:
    data: dict[str, Any] = {
        "id": channel_id,
        "name": Text(zh="测试渠道", en="test channel"),
        "authority": Text(zh="测试", en="test"),
        "scope": Scope(accepts=[Text(zh="测试", en="test")]),
        "filing": [FilingMethod(kind=FilingKind.PHONE, address="12345", status=Verification.VERIFIED)],
        "provenance": Provenance(sources=["test"], last_verified=date(2026, 11, 1), status=Verification.VERIFIED),
        **overrides,
    }
    return Channel(**data)


def plugin_module(name: str, **hooks: Callable[..., Any]) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


def registering(*channels: Any) -> Callable[..., None]:
    def register_channels(register: Callable[[Any], None]) -> None:
        for item in channels:
            register(item)

    return register_channels


def test_register_channels_hook_adds_a_validated_channel() -> None:
    good = plugin_module("good", register_channels=registering(channel()))
    loaded = load_plugins(entry_points_group=None, extra=[("good", good)])
    assert loaded.errors == []
    assert loaded.channels["test_channel"].name.zh == "测试渠道"
    assert loaded.channel_owner["test_channel"] == "good"


def test_builtin_plugins_come_through_the_entry_point_group() -> None:
    loaded = load_plugins()
    formats = next(info for info in loaded.plugins if info.name == "formats")
    assert formats.distribution == "jubao"
    assert formats.hooks == ("register_document_formats",)
    assert set(loaded.formats) >= {"md", "txt"}


def test_register_document_formats_hook() -> None:
    extra = MARKDOWN.model_copy(update={"id": "md2"})
    loaded = load_plugins(
        entry_points_group=None,
        extra=[("f", plugin_module("f", register_document_formats=lambda register: register(extra)))],
    )
    assert loaded.format_owner["md2"] == "f"


def test_a_broken_plugin_is_one_line_and_the_others_keep_working(monkeypatch: pytest.MonkeyPatch) -> None:
    good = plugin_module("good", register_channels=registering(channel("good_channel")))
    points = [EntryPoint("missing", "no_such_module_for_jubao", "jubao"), EntryPoint("good", "x", "jubao")]
    monkeypatch.setattr("jubao.plugins.entry_points", lambda group: points if group == "jubao" else [])
    real_load = EntryPoint.load
    monkeypatch.setattr(EntryPoint, "load", lambda self: good if self.name == "good" else real_load(self))
    loaded = load_plugins()
    assert [(e.plugin, e.message.split(":")[0]) for e in loaded.errors] == [
        ("missing", "failed to import no_such_module_for_jubao")
    ]
    assert "\n" not in str(loaded.errors[0])
    assert "good_channel" in loaded.channels


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (plugin_module("typo", register_channel=lambda register: None), "unknown hook"),
        (
            plugin_module("raises", register_channels=lambda register: 1 / 0),
            "register_channels failed: ZeroDivisionError",
        ),
        (plugin_module("bad", register_channels=registering({"id": "Bad Id"})), "invalid channel"),
        (
            plugin_module("noprov", register_channels=registering(channel().model_dump(exclude={"provenance"}))),
            "provenance",
        ),
        (plugin_module("rules", rule_sources=lambda: ["/no/such/dir"]), "is not a directory"),
    ],
    ids=["misspelt hook", "hook raises", "invalid channel", "missing provenance", "bad rule source"],
)
def test_plugin_problems_are_reported_by_name(plugin: types.ModuleType, expected: str) -> None:
    good = plugin_module("good", register_channels=registering(channel("good_channel")))
    loaded = load_plugins(entry_points_group=None, extra=[(plugin.__name__, plugin), ("good", good)])
    assert [error.plugin for error in loaded.errors] == [plugin.__name__]
    assert expected in loaded.errors[0].message
    assert "good_channel" in loaded.channels
    with pytest.raises(PluginError, match=plugin.__name__):
        load_plugins(entry_points_group=None, strict=True, extra=[(plugin.__name__, plugin)])


def test_duplicate_channel_ids_name_both_plugins() -> None:
    first = plugin_module("first", register_channels=registering(channel("same")))
    second = plugin_module("second", register_channels=registering(channel("same")))
    loaded = load_plugins(entry_points_group=None, extra=[("first", first), ("second", second)])
    (error,) = loaded.errors
    assert error.plugin == "second"
    assert "same (already registered by first)" in error.message
    assert loaded.channel_owner["same"] == "first"


def test_plugins_can_be_disabled_by_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    one = plugin_module("one", register_channels=registering(channel("one_channel")))
    two = plugin_module("two", register_channels=registering(channel("two_channel")))
    extra = [("one", one), ("two", two)]
    assert set(load_plugins(entry_points_group=None, extra=extra, disabled=["one"]).channels) == {"two_channel"}
    monkeypatch.setenv("JUBAO_DISABLE_PLUGINS", "two, one")
    assert load_plugins(entry_points_group=None, extra=extra).channels == {}


def test_rule_sources_route_cases_to_the_plugin_channel(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "route.yaml").write_text(
        """rules:
  - id: test.route
    title: {zh: 测试, en: test}
    when: {fact: regulator, eq: nfra}
    then: {routes: [{channel: test_channel, priority: 4, reason: {zh: 测试, en: test}}]}
    citations: [{instrument: test, status: policy}]
""",
        encoding="utf-8",
    )
    plugin = plugin_module("mine", register_channels=registering(channel()), rule_sources=lambda: [rules])
    with Engine(plugins=load_plugins(entry_points_group=None, extra=[("mine", plugin)])) as engine:
        result = engine.evaluate(load_case(EXAMPLES / "credit-card-employer.yaml"), today=date(2026, 11, 23))
    assert ("test_channel", 4) in [(route.channel, route.priority) for route in result.routes]
    with Engine(plugins=load_plugins(entry_points_group=None)) as plain:
        assert "test_channel" not in plain.evaluate(load_case(EXAMPLES / "credit-card-employer.yaml")).route_ids()


def test_build_documents_asks_only_the_channels_owner() -> None:
    asked: list[str] = []

    def build(context: DraftingContext) -> list[Document]:
        assert context.channel is not None
        asked.append(context.channel.id)
        return [Document(channel=context.channel.id, title="要点")]

    plugin = plugin_module("doc", register_channels=registering(channel()), build_documents=build)
    loaded = load_plugins(entry_points_group=None, extra=[("doc", plugin)])
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    with Engine(plugins=loaded) as engine:
        evaluation = engine.evaluate(case, today=date(2026, 11, 23))
    titles = [d.title for d in build_documents(loaded, "test_channel", case, evaluation)]
    assert titles == ["要点", "测试渠道：办事指南"]  # jubao adds the channel's guide after the plugin's documents
    assert build_documents(loaded, "police", case, evaluation) == []
    assert asked == ["test_channel"]


def test_build_documents_with_the_plugin_api_1_0_arguments_still_works() -> None:
    def build(channel: Channel, case: Any, evaluation: Any) -> list[Document]:
        return [Document(channel=channel.id, title=f"{evaluation.severity.code}")]

    plugin = plugin_module("old", register_channels=registering(channel()), build_documents=build)
    loaded = load_plugins(entry_points_group=None, extra=[("old", plugin)])
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    with Engine(plugins=loaded) as engine:
        evaluation = engine.evaluate(case, today=date(2026, 11, 23))
    titles = [d.title for d in build_documents(loaded, "test_channel", case, evaluation)]
    assert titles == [evaluation.severity.code, "测试渠道：办事指南"]  # jubao adds the guide after them
    (note,) = loaded.deprecations
    assert note.plugin == "old"
    assert "build_documents(channel, case, evaluation) is deprecated since plugin API 1.1" in note.message
    assert loaded.errors == []


def test_channel_missing_reports_case_paths() -> None:
    needy = channel(required_fields=[
        RequiredField(path="case.reporter.id_number", label=Text(zh="身份证号", en="ID number")),
        RequiredField(path="case.evidence[]", label=Text(zh="证据", en="evidence")),
        RequiredField(path="case.reporter.phone", label=Text(zh="电话", en="phone")),
    ])  # fmt: skip
    case = load_case(EXAMPLES / "night-calls-borrower-only.yaml")
    assert [item.path for item in needy.missing(case)] == ["reporter.id_number", "evidence[]"]


# --- CLI ----------------------------------------------------------------------------------------------------


def test_cli_plugins_and_channels(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["plugins", "--json"])
    assert result.exit_code == 0
    names = [p["name"] for p in json.loads(result.stdout)["plugins"]]
    assert "formats" in names
    listed = json.loads(runner.invoke(cli, ["channels", "list", "--json"]).stdout)["channels"]
    assert {row["id"] for row in listed} >= {"nfra_12378", "police", "credit_china"}
    shown = runner.invoke(cli, ["channels", "show", "credit_china"])
    assert "不受理催收骚扰" in shown.stdout
    missing = runner.invoke(cli, ["channels", "show", "no_such"])
    assert missing.exit_code == 2
    assert "没有这个渠道" in missing.stderr


def test_cli_reports_a_broken_plugin_in_one_line_or_fails_in_strict_mode(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    points = [EntryPoint("broken", "no_such_module_for_jubao", "jubao")]
    monkeypatch.setattr("jubao.plugins.entry_points", lambda group: points if group == "jubao" else [])
    result = runner.invoke(cli, ["evaluate", str(EXAMPLES / "credit-card-employer.yaml")])
    assert result.exit_code == 0
    [skipped] = result.stderr.splitlines()  # one line (issue 4)
    assert skipped.startswith("! 已跳过插件 broken：failed to import no_such_module_for_jubao")
    # What it means for her results, whose problem it is, and the exact words that stop it.
    assert "（它的渠道不会出现在结果里，其余照常工作。这是插件本身的问题，请告诉它的作者；" in skipped
    assert skipped.endswith("或者这样运行：jubao --disable-plugin broken 命令 ……）")
    quiet = runner.invoke(cli, ["--disable-plugin", "broken", "evaluate", str(EXAMPLES / "credit-card-employer.yaml")])
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    strict = runner.invoke(cli, ["--strict-plugins", "evaluate", str(EXAMPLES / "credit-card-employer.yaml")])
    assert strict.exit_code == 1
    assert "broken" in strict.stderr
    assert "Traceback" not in strict.output


def test_a_channels_name_has_one_source_its_own_declaration(runner: CliRunner) -> None:
    """`evaluate`, `channels list` and documents show the name the channel's channel.yaml declares."""
    loaded = load_plugins()
    catalogue = (Path(__file__).resolve().parent.parent / "rules" / "catalogue.yaml").read_text(encoding="utf-8")
    channels_section = catalogue.split("\nchannels:\n")[1].split("\ncharacterisations:")[0]
    with Engine(plugins=loaded) as engine:
        routes = [r for path in sorted(EXAMPLES.glob("*.yaml")) for r in engine.evaluate(load_case(path)).routes]
    assert {route.channel for route in routes} >= {"police", "nfra_12378", "court_civil", "lender_complaint"}
    for route in routes:
        assert route.name == loaded.channels[route.channel].name, route.channel
        assert route.name.zh not in channels_section  # rules/catalogue.yaml lists ids, not names
    listed = json.loads(runner.invoke(cli, ["channels", "list", "--json"]).stdout)["channels"]
    assert {row["id"]: row["name"]["zh"] for row in listed}["police"] == loaded.channels["police"].name.zh
