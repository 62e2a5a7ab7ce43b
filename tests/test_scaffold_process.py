"""`jubao plugin new` as a real process: it works where pytest is not installed (a plain ``pip install jubao``),
and the project it writes passes its own tests once installed.

"Installed" is simulated without pip: a ``.dist-info`` folder holding the entry point is put on ``PYTHONPATH``
next to the project's ``src``, which is all ``importlib.metadata`` needs to find the plugin. CI also installs a
generated project for real and builds its wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NO_PYTEST = """
import atexit, sys
for name in ("pytest", "_pytest", "jubao.testing"):
    sys.modules[name] = None  # importing any of them now raises ImportError, as where pytest is not installed
atexit.register(lambda: print("engine loaded:", "durable" in {m.split(".")[0] for m in sys.modules}))
from jubao.cli.main import main
sys.argv = ["jubao", *sys.argv[1:]]
main()
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUBAO_", "PYTEST_"))}
    return env | {"JUBAO_LANG": "en", **extra}


def _jubao_without_pytest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", NO_PYTEST, *args], capture_output=True, text=True,
                          encoding="utf-8", env=_env(), timeout=60, check=False)  # fmt: skip


def test_plugin_new_needs_neither_pytest_nor_the_engine(tmp_path: Path) -> None:
    result = _jubao_without_pytest("plugin", "new", "jubao-nopytest-demo", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "jubao-nopytest-demo" / "tests" / "snapshots" / "notes.md").is_file()
    assert "engine loaded: False" in result.stdout  # the files are copied, not rendered through the engine


def test_an_existing_target_exits_2_with_a_sentence(tmp_path: Path) -> None:
    (tmp_path / "jubao-taken").mkdir()
    (tmp_path / "jubao-taken" / "keep.txt").write_text("x", encoding="utf-8")
    result = _jubao_without_pytest("plugin", "new", "jubao-taken", "--dir", str(tmp_path))
    assert result.returncode == 2
    assert "already exists; nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in (tmp_path / "jubao-taken").iterdir()] == ["keep.txt"]


def test_the_generated_project_passes_its_own_tests(tmp_path: Path) -> None:
    created = _jubao_without_pytest("plugin", "new", "jubao-selftest-demo", "--dir", str(tmp_path))
    assert created.returncode == 0, created.stderr
    project = tmp_path / "jubao-selftest-demo"
    dist_info = tmp_path / "site" / "jubao_selftest_demo-0.1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: jubao-selftest-demo\nVersion: 0.1.0\n")
    (dist_info / "entry_points.txt").write_text("[jubao]\nselftest_demo = jubao_selftest_demo\n")
    pythonpath = os.pathsep.join([str(tmp_path / "site"), str(project / "src")])
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                         capture_output=True, text=True, encoding="utf-8", env=_env(PYTHONPATH=pythonpath),
                         timeout=300, check=False)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout
