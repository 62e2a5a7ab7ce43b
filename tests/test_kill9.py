"""``kill -9`` during ``jubao documents``: the output folder is always the old set or a complete new set — never
half, and missing only for the moment between two renames where the system cannot exchange folders — and
whatever the killed run left beside it is private (0700) and gone after the next run.

Real processes (``python -m jubao``), killed with SIGKILL: at random points of the run (seeded), and at the exact
points that used to lose or leak something — between the two renames of a swap, after the swap before the old
folder is emptied, while the staging folder is being written.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from jubao import setfolder
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

CASE = EXAMPLES / "night-calls-borrower-only.yaml"
"""The smallest example; every routed channel, Markdown only (23 files): a short run that still swaps a folder."""
KILLS = 30
SEED = 15
RUN_TIMEOUT = 120


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("JUBAO_LANG", "JUBAO_DEBUG")}


def _command(out: Path, prelude: str = "") -> list[str]:
    args = ["documents", str(CASE), "--out", str(out), "--format", "md", "--today", "2026-11-23"]
    if not prelude:
        return [sys.executable, "-m", "jubao", *args]
    code = "\n".join([prelude, "import runpy, sys", "sys.argv = ['jubao', *sys.argv[1:]]",
                      "runpy.run_module('jubao', run_name='__main__')"])  # fmt: skip
    return [sys.executable, "-c", code, *args]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_complete_set(folder: Path) -> dict[str, Any]:
    """Exactly a jubao set: each file its index.json lists, with that SHA-256, and nothing else."""
    files = _files(folder)
    index: dict[str, Any] = json.loads(files.pop("index.json"))
    listed = {f["path"]: f["sha256"] for f in index["files"]}
    assert set(files) == set(listed), "files on disk differ from the set's index"
    for path, digest in listed.items():
        assert hashlib.sha256(files[path]).hexdigest() == digest, f"{path} is not what the index says"
    return index


def _leftovers(parent: Path, out: Path) -> list[Path]:
    others = [p for p in parent.iterdir() if p != out]
    assert all(p.name.startswith(".") for p in others), f"visible leftovers: {others}"
    return others


def _assert_private(leftovers: list[Path]) -> None:
    for path in leftovers:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        assert mode & 0o077 == 0, f"{path.name} is readable by others (mode {mode:o})"


def _run(out: Path) -> None:
    done = subprocess.run(_command(out), capture_output=True, text=True, encoding="utf-8", env=_env(),
                          timeout=RUN_TIMEOUT, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr


def _staging_seen(parent: Path, known: frozenset[str] = frozenset()) -> bool:
    """A hidden folder that was not there before (``known``) has appeared beside the set: the run is writing."""
    return any(name.startswith(".") and name not in known for name in os.listdir(parent))


def _start(out: Path) -> tuple[subprocess.Popen[bytes], float]:
    process = subprocess.Popen(_command(out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    return process, time.monotonic()


def _measure(out: Path) -> tuple[float, float]:
    """One uninterrupted run: how long it takes, and how long after its start the staging folder appears."""
    process, started = _start(out)
    seen = None
    while process.poll() is None:
        if seen is None and _staging_seen(out.parent):
            seen = time.monotonic() - started
        time.sleep(0.001)
    duration = time.monotonic() - started
    assert process.returncode == 0
    return duration, seen if seen is not None else duration * 0.9


def _can_exchange(folder: Path) -> bool:
    """Whether this system and filesystem swap two folders in one step (else jubao renames twice)."""
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    try:
        return setfolder.renameat2(folder / "a", folder / "b", setfolder.RENAME_EXCHANGE)
    finally:
        (folder / "a").rmdir()
        (folder / "b").rmdir()


def test_kill_9_at_random_points_leaves_the_old_set_or_a_new_one_and_nothing_behind(tmp_path: Path) -> None:
    parent = tmp_path / "案件"
    parent.mkdir()
    out = parent / "材料"
    _run(out)  # the earlier set
    duration, staging_at = _measure(out)
    rng = random.Random(SEED)
    exchange = _can_exchange(tmp_path)
    outcomes = {"old": 0, "new": 0, "leftovers": 0, "killed_while_writing": 0}
    for kill in range(KILLS):
        before = _files(out) if out.exists() else None
        known = frozenset(os.listdir(parent))
        process, started = _start(out)
        if kill % 2 == 0:  # anywhere in the run
            deadline = started + rng.uniform(0, duration)
        else:  # within the write: from the staging folder's appearance to the end of the run
            while (
                process.poll() is None and not _staging_seen(parent, known) and time.monotonic() - started < RUN_TIMEOUT
            ):
                time.sleep(0.0005)
            deadline = time.monotonic() + rng.uniform(0, max(duration - staging_at, 0.005))
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        if process.poll() is None:
            outcomes["killed_while_writing"] += _staging_seen(parent, known)
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=RUN_TIMEOUT)
        leftovers = _leftovers(parent, out)
        if not out.exists():  # only between the two renames where there is no exchange: the next run completes it
            assert not exchange, f"kill {kill}: no output folder"
            assert any(".jubao-old-" in p.name for p in leftovers), f"kill {kill}: no output folder, nothing to restore"
        elif _files(out) == before:
            outcomes["old"] += 1
        else:
            _assert_complete_set(out)
            outcomes["new"] += 1
        _assert_private(leftovers)
        outcomes["leftovers"] += bool(leftovers)
    _run(out)
    _assert_complete_set(out)
    assert sorted(os.listdir(parent)) == [out.name], "the next run left something behind"
    assert outcomes["killed_while_writing"] >= 1, outcomes  # the swap was really under fire


KILL_BETWEEN_RENAMES = """
import os, re, signal
try:
    import jubao.setfolder as setfolder
    exchange = setfolder.renameat2
    setfolder.renameat2 = lambda a, b, f: False if f == setfolder.RENAME_EXCHANGE else exchange(a, b, f)
