"""``jubao new`` as a victim uses it: a real process in a pseudo-terminal, answered with keys (arrows, space, Enter)
and typed Chinese, then ``jubao validate``, ``jubao evaluate`` and ``jubao next`` on the file it wrote.

The fictional victim, 林小雨, borrowed through an App whose kind she does not know; collectors called her mother, her
manager and texted about 20 colleagues. Every person, company and number here is fictional.

The script waits for each question's own words before answering, so it does not depend on timing. pexpect needs a
POSIX pseudo-terminal: on Windows these tests cannot run and fail loudly rather than skip (CI runs on Linux).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from jubao.loading import load_case
from tests.conftest import fill_disk

UP, DOWN, ENTER, SPACE = "\x1b[A", "\x1b[B", "\r", " "
TIMEOUT = 30


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUBAO_")}
    # prompt_toolkit asks the terminal where the cursor is; pexpect does not answer, so do not ask.
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", PYTHONIOENCODING="utf-8", NO_COLOR="1")
    return env


def _spawn(cwd: Path, *args: str) -> pexpect.spawn[str]:
    child = pexpect.spawn(
        sys.executable, ["-m", "jubao", *args], cwd=str(cwd), env=_env(), encoding="utf-8",
        timeout=TIMEOUT, dimensions=(50, 120),
    )  # fmt: skip
    child.logfile_read = io.StringIO()  # what the terminal showed, for failure messages
    return child


def _screen(child: pexpect.spawn[str]) -> str:
    log = child.logfile_read
    return log.getvalue() if isinstance(log, io.StringIO) else ""


def _answer(child: pexpect.spawn[str], question: str, *keys: str) -> None:
    """Wait for ``question`` to be shown, then press ``keys``."""
    try:
        child.expect_exact(question)
    except (pexpect.TIMEOUT, pexpect.EOF):
        pytest.fail(f"the question {question!r} did not come; the terminal showed:\n{_screen(child)[-3000:]}")
    for key in keys:
        child.send(key)


def _jubao(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jubao", *args], cwd=cwd, env=_env(), capture_output=True, text=True,
        encoding="utf-8", timeout=120, check=False,
    )  # fmt: skip


def test_a_victim_makes_her_case_in_a_terminal_and_it_validates_and_evaluates(tmp_path: Path) -> None:  # noqa: PLR0915 - one script
    (tmp_path / "证据").mkdir()
    (tmp_path / "证据" / "妈妈接到的电话.m4a").write_bytes(b"fictional recording for the test")
    child = _spawn(tmp_path, "new", "case.yaml")
    _answer(child, "你是借钱的人本人", ENTER)  # the first option: I borrowed the money
    _answer(child, "你的真实姓名", "林小雨" + ENTER)
    _answer(child, "你的手机号", "138 0000 0123" + ENTER)
    _answer(child, "你住在哪个省", "广东" + ENTER)
    _answer(child, "哪个市", "深圳市" + ENTER)
    _answer(child, "借钱用的 App", "示例速借" + ENTER)
    _answer(child, "放贷公司的全称", ENTER)  # does not know: the App's name is enough
    _answer(child, "放贷的是哪一类机构", UP, ENTER)  # up from the first wraps to the last: 不知道 / 跳过
    _answer(child, "有没有同意 App 读取你的通讯录", DOWN, ENTER)  # 没有同意
    _answer(child, "催收用过哪些电话号码", "170 0000 0456、170 0000 0457" + ENTER)
    # me, family, spouse, employer, colleague …: tick her mother's group, her manager's and her colleagues'
    _answer(child, "催收联系了谁", DOWN, SPACE, DOWN, DOWN, SPACE, DOWN, SPACE, ENTER)

    _answer(child, "〔家人〕主要是怎么被联系的", ENTER)  # phone calls
    _answer(child, "〔家人〕大概有几个人被联系到", ENTER)  # Enter = 1
    _answer(child, "〔家人〕第一次被联系是什么时候", "2026年11月16日 晚上" + ENTER)
    _answer(child, "最后一次是什么时候", ENTER)
    _answer(child, "每个人大概被联系了几次", "3" + ENTER)
    _answer(child, "用的是哪个号码", ENTER)  # 170 0000 0456
    _answer(child, "对〔家人〕他们做了什么", SPACE, DOWN, DOWN, SPACE, ENTER)  # told about the debt; insults
    _answer(child, "对方说了什么", "说我欠钱不还，让我妈替我还。" + ENTER)

    _answer(child, "〔单位的人〕主要是怎么被联系的", ENTER)
    _answer(child, "〔单位的人〕大概有几个人被联系到", "1" + ENTER)
    _answer(child, "〔单位的人〕第一次被联系是什么时候", "2026-11-17 10:30" + ENTER)
    _answer(child, "最后一次是什么时候", ENTER)
    _answer(child, "每个人大概被联系了几次", "2" + ENTER)
    _answer(child, "用的是哪个号码", DOWN, ENTER)  # 170 0000 0457
    _answer(child, "对〔单位的人〕他们做了什么", SPACE, DOWN, SPACE, ENTER)  # disclosure; asked them to pay
    _answer(child, "对方说了什么", ENTER)

    _answer(child, "〔同事〕主要是怎么被联系的", DOWN, ENTER)  # text messages
    _answer(child, "〔同事〕大概有几个人被联系到", "大概二十个" + ENTER)
    _answer(child, "〔同事〕第一次被联系是什么时候", "11月18日 晚上8点" + ENTER)
    _answer(child, "最后一次是什么时候", "11月20日 晚上9点半" + ENTER)
    _answer(child, "每个人大概被联系了几次", ENTER)
    _answer(child, "用的是哪个号码", DOWN, ENTER)
    _answer(child, "对〔同事〕他们做了什么", SPACE, ENTER)
    _answer(child, "对方说了什么", ENTER)
    _answer(child, "还有别的情况要补充吗", ENTER)  # 否

    _answer(child, "你手里有哪些证据文件", "证据/妈妈接到的电话.m4a" + ENTER)
    _answer(child, "再加一个证据文件", ENTER)
    _answer(child, "是什么证据", ENTER)  # 录音, suggested by the .m4a ending
    _answer(child, "用一句话说明它是什么", "11月16日晚上催收打给妈妈的电话录音" + ENTER)
    _answer(child, "它能证明哪几次联系", SPACE, ENTER)  # the calls to her mother
    _answer(child, "你希望得到什么结果", DOWN, SPACE, DOWN, SPACE, ENTER)
    child.expect_exact("已保存")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, _screen(child)

    case = load_case(tmp_path / "case.yaml")
    assert case.reporter.name == "林小雨"
    assert case.lender.kind == "unknown"
    colleagues = [c for c in case.contacts.reached if c.relation == "colleague"]
    assert len(colleagues) == 20  # twenty people, not one person contacted twenty times
    assert {c.relation for c in case.contacts.reached} == {"family", "employer", "colleague"}
    (evidence,) = case.evidence
    assert evidence.kind == "recording"
    assert evidence.sha256 is not None
    text = (tmp_path / "case.yaml").read_text(encoding="utf-8")
    assert "# 放贷的 App 或机构" in text  # commented for the person who reads it next

    validated = _jubao(tmp_path, "validate", "case.yaml")
    assert validated.returncode == 0, validated.stderr
    evaluated = _jubao(tmp_path, "evaluate", "case.yaml")
    assert evaluated.returncode == 0, evaluated.stderr
    assert "被联系到的人数：22" in evaluated.stdout
    week = _jubao(tmp_path, "next", "case.yaml")
    assert week.returncode == 0, week.stderr
    assert "建议在" in week.stdout  # a first step with a file-by date


COMPLETE_BUT_THE_PHONE = """\
# 志愿者和我一起整理的，请勿外传。
reporter:
  role: borrower
  name: 林小雨  # 身份证上的名字
  region: {province: 广东省, city: 深圳市}
