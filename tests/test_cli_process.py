"""The CLI once as a real process, the way a user's shell runs it (exit codes, streams, encoding)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, EXAMPLES


def _run(*args: str, stdout: int | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("jubao")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "jubao"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUBAO_")}
    return subprocess.run(
        [*command, *args],
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
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


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full: Linux only")
@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "--json", str(EXAMPLES / "credit-card-employer.yaml")],
        ["--lang", "en", "plan", str(EXAMPLES / "credit-card-employer.yaml")],
        ["evaluate", str(EXAMPLES)],
        ["--version"],
        ["--lang", "en", "--help"],
    ],
)
def test_output_to_a_full_disk_says_the_disk_is_full_not_that_jubao_is_broken(args: list[str]) -> None:
    """``jubao evaluate … > out.json`` on a full disk (``/dev/full``: every write is ENOSPC, as the kernel gives
    it): the person is told the output could not be written and is incomplete — not "a bug in jubao, report it"
    — and no Python noise follows."""
    with open("/dev/full", "wb") as full:
        done = _run(*args, stdout=full.fileno())
    assert done.returncode == 1
    expected = "Cannot write the output: No space left on device" if "en" in args else "无法写出结果"
    assert expected in done.stderr
    for noise in ("内部出错", "Internal error", "Traceback", "Exception ignored"):
        assert noise not in done.stderr
