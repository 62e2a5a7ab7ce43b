"""`jubao plugin new` output works as generated; the test kit's checks can fail; every hook is documented and
tested (a datasette-style meta-test)."""

from __future__ import annotations

import fnmatch
import importlib
import inspect
import re
import sys
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from jubao import hookspecs, scaffold
from jubao.cli.main import cli
from jubao.documents_api import MARKDOWN
from jubao.engine import Engine
from jubao.plugins import load_plugins
from jubao.ruletests import golden_test_files, run_all
from jubao.testing import assert_channel_conforms, assert_matches_snapshot, documents_for, example_cases
from jubao_plugins import formats
from tests.conftest import REPO
from tests.test_plugins import channel, plugin_module, registering

PROJECT_FILES = [
    ".gitignore", "README.md", "pyproject.toml", "src/jubao_hotline_demo/__init__.py",
    "src/jubao_hotline_demo/channel.yaml", "src/jubao_hotline_demo/rules/routing.yaml",
    "src/jubao_hotline_demo/rules/tests/golden.yaml", "src/jubao_hotline_demo/templates/notes.md.j2",
    "tests/snapshots/notes.md", "tests/test_plugin.py",
]  # fmt: skip


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its content."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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
    assert sorted(tree(generated)) == PROJECT_FILES
    assert [p.name for p in generated.parent.iterdir()] == ["jubao-hotline-demo"]  # no staging folder left
    pyproject = (generated / "pyproject.toml").read_text(encoding="utf-8")
    assert 'hotline_demo = "jubao_hotline_demo"' in pyproject
    for text in tree(generated).values():
        assert not re.search(rb"__[A-Z_]+__", text)  # every placeholder name was filled in
    assert "jubao-hotline-demo" in (generated / "README.md").read_text(encoding="utf-8")


def test_the_wheel_of_the_project_ships_every_data_file(generated: Path) -> None:
    """The package-data globs cover every file of the package that is not Python (CI builds the real wheel)."""
    config = tomllib.loads((generated / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["jubao_hotline_demo"]
    package = generated / "src" / "jubao_hotline_demo"
    data = [str(p.relative_to(package)) for p in package.rglob("*") if p.is_file() and p.suffix != ".py"]
    assert data
    assert [f for f in data if not any(fnmatch.fnmatch(f, g) and f.count("/") == g.count("/") for g in globs)] == []


def test_scaffolded_plugin_conforms_routes_and_matches_its_snapshot(generated: Path) -> None:
    """What the generated tests check, run here against the generated files (the snapshot is a scaffold template,
    so this is where a change to the kit's example cases or to drafting shows up)."""
    module = importlib.import_module("jubao_hotline_demo")
    plugins = load_plugins(entry_points_group=None, strict=True,
                           extra=[("hotline_demo", module), ("formats", formats)])  # fmt: skip
    assert_channel_conforms(plugins.channels["hotline_demo"], plugins, example_cases())
    with Engine(plugins=plugins) as engine:
        run = run_all(engine, golden_test_files(generated / "src" / "jubao_hotline_demo" / "rules", "hotline_demo"))
        assert [o.failures for o in run.outcomes] == [[], []]
        case = example_cases()[0]
        evaluation = engine.evaluate(case, today=date(2026, 11, 20))
    assert "hotline_demo" in evaluation.route_ids()
    (document,) = documents_for(plugins, "hotline_demo", case, today=date(2026, 11, 20))
    expected = (generated / "tests" / "snapshots" / "notes.md").read_text(encoding="utf-8")
    assert MARKDOWN.write(document).decode("utf-8") == expected


def test_scaffold_refuses_to_overwrite_and_changes_nothing(generated: Path, runner: CliRunner) -> None:
    (generated / "mine.txt").write_text("不要动", encoding="utf-8")
    before = tree(generated.parent)
    again = runner.invoke(cli, ["--lang", "en", "plugin", "new", "jubao-hotline-demo", "--dir", str(generated.parent)])
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    assert tree(generated.parent) == before
    assert [p.name for p in generated.parent.iterdir()] == ["jubao-hotline-demo"]


@pytest.mark.parametrize("existing", ["file", "empty folder", "link"])
def test_scaffold_never_replaces_whatever_is_at_the_target(tmp_path: Path, runner: CliRunner, existing: str) -> None:
    target = tmp_path / "jubao-hotline-demo"
    if existing == "file":
        target.write_text("x", encoding="utf-8")
    elif existing == "empty folder":
        target.mkdir()
    else:
        target.symlink_to(tmp_path / "nowhere")
    result = runner.invoke(cli, ["plugin", "new", "jubao-hotline-demo", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["jubao-hotline-demo"]
    assert target.is_symlink() if existing == "link" else target.exists()


def test_a_failure_half_way_leaves_nothing(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Path] = []
    real_write = Path.write_text

    def write_then_fail(self: Path, *args: object, **kwargs: object) -> int:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", write_then_fail)
    result = runner.invoke(cli, ["--lang", "en", "plugin", "new", "jubao-hotline-demo", "--dir", str(tmp_path)])
    assert result.exit_code == 1  # the files could not be written: not a wrong name or folder (exit 2)
    assert "No space left on device" in result.stderr
    assert "nothing was created" in result.stderr
    assert len(written) == 3
    assert list(tmp_path.iterdir()) == []


def test_a_race_for_the_name_is_lost_politely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Something appears at the target while the project is being written: it is left alone."""
    real_write = scaffold._write

    def write_and_race(folder: Path, project: dict[str, str]) -> None:
        real_write(folder, project)
        (tmp_path / "jubao-hotline-demo").mkdir()
        (tmp_path / "jubao-hotline-demo" / "theirs.txt").write_text("x", encoding="utf-8")

    monkeypatch.setattr(scaffold, "_write", write_and_race)
    with pytest.raises(scaffold.ScaffoldError) as raised:
        scaffold.create_plugin("jubao-hotline-demo", tmp_path)
    assert raised.value.code == "exists"
    assert sorted(tree(tmp_path)) == ["jubao-hotline-demo/theirs.txt"]


@pytest.mark.parametrize("name", ["Hotline", "jubao", "jubao-12345", "jubao_plugins", "import", "a--b", "x-"])
def test_unusable_names_are_refused_as_usage_errors(tmp_path: Path, runner: CliRunner, name: str) -> None:
    result = runner.invoke(cli, ["--lang", "en", "plugin", "new", name, "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a usable plugin name" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_name_of_an_installed_plugin_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--lang", "en", "plugin", "new", "jubao-police", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "police is already installed" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_parent_folder_must_exist(tmp_path: Path, runner: CliRunner) -> None:
    missing = tmp_path / "no" / "such"
    result = runner.invoke(cli, ["--lang", "en", "plugin", "new", "jubao-hotline-demo", "--dir", str(missing)])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


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
    assert set(HOOKS) == {
        "register_channels",
        "register_facts",
        "rule_sources",
        "register_document_formats",
        "build_documents",
    }


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_is_documented_with_its_exact_signature(name: str) -> None:
    signature = f"{name}{inspect.signature(HOOKS[name])}".replace("'", "")
    assert f"`{signature}`" in HOOKS_DOC, signature


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_has_a_test(name: str) -> None:
    files = ("test_plugins.py", "test_plugin_isolation.py")
    tests = "".join((REPO / "tests" / file).read_text(encoding="utf-8") for file in files)
    assert re.search(rf"def test_{name}\w*|{name}=", tests), f"no test exercises hook {name}"
