"""nfra_12378: the 12378 phone script, the written 投诉书 and the 举报信, through the plugin entry points."""

from __future__ import annotations

import re
from typing import Any

from jubao import Document
from jubao.case import Case
from jubao.documents_api import Section, Table
from jubao.engine import Engine
from jubao.plugins import PluginSet
from tests.channels.common import TODAY, example

CHANNEL = "nfra_12378"


def prose(document: Document) -> str:
    """Everything except tables (the evidence table repeats the user's own evidence descriptions)."""
    sections = [
        Section(heading=s.heading, blocks=[b for b in s.all_blocks() if not isinstance(b, Table)])
        for s in document.sections
    ]
    return document.model_copy(update={"sections": sections}).text()


def filings(docs: dict[str, Document]) -> dict[str, Document]:
    """The documents of a set without its guide (办事指南)."""
    return {key: doc for key, doc in docs.items() if doc.purpose != "guide"}


def guide(docs: dict[str, Document]) -> str:
    return docs["guide"].text()


def test_bank_case_gets_phone_script_complaint_and_report(draft: Any) -> None:
    docs = draft(example("credit-card-employer.yaml"))
    assert list(docs) == ["phone_script", "complaint", "violation_report", "guide"]
    assert docs["phone_script"].formats == ["txt", "md"]
    assert docs["phone_script"].purpose == "aid"
    assert docs["complaint"].formats == []
    assert docs["violation_report"].formats == []
    assert docs["complaint"].title == "金融消费投诉书"
    assert docs["violation_report"].title == "举报信"


def test_report_names_respondent_and_cites_credit_card_rule_for_a_bank(draft: Any) -> None:
    report = draft(example("credit-card-employer.yaml"))["violation_report"].text()
    assert "被举报人：示例银行股份有限公司信用卡中心" in report
    assert "《商业银行信用卡业务监督管理办法》第六十八条" in report
    assert "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》" in report
    assert "消费金融公司管理办法" not in report
    # specific facts with their evidence (acceptance condition), numbered as in the evidence list
    assert "（见证据1、证据3）" in report
    assert "（见证据2）" in report
    assert "举报人（实名）：王晓明" in report


def test_report_states_the_report_clocks_from_channel_data(draft: Any, plugins: PluginSet) -> None:
    report = draft(example("credit-card-employer.yaml"))["violation_report"].text()
    deadlines = {d.id: d for d in plugins.channels[CHANNEL].deadlines}
    accept, decide = deadlines["report_acceptance"], deadlines["report_decision"]
    assert f"{accept.length}日内书面告知举报人是否受理" in report
    assert (
        f"受理后{decide.length}日内作出调查处理意见（依规延长的，一般不超过{decide.extensions[0].length}日）" in report
    )
    assert "依照《银行保险违法行为举报处理办法》，自收到" in report
    # article numbers not verified: the guide says so, with where the citation is
    checks = guide(draft(example("credit-card-employer.yaml")))
    assert "《举报信》“举报请求”引用的《银行保险违法行为举报处理办法》" in checks


def test_complaint_gives_the_15_30_60_clock_and_the_prior_lender_complaint(draft: Any) -> None:
    complaint = draft(example("credit-card-employer.yaml"))["complaint"].text()
    assert "自收到投诉之日起15日内作出处理决定" in complaint
    assert "情况复杂的，可延长至30日；情况特别复杂的，经批准并告知投诉人，可再延长30日（最长不超过60日）" in complaint
    assert "2026年11月20日向被投诉机构投诉（投诉编号：TS20261120-0001）" in complaint
    assert "尚未收到书面答复" in complaint


def test_consumer_finance_cites_its_own_rule_not_the_credit_card_rule(draft: Any) -> None:
    docs = draft(example("consumer-finance-30-contacts.yaml"))
    report = docs["violation_report"].text()
    assert "《消费金融公司管理办法》规定" in report
    assert "引用的《消费金融公司管理办法》" in guide(docs)  # unverified article number: checked in the guide
    assert "信用卡业务监督管理办法" not in report


