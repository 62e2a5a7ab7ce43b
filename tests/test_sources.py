"""Citations a user can follow: every ``source`` names a public instrument or page from rules/sources.yaml, and
nothing users see names the maintainers' files (``shared/laws/…md``) or their notes (``reference §2 D28``,
``参考资料 §1.7``)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel, ValidationError

from jubao import Citation, PluginSet, Provenance, Verification, bundled_sources
from jubao.calendar import provisional_rules
from jubao.cli.main import cli
from jubao.offences import bundled_offences
from jubao.ruleset import bundled_ruleset
from jubao.sources import SourceListError, load_sources, resolve, source_ids
from jubao.statutes import ProvisionVersion, bundled_statutes
from tests.conftest import REPO, example_cases

_NOTES = (
    r"shared/|(?:laws|domain)/[^\s]*\.md"  # the maintainers' statute copies and domain notes
    r"|reference\s*§|reference\.md|参考资料"  # sections of the domain reference
    r"|§"  # any section sign: users cannot follow "§5.1"
)
DEVELOPER_NOTES = re.compile(_NOTES)
"""What no text jubao may show (Python strings, schemas included) contains."""
DEVELOPER_MATERIAL = re.compile(_NOTES + r"|[\w\u4e00-\u9fff()（）.-]+/[^\s\"'，。；]*\.md\b")
"""What no data, locale string, template or CLI output contains: the above, or any path to a Markdown file."""

RULE_FILES = sorted(path for path in (REPO / "rules").rglob("*.yaml") if "tests" not in path.relative_to(REPO).parts)
CHANNEL_FILES = sorted((REPO / "plugins").glob("*/channel.yaml"))
TEMPLATES = sorted([*(REPO / "plugins").glob("*/templates/*.j2"), *(REPO / "core" / "templates").glob("*.j2")])
LOCALES = sorted((REPO / "core" / "locales").glob("*.yaml"))
SOURCE_CHECKER = REPO / "core" / "rules.py"
"""Holds the patterns that refuse developer material in a ``source``: the one file allowed to spell them."""


def _strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in parsed YAML, with where it is (``a.b[2].c``)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{path}[{index}]")


def _source_values(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every ``source`` value and ``sources`` entry in parsed YAML or loaded models, with where it is."""
    if isinstance(node, BaseModel):
        node = {name: getattr(node, name) for name in type(node).model_fields}
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if key == "source" and isinstance(value, str):
                yield here, value
            elif key == "sources" and isinstance(value, list) and all(isinstance(v, str) for v in value):
                yield from ((f"{here}[{i}]", v) for i, v in enumerate(value))
            else:
                yield from _source_values(value, here)
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            yield from _source_values(value, f"{path}[{index}]")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _loaded_data(plugins: PluginSet) -> Iterator[tuple[str, Any]]:
    """Everything jubao loads that carries citations: rules, parameters, statutes, offences, calendar, channels."""
    ruleset = bundled_ruleset()
    yield "rules", list(ruleset.rules)
    yield "parameters", list(ruleset.parameters.values())
    statutes = bundled_statutes()
    yield "statutes", [statutes.provision(pid) for pid in statutes.ids()]
    yield "offences", list(bundled_offences().values())
    yield "calendar", provisional_rules()
    for channel_id, channel in sorted(plugins.channels.items()):
        yield f"channel {channel_id}", channel


def _cited(plugins: PluginSet) -> Iterator[tuple[str, str]]:
    for name, data in _loaded_data(plugins):
        yield from ((f"{name}: {where}", value) for where, value in _source_values(data))
    for path in [*RULE_FILES, *CHANNEL_FILES]:
        if path.name != "sources.yaml":
            label = str(path.relative_to(REPO))
            yield from ((f"{label}: {where}", value) for where, value in _source_values(_load(path)))


# --- (a) every source id resolves ----------------------------------------------------------------------------------


