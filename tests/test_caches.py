"""The caches (``jubao.cache``): plugin discovery reused per installed set, templates compiled once, and ``plan``
listing document titles without drafting them — each a pure speed-up: the results are the same with the cache
cold, warm, corrupt or turned off, and a change to the installed set or to a plugin's files is never missed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import jinja2
import pytest

import jubao.cache
import jubao.channel_package
import jubao.drafting
import jubao.guide
import jubao.plugins
import jubao.ruleset
import jubao.template_titles
from jubao import Engine, PluginSet, load_case, load_plugins
from jubao.cache import DISCOVERY_FORMAT, read_sealed, write_sealed
from jubao.plan import build_plan
from jubao.plugins import build_documents
from jubao.template_channel import TemplateChannel
from tests.conftest import EXAMPLES, GUANGDONG, REPO, VIEW_DAY, example_cases

CARD = EXAMPLES / "credit-card-employer.yaml"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of the test's own (empty), and template environments built afresh in it."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("JUBAO_CACHE_DIR", str(folder))
    monkeypatch.delenv("JUBAO_NO_CACHE", raising=False)
    jubao.drafting._environment.cache_clear()
    yield folder
    jubao.drafting._environment.cache_clear()  # the next tests build theirs in the session's cache folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Counts what discovery reads from files: the example plugin's channel.yaml parses and rules checks."""
    seen: dict[str, list[str]] = {"channel": [], "rules": []}
    read_channel = jubao.channel_package._read_channel
    load_ruleset = jubao.ruleset.load_ruleset

    def reading_channel(path: Any) -> Any:
        if GUANGDONG.name in str(path):  # the built-in plugins' modules may be imported already (or not)
            seen["channel"].append(str(path))
        return read_channel(path)

    def loading_rules(*args: Any, **kwargs: Any) -> Any:
        seen["rules"].append("load")
        return load_ruleset(*args, **kwargs)

    monkeypatch.setattr(jubao.channel_package, "_read_channel", reading_channel)
    monkeypatch.setattr(jubao.plugins, "load_ruleset", loading_rules)
    return seen


def summary(plugins: PluginSet) -> dict[str, Any]:
    """What a plugin set is, as data: channels, owners, plugins, rule directories, the rules and parameters."""
    ruleset = plugins.ruleset
    return {
        "channels": {cid: channel.model_dump(mode="json") for cid, channel in plugins.channels.items()},
        "fields_set": {cid: sorted(channel.model_fields_set) for cid, channel in plugins.channels.items()},
        "owners": plugins.channel_owner,
        "plugins": [(p.name, p.version, p.distribution, p.hooks) for p in plugins.plugins],
        "rule_sources": [(s.name, str(s.root)) for s in plugins.rule_sources],
        "errors": [str(e) for e in plugins.errors],
        "rules": [rule.model_dump(mode="json") for rule in ruleset.rules],
        "parameters": {name: p.model_dump(mode="json") for name, p in ruleset.parameters.items()},
        "ruleset_version": ruleset.version,
    }


def discovery_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("plugins-*.json"))


# --- plugin discovery --------------------------------------------------------------------------------------------


def test_the_second_discovery_reuses_the_cache_and_finds_the_same_set(
    cache_dir: Path, guangdong: Callable[[bool], Path], reads: dict[str, list[str]]
) -> None:
    guangdong(True)
    first = load_plugins()
    assert not first.errors, first.errors
    assert "gd_12345" in first.channels
    assert len(reads["channel"]) == 1
    assert reads["rules"] == ["load"]
    assert len(discovery_files(cache_dir)) == 1

    reads["channel"].clear()
    reads["rules"].clear()
    second = load_plugins()
    assert reads == {"channel": [], "rules": []}  # … then reused: no YAML parsed, no rules check run
    assert summary(second) == summary(first)