lender:
  name: 示例小额贷款有限公司
  app_name: 示例速借
  kind: online_microloan
debt:
  contact_list_consent: "no"
collectors:
  - phones: ["170 0000 0456"]

# 只记了最严重的一次
incidents:
  - time: 2026-11-16 21:40
    medium: call
    target: {kind: borrower}
    count: 5
evidence:
  - id: E1
    kind: call_log
    description: 通话记录截图
wants: [stop_contact]
"""


def test_a_rerun_asks_only_for_what_is_missing_and_keeps_the_rest_as_written(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(COMPLETE_BUT_THE_PHONE, encoding="utf-8")
    child = _spawn(tmp_path, "new", "case.yaml")
    _answer(child, "你的手机号", "138 0000 0123" + ENTER)
    child.expect_exact("已保存")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, _screen(child)
    assert "你是借钱的人本人" not in _screen(child)  # nothing that the file says was asked again
    text = case.read_text(encoding="utf-8")
    assert text == COMPLETE_BUT_THE_PHONE.replace(
        "  name: 林小雨  # 身份证上的名字\n", "  name: 林小雨  # 身份证上的名字\n  phone: '+8613800000123'\n"
    )


def test_a_full_disk_at_the_end_loses_no_answer_and_saving_again_works(small_disk: Path) -> None:
    """The disk fills up while she answers (call recordings, say). Saving fails: she is told why, her answers stay
    in memory, and after freeing space Enter saves them — a file she named elsewhere is never overwritten."""
    case = small_disk / "case.yaml"
    case.write_text(COMPLETE_BUT_THE_PHONE, encoding="utf-8")
    elsewhere = small_disk.parent / "elsewhere.yaml"
    elsewhere.write_text("# 她自己的另一个文件\n", encoding="utf-8")
    filler = fill_disk(small_disk)
    child = _spawn(small_disk, "new", "case.yaml")
    _answer(child, "你的手机号", "138 0000 0123" + ENTER)
    _answer(child, "无法保存到 case.yaml：No space left on device。你的回答都还在，没有丢失。")
    _answer(child, "按 Ctrl-C 放弃", str(elsewhere) + ENTER)
    _answer(child, "已经存在，jubao 不会覆盖它")
    filler.unlink()
    _answer(child, "按 Ctrl-C 放弃", ENTER)
    child.expect_exact("已保存")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, _screen(child)
    assert case.read_text(encoding="utf-8") == COMPLETE_BUT_THE_PHONE.replace(
        "  name: 林小雨  # 身份证上的名字\n", "  name: 林小雨  # 身份证上的名字\n  phone: '+8613800000123'\n"
    )
    assert elsewhere.read_text(encoding="utf-8") == "# 她自己的另一个文件\n"
    assert sorted(p.name for p in small_disk.iterdir()) == ["case.yaml"]  # no temporary file left


def test_a_file_changed_while_she_frees_space_is_not_written_over(small_disk: Path) -> None:
    """While she frees space after a failed save, another program (a volunteer's editor) changes the file: Enter
    must not write over that change; her answers go to a new file she names."""
    case = small_disk / "case.yaml"
    case.write_text(COMPLETE_BUT_THE_PHONE, encoding="utf-8")
    filler = fill_disk(small_disk)
    child = _spawn(small_disk, "new", "case.yaml")
    _answer(child, "你的手机号", "138 0000 0123" + ENTER)
    _answer(child, "无法保存到 case.yaml：No space left on device")
    with case.open("r+b") as edited:  # in place, so it needs no space: "# 志愿者…" becomes "#!志愿者…"
        edited.seek(1)
        edited.write(b"!")
    changed = case.read_text(encoding="utf-8")
    filler.unlink()
    _answer(child, "按 Ctrl-C 放弃", ENTER)
    _answer(child, "被别的程序改动了；为了不覆盖那些改动，不再写入它。你的回答都还在。")
    _answer(child, "请输入另一个保存位置", ENTER)  # Enter alone does not write over it
    _answer(child, "请输入另一个保存位置", "case-2.yaml" + ENTER)
    child.expect_exact("已保存：case-2.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, _screen(child)
    assert case.read_text(encoding="utf-8") == changed
    assert (small_disk / "case-2.yaml").read_text(encoding="utf-8") == COMPLETE_BUT_THE_PHONE.replace(
        "  name: 林小雨  # 身份证上的名字\n", "  name: 林小雨  # 身份证上的名字\n  phone: '+8613800000123'\n"
    )


def test_a_file_that_is_not_yaml_it_can_read_is_refused_and_left_alone(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("reporter:\n  name: [林小雨\n", encoding="utf-8")
    child = _spawn(tmp_path, "new", "case.yaml")
    child.expect_exact("无法按案件文件读取")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert case.read_text(encoding="utf-8") == "reporter:\n  name: [林小雨\n"


def test_a_pipe_named_like_the_case_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """``jubao new`` reads the file it continues: on a FIFO it waited for ever for something to write into it."""
    os.mkfifo(tmp_path / "case.yaml")
    child = _spawn(tmp_path, "new", "case.yaml")
    child.expect_exact("case.yaml")  # the file named in the refusal (before: no output, blocked in open())
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2


def test_ctrl_c_leaves_no_file_and_says_so(tmp_path: Path) -> None:
    child = _spawn(tmp_path, "new", "case.yaml")
    _answer(child, "你是借钱的人本人", ENTER)
    _answer(child, "你的真实姓名", "林小")
    child.sendintr()
    child.expect_exact("已取消，没有写入任何文件")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.glob("case.yaml*")) == []
    assert list(tmp_path.glob(".case.yaml.*")) == []


def test_english_interview_with_lang_en(tmp_path: Path) -> None:
    child = _spawn(tmp_path, "--lang", "en", "new", "case.yaml")
    _answer(child, "Did you borrow the money", DOWN, ENTER)  # a harassed contact
    _answer(child, "How do you know the borrower", DOWN, DOWN, DOWN, ENTER)  # colleague
    child.sendintr()
    child.expect_exact("Cancelled; no file was written.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_without_a_terminal_it_refuses_in_one_sentence(tmp_path: Path) -> None:
    result = _jubao(tmp_path, "new", "case.yaml")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "终端" in result.stderr
    assert not (tmp_path / "case.yaml").exists()


@pytest.fixture(autouse=True)
def _posix_only() -> None:
    assert os.name == "posix", "pseudo-terminal tests need POSIX (pexpect.spawn)"
