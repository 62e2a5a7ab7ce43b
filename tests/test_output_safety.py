"""Writing output never loses or leaks the user's files (issue 15, item 1).

``jubao documents`` replacing an earlier set touches only what that set's ``index.json`` lists: a scan saved into
the folder while jubao runs, an evidence file of the case, a folder jubao cannot read are never deleted or moved;
``--out`` as a link, as the current folder, and ``--ics`` onto a link, FIFO or device are handled without
replacing the node or the folder under the user's feet. Leftovers of interrupted runs are private and found by the
next run (tests/test_kill9.py kills real processes).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jubao.documents
from jubao import setfolder
from jubao.cli.main import cli
from jubao.fileio import (
    DestinationExists,
    NotARegularFile,
    write_bytes_atomic,
    write_output_file,
    write_text_atomic,
)
from jubao.ics import is_unchanged_jubao_calendar
from tests.conftest import EXAMPLES

CARD = EXAMPLES / "credit-card-employer.yaml"
CALL_LOG = EXAMPLES / "evidence" / "credit-card-employer-call-log.txt"
OUT = "材料"
EVIDENCE = f"{OUT}/证据/通话详单.txt"
"""Where the user keeps the evidence file the case points to: inside the output folder."""


def _documents(runner: CliRunner, out: Path | str, *args: str, case: Path = CARD) -> Result:
    return runner.invoke(cli, ["documents", str(case), "--out", str(out), "--channel", "police", "--format", "md",
                               "--today", "2026-11-23", *args])  # fmt: skip


def _tree(folder: Path) -> dict[str, Any]:
    """Everything under ``folder``: files by content, links by target, folders as such."""
    found: dict[str, Any] = {}
    for root, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            found[rel] = (
                ("link", os.readlink(path)) if path.is_symlink()
                else ("dir",) if path.is_dir()
                else ("file", path.read_bytes())
            )  # fmt: skip
    return found


def _complete_set(folder: Path) -> dict[str, Any]:
    """``folder`` holds exactly a jubao set: every file its index lists, with its SHA-256, and nothing else."""
    index: dict[str, Any] = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f["sha256"] for f in index["files"]}
    for path, digest in listed.items():
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == digest, path
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk == {*listed, "index.json"}
    return index


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def case_dir(tmp_path: Path, runner: CliRunner) -> Path:
    """A case folder holding the case file (its evidence path points into the output folder) and ``材料``, an
    earlier set nobody has touched yet."""
    folder = tmp_path / "case"
    folder.mkdir()
    text = CARD.read_text(encoding="utf-8").replace("path: evidence/credit-card-employer-call-log.txt",
                                                    f"path: {EVIDENCE}")  # fmt: skip
    assert EVIDENCE in text
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    result = _documents(runner, folder / OUT, case=folder / "case.yaml")
    assert result.exit_code == 0, result.output
    return folder


def _add_users_files(case: Path) -> dict[str, bytes]:
    """What a victim puts into her folder: scans, a note, and the only copy of the evidence file the case names."""
    files = {
        EVIDENCE: CALL_LOG.read_bytes(),
        f"{OUT}/扫描件/身份证正面.jpg": b"\xff\xd8\xff\xe0 scan of an ID card",
        f"{OUT}/police/回执.jpg": b"\xff\xd8\xff\xe0 receipt",
        f"{OUT}/我的笔记.txt": "周一上午去派出所\n".encode(),
    }
    for rel, data in files.items():
        (case / rel).parent.mkdir(parents=True, exist_ok=True)
        (case / rel).write_bytes(data)
    return files


def _assert_kept(case: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        assert (case / rel).read_bytes() == data, f"{rel} was lost or changed"


# --- the user's files are sacred ---------------------------------------------------------------------------------


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_documents_keeps_the_users_files_and_the_case_evidence_byte_identical(
    runner: CliRunner, case_dir: Path, force: bool
) -> None:
    """The issue's "done when": into a folder holding user files and an evidence file the case points to, every one
    of them stays, byte-identical, at its own path."""
    files = _add_users_files(case_dir)
    result = _documents(runner, case_dir / OUT, *(["--force"] if force else []), case=case_dir / "case.yaml")
    assert result.exit_code == 0, result.output
    _assert_kept(case_dir, files)
    assert _hidden(case_dir) == []


@pytest.mark.parametrize("force", [False, True], ids=["untouched-set", "force"])
def test_files_saved_into_the_folder_while_jubao_writes_are_never_deleted(
    runner: CliRunner, case_dir: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    """The folder is checked, then the new set is written: a scan (or the evidence file) saved into it meanwhile
    was deleted with the old folder, exit 0. Now only what the old index lists is deleted; the rest moves into the
    new folder at its own path."""
    before = _add_users_files(case_dir) if force else {}
    arriving = {f"{OUT}/扫描件/新扫描.jpg": b"\xff\xd8 saved by the scanner app", EVIDENCE: CALL_LOG.read_bytes()}
    fsync, saved = os.fsync, list[bool]()

    def save_while_writing(fd: int) -> None:  # the first file of the new set is being written
        for rel, data in arriving.items() if not saved else ():
            (case_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (case_dir / rel).write_bytes(data)
        saved.append(True)
        fsync(fd)

    monkeypatch.setattr(os, "fsync", save_while_writing)
    result = _documents(runner, case_dir / OUT, *(["--force"] if force else []), case=case_dir / "case.yaml")
    assert result.exit_code == 0, result.output
    _assert_kept(case_dir, {**before, **arriving})
    assert _hidden(case_dir) == []
    assert "没有删除" in result.output
    assert "扫描件/新扫描.jpg" in result.output


def test_force_never_moves_an_evidence_file_the_new_set_would_overwrite(runner: CliRunner, case_dir: Path) -> None:
    """The user's own 证据清单.md, named as evidence by the case: --force used to move it to 保留的文件 and put
    jubao's file at its path. Now --force is refused, nothing written; without --force the set goes beside."""
    (case_dir / OUT / "证据清单.md").write_bytes(b"my own list of evidence")
    case = case_dir / "case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(EVIDENCE, f"{OUT}/证据清单.md"), encoding="utf-8")
    before = _tree(case_dir)
    forced = _documents(runner, case_dir / OUT, "--force", case=case)
    assert forced.exit_code == 2, forced.output
    assert "证据清单.md" in forced.output
    assert "证据文件" in forced.output
    assert _tree(case_dir) == before
    plain = _documents(runner, case_dir / OUT, case=case)
    assert plain.exit_code == 0, plain.output
    assert (case_dir / OUT / "证据清单.md").read_bytes() == b"my own list of evidence"
    assert sorted(p.name for p in case_dir.iterdir()) == ["case.yaml", OUT, f"{OUT}-{date.today().isoformat()}"]


