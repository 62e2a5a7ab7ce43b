"""The interview behind ``jubao new``, without a terminal: the questions as data, branching, how Chinese answers are
read, "不知道", people versus times, re-running on an existing file, and the file that is written.

The terminal itself (questionary in a pseudo-terminal) is tested in tests/test_interview_pty.py. Every person and
number here is fictional.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jubao.cli.main import cli
from jubao.interview.definition import load_definition, parse_definition
from jubao.interview.logic import Interview, apply_edit, field_annotation
from jubao.interview.parsing import (
    AnswerError,
    match_choice,
    match_choices,
    parse_datetime,
    parse_number,
    parse_phone_list,
)
from jubao.interview.writer import render_existing, render_new
from jubao.loading import CaseFileError, load_case, parse_case_text
from jubao.sourcemap import parse_yaml
from jubao.vocabulary import Behaviour, EvidenceKind, LenderKind, Medium, Relation, Want
from tests.conftest import EXAMPLES

TODAY = date(2026, 11, 29)
DEFINITION = load_definition()


# --- helpers ------------------------------------------------------------------------------------------------------


def _interview(tmp_path: Path, existing: dict[str, Any] | None = None, problems: Any = ()) -> Interview:
    return Interview(today=TODAY, cwd=tmp_path, case_dir=tmp_path, existing=existing, problems=problems)


def _run(interview: Interview, answers: dict[str, Any], *, default: Any = "fail") -> list[str]:
    """Answer every question the interview asks from ``answers`` (a key missing: ``default``, or fail); return the
    keys asked, in order. A pattern key ``episode[*].time`` answers that question for every item."""
    asked: list[str] = []
    while (step := interview.next_step()) is not None:
        assert len(asked) < 200, asked
        asked.append(step.key)
        wildcard = re.sub(r"\[\d+\]", "[*]", step.key)
        if step.key in answers:
            raw = answers[step.key]
        elif wildcard in answers:
            raw = answers[wildcard]
        elif default != "fail":
            raw = default
        else:
            pytest.fail(f"unexpected question {step.key}: {step.ask('zh')} (asked so far: {asked})")
        interview.answer(step, raw)
    return asked


BORROWER = {
    "reporter.role": "borrower",
    "reporter.name": "林小雨",
    "reporter.phone": "138 0000 0123",
    "reporter.region.province": "广东",
    "reporter.region.city": "深圳市",
    "lender.app_name": "示例速借",
    "lender.name": "",
    "lender.kind": "不知道",
    "debt.contact_list_consent": "没有",
    "collectors.phones": "170 0000 0456、170 0000 0457",
    "reached": "妈妈、领导和同事",
    "episode[*].medium": "电话",
    "episode[0].people": "",
    "episode[1].people": "1",
    "episode[2].people": "大概二十个",
    "episode[0].time": "2026年11月16日 晚上",
    "episode[1].time": "11月17日 上午10点",
    "episode[2].time": "11月18日",
    "episode[*].until": "",
    "episode[0].times": "3",
    "episode[1].times": "2",
    "episode[2].times": "",
    "episode[*].from_number": None,
    "episode[*].behaviours": "告诉别人我欠钱、辱骂",
    "episode[*].note": "",
    "episode[2].more": False,
    "evidence.files": None,
    "wants": ["stop_third_party_contact"],
}


def _borrower_case(tmp_path: Path, **changes: Any) -> Interview:
    interview = _interview(tmp_path)
    _run(interview, {**BORROWER, **changes})
    return interview


# --- the questions as data ------------------------------------------------------------------------------------------


def _all_questions() -> list[Any]:
    return [inner for q in DEFINITION.questions for inner in (q, *q.questions)]


def test_every_question_and_option_is_worded_in_both_languages() -> None:
    for question in _all_questions():
        if question.kind != "block":
            assert all((question.ask.zh, question.ask.en)), question.id
        if question.help is not None:
            assert all((question.help.zh, question.help.en)), question.id
        for choice in question.choices:
            assert all((choice.label.zh, choice.label.en)), (question.id, choice.value)


@pytest.mark.parametrize(
    ("question_id", "vocabulary", "left_to_skip"),
    [
        ("lender.kind", LenderKind, {"unknown"}),
        ("reporter.relation_to_borrower", Relation, set()),
        ("wants", Want, set()),
    ],
)
def test_choices_offer_every_value_of_their_field(
    question_id: str, vocabulary: type[StrEnum], left_to_skip: set[str]
) -> None:
    """Generated from the vocabularies: every value can be chosen (``unknown`` by "不知道"), and no option stores a
    value the case format does not have."""
    values = {choice.value for choice in DEFINITION.question(question_id).choices}
    assert values == {member.value for member in vocabulary} - left_to_skip


@pytest.mark.parametrize(("question_id", "vocabulary"), [("medium", Medium), ("behaviours", Behaviour)])
def test_episode_choices_offer_every_value_of_their_vocabulary(question_id: str, vocabulary: type[StrEnum]) -> None:
    block = DEFINITION.question("episode")
    question = next(q for q in block.questions if q.id == question_id)
    assert {c.value for c in question.choices} == {m.value for m in vocabulary}


def test_evidence_kinds_and_relations_of_the_people_reached_are_case_values() -> None:
    kinds = next(q for q in DEFINITION.question("evidence_item").questions if q.id == "kind")
    assert {c.value for c in kinds.choices} == {m.value for m in EvidenceKind}
    targets = {c.value for c in DEFINITION.question("reached").choices}
    assert targets == {"me", "borrower"} | {m.value for m in Relation}


def test_every_path_names_a_case_field() -> None:
    for question in DEFINITION.questions:
        if question.path is not None:
            assert field_annotation(tuple(question.path.split("."))) is not None, question.path


def test_a_condition_on_an_unknown_answer_is_refused_when_the_questions_are_loaded() -> None:
    text = """
