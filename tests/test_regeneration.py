"""Re-running ``jubao documents`` never loses work: an earlier set the user edited, added to or pruned is left as it
is and the new set goes beside it; ``--force`` replaces it but keeps every file the user changed or added."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import jubao.documents
from jubao.cli.main import cli
from jubao.documents import KEPT_FOLDER, SET_FORMAT, dated_folder, folder_changes
from tests.conftest import EXAMPLES

CARD = EXAMPLES / "credit-card-employer.yaml"
LETTER = "police/complaint.md"
DATED = re.compile(r"^o-\d{4}-\d{2}-\d{2}$")


def _documents(runner: CliRunner, out: Path, *args: str, today: str = "2026-11-23") -> Result:
    return runner.invoke(cli, ["documents", str(CARD), "--out", str(out), "--channel", "police", *args,
                               "--today", today])  # fmt: skip


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p != out)


def _assert_index_matches_folder(folder: Path, *, extra: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The folder's index.json lists exactly the set's files (plus index.json itself and the user's ``extra``),
    each with the SHA-256 of what is on disk."""
    index: dict[str, Any] = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert index["format"] == SET_FORMAT
    listed = {f["path"]: f["sha256"] for f in index["files"]}
    for path, digest in listed.items():
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == digest, path
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk == {*listed, "index.json", *extra}
    return index


@pytest.fixture
def out(runner: CliRunner, tmp_path: Path) -> Path:
    """A folder holding a freshly generated set (police documents of the credit-card example)."""
    folder = tmp_path / "o"
    result = _documents(runner, folder)
    assert result.exit_code == 0, result.output
    return folder


def test_an_edited_letter_is_kept_and_the_new_set_goes_beside_it(runner: CliRunner, out: Path) -> None:
    letter = out / LETTER
    letter.write_text(letter.read_text(encoding="utf-8") + "\n我自己补充的一段话。\n", encoding="utf-8")
    before = _snapshot(out)
    result = _documents(runner, out, today="2026-11-24")
    assert result.exit_code == 0, result.output
    assert _snapshot(out) == before, "the folder the user edited must be left exactly as it was"
    assert "我自己补充的一段话。" in letter.read_text(encoding="utf-8")
    [beside] = _siblings(out)
    assert DATED.match(beside), beside
    new = out.parent / beside
    _assert_index_matches_folder(new)
    assert "我自己补充的一段话。" not in (new / LETTER).read_text(encoding="utf-8")
    assert "您改动过的文件（1 个）" in result.output
    assert LETTER in result.output
    assert f"新材料在 {new}" in result.output
    assert "--force" in result.output


def test_a_file_the_user_added_is_kept(runner: CliRunner, out: Path) -> None:
    (out / "我的笔记.txt").write_text("周一去派出所", encoding="utf-8")
    (out / "police" / "回执照片").mkdir()
    before = _snapshot(out)
    result = _documents(runner, out)
    assert result.exit_code == 0, result.output
    assert _snapshot(out) == before
    assert (out / "police" / "回执照片").is_dir()
    assert "您添加的文件（2 个）" in result.output
    assert "我的笔记.txt" in result.output
    assert "police/回执照片/" in result.output
    [beside] = _siblings(out)
    _assert_index_matches_folder(out.parent / beside)


def test_a_removed_file_also_leaves_the_folder_alone(runner: CliRunner, out: Path) -> None:
    (out / "police" / "guide.md").unlink()
    result = _documents(runner, out)
    assert result.exit_code == 0, result.output
    assert not (out / "police" / "guide.md").exists()
    assert "已不在文件夹里的文件（1 个）" in result.output
    assert len(_siblings(out)) == 1


def test_an_untouched_set_is_replaced_in_place(runner: CliRunner, out: Path) -> None:
    (out / ".DS_Store").write_bytes(b"\0finder")  # written by a file browser, not by the user
    result = _documents(runner, out, today="2026-11-25")
    assert result.exit_code == 0, result.output
    assert _siblings(out) == [], "no dated folder, no staging or retired folder left behind"
    index = _assert_index_matches_folder(out)
    assert index["today"] == "2026-11-25"
    assert "没有被改动过，已换成新生成的材料" in result.output


