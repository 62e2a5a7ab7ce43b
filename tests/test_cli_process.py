"""The CLI once as a real process, the way a user's shell runs it (exit codes, streams, encoding)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA, EXAMPLES


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("jubao")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "jubao"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUBAO_")}
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=60, check=False
    )


def test_real_process_validates_and_fails_politely() -> None:
    ok = _run("validate", str(EXAMPLES / "credit-card-employer.yaml"))
    assert ok.returncode == 0, ok.stderr
    assert "有效" in ok.stdout
    bad = _run("validate", str(DATA / "invalid" / "many-problems.yaml"))
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "many-problems.yaml:5:3: reporter.phone:" in bad.stderr


def test_console_script_is_installed() -> None:
    assert shutil.which("jubao", path=str(Path(sys.executable).parent)) is not None