version: 1
skip_words: [不知道]
sections: []
questions:
  - id: a
    kind: text
    ask: {zh: 甲, en: a}
    when: [{answer: nowhere, equals: x}]
"""
    with pytest.raises(ValueError, match="unknown answer"):
        parse_definition(text)


# --- parsing what people type ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "moment", "time_given"),
    [
        ("2026年11月16日", "2026-11-16 12:00", False),
        ("11月16日 晚上", "2026-11-16 20:00", True),
        ("11月16日晚上9点半", "2026-11-16 21:30", True),
        ("2026-11-16 21:30", "2026-11-16 21:30", True),
        ("2026-11-16T21:30", "2026-11-16 21:30", True),
        ("2026/11/16 下午3点", "2026-11-16 15:00", True),
        ("十一月十六日 晚上九点", "2026-11-16 21:00", True),
        ("１１月１６号　２１：０５", "2026-11-16 21:05", True),
        ("11月16日 晚上12点", "2026-11-16 23:59", True),
        ("11月16日 凌晨1点", "2026-11-16 01:00", True),
        ("昨天下午3点", "2026-11-28 15:00", True),
        ("今天上午", "2026-11-29 10:00", True),
        ("大概11月16日左右", "2026-11-16 12:00", False),
    ],
)
def test_chinese_dates_and_times(typed: str, moment: str, time_given: bool) -> None:
    when = parse_datetime(typed, TODAY)
    assert (when.text(), when.time_given) == (moment, time_given)


def test_a_date_without_a_year_is_this_year_or_last_year_if_it_has_not_come_yet() -> None:
    assert parse_datetime("11月16日", date(2026, 11, 29)).text().startswith("2026-11-16")
    assert parse_datetime("12月20日", date(2027, 1, 5)).text().startswith("2026-12-20")


@pytest.mark.parametrize(
    ("typed", "code"),
    [("明年", "not_a_date"), ("11月16日 吃饭时", "not_a_date"), ("2026-12-25", "date_in_future"),
     ("1999-01-01", "date_too_early"), ("2026-02-30", "not_a_date"), ("11月16日 25:00", "not_a_time")],
)  # fmt: skip
def test_dates_that_cannot_be_used_are_refused_with_a_reason(typed: str, code: str) -> None:
    with pytest.raises(AnswerError) as error:
        parse_datetime(typed, TODAY)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("typed", "relation"),
    [("妈妈", "family"), ("我妈", "family"), ("我爸", "family"), ("老公", "spouse"), ("我老婆", "spouse"),
     ("领导", "employer"), ("我们领导", "employer"), ("人事", "employer"), ("HR", "employer"), ("单位", "employer"),
     ("同事", "colleague"), ("朋友", "friend"), ("同学", "friend"), ("邻居", "other"), ("colleague", "colleague")],
)  # fmt: skip
def test_relations_in_everyday_words(typed: str, relation: str) -> None:
    assert match_choice(typed, DEFINITION.question("reporter.relation_to_borrower").choices) == relation


def test_several_people_in_one_answer() -> None:
    choices = DEFINITION.question("reached").choices
    assert match_choices("妈妈、领导和同事", choices) == ["family", "employer", "colleague"]
    assert match_choices("我，老公", choices) == ["me", "spouse"]


def test_a_word_that_fits_no_option_or_two_is_refused() -> None:
    choices = DEFINITION.question("reporter.relation_to_borrower").choices
    with pytest.raises(AnswerError) as unknown:
        match_choice("外星人", choices)
    assert unknown.value.code == "unknown_choice"
    with pytest.raises(AnswerError) as ambiguous:
        match_choice("单位同事", choices)
    assert ambiguous.value.code == "ambiguous_choice"


@pytest.mark.parametrize(
    ("typed", "number"), [("20", 20), ("大概二十个", 20), ("约 20 人", 20), ("20多", 20), ("三", 3)]
)
def test_numbers_in_words(typed: str, number: int) -> None:
    assert parse_number(typed) == number


def test_a_range_is_not_a_number() -> None:
    with pytest.raises(AnswerError):
        parse_number("1-2")


def test_phone_lists_through_jubaos_phone_type() -> None:
    assert parse_phone_list("170 0000 0456、170 0000 0457") == ["+8617000000456", "+8617000000457"]
    assert parse_phone_list("170 0000 0456 170 0000 0457") == ["+8617000000456", "+8617000000457"]
    assert parse_phone_list("95188，170-0000-0456，170 0000 0456") == ["95188", "+8617000000456"]
    with pytest.raises(AnswerError) as error:
        parse_phone_list("138 0000")
    assert error.value.code == "not_a_phone"


# --- branching -----------------------------------------------------------------------------------------------------


def test_a_borrower_is_not_asked_about_the_borrower_and_is_asked_about_consent(tmp_path: Path) -> None:
    interview = _interview(tmp_path)
    asked = _run(interview, BORROWER)
    assert "reporter.relation_to_borrower" not in asked
    assert "borrower.name" not in asked
    assert "debt.contact_list_consent" in asked
    assert "lender.funding_institution.name" not in asked  # not a platform


def test_a_contact_is_asked_how_they_know_the_borrower_and_not_about_consent(tmp_path: Path) -> None:
    interview = _interview(tmp_path)
    answers = {**BORROWER, "reporter.role": "contact", "reporter.relation_to_borrower": "同事", "borrower.name": "",
               "reached": "我", "episode[0].more": False}  # fmt: skip
    asked = _run(interview, answers)
    assert "reporter.relation_to_borrower" in asked
    assert "borrower.name" in asked
    assert "debt.contact_list_consent" not in asked
    assert "episode[0].people" not in asked  # "me" is one person
    data = interview.build().data
    assert data["incidents"][0]["target"] == {"kind": "contact", "relation": "colleague"}
    assert "contacts" not in data


def _offered(tmp_path: Path, role: str) -> set[str]:
    interview = _interview(tmp_path)
    step = None
    answers = {**BORROWER, "reporter.role": role, "reporter.relation_to_borrower": "朋友", "borrower.name": ""}
    while (step := interview.next_step()) is not None and step.key != "reached":
        interview.answer(step, answers[step.key])
    assert step is not None
    return {choice.value for choice in step.choices}


def test_the_borrower_option_is_offered_only_to_a_contact(tmp_path: Path) -> None:
    assert "borrower" in _offered(tmp_path, "contact")
    assert "borrower" not in _offered(tmp_path, "borrower")


def test_the_funder_is_asked_only_for_a_platform_and_its_kind_only_if_named(tmp_path: Path) -> None:
    platform = _interview(tmp_path)
    funder = {"lender.funding_institution.name": "示例消费金融有限公司", "lender.funding_institution.kind": "消费金融"}
    asked = _run(platform, {**BORROWER, "lender.kind": "助贷", **funder})
    assert "lender.funding_institution.kind" in asked
    assert platform.build().data["lender"]["funding_institution"] == {"name": "示例消费金融有限公司",
                                                                       "kind": "consumer_finance"}  # fmt: skip
    unnamed = _interview(tmp_path)
    asked = _run(unnamed, {**BORROWER, "lender.kind": "助贷", "lender.funding_institution.name": "不知道"})
    assert "lender.funding_institution.kind" not in asked
    assert "funding_institution" not in unnamed.build().data["lender"]


def test_which_number_is_asked_only_when_there_are_several_and_it_was_a_call_or_text(tmp_path: Path) -> None:
    one = _interview(tmp_path)
    asked = _run(one, {**BORROWER, "collectors.phones": "170 0000 0456"})
    assert not any(key.endswith(".from_number") for key in asked)
    assert {i["from_number"] for i in one.build().data["incidents"]} == {"+8617000000456"}
    chat = _interview(tmp_path)
    asked = _run(chat, {**BORROWER, "reached": "同事", "episode[0].medium": "拉群", "episode[0].audience": "80",
                        "episode[0].times": "5", "episode[0].more": False})  # fmt: skip
    assert "episode[0].from_number" not in asked
    assert "episode[0].people" not in asked


def test_more_adds_an_episode_and_asks_who(tmp_path: Path) -> None:
    interview = _interview(tmp_path)
    answers = {**BORROWER, "reached": "妈妈", "episode[0].more": True, "episode[1].who": "妈妈",
               "episode[1].medium": "短信", "episode[1].people": "1", "episode[1].more": False}  # fmt: skip
    asked = _run(interview, answers)
    assert "episode[1].who" in asked
    data = interview.build().data
    assert [c["id"] for c in data["contacts"]["reached"]] == ["family-1"]  # the same mother, reached twice
    assert [(i["medium"], i["target"]["contact"]) for i in data["incidents"]] == [("call", "family-1"),
                                                                                 ("sms", "family-1")]  # fmt: skip


# --- "不知道" -----------------------------------------------------------------------------------------------------


def test_dont_know_is_stored_as_unknown_where_the_format_has_it_and_left_out_elsewhere(tmp_path: Path) -> None:
    interview = _borrower_case(tmp_path)
    data = interview.build().data
    assert data["lender"] == {"app_name": "示例速借", "kind": "unknown"}
    assert "name" not in data["lender"]  # never a company called 不知道
    typed = _borrower_case(tmp_path, **{"reporter.region.city": "不清楚", "debt.contact_list_consent": "不知道"})
    data = typed.build().data
    assert "city" not in data["reporter"]["region"]
    assert data["debt"]["contact_list_consent"] == "unknown"


def test_required_questions_cannot_be_skipped(tmp_path: Path) -> None:
    interview = _interview(tmp_path)
    step = interview.next_step()
    assert step is not None
    assert step.key == "reporter.role"
    with pytest.raises(AnswerError) as error:
        interview.answer(step, None)
    assert error.value.code == "required"


def test_the_company_name_may_be_skipped_only_when_the_app_name_was_given(tmp_path: Path) -> None:
    interview = _interview(tmp_path)
    with pytest.raises(AnswerError) as error:
        _run(interview, {**BORROWER, "lender.app_name": "不知道", "lender.name": "不知道"})
    assert error.value.code == "required"


# --- people, not times ----------------------------------------------------------------------------------------------


def test_about_twenty_colleagues_are_twenty_people_each_contacted_count_times(tmp_path: Path) -> None:
    interview = _borrower_case(tmp_path, **{"episode[2].times": "2"})
    draft = interview.build()
    assert draft.valid, draft.problems
    case = draft.case()
    colleagues = [c.id for c in case.contacts.reached if c.relation == "colleague"]
    assert len(colleagues) == 20
    to_colleagues = [i for i in case.incidents if i.target.contact in colleagues]
    assert len(to_colleagues) == 20
    assert {i.count for i in to_colleagues} == {2}
    assert len(case.contacts.reached) == 22
    to_mother = [i for i in case.incidents if i.target.contact == "family-1"]
    assert [i.count for i in to_mother] == [3]


def test_a_group_chat_is_one_incident_to_a_group_of_its_audience(tmp_path: Path) -> None:
    interview = _interview(tmp_path)
    _run(interview, {**BORROWER, "reached": "同事", "episode[0].medium": "群聊", "episode[0].audience": "约 80 人",
                     "episode[0].times": "1", "episode[0].more": False})  # fmt: skip
    (incident,) = interview.build().data["incidents"]
    assert incident["target"] == {"kind": "group", "audience_size": 80}


def test_an_episode_cannot_end_before_it_began(tmp_path: Path) -> None:
    with pytest.raises(AnswerError) as error:
        _borrower_case(tmp_path, **{"episode[0].until": "2026年11月1日"})
    assert error.value.code == "until_before_time"


# --- evidence ------------------------------------------------------------------------------------------------------


def test_an_evidence_file_is_checked_and_fingerprinted_now(tmp_path: Path) -> None:
    (tmp_path / "证据").mkdir()
    recording = tmp_path / "证据" / "录音.m4a"
    recording.write_bytes(b"fictional recording")
    interview = _interview(tmp_path)
    with pytest.raises(AnswerError) as missing:
        _run(interview, {**BORROWER, "evidence.files": ["证据/没有这个文件.m4a"]})
    assert missing.value.code == "no_such_file"
    interview = _interview(tmp_path)
    _run(interview, {**BORROWER, "evidence.files": ["证据/录音.m4a"], "evidence_item[0].kind": None,
                     "evidence_item[0].description": "", "evidence_item[0].shows": ["0"]})  # fmt: skip
    draft = interview.build()
    (item,) = draft.data["evidence"]
    assert item == {"id": "E1", "kind": "recording", "description": "录音（录音.m4a）", "path": "证据/录音.m4a",
                    "sha256": hashlib.sha256(b"fictional recording").hexdigest()}  # fmt: skip
    assert [i.get("evidence") for i in draft.data["incidents"]][:1] == [["E1"]]  # shows the calls to her mother
    assert draft.notes[0].code == "sha_recorded"


def test_a_rerun_fingerprints_named_evidence_files_and_says_which_are_missing(tmp_path: Path) -> None:
    (tmp_path / "log.txt").write_bytes(b"fictional call log")
    text = EDITED_BY_HAND + (
        "evidence:\n"
        "  - {id: E1, kind: call_log, description: 通话详单, path: log.txt}\n"
        "  - {id: E2, kind: recording, description: 录音, path: gone.m4a}\n"
    )
    interview = _interview(tmp_path, existing=parse_yaml(text).data)
    _run(interview, {}, default=None)
    draft = interview.build()
    assert draft.data["evidence"][0]["sha256"] == hashlib.sha256(b"fictional call log").hexdigest()
    assert "sha256" not in draft.data["evidence"][1]
    notes = [(note.code, note.params["id"]) for note in draft.notes]
    assert notes == [("sha_recorded", "E1"), ("evidence_missing", "E2")]


# --- the file written -------------------------------------------------------------------------------------------------


def test_the_new_file_validates_and_says_what_each_section_is(tmp_path: Path) -> None:
    draft = _borrower_case(tmp_path).build()
    text = render_new(draft.edits, DEFINITION)
    case = parse_case_text(text, fmt="yaml")
    assert case.reporter.name == "林小雨"
    for key, comment in DEFINITION.file_comments.items():
        if f"\n{key}:" in text:
            assert f"# {comment}\n{key}:" in text, key
    assert "kind: unknown  # 不清楚" in text
    assert 'contact_list_consent: "no"' in text  # quoted: never a boolean to any YAML reader
    assert "# 约 20 名同事" in text
    assert "暂记为中午 12:00" in text  # the colleagues' time was not given
    top = [line.split(":")[0] for line in text.splitlines() if re.match(r"^[a-z_]+:", line)]
    assert top == ["reporter", "lender", "collectors", "debt", "incidents", "contacts", "wants"]  # the format's order


EDITED_BY_HAND = """\
# 我自己的笔记：这份文件是我和志愿者一起写的。
reporter:
  role: borrower
  name: 林小雨   # 身份证上的名字
  region: {province: 广东省}
