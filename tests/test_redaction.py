"""Redaction per perspective (``jubao.Redaction``): what a filing outside the police and courts may reveal.

The promises users rely on: a contact's own version holds only what reached that contact — never another
contact's name or number, nothing the borrower wrote; the borrower's version counts contacts by relation and never
names them; free text loses every contact's name and number however the number is written; and a web form's
payload is read back from the (redacted) document, so it cannot say more than the readable version.
"""

from __future__ import annotations

import pytest

from jubao import Case, Perspective, Redaction, form_payload, parse_case_text, vocab
from jubao.markup import parse_markup
from jubao.redaction import CONTACT_VIEW, REDACTED_NAME, REDACTED_PHONE

BORROWER_CASE = """\
reporter:
  role: borrower
  name: 王晓明
  phone: 138 0000 0101
  region: {province: 广东省, city: 深圳市}
lender: {name: 示例银行, kind: bank}
collectors:
  - phones: ["170 0000 0201"]
contacts:
  reached:
    - id: sister
      relation: family
      name: 王晓红
      phone: 138 0000 0102
      willing_to_report: true
    - id: boss
      relation: employer
      name: 赵人事
      phone: 010-5555 0110
      willing_to_report: false
incidents:
  - time: 2026-10-12 10:05
    medium: call
    from_number: 170 0000 0201
    target: {kind: borrower}
    count: 5
    behaviours: [insult]
    note: 催收员说已经打给了王晓红和赵人事，还报出 010-5555 0110 和 13800000102 两个号码。
    evidence: [E1]
  - time: 2026-10-13 09:00
    medium: call
    from_number: 170 0000 0201
    target: {kind: contact, contact: sister}
    count: 2
    behaviours: [demand_payment_from_third_party]
    note: 对王晓红说借款人王晓明欠款不还。
    evidence: [E2]
  - time: 2026-10-14 15:00
    medium: sms
    from_number: 170 0000 0202
    target: {kind: contact, contact: boss}
    behaviours: [debt_disclosure]
    note: 短信发到 +86 10 5555 0110，说王晓明欠款。
evidence:
  - id: E1
    kind: call_log
    description: 通话详单，含打给王晓红的记录
    collected_on: 2026-10-20
  - id: E2
    kind: witness_statement
    description: 王晓红的书面说明（电话 138 0000 0102）
    collected_on: 2026-10-21
"""

CONTACT_FILES_CASE = """\
reporter:
  role: contact
  name: 李娜
  phone: 138 0000 0601
  relation_to_borrower: colleague
  region: {province: 北京, city: 北京市}
borrower: {name: 周某}
lender: {app_name: 示例易贷, kind: loan_platform}
contacts:
  reached:
    - id: friend
      relation: friend
      name: 孙朋友
      phone: 139 0000 0777
      willing_to_report: true
incidents:
  - time: 2026-11-02 12:10
    medium: call
    from_number: 170 0000 0602
    target: {kind: contact, relation: colleague}
    count: 8
    behaviours: [debt_disclosure]
    note: 要求我替他还钱。
  - time: 2026-11-03 12:00
    medium: call
    from_number: 170 0000 0602
    target: {kind: contact, contact: friend}
    count: 4
    behaviours: [insult]
    note: 孙朋友也接到了电话。
"""

OTHERS = ("赵人事", "5555", "55550110")
"""The other contact's name and number (in any spelling): never in the sister's version."""
SISTER = ("王晓红", "0000 0102", "00000102")


@pytest.fixture
def borrower_case() -> Case:
    return parse_case_text(BORROWER_CASE)


def _sister(redaction: Redaction) -> Perspective:
    (sister,) = redaction.willing_contacts()
    return sister


def test_only_willing_contacts_get_a_version_and_only_when_the_borrower_files(borrower_case: Case) -> None:
    sister = _sister(Redaction(borrower_case))
    assert (sister.kind, sister.name, sister.contact_index) == ("contact", "王晓红", 1)
    assert Redaction(parse_case_text(CONTACT_FILES_CASE)).willing_contacts() == []


def test_a_contacts_version_holds_only_what_reached_that_contact(borrower_case: Case) -> None:
    redaction = Redaction(borrower_case)
    sister = _sister(redaction)
    assert redaction.numbers_for(sister) == redaction.numbers[:1]  # the SMS number never reached her
    report = redaction.number_report(sister, redaction.numbers[0])
    assert report.to_self.calls == report.total == 2  # not the borrower's 5 calls
    assert (report.contacts_reached, report.relations) == (0, [])
    assert [row.target for row in report.rows] == ["本人"]


