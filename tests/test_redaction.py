"""Redaction per perspective (``jubao.Redaction``): what a filing outside the police and courts may reveal.

The promises users rely on: a contact's own version holds only what reached that contact — never another
contact's name or number, nothing the borrower wrote; the borrower's version counts contacts by relation and never
names them; free text loses every contact's name and number however the number is written; and a web form's
payload is read back from the (redacted) document, so it cannot say more than the readable version.

The same redaction reaches every channel through ``CaseView`` (issue 11, item 12): notes, evidence descriptions,
what an evidence item proves and its source, and replies to earlier complaints lose the contacts' names and numbers
in every set not addressed to the police or a court (``Channel.names_contacts``), and in the 证据清单 all sets share.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jubao import (
    Case,
    Engine,
    Perspective,
    PluginSet,
    Redaction,
    drafting_context,
    form_payload,
    load_case,
    parse_case_text,
    vocab,
)
from jubao.drafting import render_core_template
from jubao.evidence import fingerprint
from jubao.markup import parse_markup
from jubao.plugins import build_documents
from jubao.redaction import CONTACT_VIEW, REDACTED_NAME, REDACTED_PHONE, ContactRedactor
from tests.conftest import EXAMPLES

TODAY = date(2026, 11, 23)

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
    # the borrower's own notes are kept, with the contacts' names and numbers taken out (numbered as listed)
    assert first.self_notes == ["催收员说已经打给了联系人1和联系人2，还报出 联系人2的号码 和 联系人1的号码 两个号码。"]
    assert reports[1].rows[0].content == "短信发到 联系人2的号码，说王晓明欠款。"


@pytest.mark.parametrize(
    "written",
    ["010-5555 0110", "010 5555 0110", "01055550110", "+86 10 5555 0110", "1055550110", "138 0000 0102",
     "138-0000-0102", "+8613800000102"],
)  # fmt: skip
def test_a_contacts_number_is_taken_out_however_it_is_written(borrower_case: Case, written: str) -> None:
    n = 2 if "5555" in written else 1
    assert Redaction(borrower_case).redact(f"号码：{written}。") == f"号码：{REDACTED_PHONE.format(n=n)}。"


def test_numbers_and_words_that_are_not_a_contacts_stay(borrower_case: Case) -> None:
    text = "催收号码 170 0000 0201 于 2026-10-12 来电，本人王晓明"
    assert Redaction(borrower_case).redact(text) == text


def test_evidence_keeps_its_numbering_and_loses_the_contacts_data(borrower_case: Case) -> None:
    lines = Redaction(borrower_case).evidence_lines()
    assert [line.label for line in lines] == ["证据1", "证据2"]
    assert lines[1].description == "联系人1的书面说明（电话 联系人1的号码）"
    assert (REDACTED_NAME.format(n=1), REDACTED_PHONE.format(n=1)) == ("联系人1", "联系人1的号码")


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


# --- every channel, through CaseView (issue 11, item 12) ------------------------------------------------------------

EMPLOYER_CASE = EXAMPLES / "credit-card-employer.yaml"
HR = ("赵人事", "010 5555 0110", "01055550110", "+861055550110")
"""Contact 1 of the example (the employer's HR, on a landline), as the case's free text might spell them."""
NAMING = {"police", "court_civil"}


def _employer_case(**changes: Any) -> Case:
    """The example with contact 1's name and number also in a note and in a reply to an earlier complaint."""
    data = load_case(EMPLOYER_CASE).model_dump(mode="json")
    data["incidents"][1]["note"] = "对赵人事（电话 01055550110）说王晓明欠款不还。"
    data["prior_complaints"][0].update(reply_received=True, reply_summary="称已向赵人事（+861055550110）核实。")
    data["evidence"][2]["source"] = "赵人事提供，电话 010 5555 0110"
    data.update(changes)
    return Case.model_validate(data)


def _drafted(plugins: PluginSet, engine: Engine, case: Case) -> dict[tuple[str, str], str]:
    evaluation = engine.evaluate(case, today=TODAY)
    texts = {
        (route.channel, document.id): document.text()
        for route in evaluation.routes
        for document in build_documents(plugins, route.channel, case, evaluation)
    }
    evidence = render_core_template(
        "evidence_list",
        drafting_context(plugins, None, case, evaluation),
        document_id="evidence_list",
        fingerprints={p.id: p for p in fingerprint(case, Path())},
    )
    texts["证据清单", "evidence_list"] = evidence.text()
    return texts


def test_no_set_outside_police_and_court_names_a_contact_in_free_text(plugins: PluginSet, engine: Engine) -> None:
    """ "赵人事" used to leak through evidence descriptions into the lender, 12378 and 12315 sets and the 证据清单."""
    texts = _drafted(plugins, engine, _employer_case())
    channels = {channel for channel, _ in texts}
    assert {"lender_complaint", "nfra_12378", "samr_12315", "police", "court_civil"} <= channels
    for (channel, document), text in texts.items():
        if channel in NAMING or document.startswith("contact_1_"):  # contact 1's own 12321 report names them
            continue
        leaked = [secret for secret in HR if secret in text]
        assert not leaked, (channel, document, leaked)
    lender = texts["lender_complaint", "complaint"]
    assert "单位人事部联系人1的书面说明" in lender
    assert "报告人陈述：“对联系人1（电话 联系人1的号码）说王晓明欠款不还”" in lender  # the borrower's own name stays
    assert "联系人1提供，电话 联系人1的号码" in texts["证据清单", "evidence_list"]
    assert "称已向联系人1（联系人1的号码）核实" in texts["nfra_12378", "complaint"]


def test_the_police_and_the_court_still_see_the_contacts(plugins: PluginSet, engine: Engine) -> None:
    texts = _drafted(plugins, engine, _employer_case())
    assert "单位人事部赵人事的书面说明" in texts["police", "complaint"]
    assert "赵人事" in texts["court_civil", "complaint_borrower"]


def test_a_case_view_redacts_unless_its_channel_names_contacts(view_of: Any) -> None:
    case = _employer_case()
    for channel in ("nfra_12378", "lender_complaint", "samr_12315", "miit_12321"):
        view = view_of(case, channel)
        assert not view.names_contacts
        rows = [*view.incidents, *view.evidence, *view.contacts, *view.prior_complaints]
        printed = repr([value for row in rows for value in vars(row).values() if isinstance(value, str)])
        assert not [secret for secret in HR if secret in printed], channel
        assert view.contacts[0].name == "联系人1"
        assert view.incidents[1].target_named == view.incidents[1].target == "借款人的单位/雇主"
    police = view_of(case, "police")
    assert police.names_contacts
    assert police.evidence[2].description == "单位人事部赵人事的书面说明，说明被告知欠款及要求单位督促还款"
    assert police.incidents[1].target_named == "借款人的单位/雇主（赵人事）"
    assert police.contacts[0].phone == "010 5555 0110"


def test_only_the_police_and_the_court_declare_that_they_name_contacts(plugins: PluginSet) -> None:
    assert {cid for cid, channel in plugins.channels.items() if channel.names_contacts} == NAMING


def test_the_redaction_keeps_the_borrowers_and_the_reporters_own_data() -> None:
    case = parse_case_text(BORROWER_CASE.replace("name: 王晓红", "name: 王晓"))
    redact = ContactRedactor(case)
    assert redact("王晓明说王晓接到电话。") == "王晓明说联系人1接到电话。"  # 王晓 does not cut 王晓明
    assert redact("本人电话 138 0000 0101。") == "本人电话 138 0000 0101。"
    # A contact who files and is also listed among the contacts keeps their own name and number.
    listed = parse_case_text(CONTACT_FILES_CASE.replace("phone: 139 0000 0777", "phone: 138 0000 0601"))
    assert ContactRedactor(listed)("孙朋友的号码 13800000601。") == "孙朋友的号码 13800000601。"
    assert ContactRedactor(parse_case_text(CONTACT_FILES_CASE.replace("      name: 孙朋友\n", "")))("x") is not None


def test_numbers_are_taken_out_only_whole() -> None:
    redact = ContactRedactor(parse_case_text(BORROWER_CASE))
    assert redact("13800001020 和 913800000102") == "13800001020 和 913800000102"
    assert redact("(010)5555-0110；0086 10 5555 0110") == "联系人2的号码；联系人2的号码"