def test_an_untouched_set_holding_an_evidence_file_is_left_and_the_new_set_goes_beside(
    runner: CliRunner, case_dir: Path
) -> None:
    """An evidence path that names a file of the earlier set (unchanged, so nothing else says "the user's"): that
    set is not replaced."""
    case = case_dir / "case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(EVIDENCE, f"{OUT}/police/complaint.md"), "utf-8")
    before = _tree(case_dir / OUT)
    result = _documents(runner, case_dir / OUT, "--today", "2026-11-24", case=case)
    assert result.exit_code == 0, result.output
    assert _tree(case_dir / OUT) == before
    assert "案件引用的证据文件（1 个" in result.output


def test_force_refuses_when_a_folder_inside_cannot_be_read(
    runner: CliRunner, case_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder jubao cannot list was taken for empty: with --force its contents were deleted. Now it counts as
    the user's: --force is refused and the plain run writes beside."""
    private = case_dir / OUT / "私人"
    private.mkdir()
    (private / "病历.pdf").write_bytes(b"%PDF medical record")
    checked, scandir = jubao.documents.folder_changes, os.scandir

    def unlistable(path: Any) -> Any:
        if Path(path) == private:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return scandir(path)

    def check_without_permission(folder: Path) -> Any:
        with monkeypatch.context() as patch:
            patch.setattr(os, "scandir", unlistable)
            return checked(folder)

    monkeypatch.setattr(jubao.documents, "folder_changes", check_without_permission)
    before = _tree(case_dir)
    forced = _documents(runner, case_dir / OUT, "--force", case=case_dir / "case.yaml")
    assert forced.exit_code == 2, forced.output
    assert "私人" in forced.output
    assert _tree(case_dir) == before
    plain = _documents(runner, case_dir / OUT, case=case_dir / "case.yaml")
    assert plain.exit_code == 0, plain.output
    assert (private / "病历.pdf").read_bytes() == b"%PDF medical record"


def test_a_second_writer_of_the_same_folder_is_refused(runner: CliRunner, case_dir: Path) -> None:
    fd = os.open(case_dir / OUT, os.O_RDONLY | os.O_DIRECTORY)
    try:
        import fcntl  # noqa: PLC0415 - POSIX only

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        before = _tree(case_dir)
        result = _documents(runner, case_dir / OUT, case=case_dir / "case.yaml")
        assert result.exit_code == 2, result.output
        assert "另一个 jubao 正在写入" in result.output
        assert _tree(case_dir) == before
    finally:
        os.close(fd)


# --- --out: links and the current folder -------------------------------------------------------------------------


def test_out_as_a_link_to_a_set_replaces_the_set_it_points_to_and_keeps_the_link(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The link was replaced by a folder and a hidden ``.o_link.old-PID`` left behind."""
    sets, desk = tmp_path / "u盘", tmp_path / "桌面"
    sets.mkdir()
    desk.mkdir()
    assert _documents(runner, sets / OUT).exit_code == 0
    (desk / "材料").symlink_to(sets / OUT)
    first = _complete_set(sets / OUT)
    result = _documents(runner, desk / "材料", "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert (desk / "材料").is_symlink()
    assert os.readlink(desk / "材料") == str(sets / OUT)
    second = _complete_set(sets / OUT)
    assert second["today"] == "2026-11-24" != first["today"]
    assert sorted(p.name for p in desk.iterdir()) == ["材料"]
    assert sorted(p.name for p in sets.iterdir()) == [OUT]


@pytest.mark.parametrize("target", ["a file", "nowhere"])
def test_out_as_a_link_to_anything_but_a_folder_is_refused(runner: CliRunner, tmp_path: Path, target: str) -> None:
    link = tmp_path / "o"
    if target == "a file":
        (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
        link.symlink_to(tmp_path / "notes.txt")
    else:
        link.symlink_to(tmp_path / "gone")
    before = _tree(tmp_path)
    result = _documents(runner, link)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert _tree(tmp_path) == before


def _process(*args: str, cwd: Path, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m jubao ARGS`` in ``cwd`` (``prelude``: Python run first in that process)."""
    code = "\n".join(
        [
            "import sys, runpy",
            prelude,
            "sys.argv = ['jubao', *sys.argv[1:]]",
            "runpy.run_module('jubao', run_name='__main__')",
        ]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUBAO_")}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120, check=False)  # fmt: skip


@pytest.mark.parametrize("out", [".", ".."])
def test_out_naming_the_current_folder_is_a_clear_error_and_keeps_it(
    runner: CliRunner, tmp_path: Path, out: str
) -> None:
    """``--out .`` inside an earlier set replaced the folder the shell stood in (the next command then failed with
    an internal error). Now: exit 2, a message saying what to do, the folder and its files as they were."""
    assert _documents(runner, tmp_path / OUT).exit_code == 0
    here = tmp_path / OUT / "police"
    (tmp_path / OUT / "我的笔记.txt").write_text("周一", encoding="utf-8")  # the user's file
    before, inode = _tree(tmp_path), os.stat(here).st_ino
    args = ["documents", str(CARD), "--out", out, "--channel", "police", "--format", "md"]
    done = _process(*args, cwd=here if out == ".." else tmp_path / OUT)
    assert done.returncode == 2, done.stderr
    assert "当前所在的文件夹" in done.stderr
    assert "Traceback" not in done.stderr
    assert _tree(tmp_path) == before
    assert os.stat(here).st_ino == inode


@pytest.mark.parametrize("out", ["o", "."])
def test_a_run_from_a_deleted_current_folder_is_a_clear_error(tmp_path: Path, out: str) -> None:
    """Where an earlier ``--out .`` left the terminal: ``--out .`` was an internal error (exit 1)."""
    gone = tmp_path / "gone"
    gone.mkdir()
    done = _process("documents", str(CARD), "--out", out, "--format", "md", cwd=gone,
                    prelude="import os; os.rmdir(os.getcwd())")  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "内部出错" not in done.stderr
    assert "Traceback" not in done.stderr
    assert "cd" in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["validate", str(CARD)], ["plan", str(CARD), "--as-of", "2026-11-23"]])
def test_any_command_from_a_deleted_current_folder_says_so(tmp_path: Path, command: list[str]) -> None:
    """Checked before anything is imported: on Python 3.13 importing pydantic's compiled core from a deleted folder
    fails with a SystemError, which every command reported as an internal error."""
    gone = tmp_path / "gone"
    gone.mkdir()
    done = _process(*command, cwd=gone, prelude="import os; os.rmdir(os.getcwd())")
    assert done.returncode == 2, done.stderr
    assert "cd" in done.stderr
    assert "内部出错" not in done.stderr


# --- --ics and atomic file writes --------------------------------------------------------------------------------


def _plan_ics(runner: CliRunner, ics: Path, *args: str) -> Result:
    return runner.invoke(cli, [*args, "plan", str(CARD), "--as-of", "2026-11-23", "--ics", str(ics)])


def _special_nodes(folder: Path) -> Iterator[tuple[str, Path, Callable[[], Any]]]:
    """(kind, path, what it is now) of a link to a file, a link to a device, a FIFO, a folder and a device."""
    (folder / "mine.ics").write_bytes(b"BEGIN:VCALENDAR\r\nmine\r\n")
    (folder / "link.ics").symlink_to(folder / "mine.ics")
    yield "symlink", folder / "link.ics", lambda: (os.readlink(folder / "link.ics"), (folder / "mine.ics").read_bytes())
    (folder / "null.ics").symlink_to(os.devnull)
    yield "symlink", folder / "null.ics", lambda: os.readlink(folder / "null.ics")
    os.mkfifo(folder / "fifo.ics")
    yield "fifo", folder / "fifo.ics", lambda: stat.S_ISFIFO(os.lstat(folder / "fifo.ics").st_mode)
    (folder / "dir.ics").mkdir()
    yield "directory", folder / "dir.ics", lambda: sorted(os.listdir(folder / "dir.ics"))
    try:
        os.mknod(folder / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own (root only)
    except OSError:
        return
    yield "device", folder / "null", lambda: stat.S_ISCHR(os.lstat(folder / "null").st_mode)


def test_ics_onto_a_link_fifo_folder_or_device_is_refused_and_nothing_is_written(
    runner: CliRunner, tmp_path: Path
) -> None:
    """``--ics`` replaced the node itself: a link became a file (its target kept the old calendar), a FIFO or a
    device (as root, /dev/full) a regular file. Now: exit 2, a located message, the node as it was."""
    for kind, path, now in _special_nodes(tmp_path):
        before, listing = now(), sorted(os.listdir(tmp_path))
        result = _plan_ics(runner, path)
        assert result.exit_code == 2, (kind, result.output)
        assert f"--ics {path}" in result.output, kind
        assert ("符号链接" if kind == "symlink" else "不是普通文件") in result.output, kind
        assert now() == before, kind
        assert sorted(os.listdir(tmp_path)) == listing, kind  # no temporary file left either
    english = _plan_ics(runner, tmp_path / "fifo.ics", "--lang", "en")
    assert english.exit_code == 2
    assert "named pipe" in english.output


def test_ics_replaces_only_the_calendar_jubao_wrote_last_time_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    """Re-running ``plan --ics plan.ics`` every week updates the calendar; ``--ics`` pointed by mistake at the case
    file, at notes, at another calendar or at a calendar she added to by hand is refused, the file as it was."""
    ics = tmp_path / "plan.ics"
    first = _plan_ics(runner, ics)
    assert first.exit_code == 0, first.output
    again = _plan_ics(runner, ics, "--lang", "en")
    assert again.exit_code == 0, again.output  # its own output, unchanged: replaced
    assert f"Wrote calendar file {ics} (" in again.stdout
    written = ics.read_bytes()
    assert is_unchanged_jubao_calendar(written)

    case_text = CARD.read_bytes()
    edited = written.replace(b"END:VCALENDAR", b"BEGIN:VEVENT\r\nSUMMARY:my own note\r\nEND:VEVENT\r\nEND:VCALENDAR")
    other_calendar = b"BEGIN:VCALENDAR\r\nPRODID:-//Example//Calendar//EN\r\nEND:VCALENDAR\r\n"
    for name, content in (("case.yaml", case_text), ("notes.txt", b"my notes\n"), ("other.ics", other_calendar),
                          ("plan.ics", edited), ("empty.ics", b"")):  # fmt: skip
        target = tmp_path / name
        target.write_bytes(content)
        before = sorted(os.listdir(tmp_path))
        refused = _plan_ics(runner, target)
        assert refused.exit_code == 2, name
        assert refused.stderr == (
            f"✗ {target} 已经存在，而且不是 jubao 上次写出、之后没有改动过的日历文件；为避免覆盖您的文件，没有写入。"
            "请换一个 --ics 文件名，或加 --force 覆盖它\n"
        ), name
        assert target.read_bytes() == content, name
        assert sorted(os.listdir(tmp_path)) == before, name  # no temporary file left behind

    forced = runner.invoke(cli, ["plan", str(CARD), "--as-of", "2026-11-23", "--ics", str(ics), "--force"])
    assert forced.exit_code == 0, forced.output
    assert is_unchanged_jubao_calendar(ics.read_bytes())


@pytest.mark.parametrize(
    "command",
    [
        ["next", str(CARD), "--as-of", "2026-11-23", "--force", "--out"],
        ["schema", "case", "--out"],
    ],
    ids=["next --force", "schema"],
)
def test_other_commands_writing_a_file_refuse_a_link_fifo_folder_or_device(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    """``next --out … --force`` replaced the node with ``os.replace``; ``schema --out`` failed with exit 1 and an
    English reason. Both now refuse as ``plan --ics`` does: exit 2, the option named, the node as it was."""
    for kind, path, now in _special_nodes(tmp_path):
        before, listing = now(), sorted(os.listdir(tmp_path))
        result = runner.invoke(cli, [*command, str(path)])
        assert result.exit_code == 2, (kind, result.output)
        if kind != "directory" or command[0] != "schema":  # (there click's own check refuses a folder)
            assert f"--out {path}" in result.output, kind
            assert ("符号链接" if kind == "symlink" else "不是普通文件") in result.output, kind
        assert now() == before, kind
        assert sorted(os.listdir(tmp_path)) == listing, kind


def _forced_output(path: Path, data: bytes) -> None:
    write_output_file(path, data, force=True, replaceable=lambda existing: True)


@pytest.mark.parametrize("writer", [write_text_atomic, write_bytes_atomic, _forced_output])
def test_atomic_writers_refuse_what_is_not_a_regular_file(tmp_path: Path, writer: Callable[..., None]) -> None:
    data: Any = "new" if writer is write_text_atomic else b"new"
    for kind, path, now in _special_nodes(tmp_path):
        before = now()
        with pytest.raises(NotARegularFile) as raised:
            writer(path, data)
        assert raised.value.kind == kind
        assert now() == before
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_an_output_file_replaces_only_what_the_caller_says_is_its_own(tmp_path: Path) -> None:
    """``write_output_file``: a new file is made with the umask's mode; an existing one is replaced only when
    ``replaceable`` accepts its bytes (or with ``force``); ``replaceable`` never sees more than the file."""
    out = tmp_path / "out.txt"
    write_output_file(out, b"first", replaceable=lambda existing: True)
    assert out.read_bytes() == b"first"
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_current_umask()
    seen: list[bytes] = []

    def refuse(existing: bytes) -> bool:
        seen.append(existing)
        return False

    with pytest.raises(DestinationExists):
        write_output_file(out, b"second", replaceable=refuse)
    assert seen == [b"first"]
    assert out.read_bytes() == b"first"
    write_output_file(out, b"third", replaceable=lambda existing: existing == b"first")
    assert out.read_bytes() == b"third"
    with pytest.raises(DestinationExists):
        write_output_file(out, b"fourth")  # no judge: never replaced
    write_output_file(out, b"fifth", force=True)
    assert out.read_bytes() == b"fifth"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_an_output_file_taken_a_moment_before_is_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone else creates the file after jubao looked and before it places its own: the link fails, and the
    other file stays whole."""
    out = tmp_path / "plan.ics"
    real_link = os.link

    def link_after_someone_else(source: Any, destination: Any) -> None:
        Path(destination).write_bytes(b"theirs")
        real_link(source, destination)

    monkeypatch.setattr(os, "link", link_after_someone_else)
    with pytest.raises(DestinationExists):
        write_output_file(out, b"ours", replaceable=lambda existing: False)
    assert out.read_bytes() == b"theirs"
    assert sorted(os.listdir(tmp_path)) == ["plan.ics"]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- leftovers of interrupted runs (the states a kill leaves, built by hand) -------------------------------------


def _a_set(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True)
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    listed = [{"path": rel, "sha256": hashlib.sha256(data).hexdigest()} for rel, data in files.items()]
    (folder / "index.json").write_bytes(json.dumps({"format": setfolder.SET_FORMAT, "files": listed}).encode())


OLD = {"police/complaint.md": b"old letter", "index.md": b"old index"}
NEW = {"police/complaint.md": b"new letter", "index.md": b"new index"}
DAY = date(2026, 11, 29)


def test_recover_removes_a_staging_folder_that_was_never_swapped_in(tmp_path: Path) -> None:
    out = tmp_path / "o"
    _a_set(out, OLD)
    inode = os.stat(out).st_ino
    _a_set(tmp_path / f".o.jubao-new-999999-{inode}-abcd1234", NEW)
    _a_set(tmp_path / ".o-2026-11-28.jubao-new-999999-0-abcd1235", NEW)  # a killed run writing beside
    recovered = setfolder.recover(out, DAY)
    assert recovered.count == 2
    assert sorted(os.listdir(tmp_path)) == ["o"]
    assert _tree(out)["police/complaint.md"] == ("file", b"old letter")


def test_recover_empties_an_old_folder_swapped_out_and_keeps_what_the_user_saved_in_it(tmp_path: Path) -> None:
    """Killed after the exchange: the old folder sits under the staging name (its own inode says so)."""
    _a_set(tmp_path / "swapped", OLD)
    (tmp_path / "swapped" / "police" / "回执.jpg").write_bytes(b"receipt")
    (tmp_path / "swapped" / "police" / "complaint.md").write_bytes(b"edited meanwhile")
    inode = os.stat(tmp_path / "swapped").st_ino
    (tmp_path / "swapped").rename(tmp_path / f".o.jubao-new-999999-{inode}-abcd1234")
    _a_set(tmp_path / "o", NEW)
    recovered = setfolder.recover(tmp_path / "o", DAY)
    assert sorted(os.listdir(tmp_path)) == ["o"]
    tree = _tree(tmp_path / "o")
    assert tree["police/回执.jpg"] == ("file", b"receipt")
    assert tree[f"{setfolder.KEPT_FOLDER}-2026-11-29/police/complaint.md"] == ("file", b"edited meanwhile")
    assert tree["police/complaint.md"] == ("file", b"new letter")
    assert {old for old, _ in recovered.rescued} == {"police/回执.jpg", "police/complaint.md"}


def test_recover_completes_a_two_step_swap_killed_between_its_renames(tmp_path: Path) -> None:
    _a_set(tmp_path / ".o.jubao-old-999999-77-abcd1234", OLD)
    _a_set(tmp_path / ".o.jubao-new-999999-77-abcd1234", NEW)
    setfolder.recover(tmp_path / "o", DAY)
    assert sorted(os.listdir(tmp_path)) == ["o"]
    _complete_set(tmp_path / "o")
    assert (tmp_path / "o" / "police" / "complaint.md").read_bytes() == b"new letter"


def test_recover_rolls_back_when_only_the_old_folder_is_left(tmp_path: Path) -> None:
    _a_set(tmp_path / ".o.old-999999", {**OLD, "我的.txt": b"mine"})  # what jubao before 0.15 left
    _a_set(tmp_path / ".o.abcd_123.tmp", NEW)
    (tmp_path / ".o.abcd_123.tmp").touch()
    os.utime(tmp_path / ".o.abcd_123.tmp", (0, 0))
    setfolder.recover(tmp_path / "o", DAY)
    assert sorted(os.listdir(tmp_path)) == ["o"]
    assert (tmp_path / "o" / "我的.txt").read_bytes() == b"mine"


def test_recover_leaves_a_live_runs_folders_alone(tmp_path: Path) -> None:
    _a_set(tmp_path / "o", OLD)
    staging = setfolder.stage(tmp_path / "o")
    try:
        assert staging.path.name.startswith(".o.jubao-new-")
        assert stat.S_IMODE(os.stat(staging.path).st_mode) == 0o700
        assert setfolder.recover(tmp_path / "o", DAY).count == 0
        assert staging.path.is_dir()
        with pytest.raises(BlockingIOError):
            setfolder.stage(tmp_path / "o")  # the destination is locked too: a second writer is refused
    finally:
        staging.discard()
    assert sorted(os.listdir(tmp_path)) == ["o"]


def test_swap_falls_back_to_two_renames_where_there_is_no_exchange(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _a_set(tmp_path / "o", {**OLD})
    monkeypatch.setattr(setfolder, "renameat2", lambda source, target, flags: False)
    staging = setfolder.stage(tmp_path / "o")
    (staging.path / "index.md").write_bytes(b"new")
    old = setfolder.swap(staging)
    assert old is not None
    assert ".o.jubao-old-" in old.name
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o700
    setfolder.empty_retired(old, tmp_path / "o", DAY)
    staging.release()
    assert sorted(os.listdir(tmp_path)) == ["o"]
    assert (tmp_path / "o" / "index.md").read_bytes() == b"new"


def test_renameat2_exchange_swaps_two_folders_where_the_kernel_has_it(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x").write_bytes(b"a")
    if not setfolder.renameat2(tmp_path / "a", tmp_path / "b", setfolder.RENAME_EXCHANGE):
        pytest.skip("no renameat2 exchange on this system or filesystem")
    assert (tmp_path / "b" / "x").read_bytes() == b"a"
    assert not (tmp_path / "a" / "x").exists()
    with pytest.raises(FileExistsError):
        setfolder.rename_new(tmp_path / "a", tmp_path / "b")


_NAMES = st.sampled_from(["a", "b", "扫描", "police", "index.md", ".DS_Store", "保留的文件-2026-11-29"])
_RELS = st.lists(_NAMES, min_size=1, max_size=3).map("/".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.dictionaries(_RELS, st.binary(max_size=8), max_size=6),
       user=st.dictionaries(_RELS, st.binary(max_size=8), max_size=6),
       new=st.dictionaries(_RELS, st.binary(max_size=8), max_size=6))  # fmt: skip
def test_emptying_a_replaced_folder_deletes_only_jubaos_files(
    tmp_path_factory: pytest.TempPathFactory, old: dict[str, bytes], user: dict[str, bytes], new: dict[str, bytes]
) -> None:
    """Whatever the old set, the user's files in it and the new set: after the swap and emptying, every byte the
    user had is somewhere in the new folder and nothing is left beside it."""
    root = tmp_path_factory.mktemp("swap")

    def build(folder: Path, files: dict[str, bytes], extra: dict[str, bytes]) -> dict[str, bytes]:
        written: dict[str, bytes] = {}
        folder.mkdir()
        for rel, data in [*files.items(), *extra.items()]:
            path = folder / rel
            if any((folder / p).is_file() for p in setfolder.parents(rel)) or path.is_dir():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written[rel] = data
        listed = [{"path": r, "sha256": hashlib.sha256(files[r]).hexdigest()} for r in written if r in files]
        (folder / "index.json").write_bytes(json.dumps({"format": setfolder.SET_FORMAT, "files": listed}).encode())
        return {r: d for r, d in written.items() if r not in files or files[r] != d}

    users = build(root / "o", old, user)
    users = {r: d for r, d in users.items() if Path(r).name not in setfolder.IGNORED_NAMES}
    staging = setfolder.stage(root / "o")
    shutil.rmtree(staging.path)
    build(staging.path, new, {})
    retired = setfolder.swap(staging)
    assert retired is not None
    setfolder.empty_retired(retired, root / "o", DAY)
    staging.release()
    assert sorted(os.listdir(root)) == ["o"]
    contents = [p.read_bytes() for p in (root / "o").rglob("*") if p.is_file() and not p.is_symlink()]
    for rel, data in users.items():
        assert data in contents, rel
