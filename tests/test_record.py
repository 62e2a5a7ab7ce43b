"""``jubao filed`` / ``jubao replied``: recording a filing or a reply changes only the lines that say so — the user's
comments and layout stay byte-for-byte — and an error writes nothing."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jubao.case_edit import add_filing, china_today, parse_day
from jubao.cli.main import cli
from jubao.loading import load_case
from tests.conftest import EXAMPLES
from tests.test_cli_process import _run

CARD = EXAMPLES / "credit-card-employer.yaml"
JSON_CASE = EXAMPLES / "guarantee-company-visit.json"

COMMENTED = """\
# 我的案件（自己写的注释）
reporter:          # 我自己
    role: borrower
    name: 测试人
    phone: '138 0000 0001'      # 单引号是我加的
    region: {province: 广东省}

lender:
    name: 示例银行
    kind: bank
    credit_code: null   # 还没查到

incidents:
-   time: 2026-10-01 10:00
    medium: call
    target: {kind: borrower}

prior_complaints:
-   channel: lender_complaint   # 打的客服电话
    filed_on: 2026-11-01
    reply_received: false       # 还没回
-   channel: police
    filed_on: 2026-11-05

# 我想要的
wants: [stop_third_party_contact]
"""


def _record(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args))


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").splitlines(keepends=True)


def _without(lines: list[str], start: int, count: int) -> list[str]:
    return lines[:start] + lines[start + count :]


@pytest.fixture
def card(tmp_path: Path) -> Path:
    target = tmp_path / CARD.name
    shutil.copy(CARD, target)
    return target


@pytest.fixture
def commented(tmp_path: Path) -> Path:
    target = tmp_path / "我的案件.yaml"
    target.write_text(COMMENTED, encoding="utf-8")
    return target


def test_filed_appends_and_keeps_every_other_line(runner: CliRunner, card: Path) -> None:
    before = _lines(card)
    result = _record(runner, "filed", str(card), "police", "--on", "2026-11-28", "--ref", "0012")
    assert result.exit_code == 0, result.output
    after = _lines(card)
    inserted = ["  - channel: police\n", "    filed_on: 2026-11-28\n", "    reference_number: '0012'\n"]
    start = after.index(inserted[0])
    assert after[start : start + 3] == inserted
    assert _without(after, start, 3) == before
    assert "已记录：2026年11月28日 向公安机关" in result.output
    assert f"第 {start + 1}–{start + 3} 行" in result.output
    recorded = load_case(card).prior_complaints[-1]
    assert (recorded.channel, recorded.filed_on, recorded.reference_number) == ("police", date(2026, 11, 28), "0012")


def test_filed_keeps_comments_blank_lines_and_layout(runner: CliRunner, commented: Path) -> None:
    before = _lines(commented)
    result = _record(runner, "filed", str(commented), "nfra_12378", "--on", "2026年11月20日")
    assert result.exit_code == 0, result.output
    after = _lines(commented)
    inserted = ["-   channel: nfra_12378\n", "    filed_on: 2026-11-20\n"]
    start = after.index(inserted[0])
    assert after[start : start + 2] == inserted
    # the new item goes after the last complaint, above the blank line and the comment that introduce `wants`
    assert after[start - 1] == "    filed_on: 2026-11-05\n"
    assert _without(after, start, 2) == before


def test_replied_changes_only_the_reply_lines(runner: CliRunner, commented: Path) -> None:
    before = _lines(commented)
    result = _record(runner, "replied", str(commented), "lender_complaint", "--on", "2026-11-10",
                     "--summary", "客服说已经要求催收员停止联系家人")  # fmt: skip
    assert result.exit_code == 0, result.output
    after = _lines(commented)
    flag = before.index("    reply_received: false       # 还没回\n")
    assert after[flag] == "    reply_received: true        # 还没回\n"
    assert after[flag + 1 : flag + 3] == [
        "    reply_on: 2026-11-10\n",
        "    reply_summary: 客服说已经要求催收员停止联系家人\n",
    ]
    assert after[:flag] == before[:flag]
    assert after[flag + 3 :] == before[flag + 1 :]
    prior = load_case(commented).prior_complaints[0]
    assert prior.reply_received
    assert prior.reply_on == date(2026, 11, 10)


def test_replied_adds_the_keys_an_item_lacks(runner: CliRunner, commented: Path) -> None:
    before = _lines(commented)
    result = _record(runner, "replied", str(commented), "police", "--on", "2026-11-06")
    assert result.exit_code == 0, result.output
    after = _lines(commented)
    start = before.index("    filed_on: 2026-11-05\n") + 1
    assert after[start : start + 2] == ["    reply_received: true\n", "    reply_on: 2026-11-06\n"]
    assert _without(after, start, 2) == before


def test_replied_answers_the_latest_unanswered_filing(runner: CliRunner, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(COMMENTED.replace("-   channel: police\n    filed_on: 2026-11-05\n",
                                      "-   channel: police\n    filed_on: 2026-11-05\n"
                                      "-   channel: police\n    filed_on: 2026-11-12\n"
                                      "-   channel: police\n    filed_on: 2026-11-08\n"), encoding="utf-8")  # fmt: skip
    assert _record(runner, "replied", str(case), "police", "--on", "2026-11-20").exit_code == 0
    replies = {p.filed_on: p.reply_received for p in load_case(case).prior_complaints if p.channel == "police"}
    assert replies == {date(2026, 11, 5): False, date(2026, 11, 12): True, date(2026, 11, 8): False}


def test_line_endings_and_byte_order_mark_are_kept(runner: CliRunner, tmp_path: Path) -> None:
    case = tmp_path / "windows.yaml"
    original = ("\ufeff" + COMMENTED.replace("\n", "\r\n")).encode("utf-8")
    case.write_bytes(original)
    assert _record(runner, "filed", str(case), "police", "--on", "2026-11-28").exit_code == 0
    data = case.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    old, new = original.split(b"\r\n"), data.split(b"\r\n")
    start = new.index(b"-   channel: police", old.index(b"-   channel: police") + 1)
    assert new[:start] + new[start + 2 :] == old


def test_json_case_files_are_supported(runner: CliRunner, tmp_path: Path) -> None:
    case = tmp_path / JSON_CASE.name
    shutil.copy(JSON_CASE, case)
    before = _lines(case)
    result = _record(runner, "filed", str(case), "police", "--on", "2026-11-28", "--ref", "受案回执 001")
    assert result.exit_code == 0, result.output
    after = _lines(case)
    wants = next(i for i, line in enumerate(before) if line.startswith('  "wants"'))
    # JSON needs a comma after what was the last key; every other line is unchanged
    assert after[wants] == before[wants].rstrip("\n") + ",\n"
    assert after[:wants] == before[:wants]
    assert after[-1] == before[-1] == "}\n"
    assert json.loads(case.read_text(encoding="utf-8"))["prior_complaints"] == [
        {"channel": "police", "filed_on": "2026-11-28", "reference_number": "受案回执 001"}
    ]
    replied = _record(runner, "replied", str(case), "police", "--on", "2026-11-29", "--summary", "已受案")
    assert replied.exit_code == 0, replied.output
    assert load_case(case).prior_complaints[0].reply_summary == "已受案"


def test_unknown_channel_is_an_error_with_a_suggestion_and_writes_nothing(runner: CliRunner, card: Path) -> None:
    before = card.read_bytes()
    for given, nearest in (("nfra12378", "nfra_12378"), ("12378", "nfra_12378"), ("polise", "police")):
        result = _record(runner, "filed", str(card), given, "--on", "2026-11-28")
        assert result.exit_code == 2
        assert f"是不是想写 {nearest}" in result.output
        assert "案件文件没有改动" in result.output
        replied = _record(runner, "replied", str(card), given, "--on", "2026-11-28")
        assert replied.exit_code == 2
        assert f"是不是想写 {nearest}" in replied.output
    assert card.read_bytes() == before
    assert sorted(p.name for p in card.parent.iterdir()) == [card.name], "no temporary file left behind"


def test_errors_write_nothing(runner: CliRunner, card: Path) -> None:
    before = card.read_bytes()
    future = _record(runner, "filed", str(card), "police", "--on", "2030-01-01")
    assert future.exit_code == 2
    assert "prior_complaints[1].filed_on: 日期在未来" in future.output
    bad_date = _record(runner, "filed", str(card), "police", "--on", "明天")
    assert bad_date.exit_code == 2
    assert "不是可识别的日期" in bad_date.output
    early = _record(runner, "replied", str(card), "lender_complaint", "--on", "2026-11-19")
    assert early.exit_code == 2
    assert "早于最近一次向 lender_complaint 提交的日期（2026-11-20）" in early.output
    stdin = runner.invoke(cli, ["filed", "-", "police", "--on", "2026-11-28"], input=card.read_text(encoding="utf-8"))
    assert stdin.exit_code == 2
    assert "Traceback" not in future.output + bad_date.output + early.output + stdin.output
    assert card.read_bytes() == before


def test_reply_without_a_filing_is_an_error(runner: CliRunner, card: Path) -> None:
    before = card.read_bytes()
    none = _record(runner, "replied", str(card), "police", "--on", "2026-11-28")
    assert none.exit_code == 2
    assert "没有向 police 提交投诉的记录" in none.output
    assert f"jubao filed {card} police --on 日期" in none.output
    assert card.read_bytes() == before
    assert _record(runner, "replied", str(card), "lender_complaint", "--on", "2026-11-25").exit_code == 0
    again = _record(runner, "--lang", "en", "replied", str(card), "lender_complaint", "--on", "2026-11-26")
    assert again.exit_code == 2
    assert "already has a reply recorded" in again.output


def test_an_invalid_case_file_is_refused_before_editing(runner: CliRunner, tmp_path: Path) -> None:
    case = tmp_path / "broken.yaml"
    case.write_text(COMMENTED.replace("    phone: '138 0000 0001'", "    phone: 'not a phone'"), encoding="utf-8")
    before = case.read_bytes()
    result = _record(runner, "filed", str(case), "police", "--on", "2026-11-28")
    assert result.exit_code == 2
    assert "reporter.phone" in result.output
    assert case.read_bytes() == before


@pytest.mark.parametrize("command", ["filed", "replied"])
def test_a_case_file_saved_by_an_editor_meanwhile_is_not_written_over(
    runner: CliRunner, commented: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """She has the case open in an editor and saves it while ``jubao filed`` runs (after jubao read the file,
    before it writes): writing the edit would silently undo her save. Nothing is written, and she is told."""
    from jubao.cli import record_cmd  # noqa: PLC0415

    saved_by_editor = COMMENTED.replace("# 我想要的", "# 我想要的（刚在编辑器里改过）")
    name = "add_filing" if command == "filed" else "record_reply"
    editing = getattr(record_cmd, name)

    def editor_saves_meanwhile(*args: object, **kwargs: object) -> object:
        commented.write_text(saved_by_editor, encoding="utf-8")
        return editing(*args, **kwargs)

    monkeypatch.setattr(record_cmd, name, editor_saves_meanwhile)
    result = _record(runner, command, str(commented), "police", "--on", "2026-11-20")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"✗ jubao 修改 {commented} 的同时，它被别的程序改动了（例如编辑器保存了它）；为了不覆盖那些改动，没有写入。"
        "请再运行一次同样的命令。",
        "  案件文件没有改动。",
    ]
    assert commented.read_text(encoding="utf-8") == saved_by_editor
    assert sorted(p.name for p in commented.parent.iterdir()) == [commented.name]

    monkeypatch.undo()  # run again, as the message says: the edit lands on her saved text
    again = _record(runner, command, str(commented), "police", "--on", "2026-11-20")
    assert again.exit_code == 0, again.output
    assert "# 我想要的（刚在编辑器里改过）" in commented.read_text(encoding="utf-8")


def test_a_linked_case_file_is_updated_through_the_link(runner: CliRunner, card: Path) -> None:
    link = card.parent / "link.yaml"
    link.symlink_to(card.name)
    assert _record(runner, "filed", str(link), "police", "--on", "2026-11-28").exit_code == 0
    assert link.is_symlink()
    assert load_case(card).prior_complaints[-1].channel == "police"


def test_dates_in_everyday_forms() -> None:
    assert parse_day("2026-11-20") == date(2026, 11, 20)
    assert parse_day("2026年11月20日") == date(2026, 11, 20)
    assert parse_day(" 2026 年 11 月 2 号 ") == date(2026, 11, 2)
    assert parse_day("2026/11/20") == date(2026, 11, 20)
    assert parse_day("今天", today=date(2026, 11, 29)) == date(2026, 11, 29)
    assert parse_day("TODAY") == china_today()
    for bad in ("明天", "11月20日", "2026-13-01", ""):
        with pytest.raises(ValueError, match=r"."):
            parse_day(bad)


def test_edit_without_a_final_newline() -> None:
    text = COMMENTED.rstrip("\n")
    edit = add_filing(text, channel="police", filed_on=date(2026, 11, 28))
    old = text.splitlines()
    new = edit.text.splitlines()
    start = new.index("-   channel: police", old.index("-   channel: police") + 1)
    assert new[:start] + new[start + 2 :] == old


def test_filed_as_a_real_process(tmp_path: Path) -> None:
    case = tmp_path / "案件.yaml"
    shutil.copy(CARD, case)
    before = _lines(case)
    result = _run("filed", str(case), "nfra_12378", "--on", "2026-11-28", "--ref", "12378-0001")
    assert result.returncode == 0, result.stderr
    assert "已记录" in result.stdout
    after = _lines(case)
    assert len(after) == len(before) + 3
    assert "    reference_number: 12378-0001\n" in after
    bad = _run("filed", str(case), "nfra12378", "--on", "2026-11-28")
    assert bad.returncode == 2
    assert "nfra_12378" in bad.stderr
    assert "Traceback" not in bad.stderr
