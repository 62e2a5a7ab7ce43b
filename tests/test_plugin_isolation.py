"""Isolation that holds: each kind of broken plugin is dropped whole — its channels and its rules together — with
one line naming it and the problem, every other command keeps working, and ``--strict-plugins`` fails. A plugin's
exception is reported by type, plugin and place, never by its message (it may quote the case). Installed as a user
would install it: through the ``jubao`` entry-point group, next to the built-in plugins."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jubao import (
    Case,
    Channel,
    Document,
    DraftingContext,
    Engine,
    FactType,
    Feature,
    Text,
    load_case,
    load_plugins,
)
from jubao.cli.main import cli
from tests.conftest import EXAMPLES
from tests.test_plugins import channel, plugin_module

CASE = EXAMPLES / "credit-card-employer.yaml"
SECRET = "李小红 13912345678"


def a_channel(channel_id: str) -> Channel:
    """A valid channel drafting Markdown (the same test channel as tests/test_plugins.py)."""
    return channel(channel_id, formats=["md"])


plugin = plugin_module


def rules_dir(tmp_path: Path, when: str, channel_id: str) -> Path:
    rules = tmp_path / f"rules_{channel_id}"
    rules.mkdir(exist_ok=True)
    (rules / "route.yaml").write_text(
        f"""rules:
  - id: {channel_id}.route
    title: {{zh: 测试, en: test}}
    when: {when}
    then: {{routes: [{{channel: {channel_id}, priority: 5, reason: {{zh: 测试, en: test}}}}]}}
    citations: [{{instrument: test, status: policy}}]
""",
        encoding="utf-8",
    )
    return rules


def drafting(channel_id: str, documents: Callable[[DraftingContext], Any] | None = None, **extra: Any) -> Any:
    """A plugin with one channel routed for every case, drafting what ``documents`` returns."""

    def build(context: DraftingContext) -> Any:
        return documents(context) if documents else [Document(channel=channel_id, title="测试")]

    return {"register_channels": lambda register: register(a_channel(channel_id)), "build_documents": build, **extra}


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Install fake third-party plugins next to the real (built-in) ones, through the entry-point group."""

    def installing(**modules: Any) -> None:
        fakes = [EntryPoint(name, f"fake_{name}", "jubao") for name in modules]
        real = list(entry_points(group="jubao"))
        monkeypatch.setattr("jubao.plugins.entry_points", lambda group: [*real, *fakes] if group == "jubao" else [])
        real_load = EntryPoint.load

        def load(self: EntryPoint) -> Any:
            if self.name in modules and self.value == f"fake_{self.name}":
                module = modules[self.name]
                if isinstance(module, Exception):
                    raise module
                return module
            return real_load(self)

        monkeypatch.setattr(EntryPoint, "load", load)

    return installing


def broken_plugins(tmp_path: Path) -> dict[str, tuple[Any, str]]:
    """Each broken-plugin kind, with the start of the one line that must name its problem."""

    def raising(register: Any) -> None:
        raise ValueError(SECRET)

    return {
        "import_error": (ModuleNotFoundError("No module named 'wechaty'", name="wechaty"), "failed to import"),
        "unknown_fact": (
            plugin(
                "unknown_fact",
                **drafting("uf_channel"),
                rule_sources=lambda: [rules_dir(tmp_path, "{fact: no_such_fact, eq: true}", "uf_channel")],
            ),
            "rules: ",
        ),
        "duplicate_id": (
            plugin(
                "duplicate_id",
                **drafting("police"),
                rule_sources=lambda: [rules_dir(tmp_path, "{fact: ongoing, eq: true}", "police")],
            ),
            "channel id police is reserved for jubao's built-in channel",
        ),
        "raising_hook": (plugin("raising_hook", register_channels=raising), "register_channels failed: ValueError at"),
    }


@pytest.mark.parametrize("kind", ["import_error", "unknown_fact", "duplicate_id", "raising_hook"])
def test_a_broken_plugin_is_one_line_and_every_command_keeps_working(
    kind: str, tmp_path: Path, install: Callable[..., None], runner: CliRunner
) -> None:
    module, expected = broken_plugins(tmp_path)[kind]
    install(**{kind: module})
    evaluated = runner.invoke(cli, ["evaluate", "--json", str(CASE)])
    assert evaluated.exit_code == 0, evaluated.output
    lines = evaluated.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"! 已跳过插件 {kind}：{expected}")
    assert SECRET not in evaluated.stderr
    routes = [route["channel"] for route in json.loads(evaluated.stdout)["routes"]]
    assert "police" in routes
    assert "uf_channel" not in routes
    for command in (["channels", "list"], ["plugins"], ["rules", "check"], ["plan", str(CASE)]):
        assert runner.invoke(cli, command).exit_code in (0, 1), command  # rules check: 1 = warnings only
    documents = runner.invoke(cli, ["documents", str(CASE), "--out", str(tmp_path / "out")])
    assert documents.exit_code == 0, documents.output
    assert (tmp_path / "out" / "police").is_dir()
    strict = runner.invoke(cli, ["--strict-plugins", "evaluate", str(CASE)])
    assert strict.exit_code == 1
    assert kind in strict.stderr
    assert "Traceback" not in strict.output
    assert SECRET not in strict.output


