"""Atomic writes leave either the old file or the new one — never a half-written file or a temp file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from jubao.fileio import write_text_atomic


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_text_atomic(target, "一")
    write_text_atomic(target, "二")
    assert target.read_text(encoding="utf-8") == "二"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failure_keeps_the_old_file_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space"):
        write_text_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_rewriting_keeps_the_files_permissions_and_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    """Editing a case in place (jubao filed/replied) must not make it private or public behind the user's back."""
    case = tmp_path / "case.yaml"
    case.write_text("a: 1\n", encoding="utf-8")
    case.chmod(0o640)
    write_text_atomic(case, "a: 2\n")
    assert stat.S_IMODE(case.stat().st_mode) == 0o640
    fresh = tmp_path / "new.yaml"
    write_text_atomic(fresh, "b: 1\n")
    assert stat.S_IMODE(fresh.stat().st_mode) != 0o600  # not mkstemp's private mode
    assert stat.S_IMODE(fresh.stat().st_mode) & 0o400
