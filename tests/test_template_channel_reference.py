"""A template channel may name its code instead of importing it: ``TemplateChannel(__name__,
values=".drafting:template_values")`` (or ``build=".drafting:build"``) — issue 14, start-up.

Every command loads every plugin; only a few draft. A plugin whose ``__init__`` imports its drafting code (and
with it jubao's drafting helpers) makes ``jubao evaluate`` pay for drafting it never does. Named by reference, the
module is imported the first time a document is drafted. What a plugin author relies on:

* the channel is registered and routed as before, and its module is not imported by ``evaluate``;
* ``documents`` imports it and the templates get its values (``build``: its documents);
* a mistake is reported like any plugin mistake, by the plugin's name: a malformed reference or a missing module
  when plugins load (the plugin is skipped, the others keep working), a missing function when drafting.

Each plugin is installed the way a user installs one: a distribution with a ``jubao`` entry point, on the path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jubao import Engine, PluginError, build_document_set, load_case, load_plugins
from tests.conftest import EXAMPLES, run_probed

CASE = EXAMPLES / "credit-card-employer.yaml"
CHANNEL_YAML = """\
id: {cid}
name: {{zh: 测试渠道, en: test channel}}
authority: {{zh: 测试机关, en: test authority}}
scope:
  accepts: [{{zh: 测试, en: test}}]
filing:
  - {{kind: phone, address: "12345", status: V}}
provenance: {{sources: [test], last_verified: 2026-11-01, status: V}}
formats: [md]
documents:
  - {{template: letter}}
"""
ROUTE = """\
rules:
  - id: {cid}.route
    title: {{zh: 测试, en: test}}
    when: {{fact: lender_named, eq: true}}
    then: {{routes: [{{channel: {cid}, priority: 5, reason: {{zh: 测试, en: test}}}}]}}
    citations: [{{instrument: test, status: policy}}]
"""
TEMPLATE = "# 致{{ ctx.case.lender.name }}的函\n\n{{ extra_text }}\n"
VALUES = """
from jubao import CaseView


def template_values(context):
    return {"extra_text": "由引用给出的值：" + CaseView(context).case.lender.name}
"""
BUILD = """
def build(drafter, context):
    return [drafter.render("letter", document_id="built", extra_text="由 build 起草")]
"""


def install(site: Path, package: str, init: str, modules: dict[str, str] | None = None) -> None:
    """Install template channel ``package``: ``init`` is its ``__init__.py``, ``modules`` its other modules."""
    folder = site / package
    (folder / "templates").mkdir(parents=True)
    (folder / "rules").mkdir()
    (folder / "__init__.py").write_text(init, encoding="utf-8")
    for name, code in (modules or {}).items():
        (folder / f"{name}.py").write_text(code, encoding="utf-8")
    (folder / "channel.yaml").write_text(CHANNEL_YAML.format(cid=package), encoding="utf-8")
    (folder / "templates" / "letter.md.j2").write_text(TEMPLATE, encoding="utf-8")
    (folder / "rules" / "route.yaml").write_text(ROUTE.format(cid=package), encoding="utf-8")
    info = site / f"{package}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[jubao]\n{package} = {package}:plugin\n", encoding="utf-8")


def plugin_init(arguments: str) -> str:
    """The package's ``__init__.py``: ``plugin = TemplateChannel(__name__, ARGUMENTS)`` on line 2."""
    return f"from jubao import TemplateChannel\nplugin = TemplateChannel(__name__, {arguments})\n"


def test_values_by_reference_are_imported_only_when_a_document_is_drafted(site: Path, tmp_path: Path) -> None:
    install(site, "tp_lazy", plugin_init('values=".drafting:template_values"'), {"drafting": VALUES})
    result, code, modules = run_probed(tmp_path, "--lang", "en", "evaluate", str(CASE), "--json")
    assert code == 0, result.stderr
    assert "tp_lazy" in modules  # the plugin loaded: its channel is routed (below)
    assert "tp_lazy.drafting" not in modules
    assert "jubao.drafting" not in modules  # nor jubao's drafting stack, which no built-in plugin imports either
    assert not [m for m in modules if m.startswith("jubao_plugins.") and m.endswith(".drafting")]
    evaluated = subprocess.run([sys.executable, "-m", "jubao", "evaluate", str(CASE), "--json"],
                               capture_output=True, text=True, encoding="utf-8", check=True)  # fmt: skip
    assert "tp_lazy" in [route["channel"] for route in json.loads(evaluated.stdout)["routes"]]

    out = tmp_path / "set"
    result, code, modules = run_probed(tmp_path, "documents", str(CASE), "--channel", "tp_lazy", "--out", str(out))
    assert code == 0, result.stderr
    assert "tp_lazy.drafting" in modules
    letter = (out / "tp_lazy" / "letter.md").read_text(encoding="utf-8")
    lender = load_case(CASE).lender.name
    assert lender
    assert f"由引用给出的值：{lender}" in letter


def test_build_by_reference_drafts_the_documents_it_returns(site: Path) -> None:
    install(site, "tp_built", plugin_init('build=".drafting:build"'), {"drafting": BUILD})
    plugins = load_plugins()
    assert not plugins.errors
    assert "tp_built.drafting" not in sys.modules
    case = load_case(CASE)
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(case)
    drafted = build_document_set(case, evaluation, plugins, base_dir=CASE.parent, channels=["tp_built"])
    (channel,) = [c for c in drafted.channels if c.channel == "tp_built"]
    assert channel.error is None
    assert [entry.id for entry in channel.documents] == ["built", "guide"]  # the guide: jubao adds one to every set
    texts = [f.data.decode("utf-8") for f in drafted.files if f.path.startswith("tp_built/") and f.format == "md"]
    assert any("由 build 起草" in text for text in texts)


@pytest.mark.parametrize(
    ("init", "said"),
    [
        ('values="drafting.template_values"', "ValueError at tp_bad/__init__.py:2"),
        ('values=".draftin:template_values"', "ModuleNotFoundError: no module named tp_bad.draftin"),
        ('build="..up:build"', "ValueError at tp_bad/__init__.py:2"),
    ],
    ids=["not module:function", "no such module", "outside the package"],
)  # fmt: skip
def test_a_wrong_reference_skips_the_plugin_when_plugins_load(site: Path, init: str, said: str) -> None:
    """Found when the plugin loads, not when a victim first drafts: the plugin is skipped with a line that names
    it and says where, and every other channel keeps working."""
    install(site, "tp_bad", plugin_init(init), {"drafting": VALUES})
    plugins = load_plugins()
    (error,) = [e for e in plugins.errors if e.plugin == "tp_bad"]
    assert said in error.message
    assert "police" in plugins.channels
    assert "tp_bad" not in plugins.channels
    with pytest.raises(PluginError, match="tp_bad"):
        load_plugins(strict=True)


def test_a_reference_to_a_missing_function_is_the_plugins_drafting_error(site: Path) -> None:
    install(site, "tp_nofn", plugin_init('values=".drafting:valuez"'), {"drafting": VALUES})
    plugins = load_plugins()
    assert not [e for e in plugins.errors if e.plugin == "tp_nofn"]
    case = load_case(CASE)
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(case)
    drafted = build_document_set(case, evaluation, plugins, base_dir=CASE.parent, channels=["tp_nofn", "police"])
    failed = {c.channel: c.error for c in drafted.channels}
    assert failed["police"] is None
    assert failed["tp_nofn"] is not None
    assert "values='.drafting:valuez': tp_nofn.drafting has no function valuez" in failed["tp_nofn"]