lender:
  app_name: 示例速借
  kind: unknown
incidents:
  - time: 2026-11-16 20:00
    medium: call
    target: {kind: borrower}
    count: 5   # 一晚上打了五次
wants: [stop_contact]
"""


def test_a_rerun_asks_only_what_is_missing_and_keeps_everything_else(tmp_path: Path) -> None:
    data = parse_yaml(EDITED_BY_HAND).data
    interview = _interview(tmp_path, existing=data)
    asked = _run(interview, {"reporter.phone": "138 0000 0123", "reporter.region.city": "", "lender.name": "",
                             "lender.kind": "网络小贷", "debt.contact_list_consent": "", "collectors.phones": "",
                             "evidence.files": None})  # fmt: skip
    assert asked == ["reporter.phone", "reporter.region.city", "lender.name", "lender.kind",
                     "debt.contact_list_consent", "collectors.phones", "evidence.files"]  # fmt: skip
    draft = interview.build()
    assert draft.valid
    text = render_existing(EDITED_BY_HAND, draft.edits, DEFINITION, source="case.yaml")
    case = parse_case_text(text, fmt="yaml")
    assert case.reporter.phone == "+8613800000123"
    assert case.lender.kind == "online_microloan"
    assert case.incidents[0].count == 5
    added = [line for line in text.splitlines() if line not in EDITED_BY_HAND.splitlines()]
    assert added == ["  phone: '+8613800000123'", "  kind: online_microloan"], text
    removed = [line for line in EDITED_BY_HAND.splitlines() if line not in text.splitlines()]
    assert removed == ["  kind: unknown"]  # every comment and every other line is kept as written


def test_a_rerun_on_a_complete_file_asks_nothing_and_changes_nothing(tmp_path: Path) -> None:
    first = _borrower_case(tmp_path, **{"lender.kind": "网络小贷", "debt.contact_list_consent": "没有",
                                        "reporter.region.city": "深圳市", "evidence.files": None})  # fmt: skip
    text = render_new(first.build().edits, DEFINITION)
    again = _interview(tmp_path, existing=parse_yaml(text).data)
    assert _run(again, {"lender.name": "", "evidence.files": None}) == ["lender.name", "evidence.files"]
    assert again.build().edits == ()


def test_a_rerun_asks_again_for_an_invalid_value_and_fixes_what_no_question_covers(tmp_path: Path) -> None:
    broken = EDITED_BY_HAND.replace("  name: 林小雨", "  phone: 138 0000\n  name: 林小雨").replace(
        "  - time: 2026-11-16 20:00", "  - time: 2026-13-16 20:00"
    )
    with pytest.raises(CaseFileError) as error:
        parse_case_text(broken, fmt="yaml")
    interview = _interview(tmp_path, existing=parse_yaml(broken).data, problems=error.value.problems)
    asked = _run(interview, {"reporter.phone": "138 0000 0123", "fix[0]": "2026-11-16 20:00"}, default=None)
    assert "reporter.phone" in asked
    assert asked[-1] == "fix[0]"
    draft = interview.build()
    assert draft.valid, draft.problems
    text = render_existing(broken, draft.edits, DEFINITION, source="case.yaml")
    assert parse_case_text(text, fmt="yaml").incidents[0].count == 5
    assert "# 一晚上打了五次" in text


def test_two_unknown_keys_of_one_mapping_are_asked_about_by_their_lines(tmp_path: Path) -> None:
    """A key is never shown (it may be a name and a number), so each question names the mapping and the key's line
    in the file: the person can tell which one she is asked about, and keep one and delete the other."""
    broken = EDITED_BY_HAND.replace("  kind: unknown\n", "  kind: unknown\n  颜色: 红\n  笔记 13800000000: 表哥\n")
    with pytest.raises(CaseFileError) as error:
        parse_case_text(broken, fmt="yaml")
    interview = _interview(tmp_path, existing=parse_yaml(broken).data, problems=error.value.problems)
    questions: dict[str, tuple[str, str]] = {}
    answers = iter([True, False])  # delete the first, keep the second
    while (step := interview.next_step()) is not None:
        if step.key.startswith("fix["):
            questions[step.key] = (step.ask("zh"), step.ask("en"))
            interview.answer(step, next(answers))
        else:
            interview.answer(step, None if step.question.kind == "file_list" else "")
    assert list(questions) == ["fix[0]", "fix[1]"]
    (zh_first, en_first), (zh_second, en_second) = questions.values()
    assert zh_first.startswith("lender（文件第 9 行）：不认识的字段名（可用字段：")
    assert zh_second.startswith("lender（文件第 10 行）：不认识的字段名（可用字段：")
    assert zh_first.endswith("要删除这一项吗？")
    assert en_first.startswith("lender (line 9 of the file): ")
    assert en_second.startswith("lender (line 10 of the file): ")
    for asked in (zh_first, en_first, zh_second, en_second):
        assert "颜色" not in asked
        assert "13800000000" not in asked  # the key's text is never shown
    text = render_existing(broken, interview.build().edits, DEFINITION, source="case.yaml")
    assert "颜色" not in text
    assert "  笔记 13800000000: 表哥" in text  # kept, as answered


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_a_rerun_on_each_example_asks_only_for_fields_it_lacks(tmp_path: Path, example: Path) -> None:
    data = parse_yaml(example.read_text(encoding="utf-8")).data
    interview = Interview(today=TODAY, cwd=example.parent, case_dir=example.parent, existing=data)
    asked = _run(interview, {}, default=None)
    for key in asked:
        question = DEFINITION.question(key)
        assert question.path is not None
        value: Any = data
        for part in question.path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        assert value in (None, "unknown", []), (key, value)
    assert "reached" not in asked
    assert "evidence_item[0].kind" not in asked


def test_edits_apply_to_plain_data_as_to_the_file(tmp_path: Path) -> None:
    draft = _borrower_case(tmp_path).build()
    data: dict[str, Any] = {}
    for edit in draft.edits:
        apply_edit(data, edit)
    assert data == draft.data
    assert parse_case_text(render_new(draft.edits, DEFINITION), fmt="yaml") == load_case_from(data)


def load_case_from(data: dict[str, Any]) -> Any:
    from jubao.loading import parse_case  # noqa: PLC0415

    return parse_case(data)


# --- the command without a terminal -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "words"), [(["new"], "终端"), (["--lang", "en", "new"], "terminal"),
                                             (["new", "--lang", "en"], "terminal")])  # fmt: skip
def test_without_a_terminal_it_refuses_in_one_sentence(runner: CliRunner, tmp_path: Path, args: list[str],
                                                       words: str) -> None:  # fmt: skip
    result = runner.invoke(cli, [*args, str(tmp_path / "case.yaml")])
    assert result.exit_code == 2
    assert words in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert not (tmp_path / "case.yaml").exists()


def test_the_example_written_by_the_interview_loads(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(render_new(_borrower_case(tmp_path).build().edits, DEFINITION), encoding="utf-8")
    assert load_case(path).lender.app_name == "示例速借"
