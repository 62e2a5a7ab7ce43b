"""Shared fixtures: repository paths, a CLI runner that keeps stdout and stderr apart, and the installed plugins with
one engine (loaded through the same entry points a third-party plugin uses)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner

from jubao import Case, CaseView, Engine, PluginSet, drafting_context, load_plugins

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
GUANGDONG = EXAMPLES / "plugin-guangdong-12345" / "src" / "jubao_guangdong_12345"
"""The example third-party plugin's package (a data-only channel, gd_12345, with rules)."""
DATA = Path(__file__).resolve().parent / "data"


VIEW_DAY = date(2026, 11, 23)


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test (and every jubao process a test starts) caches in a temporary folder, never the user's: also a
    process started without the JUBAO_ variables (the user cache directory is then under XDG_CACHE_HOME)."""
    folder = tmp_path_factory.mktemp("jubao-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUBAO_CACHE_DIR", str(folder))
        patch.setenv("XDG_CACHE_HOME", str(folder / "xdg"))
        patch.delenv("JUBAO_NO_CACHE", raising=False)
        yield folder


@pytest.fixture(scope="session")
def plugins() -> PluginSet:
    loaded = load_plugins()
    assert not loaded.errors, loaded.errors
    return loaded


@pytest.fixture(scope="session")
def engine(plugins: PluginSet) -> Iterator[Engine]:
    with Engine(plugins=plugins) as running:
        yield running


@pytest.fixture
def view_of(plugins: PluginSet, engine: Engine) -> Callable[..., CaseView]:
    """``view_of(case, channel="police")``: the ``CaseView`` that channel's templates get for ``case``."""

    def _view(case: Case, channel: str = "police") -> CaseView:
        return CaseView(drafting_context(plugins, channel, case, engine.evaluate(case, today=VIEW_DAY)))

    return _view


def example_cases() -> list[Path]:
    return sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")])


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("JUBAO_LANG", raising=False)
    monkeypatch.delenv("JUBAO_DEBUG", raising=False)
    return CliRunner()


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a file into a temporary directory and return its path."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


MINIMAL_CASE = """\
reporter:
  role: borrower
  name: 测试人
  phone: 138 0000 0001
  region: {province: 广东省}
lender:
  name: 示例银行
  kind: bank
incidents:
  - time: 2026-10-01 10:00
    medium: call
    target: {kind: borrower}
"""


def bundled_rules_copy(tmp_path: Path, **extra_files: str) -> Path:
    """A rules directory with the bundled catalogue and parameters but none of the bundled rules, plus
    ``extra_files`` (name → YAML text): for tests that need a rule set of their own."""
    from importlib.resources import files  # noqa: PLC0415 - keep conftest import-light

    target = tmp_path / "rules"
    (target / "parameters").mkdir(parents=True)
    root = files("jubao_rules")
    (target / "catalogue.yaml").write_text(
        root.joinpath("catalogue.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for item in root.joinpath("parameters").iterdir():
        if item.name.endswith(".yaml"):
            (target / "parameters" / item.name).write_text(item.read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in extra_files.items():
        (target / name).write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def guangdong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], Path]:
    """``guangdong(True)`` installs a copy of the example plugin (package data-only channel with rules) through the
    entry-point group; ``guangdong(False)`` uninstalls it. Returns the copy's package folder (to edit)."""
    site = tmp_path / "site"
    package = site / GUANGDONG.name
    shutil.copytree(GUANGDONG, package)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, GUANGDONG.name, raising=False)
    real = list(entry_points(group="jubao"))
    point = EntryPoint("guangdong_12345", GUANGDONG.name, "jubao")

    def installing(installed: bool) -> Path:
        points = [*real, point] if installed else real
        monkeypatch.setattr("jubao.plugins.entry_points", lambda group: points if group == "jubao" else [])
        return package

    return installing


# --- a small real disk, to fill up ---------------------------------------------------------------------------------


SMALL_DISK_BYTES = 4 * 1024 * 1024


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 4 MiB (a tmpfs mounted for the test) that can be filled up: the disk-full paths are
    the kernel's ``ENOSPC`` and SQLite's ``SQLITE_FULL``, not a simulation. Mounting needs root (``.ci/run`` runs
    as root, and does not allow this skip)."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("small disk: mounting a tmpfs needs root")
    size = f"size={SMALL_DISK_BYTES // 1024}k,mode=0700"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", size, "tmpfs", str(mount_point)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"small disk: cannot mount a tmpfs ({done.stderr.strip()})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


def fill_disk(disk: Path) -> Path:
    """Fill ``disk`` to the last byte with one file (returned: delete it to free the space again)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            chunk = b"\0" * size
            try:
                while os.write(fd, chunk):
                    pass
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
    finally:
        os.close(fd)
    return filler


IMPORT_PROBE = """
import json, sys
before = set(sys.modules)
from jubao.cli.main import main
sys.argv = ["jubao", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
with open(OUT, "w", encoding="utf-8") as out:
    json.dump({"code": code, "new": sorted(set(sys.modules) - before)}, out)
"""


def run_probed(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], int, set[str]]:
    """Run ``jubao ARGS`` in a fresh interpreter (``env``: its environment, this one's by default): the finished
    process, its exit code and every module it imported. What a test process has already imported says nothing
    about a user's ``jubao``."""
    out = tmp_path / "modules.json"
    script = IMPORT_PROBE.replace("OUT", repr(str(out)))
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                            encoding="utf-8", env=env, timeout=120, check=False)  # fmt: skip
    assert out.exists(), result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    return result, report["code"], set(report["new"])


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A site folder on the import path (this process and the jubao processes a test starts), where a test installs
    plugins as distributions. Its packages are named ``tp_…`` or ``aaa_…``: forgotten after the test, so that the
    next test's package of the same name is imported afresh."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")]).rstrip(":"))
    before = set(sys.modules)
    yield folder
    for module in set(sys.modules) - before:
        if module.startswith(("tp_", "aaa_")):
            del sys.modules[module]