def test_the_source_list_loads_with_unique_ids_and_public_fields() -> None:
    sources = bundled_sources()
    raw = [entry["id"] for entry in _load(REPO / "rules" / "sources.yaml")["sources"]]
    assert len(raw) == len(set(raw)) == len(sources) >= 40
    assert all(s.status in (Verification.VERIFIED, Verification.SECONDARY, Verification.MEMORY,
                            Verification.UNCERTAIN) for s in sources.values())  # fmt: skip
    assert sources["pipl"].title == "《中华人民共和国个人信息保护法》"
    assert sources["credit_reporting_regulation"].number == "国务院令第631号"
    assert sources["nifa_report_platform"].url == "https://jubao.nifa.org.cn"


def test_the_source_list_is_package_data_and_not_read_as_rules() -> None:
    assert (files("jubao_rules") / "sources.yaml").is_file()
    assert "sources.yaml" not in {origin.split(":")[0] for origin in bundled_ruleset().rule_origin.values()}


def test_every_source_in_jubaos_data_is_a_list_of_known_ids(plugins: PluginSet) -> None:
    sources = bundled_sources()
    checked, problems = 0, []
    for where, value in _cited(plugins):
        ids = source_ids(value)
        if ids is None:
            problems.append(f"{where}: {value!r} is not a list of source ids")
            continue
        problems += [f"{where}: unknown source id {item!r}" for item in ids if item not in sources]
        checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= 300


def test_every_verified_quote_cites_a_statute_text_jubao_holds() -> None:
    sources = bundled_sources()
    statutes = bundled_statutes()
    for provision_id in statutes.ids():
        for version in statutes.provision(provision_id).versions:
            if version.status is Verification.VERIFIED and version.quote:
                texts = [sources[i].lawrefbook for i in source_ids(version.source) or [] if sources[i].lawrefbook]
                assert texts, f"{provision_id}: a V quote needs a source with a statute text"


# --- (b) nothing users see names developer material ----------------------------------------------------------------


def _dev_hits(texts: Iterator[tuple[str, str]]) -> list[str]:
    return [f"{where}: {text!r}" for where, text in texts if DEVELOPER_MATERIAL.search(text)]


def test_no_citation_or_source_in_the_loaded_data_names_developer_material(plugins: PluginSet) -> None:
    hits = []
    for name, data in _loaded_data(plugins):
        for where, value in _strings_of_citations(data):
            if DEVELOPER_MATERIAL.search(value):
                hits.append(f"{name}: {where}: {value!r}")
    assert not hits, "\n".join(hits)


