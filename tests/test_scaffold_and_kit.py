"""`jubao plugin new` output works as generated; the test kit's checks can fail; every hook is documented and
tested (a datasette-style meta-test)."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from jubao import hookspecs
from jubao.cli.main import cli
from jubao.documents_api import MARKDOWN
from jubao.engine import Engine
from jubao.plugins import build_documents, load_plugins
from jubao.ruletests import golden_test_files, run_all
from jubao.testing import assert_channel_conforms, assert_matches_snapshot, example_cases
from jubao_plugins import formats
from tests.conftest import REPO
from tests.test_plugins import channel, plugin_module, registering


@pytest.fixture
def generated(tmp_path: Path, runner: CliRunner) -> Iterator[Path]:
    result = runner.invoke(cli, ["plugin", "new", "jubao-hotline-demo", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    project = tmp_path / "jubao-hotline-demo"
    sys.path.insert(0, str(project / "src"))
    yield project
    sys.path.remove(str(project / "src"))
    sys.modules.pop("jubao_hotline_demo", None)


def test_scaffold_creates_a_complete_project(generated: Path) -> None:
    files = sorted(str(p.relative_to(generated)) for p in generated.rglob("*") if p.is_file())
    assert files == [
        "README.md", "pyproject.toml", "src/jubao_hotline_demo/__init__.py",
        "src/jubao_hotline_demo/rules/routing.yaml", "src/jubao_hotline_demo/rules/tests/golden.yaml",
        "src/jubao_hotline_demo/templates/notes.md.tmpl", "tests/snapshots/notes.md", "tests/test_plugin.py",
    ]  # fmt: skip
    pyproject = (generated / "pyproject.toml").read_text(encoding="utf-8")
    assert 'hotline_demo = "jubao_hotline_demo"' in pyproject
    assert "__" not in pyproject


def test_scaffolded_plugin_conforms_routes_and_matches_its_snapshot(generated: Path) -> None:
    module = importlib.import_module("jubao_hotline_demo")
    plugins = load_plugins(entry_points_group=None, strict=True,
                           extra=[("hotline_demo", module), ("formats", formats)])  # fmt: skip
    assert_channel_conforms(plugins.channels["hotline_demo"], plugins, example_cases())
    with Engine(plugins=plugins) as engine:
        run = run_all(engine, golden_test_files(generated / "src" / "jubao_hotline_demo" / "rules", "hotline_demo"))
        assert [o.failures for o in run.outcomes] == [[], []]
        case = example_cases()[0]
        (document,) = build_documents(plugins, "hotline_demo", case, engine.evaluate(case, today=date(2026, 11, 20)))
    expected = (generated / "tests" / "snapshots" / "notes.md").read_text(encoding="utf-8")
    assert MARKDOWN.write(document).decode("utf-8") == expected


def test_scaffold_refuses_to_overwrite(generated: Path, runner: CliRunner) -> None:
    again = runner.invoke(cli, ["plugin", "new", "jubao-hotline-demo", "--dir", str(generated.parent)])
    assert again.exit_code == 1
    assert "already exists" in again.stderr


def test_conformance_check_fails_on_a_bad_channel() -> None:
    bad = channel("bad_formats", formats=["pdf"])
    plugins = load_plugins(
        entry_points_group=None, extra=[("bad", plugin_module("bad", register_channels=registering(bad)))]
    )
    with pytest.raises(pytest.fail.Exception, match="format 'pdf' is not registered"):
        assert_channel_conforms(plugins.channels["bad_formats"], plugins)


def test_snapshot_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "snap.md"
    with pytest.raises(pytest.fail.Exception, match="no snapshot"):
        assert_matches_snapshot("一", path)
    monkeypatch.setenv("JUBAO_UPDATE_SNAPSHOTS", "1")
    assert_matches_snapshot("一", path)
    monkeypatch.delenv("JUBAO_UPDATE_SNAPSHOTS")
    assert_matches_snapshot("一", path)
    with pytest.raises(pytest.fail.Exception, match="differs from snapshot"):
        assert_matches_snapshot("二", path)


def test_the_kit_is_a_pytest_plugin_declared_in_the_package(pytestconfig: pytest.Config) -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.pytest11]\njubao = "jubao.testing"' in pyproject
    assert pytestconfig.pluginmanager.has_plugin("jubao") or "jubao.testing" in sys.modules


# --- meta-tests ------------------------------------------------------------------------------------------------

HOOKS = {name: fn for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(fn, "jubao_spec")}
HOOKS_DOC = (REPO / "docs" / "plugins" / "hooks.md").read_text(encoding="utf-8")


def test_there_are_hooks() -> None:
    assert set(HOOKS) == {"register_channels", "rule_sources", "register_document_formats", "build_documents"}


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_is_documented_with_its_exact_signature(name: str) -> None:
    signature = f"{name}{inspect.signature(HOOKS[name])}".replace("'", "")
    assert f"`{signature}`" in HOOKS_DOC, signature


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_has_a_test(name: str) -> None:
    tests = (REPO / "tests" / "test_plugins.py").read_text(encoding="utf-8")
    assert re.search(rf"def test_{name}\w*|{name}=", tests), f"no test exercises hook {name}"