def test_a_contacts_version_never_shows_another_contacts_data_or_what_the_borrower_wrote(
    borrower_case: Case,
) -> None:
    redaction = Redaction(borrower_case)
    sister = _sister(redaction)
    for number in redaction.numbers:
        report = redaction.number_report(sister, number)
        text = repr(report)
        for secret in (*OTHERS, "王晓明"):  # the borrower's notes name the borrower
            assert secret not in text
        assert report.self_notes == report.sms_content == []
        assert report.evidence == []
        assert all(row.content == "" and row.evidence == "" for row in report.rows)


def test_a_contact_states_behaviours_about_themselves(borrower_case: Case) -> None:
    redaction = Redaction(borrower_case)
    number = redaction.numbers[0]
    mine = redaction.number_report(_sister(redaction), number)
    assert mine.behaviours == [CONTACT_VIEW["demand_payment_from_third_party"]] == ["要求本人代为还款"]
    borrowers = redaction.number_report(redaction.reporter(), number)
    assert vocab("Behaviour", "demand_payment_from_third_party") in borrowers.behaviours
    assert "要求本人代为还款" not in borrowers.behaviours


def test_the_borrowers_version_counts_contacts_by_relation_and_never_names_them(borrower_case: Case) -> None:
    redaction = Redaction(borrower_case)
    borrower = redaction.reporter()
    assert borrower.kind == "borrower"
    reports = [redaction.number_report(borrower, number) for number in redaction.numbers]
    text = repr(reports) + repr(redaction.evidence_lines())
    for secret in (*OTHERS, *SISTER):
        assert secret not in text
    first = reports[0]
    assert (first.contacts_reached, first.relations) == (1, [vocab("Relation", "family")])
    assert [row.target for row in first.rows] == ["本人", f"联系人（{vocab('Relation', 'family')}）"]
    # the borrower's own notes are kept, with the contacts' names and numbers taken out
    assert first.self_notes == [
        f"催收员说已经打给了{REDACTED_NAME}和{REDACTED_NAME}，还报出 {REDACTED_PHONE} 和 {REDACTED_PHONE} 两个号码。"
    ]
    assert reports[1].rows[0].content == f"短信发到 {REDACTED_PHONE}，说王晓明欠款。"


@pytest.mark.parametrize(
    "written",
    ["010-5555 0110", "010 5555 0110", "01055550110", "+86 10 5555 0110", "1055550110", "138 0000 0102",
     "138-0000-0102", "+8613800000102"],
)  # fmt: skip
def test_a_contacts_number_is_taken_out_however_it_is_written(borrower_case: Case, written: str) -> None:
    assert Redaction(borrower_case).redact(f"号码：{written}。") == f"号码：{REDACTED_PHONE}。"


def test_numbers_and_words_that_are_not_a_contacts_stay(borrower_case: Case) -> None:
    text = "催收号码 170 0000 0201 于 2026-10-12 来电，本人王晓明"
    assert Redaction(borrower_case).redact(text) == text


def test_evidence_keeps_its_numbering_and_loses_the_contacts_data(borrower_case: Case) -> None:
    lines = Redaction(borrower_case).evidence_lines()
    assert [line.label for line in lines] == ["证据1", "证据2"]
    assert lines[1].description == f"{REDACTED_NAME}的书面说明（电话 {REDACTED_PHONE}）"


def test_a_contact_who_files_describes_only_what_reached_them() -> None:
    redaction = Redaction(parse_case_text(CONTACT_FILES_CASE))
    filer = redaction.reporter()
    assert (filer.kind, filer.relation) == ("reporter_contact", vocab("Relation", "colleague"))
    incidents = redaction.incidents(filer)
    assert [i.count for i in incidents] == [8]  # not the 4 calls to the friend
    report = redaction.number_report(filer, redaction.numbers[0])
    assert report.behaviours == ["向本人透露借款人的债务"]
    assert report.self_notes == ["要求我替他还钱。"]  # their own words, as they wrote them
    assert "孙朋友" not in repr(report)
    assert "0777" not in repr(report)


FORM = """\
# 举报

## 表单填写内容
| 字段 | 填写内容 |
|---|---|
| 举报人手机号 | 13800000101 |
| 描述 | 见下文“描述” |
| 证据 | 见下文“证据” |
> 字段以页面为准。

## 描述
第一段。
第二段。

## 证据
1. 证据1
1. 证据2
"""


def test_a_form_payload_is_read_back_from_the_document() -> None:
    document = parse_markup(FORM, channel="test")
    assert form_payload(document) == {
        "举报人手机号": "13800000101",
        "描述": "第一段。\n第二段。",
        "证据": ["证据1", "证据2"],
        "_说明": "字段以页面为准。",
    }