def test_a_plugin_dropped_for_a_duplicate_id_loses_its_rules_too(tmp_path: Path, install: Callable[..., None]) -> None:
    module, _ = broken_plugins(tmp_path)["duplicate_id"]
    install(duplicate_id=module)
    loaded = load_plugins()
    assert loaded.channel_owner["police"] == "police"
    assert all(source.name != "duplicate_id" for source in loaded.rule_sources)
    assert "police.route" not in {rule.id for rule in loaded.ruleset.rules}


def test_a_rule_error_names_the_plugin_file_and_line(tmp_path: Path) -> None:
    module, _ = broken_plugins(tmp_path)["unknown_fact"]
    loaded = load_plugins(entry_points_group=None, extra=[("unknown_fact", module)])
    (error,) = loaded.errors
    assert "route.yaml:4" in error.message
    assert "no_such_fact" in error.message
    assert "uf_channel" not in loaded.channels


def test_a_third_party_plugin_cannot_take_over_a_built_in_channel(install: Callable[..., None]) -> None:
    install(aaa_evil=plugin("aaa_evil", **drafting("police")))
    loaded = load_plugins()
    assert loaded.channel_owner["police"] == "police"
    assert [error.plugin for error in loaded.errors] == ["aaa_evil"]


def test_a_misspelt_hook_suggests_the_nearest_one() -> None:
    typo = plugin("typo", register_channel=lambda register: None)
    loaded = load_plugins(entry_points_group=None, extra=[("typo", typo)])
    (error,) = loaded.errors
    assert "unknown hook register_channel (did you mean register_channels?)" in error.message


def _build(kind: str) -> Callable[[DraftingContext], Any]:
    def build(context: DraftingContext) -> Any:
        if kind == "raises":
            raise ValueError(context.case.reporter.name)
        if kind == "string":
            return "not a list"
        if kind == "zero":
            return []
        return [Document(channel="odd_channel", title="测试", formats=["pdf"])]

    return build


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("raises", "build_documents failed: ValueError at tests/test_plugin_isolation.py:"),
        ("string", "build_documents returned a str"),
        ("zero", "channel odd_channel is routed but drafted no document"),
        ("unknown_format", "channel odd_channel names unregistered format(s) pdf"),
    ],
)
def test_drafting_problems_are_reported_without_the_message(
    kind: str, said: str, tmp_path: Path, install: Callable[..., None], runner: CliRunner
) -> None:
    routes = rules_dir(tmp_path, "{fact: lender_named, eq: true}", "odd_channel")
    install(odd=plugin("odd", **drafting("odd_channel", _build(kind)), rule_sources=lambda: [routes]))
    result = runner.invoke(cli, ["documents", str(CASE), "--out", str(tmp_path / "out")])
    name = load_case(CASE).reporter.name
    assert name not in result.output
    index = (tmp_path / "out" / "index.json").read_text(encoding="utf-8")
    assert name not in index
    if kind in ("raises", "string"):
        assert result.exit_code == 1
        entry = next(c for c in json.loads(index)["channels"] if c["channel"] == "odd_channel")
        assert entry["error"].startswith(said)
    else:
        assert result.exit_code == 0
        assert f"! 插件 odd：{said}" in result.stderr
        strict = runner.invoke(cli, ["--strict-plugins", "documents", str(CASE), "--out", str(tmp_path / "o2")])
        assert strict.exit_code == 1


# --- facts contributed by a plugin ---------------------------------------------------------------------------


def used_wechat(case: Case) -> bool:
    return any(incident.medium == "wechat" for incident in case.incidents)


WECHAT = Feature(
    name="wx_test_used_wechat",
    type=FactType.BOOL,
    description=Text(zh="催收方用过微信", en="the collectors used WeChat"),
    compute=used_wechat,
)