def _strings_of_citations(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """The user-visible text fields of every citation-like object (and every source) in loaded data."""
    if isinstance(node, Citation | ProvisionVersion | Provenance) or type(node).__name__ == "Offence":
        for name in type(node).model_fields:
            value = getattr(node, name)
            if isinstance(value, str):
                yield f"{path}.{name}", value
            elif isinstance(value, list):
                yield from ((f"{path}.{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str))
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _strings_of_citations(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings_of_citations(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            yield from _strings_of_citations(value, f"{path}[{index}]")


@pytest.mark.parametrize("path", [*RULE_FILES, *CHANNEL_FILES], ids=lambda p: str(p.relative_to(REPO)))
def test_no_string_in_the_rule_and_channel_data_names_developer_material(path: Path) -> None:
    """Comments may point maintainers at the domain reference; values are what users are shown."""
    strings = ((w, s) for w, s in _strings(_load(path)) if not w.endswith(".lawrefbook"))
    assert not _dev_hits(strings)


@pytest.mark.parametrize("path", LOCALES, ids=lambda p: p.name)
def test_no_locale_string_names_developer_material(path: Path) -> None:
    assert not _dev_hits(_strings(_load(path)))


def test_no_template_text_names_developer_material() -> None:
    """Jinja comments ({# … #}) are for maintainers and never rendered; everything else may be."""
    hits = []
    for path in TEMPLATES:
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        hits += [f"{path.relative_to(REPO)}: {line.strip()}" for line in text.splitlines()
                 if DEVELOPER_MATERIAL.search(line)]  # fmt: skip
    assert len(TEMPLATES) >= 30
    assert not hits, "\n".join(hits)


def test_no_python_string_names_developer_material() -> None:
    """String literals in jubao and its plugins may end up in front of users; docstrings (any string standing alone
    as a statement) and comments are for maintainers. File names a command writes (notes.md) are not notes."""
    hits = []
    for path in sorted([*(REPO / "core").rglob("*.py"), *(REPO / "plugins").rglob("*.py")]):
        if path == SOURCE_CHECKER:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        hits += [
            f"{path.relative_to(REPO)}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and DEVELOPER_NOTES.search(node.value)
        ]  # fmt: skip
    assert not hits, "\n".join(hits)


def _channel_ids(runner: CliRunner) -> list[str]:
    result = runner.invoke(cli, ["channels", "list", "--json"])
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)["channels"] if row["adapter"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_channels_show_names_only_public_sources(runner: CliRunner, lang: str) -> None:
    ids = _channel_ids(runner)
    assert len(ids) >= 15
    hits = []
    for channel_id in ids:
        for extra in ([], ["--json"]):
            result = runner.invoke(cli, ["--lang", lang, "channels", "show", channel_id, *extra])
            assert result.exit_code == 0, result.output
            hits += [f"{channel_id}{' --json' if extra else ''}: {line.strip()}"
                     for line in result.stdout.splitlines() if DEVELOPER_MATERIAL.search(line)]  # fmt: skip
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize("extra", [[], ["--json"], ["--on", "2025-06-01"]], ids=["text", "json", "2025"])
def test_statutes_list_names_only_public_sources(runner: CliRunner, extra: list[str]) -> None:
    result = runner.invoke(cli, ["statutes", "list", *extra])
    assert result.exit_code == 0, result.output
    assert not [line for line in result.stdout.splitlines() if DEVELOPER_MATERIAL.search(line)]


@pytest.mark.parametrize("case", example_cases(), ids=lambda p: p.stem)
def test_explain_and_plan_name_only_public_sources(runner: CliRunner, case: Path) -> None:
    """``explain`` prints every rule's citations; ``plan --explain`` every date's basis."""
    for args in (["explain", str(case)], ["explain", "--json", str(case)], ["plan", "--explain", str(case)]):
        result = runner.invoke(cli, [*args[:-1], "--as-of", "2026-11-23", args[-1]] if args[0] == "plan" else args)
        assert result.exit_code in (0, 1), result.output
        assert not [line for line in result.stdout.splitlines() if DEVELOPER_MATERIAL.search(line)], args


@pytest.mark.parametrize("name", ["case", "evaluation", "trace"])
def test_json_schemas_name_no_developer_material(runner: CliRunner, name: str) -> None:
    result = runner.invoke(cli, ["schema", name])
    assert result.exit_code == 0
    assert not DEVELOPER_NOTES.search(result.stdout)


# --- how sources are shown -----------------------------------------------------------------------------------------


def test_channels_show_gives_each_source_its_title_issuer_number_date_status_and_address(runner: CliRunner) -> None:
    text = runner.invoke(cli, ["channels", "show", "pboc_12363"]).stdout
    assert "  · 《征信业管理条例》（国务院，国务院令第631号，2013-01-21，2013-03-15 起施行）［已核实］" in text
    police = runner.invoke(cli, ["channels", "show", "police"]).stdout
    assert (
        "《中华人民共和国治安管理处罚法》（2025 年修订）（全国人民代表大会常务委员会，2025-06-27，2026-01-01 起施行）"
        "［二手资料］ https://www.spp.gov.cn/spp/fl/202506/t20250627_699863.shtml"
    ) in police
    english = runner.invoke(cli, ["--lang", "en", "channels", "show", "nifa"]).stdout
    assert "  · 互联网金融举报信息平台 (中国互联网金融协会)［secondary source］ https://jubao.nifa.org.cn" in english
    data = json.loads(runner.invoke(cli, ["channels", "show", "police", "--json"]).stdout)
    assert data["channel"]["provenance"]["sources"][0] == "public_order_law_2012"
    assert data["sources"]["police_criminal_procedure"]["number"] == "公安部令第159号"
    assert "lawrefbook" not in data["sources"]["police_criminal_procedure"]


def test_statutes_list_json_resolves_each_provisions_sources(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["statutes", "list", "--json", "--on", "2026-06-01"])
    rows = {row["id"]: row for row in json.loads(result.stdout)["provisions"]}
    assert [s["id"] for s in rows["public_order.harassment"]["sources"]] == ["public_order_law_2025"]
    assert rows["public_order.harassment"]["sources"][0]["title"] == "《中华人民共和国治安管理处罚法》（2025 年修订）"


def test_resolve_gives_known_ids_as_sources_and_anything_else_as_written() -> None:
    sources = bundled_sources()
    assert resolve("pipl, caixin_2020_01_17") == [sources["pipl"], sources["caixin_2020_01_17"]]
    assert resolve("《某某市投诉处理办法》第十条") == ["《某某市投诉处理办法》第十条"]
    assert resolve("not_a_known_id") == ["not_a_known_id"]
    assert resolve(None) == []
    assert source_ids("pipl,civil_code_general") == ["pipl", "civil_code_general"]
    assert source_ids("《个人信息保护法》, pipl") is None


# --- what a third-party plugin may write ---------------------------------------------------------------------------

FREE_TEXT = [
    "pipl",
    "《广东省某某条例》（2024 年修订）第十条",
    "https://www.gd.gov.cn/some/page.html",
    "www.12321.cn",
    "GB/T 35273-2020 第 8.7 条",
    "广东省 12345 热线官方公众号说明（2026-11-01 查阅）",
]
NOT_PUBLIC = [
    "shared/laws/行政法/个人信息保护法(2021-08-20).md",
    "reference §2 D28",
    "jubao reference §1.11",
    "参考资料 §1.7",
    "docs/notes.md",
    "/home/me/plugin/notes.txt",
    "./sources/law.yaml",
    r"C:\plugin\laws.txt",
]


@pytest.mark.parametrize("text", FREE_TEXT)
def test_a_source_may_be_an_id_or_free_text_naming_a_public_source(text: str) -> None:
    citation = Citation(instrument="《某某办法》", status=Verification.SECONDARY, source=text)
    assert citation.source == text
    assert Provenance(sources=[text], last_verified=date(2026, 11, 1), status=Verification.SECONDARY).sources == [text]


@pytest.mark.parametrize("text", NOT_PUBLIC)
def test_a_source_may_not_be_a_local_path_or_a_developers_note(text: str) -> None:
    with pytest.raises(ValidationError, match="public instrument or page"):
        Citation(instrument="《某某办法》", status=Verification.SECONDARY, source=text)
    with pytest.raises(ValidationError, match="public instrument or page"):
        Provenance(sources=["pipl", text], last_verified=date(2026, 11, 1), status=Verification.SECONDARY)
    with pytest.raises(ValidationError, match="public instrument or page"):
        ProvisionVersion(instrument="《某某办法》", status=Verification.MEMORY, source=text)


def test_a_source_list_with_a_duplicate_id_or_a_policy_status_is_refused(tmp_path: Path) -> None:
    entry = "  - {id: a, title: 《甲》, status: V}\n"
    (tmp_path / "twice.yaml").write_text("sources:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(SourceListError, match="defined twice"):
        load_sources(tmp_path / "twice.yaml")
    (tmp_path / "policy.yaml").write_text("sources:\n  - {id: a, title: 《甲》, status: policy}\n", encoding="utf-8")
    with pytest.raises(SourceListError, match="not policy"):
        load_sources(tmp_path / "policy.yaml")
    (tmp_path / "path.yaml").write_text("sources:\n  - {id: a, title: shared/laws/x.md, status: V}\n", encoding="utf-8")
    with pytest.raises(SourceListError, match="public instrument"):
        load_sources(tmp_path / "path.yaml")