def test_platform_loan_is_reported_against_the_funding_bank(draft: Any) -> None:
    docs = draft(example("contact-harassed.yaml"))
    report = docs["violation_report"].text()
    assert "被举报人：示例农村商业银行股份有限公司" in report
    assert "金规〔2025〕9号" in report  # the bank answers for its loan-facilitation partners
    assert "信用卡业务监督管理办法" not in report  # a platform loan is not a credit card
    assert "借款人周某的同事" in report


def test_industry_guideline_is_not_cited_for_conduct_before_it_was_issued(draft: Any) -> None:
    case = example("credit-card-employer.yaml")
    data = case.model_dump(mode="json", exclude_none=True)
    for incident in data["incidents"]:
        incident["time"] = incident["time"].replace("2026-10", "2025-10")
        if "until" in incident:
            incident["until"] = incident["until"].replace("2026-10", "2025-10")
    data["prior_complaints"] = []
    docs = draft(Case.model_validate(data))
    for document in docs.values():
        assert "中国银行业协会" not in document.text()
    assert "第六十八条" in docs["violation_report"].text()


def test_no_contact_names_or_numbers_outside_the_users_own_evidence_table(draft: Any) -> None:
    docs = draft(example("credit-card-employer.yaml"))
    for document in filings(docs).values():
        text = prose(document)
        assert "赵人事" not in text
        assert "5555" not in text
        assert "单位/雇主" in text  # relations are enough


def test_phone_script_asks_for_the_ticket_number_and_asserts_no_hours(draft: Any) -> None:
    script = draft(example("credit-card-employer.yaml"))["phone_script"].text()
    assert "工单号" in script
    assert "书面举报" in script
    for claim in ("24小时", "24 小时", "9:00", "17:00", "工作日"):
        assert claim not in script
    assert "不是电信投诉电话" in script


def test_missing_fields_appear_as_blanks_and_in_missing(plugins: PluginSet, engine: Engine, draft: Any) -> None:
    case = example("credit-card-employer.yaml")
    missing = plugins.channels[CHANNEL].missing(case, engine.evaluate(case, today=TODAY))
    assert [m.path for m in missing] == ["reporter.id_number"]
    for document in filings(draft(case)).values():
        assert "身份证号码" in document.blanks()
    unnamed = example("contact-harassed.yaml")
    paths = [m.path for m in plugins.channels[CHANNEL].missing(unnamed, engine.evaluate(unnamed, today=TODAY))]
    assert "lender.name" in paths


def test_channel_declares_both_clocks_and_the_petition_escalation(plugins: PluginSet) -> None:
    channel = plugins.channels[CHANNEL]
    ids = {d.id for d in channel.deadlines}
    assert {"complaint_handling", "report_acceptance", "report_decision", "hotline_transfer"} <= ids
    assert {"petition_transfer", "petition_acceptance", "petition_handling", "petition_review_request",
            "petition_final_review_request"} <= ids  # fmt: skip
    complaint = next(d for d in channel.deadlines if d.id == "complaint_handling")
    assert (complaint.length, [e.length for e in complaint.extensions]) == (15, [15, 30])
    phone = next(f for f in channel.filing if f.kind == "phone")
    assert phone.address == "12378"
    assert phone.hours is None
    assert phone.status == "U"


def test_non_nfra_lender_gets_a_warning(draft: Any) -> None:
    script = draft(example("night-calls-borrower-only.yaml"))["phone_script"].text()
    assert "可能不属于国家金融监督管理总局监管" in script


# --- issue 11: contacts are not consumers, clocks follow the institution, facts only from the case ---------------


def _modified(name: str, **changes: Any) -> Case:
    data = example(name).model_dump(mode="json", exclude_none=True)
    for key, value in changes.items():
        data[key] = value(data[key]) if callable(value) else value
    return Case.model_validate(data)


def test_a_contact_reporter_files_a_report_not_a_consumer_complaint(draft: Any) -> None:
    docs = draft(example("contact-platform-consumer-finance.yaml"))
    assert list(docs) == ["phone_script", "violation_report", "guide"]  # no 金融消费投诉书 for a contact
    for document in docs.values():
        text = document.text()
        assert "金融消费投诉" not in text
        assert "收到投诉后15日内" not in text  # no consumer-complaint clock
        assert "15日内作出处理决定" not in text
    script = docs["phone_script"].text()
    assert "我要举报违规催收" in script
    assert "在15日内书面告诉我举报是否受理" in script  # the report clock (channel data) instead