except ImportError:
    pass
rename = os.rename
def killing_rename(source, target, *args, **kwargs):
    if os.path.basename(str(source)).startswith('.') and os.path.basename(str(target)) == '材料':
        os.kill(os.getpid(), signal.SIGKILL)
    return rename(source, target, *args, **kwargs)
os.rename = killing_rename
"""

KILL_AFTER_SWAP = """
import os, re, shutil, signal
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
try:
    import jubao.setfolder as setfolder
    setfolder.empty_retired = die
except ImportError:
    pass
rmtree = shutil.rmtree
def killing_rmtree(path, *args, **kwargs):  # jubao before 0.15 removed the old folder in one go
    if re.search(r'\\.old-\\d+$', str(path)):
        die()
    return rmtree(path, *args, **kwargs)
shutil.rmtree = killing_rmtree
"""

KILL_WHILE_WRITING = """
import os, signal
fsync, calls = os.fsync, []
def killing_fsync(fd):
    calls.append(fd)
    if len(calls) == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    return fsync(fd)
os.fsync = killing_fsync
"""


@pytest.mark.parametrize(
    ("prelude", "folder_survives"),
    [(KILL_BETWEEN_RENAMES, False), (KILL_AFTER_SWAP, True), (KILL_WHILE_WRITING, True)],
    ids=["between-the-two-renames", "after-the-swap", "while-writing"],
)
def test_a_run_killed_at_the_worst_moment_is_completed_or_cleaned_up_by_the_next(
    tmp_path: Path, prelude: str, folder_survives: bool
) -> None:
    """Between the two renames (where the system cannot exchange) there is no output folder for a moment: the next
    run completes the swap. After the swap the old set lies in a hidden folder, while writing the staging folder
    does: both private, both gone after the next run."""
    parent = tmp_path / "案件"
    parent.mkdir()
    out = parent / "材料"
    _run(out)
    old = _files(out)
    killed = subprocess.run(_command(out, prelude), capture_output=True, env=_env(), timeout=RUN_TIMEOUT,
                            check=False)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    leftovers = _leftovers(parent, out)
    assert leftovers, "the kill left nothing to recover: it did not hit the moment it was meant for"
    _assert_private(leftovers)
    if folder_survives:
        assert out.is_dir()
        assert _files(out) == old or _assert_complete_set(out)
    _run(out)
    _assert_complete_set(out)
    assert sorted(os.listdir(parent)) == [out.name], "the leftovers of the killed run are still there"


def test_the_folder_swapped_out_is_private_even_when_the_user_made_it_readable(tmp_path: Path) -> None:
    """The user made ``材料`` herself (mode 0755) and put the set in it: killed after the swap, that folder — with
    whatever was in it — lay beside the new one readable by every account on the machine."""
    parent = tmp_path / "案件"
    parent.mkdir()
    out = parent / "材料"
    out.mkdir()
    out.chmod(0o755)
    killed = subprocess.run(_command(out, KILL_AFTER_SWAP), capture_output=True, env=_env(), timeout=RUN_TIMEOUT,
                            check=False)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    leftovers = _leftovers(parent, out)
    assert leftovers
    _assert_private(leftovers)
    _assert_complete_set(out)
    _run(out)
    assert sorted(os.listdir(parent)) == [out.name]
