"""nfra_12378: the 12378 phone script, the written 投诉书 and the 举报信, through the plugin entry points."""

from __future__ import annotations

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


def test_bank_case_gets_phone_script_complaint_and_report(draft: Any) -> None:
    docs = draft(example("credit-card-employer.yaml"))
    assert list(docs) == ["phone_script", "complaint", "violation_report"]
    assert docs["phone_script"].formats == ["txt", "md"]
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
    assert "《银行保险违法行为举报处理办法》〔待核实〕" in report  # article numbers not verified


def test_complaint_gives_the_15_30_60_clock_and_the_prior_lender_complaint(draft: Any) -> None:
    complaint = draft(example("credit-card-employer.yaml"))["complaint"].text()
    assert "自收到投诉之日起15日内作出处理决定" in complaint
    assert "情况复杂的，可延长至30日；情况特别复杂的，经批准并告知投诉人，可再延长30日（最长不超过60日）" in complaint
    assert "2026年11月20日向被投诉机构投诉（投诉编号：TS20261120-0001）" in complaint
    assert "尚未收到书面答复" in complaint


def test_consumer_finance_cites_its_own_rule_not_the_credit_card_rule(draft: Any) -> None:
    report = draft(example("consumer-finance-30-contacts.yaml"))["violation_report"].text()
    assert "《消费金融公司管理办法》〔待核实〕" in report
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
    for document in docs.values():
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
    for document in draft(case).values():
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