def test_a_contact_on_a_consumer_finance_platform_loan_reports_the_funder(draft: Any) -> None:
    report = draft(example("contact-platform-consumer-finance.yaml"))["violation_report"].text()
    assert "被举报人：示例消费金融股份有限公司" in report
    assert "涉及的助贷平台：示例网络科技有限公司（App：示例速借）" in report
    assert "《消费金融公司管理办法》规定" in report
    assert "举报人是借款人冯某的朋友，不是借款合同的当事人" in report
    # the contact claims their own rights, not the borrower's
    assert "停止处理举报人的个人信息" in report


def test_a_borrower_does_not_claim_the_deletion_of_the_contacts_data(draft: Any) -> None:
    docs = draft(example("consumer-finance-30-contacts.yaml"))  # a harvested list and contacts reached
    for key in ("phone_script", "complaint"):
        text = docs[key].text()
        assert not re.search(r"删除[^。；]*(通讯录|联系人|第三人)", text), key  # the contacts' data is theirs to claim
        assert "第三人个人信息" not in text, key


def test_entrusted_collection_is_processing_on_entrustment_not_provision(draft: Any) -> None:
    docs = draft(example("credit-card-employer.yaml"))  # an outsourced agency collecting for a bank
    for key in ("complaint", "violation_report"):
        text = docs[key].text()
        assert "《中华人民共和国个人信息保护法》第二十一条第一款，委托外包催收机构处理个人信息的" in text, key
        assert "第二十三条" not in text, key
        assert "单独同意" not in text, key


def test_no_contact_name_anywhere_in_the_12378_set_including_the_evidence(draft: Any) -> None:
    """Item 12: the HR contact's name is in an evidence description; it must not reach 12378 (tables included)."""
    for document in draft(example("credit-card-employer.yaml")).values():
        assert "赵人事" not in document.text(), document.id
        assert "5555 0110" not in document.text(), document.id


def test_the_consumer_clock_is_not_stated_where_it_does_not_bind(draft: Any) -> None:
    docs = draft(example("night-calls-borrower-only.yaml"))  # a microlender (drafted on request)
    complaint = docs["complaint"].text()
    assert "15日内作出处理决定" not in complaint
    assert "督促被投诉机构及时作出处理决定并书面答复投诉人" in complaint
    assert "15日内书面答复我" not in docs["phone_script"].text()


def test_a_credit_card_is_worded_with_issuer_and_cardholder(draft: Any) -> None:
    docs = draft(example("credit-card-employer.yaml"))
    complaint = docs["complaint"].text()
    assert "投诉人系被投诉机构发行的信用卡的持卡人" in complaint
    assert "被投诉机构的借款人" not in complaint
    assert "借款合同编号" not in complaint
    assert "我是示例银行股份有限公司信用卡中心的信用卡持卡人" in docs["phone_script"].text()


def test_a_bank_loan_that_is_not_a_card_does_not_cite_the_credit_card_rule(draft: Any) -> None:
    case = _modified(
        "credit-card-employer.yaml",
        lender=lambda lender: {**lender, "name": "示例银行股份有限公司"},
        collectors=lambda collectors: [{**c, "acting_for": "示例银行"} for c in collectors],
        debt=lambda debt: {**debt, "credit_card": False},  # the case can also say so outright
    )
    for key, document in draft(case).items():
        assert "第六十八条" not in document.text(), key
        assert "信用卡透支" not in document.text(), key  # no hedging about the case's own facts


def test_an_employer_reached_on_a_company_landline_is_not_a_persons_mobile(draft: Any) -> None:
    # only the HR department's switchboard (010 5555 0110) was reached among third parties
    case = _modified(
        "credit-card-employer.yaml",
        incidents=lambda incidents: [i for i in incidents if i["target"].get("contact") != "colleague-1"],
    )
    for key, document in draft(case).items():
        text = document.text()
        assert "手机号码" not in text, key
        assert "第十三条" not in text, key  # the third parties' PI argument needs a natural person's number
