"""``jubao documents`` and ``jubao evidence verify``: the set a victim takes to each office, written safely."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import jubao.documents
from jubao.cli.main import cli
from jubao.documents import SET_FORMAT
from tests.conftest import EXAMPLES, fill_disk
from tests.test_cli_process import _run

CARD = EXAMPLES / "credit-card-employer.yaml"
CALL_LOG = EXAMPLES / "evidence" / "credit-card-employer-call-log.txt"


def _documents(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["documents", *args, "--today", "2026-11-23"])


@pytest.fixture
def case_copy(tmp_path: Path) -> Path:
    """The credit-card example with its evidence folder, in a folder the test may change."""
    folder = tmp_path / "case"
    folder.mkdir()
    shutil.copy(CARD, folder / CARD.name)
    shutil.copytree(EXAMPLES / "evidence", folder / "evidence")
    return folder / CARD.name


def test_documents_writes_every_routed_channel_with_index_and_evidence_list(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _documents(runner, str(CARD), "--out", str(out))
    assert result.exit_code == 0, result.output
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert index["format"] == SET_FORMAT
    routed = [c["channel"] for c in index["channels"]]
    assert routed[:4] == ["lender_complaint", "miit_12321", "police", "nfra_12378"]
    for channel in index["channels"]:
        assert channel["documents"], f"{channel['channel']} has no documents"
        for document in channel["documents"]:
            for file in document["files"]:
                assert (out / file).is_file()
    assert (out / "证据清单.docx").is_file()
    assert (out / "index.md").is_file()
    evidence_list = (out / "证据清单.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(CALL_LOG.read_bytes()).hexdigest()
    assert f"| 证据1 | evidence/credit-card-employer-call-log.txt | {digest} |" in evidence_list
    # every file listed in the index is exactly what is on disk
    for file in index["files"]:
        data = (out / file["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == file["sha256"]


def test_missing_fields_are_listed_with_case_paths(runner: CliRunner, tmp_path: Path) -> None:
    result = _documents(runner, str(CARD), "--out", str(tmp_path / "o"), "--channel", "lender_complaint")
    assert result.exit_code == 0
    assert "reporter.id_number" in result.output
    assert "【待补充】" in result.output
    english = runner.invoke(cli, ["--lang", "en", "documents", str(CARD), "--out", str(tmp_path / "e"),
                                  "--channel", "lender_complaint"])  # fmt: skip
    assert "add reporter.id_number to the case file" in english.output


def test_channel_and_format_filters(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = _documents(runner, str(CARD), "--out", str(out), "--channel", "police", "--format", "md")
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert all(not p.endswith(".docx") for p in written)
    assert {p.split("/")[0] for p in written if "/" in p} == {"police"}


def test_unknown_channel_or_format_is_a_clear_error_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    bad = _documents(runner, str(CARD), "--out", str(out), "--channel", "nfra12378")
    assert bad.exit_code == 2
    assert "没有这个渠道：nfra12378" in bad.output
    assert "nfra_12378" in bad.output
    bad = _documents(runner, str(CARD), "--out", str(out), "--format", "pdf")
    assert bad.exit_code == 2
    assert "没有这种格式：pdf" in bad.output
    assert not out.exists()


def test_refuses_to_overwrite_a_folder_that_is_not_a_jubao_set(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    result = _documents(runner, str(CARD), "--out", str(out))
    assert result.exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mine")], "staging folder left behind"


def test_rerun_replaces_an_earlier_set_completely(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert _documents(runner, str(CARD), "--out", str(out)).exit_code == 0
    assert (out / "police").is_dir()
    result = _documents(runner, str(CARD), "--out", str(out), "--channel", "lender_complaint")
    assert result.exit_code == 0
    assert not (out / "police").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_write_failure_leaves_no_half_set(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(staging: Path, out: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jubao.documents, "_swap_into_place", fail)
    out = tmp_path / "o"
    result = _documents(runner, str(CARD), "--out", str(out))
    assert result.exit_code == 1  # the output could not be written (docs/cli.md, exit status), not bad input
    assert "No space left on device" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_keeps_the_earlier_set_whole(runner: CliRunner, small_disk: Path) -> None:
    """A real 4 MiB file system filled to the last byte: the new set cannot be written, the one from last week is
    left exactly as it was, nothing half-written stays behind, and once space is freed the same command works."""
    out = small_disk / "材料"
    assert _documents(runner, str(CARD), "--out", str(out)).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    filler = fill_disk(small_disk)
    result = _documents(runner, str(CARD), "--out", str(out), "--today", "2026-11-30")
    assert result.exit_code == 1
    assert f"✗ 无法写入 {out}（No space left on device）；没有写入任何文件" in result.stderr
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "材料"]  # no staging folder left
    filler.unlink()
    again = _documents(runner, str(CARD), "--out", str(out), "--today", "2026-11-30")
    assert again.exit_code == 0, again.output


def test_missing_evidence_file_is_a_warning_not_a_crash(runner: CliRunner, tmp_path: Path, case_copy: Path) -> None:
    (case_copy.parent / "evidence" / CALL_LOG.name).unlink()
    result = _documents(runner, str(case_copy), "--out", str(tmp_path / "o"), "--channel", "lender_complaint")
    assert result.exit_code == 0
    assert "证据1（E1）的文件不存在或无法读取" in result.output
    listing = (tmp_path / "o" / "证据清单.md").read_text(encoding="utf-8")
    assert "【待补充：文件不存在或无法读取，请检查路径】" in listing


def test_evidence_verify_reports_a_changed_file(runner: CliRunner, tmp_path: Path, case_copy: Path) -> None:
    out = tmp_path / "o"
    assert _documents(runner, str(case_copy), "--out", str(out)).exit_code == 0
    manifest = str(out / "evidence.json")
    same = runner.invoke(cli, ["evidence", "verify", str(case_copy), "--manifest", manifest])
    assert same.exit_code == 0
    assert "证据1（E1）未改动" in same.output
    log = case_copy.parent / "evidence" / CALL_LOG.name
    log.write_text(log.read_text(encoding="utf-8") + "\n改动", encoding="utf-8")
    changed = runner.invoke(cli, ["evidence", "verify", str(case_copy), "--manifest", manifest])
    assert changed.exit_code == 1
    assert "证据1（E1）已改动" in changed.output
    log.unlink()
    gone = runner.invoke(cli, ["evidence", "verify", str(case_copy), "--manifest", manifest])
    assert gone.exit_code == 1
    assert "找不到" in gone.output


def test_evidence_verify_against_hashes_recorded_in_the_case(runner: CliRunner, case_copy: Path) -> None:
    digest = hashlib.sha256(CALL_LOG.read_bytes()).hexdigest()
    text = case_copy.read_text(encoding="utf-8").replace(
        "    path: evidence/credit-card-employer-call-log.txt",
        f"    path: evidence/credit-card-employer-call-log.txt\n    sha256: {digest.upper()}",
    )
    case_copy.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["evidence", "verify", str(case_copy)])
    assert result.exit_code == 0, result.output
    nothing = runner.invoke(cli, ["evidence", "verify", str(CARD)])
    assert nothing.exit_code == 2
    assert "--manifest" in nothing.output


def test_evidence_verify_rejects_a_file_that_is_not_a_manifest(runner: CliRunner, tmp_path: Path) -> None:
    bogus = tmp_path / "evidence.json"
    bogus.write_text('{"format": "something-else"}', encoding="utf-8")
    result = runner.invoke(cli, ["--lang", "en", "evidence", "verify", str(CARD), "--manifest", str(bogus)])
    assert result.exit_code == 2
    assert "not a jubao evidence manifest" in result.output
    assert "Traceback" not in result.output


def test_documents_as_a_real_process(tmp_path: Path) -> None:
    out = tmp_path / "材料"
    result = _run("documents", str(CARD), "--out", str(out), "--channel", "police", "--today", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert "police/complaint.docx" in result.stdout
    assert (out / "police" / "complaint.docx").read_bytes()[:2] == b"PK"