def test_the_cache_gives_the_same_set_as_no_cache(
    cache_dir: Path, guangdong: Callable[[bool], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    guangdong(True)
    load_plugins()
    warm = summary(load_plugins())
    monkeypatch.setenv("JUBAO_NO_CACHE", "1")
    assert summary(load_plugins()) == warm


def test_installing_or_uninstalling_a_plugin_changes_the_set_and_its_cache(
    cache_dir: Path, guangdong: Callable[[bool], Path], reads: dict[str, list[str]]
) -> None:
    guangdong(False)
    without = summary(load_plugins())
    assert "gd_12345" not in without["channels"]
    guangdong(True)
    installed = load_plugins()
    assert "gd_12345" in installed.channels  # not hidden by the cache of the set without it
    assert len(reads["channel"]) == 1
    assert reads["rules"] == ["load"]
    assert len(discovery_files(cache_dir)) == 2  # one per installed set
    guangdong(False)
    assert summary(load_plugins()) == without  # uninstalled: gone again


def test_upgrading_a_plugin_changes_the_set(
    cache_dir: Path, guangdong: Callable[[bool], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key holds each entry point's distribution and version: a new version is a new set."""
    guangdong(True)
    load_plugins()
    versions = iter(["1.0", "1.1"])

    def identity(self: Any, point: EntryPoint) -> tuple[str | None, str | None]:
        return ("jubao", "0.1.0") if point.name != "guangdong_12345" else ("jubao-guangdong-12345", version)

    for version in versions:
        monkeypatch.setattr(jubao.plugins._DistIdentity, "of", identity)
        loaded = load_plugins()
        assert [p.version for p in loaded.plugins if p.name == "guangdong_12345"] == [version]
    assert len(discovery_files(cache_dir)) == 3


def test_editing_a_plugins_channel_yaml_is_seen_at_once(
    cache_dir: Path, guangdong: Callable[[bool], Path], reads: dict[str, list[str]]
) -> None:
    package = guangdong(True)
    before = load_plugins().channels["gd_12345"]
    channel_yaml = package / "channel.yaml"
    text = channel_yaml.read_text(encoding="utf-8")
    assert f"zh: {before.name.zh}" in text
    channel_yaml.write_text(text.replace(f"zh: {before.name.zh}", "zh: 广东 12345（改过）", 1), encoding="utf-8")
    os.utime(channel_yaml, ns=(1, 1))  # even with an old modification time: the size changed
    reads["channel"].clear()
    after = load_plugins().channels["gd_12345"]
    assert after.name.zh == "广东 12345（改过）"
    assert len(reads["channel"]) == 1


def test_editing_a_plugins_rules_runs_the_rules_check_again(
    cache_dir: Path, guangdong: Callable[[bool], Path], reads: dict[str, list[str]]
) -> None:
    package = guangdong(True)
    load_plugins()
    routing = package / "rules" / "routing.yaml"
    routing.write_text(routing.read_text(encoding="utf-8").replace("priority:", "priority: nope #"), "utf-8")
    reads["rules"].clear()
    broken = load_plugins()
    assert reads["rules"] == ["load"]
    assert [e.plugin for e in broken.errors] == ["guangdong_12345"]  # the cache never hides a broken plugin


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json at all",
        b'{"format": "jubao.discovery/1", "sha256": "0"}\n{}',
        b'{"format": "something else/9"}\n{}',
        "truncate",
        "flip",
    ],
    ids=["empty", "garbage", "wrong-seal", "foreign", "truncated", "bit-flip"],
)
def test_a_corrupt_cache_file_is_ignored_and_rebuilt(
    damage: bytes | str, cache_dir: Path, guangdong: Callable[[bool], Path], reads: dict[str, list[str]]
) -> None:
    guangdong(True)
    expected = summary(load_plugins())
    [path] = discovery_files(cache_dir)
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        path.write_bytes(raw[:-100] + bytes([raw[-100] ^ 1]) + raw[-99:])
    else:
        assert isinstance(damage, bytes)
        path.write_bytes(damage)
    reads["channel"].clear()
    assert summary(load_plugins()) == expected
    assert len(reads["channel"]) == 1  # read from the file again …
    assert read_sealed(path, DISCOVERY_FORMAT) is not None  # … and the cache rebuilt


def test_a_well_sealed_entry_that_is_not_a_channel_is_not_trusted(
    cache_dir: Path, guangdong: Callable[[bool], Path], reads: dict[str, list[str]]
) -> None:
    guangdong(True)
    expected = summary(load_plugins())
    [path] = discovery_files(cache_dir)
    body = read_sealed(path, DISCOVERY_FORMAT)
    assert body is not None
    [key] = [k for k in body["entries"] if k.startswith("channel:") and GUANGDONG.name in k]
    body["entries"][key]["value"] = json.dumps({"id": "gd_12345", "name": "篡改"})
    write_sealed(path, DISCOVERY_FORMAT, body)
    reads["channel"].clear()
    assert summary(load_plugins()) == expected
    assert len(reads["channel"]) == 1


def test_no_cache_writes_nothing(
    cache_dir: Path, guangdong: Callable[[bool], Path], monkeypatch: pytest.MonkeyPatch, reads: dict[str, list[str]]
) -> None:
    monkeypatch.setenv("JUBAO_NO_CACHE", "1")
    guangdong(True)
    load_plugins()
    load_plugins()
    assert len(reads["channel"]) == 2  # read every time
    assert jubao.drafting._environment("jubao").bytecode_cache is None
    assert not cache_dir.exists()


def test_an_unwritable_cache_folder_only_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guangdong: Callable[[bool], Path]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("JUBAO_CACHE_DIR", str(blocker / "cache"))
    jubao.drafting._environment.cache_clear()
    try:
        guangdong(True)
        loaded = load_plugins()
        assert not loaded.errors
        assert "gd_12345" in loaded.channels
        case = load_case(CARD)
        with Engine(plugins=loaded) as engine:
            evaluation = engine.evaluate(case, today=VIEW_DAY)
        assert build_documents(loaded, "police", case, evaluation)
    finally:
        jubao.drafting._environment.cache_clear()


def test_the_built_in_set_is_reused_across_processes_even_started_together(tmp_path: Path) -> None:
    """Real runs: two processes discover at the same time into an empty cache, a third reads no channel.yaml."""
    script = (
        "import json, jubao.channel_package as d\n"
        "reads = []\n"
        "read = d._read_channel\n"
        "d._read_channel = lambda path: (reads.append(1), read(path))[1]\n"
        "from jubao import load_plugins\n"
        "p = load_plugins()\n"
        "print(json.dumps({'reads': len(reads), 'errors': [str(e) for e in p.errors],"
        " 'channels': {c: ch.model_dump(mode='json') for c, ch in p.channels.items()}}, sort_keys=True))\n"
    )
    env = {**os.environ, "JUBAO_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("JUBAO_NO_CACHE", None)
    command = [sys.executable, "-c", script]
    together = [subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [json.loads(process.communicate()[0]) for process in together]
    assert all(process.returncode == 0 for process in together)
    later = json.loads(subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=True).stdout)
    # One of the two read the files; which one is up to the scheduler (on a busy machine the second may start,
    # discover and save before the first looks at the cache).
    assert max(output["reads"] for output in outputs) >= 10
    assert later["reads"] == 0
    assert outputs[0]["channels"] == outputs[1]["channels"] == later["channels"]
    assert later["errors"] == []


# --- template bytecode -------------------------------------------------------------------------------------------


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    compile_template = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(name))
        return compile_template(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def _render_police(plugins: PluginSet) -> list[str]:
    case = load_case(CARD)
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(case, today=VIEW_DAY)
    return [document.model_dump_json() for document in build_documents(plugins, "police", case, evaluation)]


def test_templates_are_compiled_once_then_loaded_as_bytecode(
    cache_dir: Path, compiles: list[str], plugins: PluginSet
) -> None:
    first = _render_police(plugins)
    assert compiles
    assert "complaint.md.j2" in compiles
    assert list((cache_dir / "templates").glob("*.cache"))
    jubao.drafting._environment.cache_clear()  # as a new process would
    compiles.clear()
    assert _render_police(plugins) == first
    assert compiles == []  # every template (and its imports) came from the bytecode cache


def test_a_corrupt_bytecode_file_is_compiled_again(cache_dir: Path, compiles: list[str], plugins: PluginSet) -> None:
    first = _render_police(plugins)
    files = list((cache_dir / "templates").glob("*.cache"))
    for index, path in enumerate(files):
        raw = path.read_bytes()
        flipped = raw[:-20] + bytes([raw[-20] ^ 1]) + raw[-19:]  # still valid marshal data, but not what was written
        path.write_bytes([b"", raw[:10], raw[: len(raw) // 2], b"garbage" * 3, flipped][index % 5])
    jubao.drafting._environment.cache_clear()
    compiles.clear()
    assert _render_police(plugins) == first
    assert len(compiles) == len(files)


def test_an_edited_template_is_compiled_again(cache_dir: Path, compiles: list[str], tmp_path: Path) -> None:
    """Jinja2's checksum of the source: bytecode of an old version is never used."""
    folder = tmp_path / "templates"
    folder.mkdir()
    template = folder / "t.j2"
    template.write_text("# 旧标题\n", encoding="utf-8")
    bytecode = jubao.cache.template_bytecode_cache("test")

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=bytecode)
        return env.get_template("t.j2").render()

    assert render() == "# 旧标题"
    template.write_text("# 新标题\n", encoding="utf-8")
    compiles.clear()
    assert render() == "# 新标题"
    assert compiles == ["t.j2"]


# --- plan titles -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("# 控告书\n正文\n", "控告书"),
        ("{#- note -#}\n{% set r = ctx.x %}\n{% import 'm.j2' as m %}\n\n# 投诉书\n{{ r }}\n", "投诉书"),
        ("{% for x in xs %}\n{% set n = x %}\n{% endfor %}\n# 通话要点\n", "通话要点"),
        ("{% macro m() %}# 不是标题\n{% endmacro %}\n#  空格  \n", "空格"),
        ("# 12321 {{ r.category }}举报\n", None),
        ("{% if a %}\n# 甲\n{% else %}\n# 乙\n{% endif %}\n", None),
        ("{{ ctx.heading }}\n# 标题\n", None),
        ("前言\n# 标题\n", None),
        ("{% include 'x.j2' %}\n# 标题\n", None),
        ("# 标题", "标题"),
    ],
)
def test_a_title_is_read_from_the_template_only_when_every_case_gets_it(
    source: str, title: str | None, tmp_path: Path
) -> None:
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    assert jubao.template_titles._static_title(env, source, "t.md.j2", None) == title


def _drafted_titles(plugins: PluginSet, channel: str, case: Any, evaluation: Any) -> tuple[str, ...]:
    drafted = build_documents(plugins, channel, case, evaluation)
    return tuple(document.title for document in drafted if document.purpose != "guide")


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_plan_titles_are_the_drafted_titles_without_drafting_template_channels(
    path: Path, plugins: PluginSet, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = load_case(path)
    evaluation = engine.evaluate(case, today=VIEW_DAY)
    drafted = {route.channel: _drafted_titles(plugins, route.channel, case, evaluation) for route in evaluation.routes}
    rendered: list[str] = []
    render = jubao.drafting.Drafter.render

    def rendering(self: jubao.drafting.Drafter, template: str, **kwargs: Any) -> Any:
        rendered.append(f"{self.channel.id}/{template}")
        return render(self, template, **kwargs)

    monkeypatch.setattr(jubao.drafting.Drafter, "render", rendering)
    guides: list[str] = []
    render_core = jubao.drafting.render_core_template

    def rendering_core(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "guide":
            guides.append(name)
        return render_core(name, *args, **kwargs)

    monkeypatch.setattr(jubao.guide, "render_core_template", rendering_core)
    plan = build_plan(case, evaluation, plugins, as_of=VIEW_DAY)
    assert {step.channel: step.documents for step in plan.steps} == drafted
    assert guides == []  # a guide is not a filing: listing titles never drafts one
    listed_by_template = {
        cid
        for cid, owner in plugins.channel_owner.items()
        if isinstance(plugin := plugins.manager.get_plugin(owner), TemplateChannel) and plugin.build is None
    }
    dynamic = {"procuratorate_12309/clue_report"}  # its title names what the material is: rendered to know it
    drawn = {name for name in rendered if name.split("/")[0] in listed_by_template}
    assert drawn <= dynamic