def test_a_plugin_fact_routes_cases_in_that_plugins_rules(tmp_path: Path, runner: CliRunner,
                                                           install: Callable[..., None]) -> None:  # fmt: skip
    routes = rules_dir(tmp_path, "{fact: wx_test_used_wechat, eq: true}", "wx_test")
    module = plugin("wx", **drafting("wx_test"), register_facts=lambda register: register(WECHAT),
                    rule_sources=lambda: [routes])  # fmt: skip
    loaded = load_plugins(entry_points_group=None, extra=[("wx", module)])
    assert loaded.errors == []
    wechat = load_case(EXAMPLES / "online-microloan-doctored-images.yaml")
    assert used_wechat(wechat)
    calls_only = load_case(EXAMPLES / "night-calls-borrower-only.yaml")
    assert not used_wechat(calls_only)
    with Engine(plugins=loaded) as engine:
        assert "wx_test" in engine.evaluate(wechat).route_ids()
        assert "wx_test" not in engine.evaluate(calls_only).route_ids()
        assert engine.evaluate(wechat).features["wx_test_used_wechat"] is True
    install(wx=module)
    listed = runner.invoke(cli, ["facts", "list", "--json"])
    assert listed.exit_code == 0
    row = next(r for r in json.loads(listed.stdout)["facts"] if r["name"] == "wx_test_used_wechat")
    assert (row["plugin"], row["type"]) == ("wx", "bool")


def test_a_plugin_fact_clashing_with_a_jubao_fact_drops_the_plugin(tmp_path: Path) -> None:
    clash = WECHAT.model_copy(update={"name": "ongoing"})
    module = plugin("clash", register_facts=lambda register: register(clash),
                    rule_sources=lambda: [rules_dir(tmp_path, "{fact: ongoing, eq: true}", "police")])  # fmt: skip
    loaded = load_plugins(entry_points_group=None, extra=[("clash", module)])
    assert [error.plugin for error in loaded.errors] == ["clash"]
    assert "ongoing" in loaded.errors[0].message


def test_a_plugin_fact_that_raises_is_unknown_and_a_warning_without_the_message() -> None:
    def boom(case: Case) -> bool:
        raise RuntimeError(case.reporter.name)

    raising = WECHAT.model_copy(update={"compute": boom})
    module = plugin("boom", register_facts=lambda register: register(raising))
    loaded = load_plugins(entry_points_group=None, extra=[("boom", module)])
    assert loaded.errors == []
    case = load_case(CASE)
    with Engine(plugins=loaded) as engine:
        assert engine.evaluate(case).features["wx_test_used_wechat"] is None
    (warning,) = loaded.warnings
    assert warning.plugin == "boom"
    assert warning.message.startswith("feature wx_test_used_wechat: RuntimeError at tests/test_plugin_isolation.py:")
    assert case.reporter.name not in str(warning)


@pytest.mark.parametrize(("kind", "said"), [("zero", "no document was drafted"), ("unknown_format", "unregistered")])
def test_the_test_kit_fails_a_channel_that_drafts_nothing_or_names_an_unknown_format(kind: str, said: str) -> None:
    from jubao.testing import assert_channel_conforms, example_cases  # noqa: PLC0415 - the kit needs pytest

    module = plugin("odd", **drafting("odd_channel", _build(kind)))
    formats = load_plugins(disabled=[name for name in _builtin_names() if name != "formats"])
    loaded = load_plugins(disabled=[n for n in _builtin_names() if n != "formats"], extra=[("odd", module)])
    assert "md" in formats.formats
    with pytest.raises(pytest.fail.Exception, match=said):
        assert_channel_conforms(loaded.channels["odd_channel"], loaded, example_cases()[:1])


def _builtin_names() -> list[str]:
    return [point.name for point in entry_points(group="jubao")]


def test_the_kit_runs_a_plugins_golden_tests_with_its_features_and_fails_on_a_wrong_expectation(
    tmp_path: Path,
) -> None:
    from jubao.testing import assert_rule_tests_pass  # noqa: PLC0415 - the kit needs pytest

    routes = rules_dir(tmp_path, "{fact: wx_test_used_wechat, eq: true}", "wx_test")
    (routes / "tests").mkdir()
    golden = routes / "tests" / "golden.yaml"
    golden.write_text(
        """tests:
  - name: a plugin feature can be given directly
    features: {wx_test_used_wechat: true}
    expect: {routes_include: [wx_test]}
""",
        encoding="utf-8",
    )
    module = plugin("wx", **drafting("wx_test"), register_facts=lambda register: register(WECHAT),
                    rule_sources=lambda: [routes])  # fmt: skip
    with Engine(plugins=load_plugins(entry_points_group=None, extra=[("wx", module)])) as engine:
        assert len(assert_rule_tests_pass(engine, routes, "wx").outcomes) == 1
        golden.write_text(
            golden.read_text(encoding="utf-8").replace("routes_include", "routes_exclude"), encoding="utf-8"
        )
        with pytest.raises(pytest.fail.Exception, match="a plugin feature can be given directly"):
            assert_rule_tests_pass(engine, routes, "wx")
        golden.write_text(
            golden.read_text(encoding="utf-8").replace("wx_test_used_wechat", "wx_typo"), encoding="utf-8"
        )
        with pytest.raises(pytest.fail.Exception, match=r"unknown features \['wx_typo'\]"):
            assert_rule_tests_pass(engine, routes, "wx")


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