def test_force_replaces_and_keeps_changed_and_added_files(runner: CliRunner, out: Path) -> None:
    letter = out / LETTER
    edited = letter.read_text(encoding="utf-8") + "\n我自己补充的一段话。\n"
    letter.write_text(edited, encoding="utf-8")
    (out / "我的笔记.txt").write_text("周一去派出所", encoding="utf-8")
    (out / "police" / "补充材料.md").write_text("补充", encoding="utf-8")
    result = _documents(runner, out, "--force", today="2026-11-24")
    assert result.exit_code == 0, result.output
    assert _siblings(out) == []
    [kept] = [p.name for p in out.iterdir() if p.name.startswith(KEPT_FOLDER)]
    assert re.fullmatch(KEPT_FOLDER + r"-\d{4}-\d{2}-\d{2}", kept)
    # the edit moved into the kept folder; the set's own file is the new draft
    assert (out / kept / LETTER).read_text(encoding="utf-8") == edited
    assert "我自己补充的一段话。" not in letter.read_text(encoding="utf-8")
    # added files stay where they were
    assert (out / "我的笔记.txt").read_text(encoding="utf-8") == "周一去派出所"
    assert (out / "police" / "补充材料.md").read_text(encoding="utf-8") == "补充"
    index = _assert_index_matches_folder(
        out, extra=frozenset({"我的笔记.txt", "police/补充材料.md", f"{kept}/{LETTER}"})
    )
    assert index["today"] == "2026-11-24"
    assert f"{LETTER} → {out / kept / LETTER}" in result.output
    assert "您添加的 2 个文件留在原处" in result.output


def test_force_moves_an_added_file_the_new_set_would_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert _documents(runner, out, "--format", "docx").exit_code == 0
    (out / LETTER).write_text("我自己写的 Markdown 版本", encoding="utf-8")  # not in the docx-only set: added
    result = _documents(runner, out, "--force")
    assert result.exit_code == 0, result.output
    [kept] = [p.name for p in out.iterdir() if p.name.startswith(KEPT_FOLDER)]
    assert (out / kept / LETTER).read_text(encoding="utf-8") == "我自己写的 Markdown 版本"
    assert (out / LETTER).read_text(encoding="utf-8") != "我自己写的 Markdown 版本"
    _assert_index_matches_folder(out, extra=frozenset({f"{kept}/{LETTER}"}))


def test_after_force_the_kept_files_still_protect_the_folder(runner: CliRunner, out: Path) -> None:
    (out / "我的笔记.txt").write_text("周一去派出所", encoding="utf-8")
    assert _documents(runner, out, "--force").exit_code == 0
    again = _documents(runner, out)
    assert again.exit_code == 0
    assert "我的笔记.txt" in again.output
    assert len(_siblings(out)) == 1, "the user's file is still there, so the new set goes beside"
    forced_again = _documents(runner, out, "--force")
    assert forced_again.exit_code == 0
    assert (out / "我的笔记.txt").read_text(encoding="utf-8") == "周一去派出所"


def test_dated_folder_never_collides(runner: CliRunner, out: Path) -> None:
    (out / "我的笔记.txt").write_text("x", encoding="utf-8")
    first = dated_folder(out, date(2026, 11, 29))
    assert first.name == "o-2026-11-29"
    first.write_text("a file of that name", encoding="utf-8")
    assert dated_folder(out, date(2026, 11, 29)).name == "o-2026-11-29-2"
    assert dated_folder(first, date(2026, 11, 29)).name == "o-2026-11-29-2"
    assert dated_folder(first, date(2026, 11, 30)).name == "o-2026-11-30"
    assert _documents(runner, out).exit_code == 0
    assert _documents(runner, out).exit_code == 0
    names = _siblings(out)
    assert len(names) == 3, names  # the file that was in the way and two new sets, each under its own name
    for name in names:
        if (out.parent / name).is_dir():
            _assert_index_matches_folder(out.parent / name)


def test_a_folder_that_is_not_a_jubao_set_is_still_refused(runner: CliRunner, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes", encoding="utf-8")
    for extra in ((), ("--force",)):
        result = _documents(runner, mine, *extra)
        assert result.exit_code == 2
        assert "不是 jubao 之前生成的材料" in result.output
        assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
        assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]


def test_a_failed_forced_replacement_changes_nothing(
    runner: CliRunner, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (out / "我的笔记.txt").write_text("周一去派出所", encoding="utf-8")
    before = _snapshot(out)

    def fail(staging: Path, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jubao.documents, "_swap_into_place", fail)
    result = _documents(runner, out, "--force")
    assert result.exit_code == 1  # the set could not be written (a full disk): not a problem with the command
    assert _snapshot(out) == before
    assert _siblings(out) == []


def test_folder_changes_reads_the_index(out: Path) -> None:
    assert not folder_changes(out)
    (out / LETTER).write_text("改过", encoding="utf-8")
    (out / "police" / "guide.md").unlink()
    (out / "新.txt").write_text("新", encoding="utf-8")
    changes = folder_changes(out)
    assert changes is not None
    assert changes.changed == (LETTER,)
    assert changes.missing == ("police/guide.md",)
    assert changes.added == ("新.txt",)
    (out / "index.json").write_text("{}", encoding="utf-8")
    assert folder_changes(out) is None


def test_regeneration_messages_in_english(runner: CliRunner, out: Path) -> None:
    (out / "notes.txt").write_text("x", encoding="utf-8")
    result = runner.invoke(cli, ["--lang", "en", "documents", str(CARD), "--out", str(out), "--channel", "police"])
    assert result.exit_code == 0, result.output
    assert "files you added (1):" in result.output
    assert "The new set is in" in result.output
