"""pboc_12363: the 征信异议申请 and the complaint to the PBOC branch, through the plugin entry points."""

from __future__ import annotations

from typing import Any

from jubao import load_case
from jubao.case import Case
from jubao.engine import Engine
from jubao.plugins import PluginSet
from tests.channels.common import TODAY
from tests.conftest import DATA, EXAMPLES

CHANNEL = "pboc_12363"

NIGHT_CALLS = EXAMPLES / "night-calls-borrower-only.yaml"


def test_credit_threat_case_is_routed_here_and_gets_both_documents(plugins: PluginSet, engine: Engine,
                                                                   draft: Any) -> None:  # fmt: skip
    case = load_case(NIGHT_CALLS)
    assert CHANNEL in [route.channel for route in engine.evaluate(case, today=TODAY).routes]
    docs = draft(case)
    assert list(docs) == ["credit_dispute", "complaint"]
    assert docs["credit_dispute"].title == "征信异议申请书"
    assert docs["complaint"].title == "征信投诉书"


def test_dispute_cites_article_25_and_its_20_day_answer(draft: Any) -> None:
    text = draft(load_case(NIGHT_CALLS))["credit_dispute"].text()
    assert "《征信业管理条例》第二十五条第一款、第二款" in text
    assert "自收到本异议申请之日起20日内" in text
    assert "明天上报征信" in text  # the threat, quoted from the case
    assert "信息提供者：示例网络小额贷款有限公司" in text
    assert "如果只是受到“上报征信”之类的威胁，请先查询本人信用报告" in text


def test_complaint_cites_article_26_complain_first_and_unverified_scope(draft: Any) -> None:
    text = draft(load_case(NIGHT_CALLS))["complaint"].text()
    assert "《征信业管理条例》第二十六条" in text
    assert "自受理本投诉之日起30日内" in text
    assert "原则上要求先向金融机构投诉" in text
    assert "12363 不受理举报" in text
    assert "受理范围未经核实〔待核实〕" in text
    assert "中国人民银行在湖北省武汉市的分支机构" in text


def test_day_counts_come_from_the_channel_declaration(plugins: PluginSet) -> None:
    deadlines = {d.id: d for d in plugins.channels[CHANNEL].deadlines}
    assert (deadlines["credit_dispute_reply"].length, deadlines["credit_complaint_reply"].length) == (20, 30)
    assert deadlines["credit_dispute_reply"].basis[0].article == "第二十五条第一款、第二款"
    assert deadlines["credit_complaint_reply"].basis[0].article == "第二十六条"


def test_hours_are_secondary_and_said_to_vary(plugins: PluginSet) -> None:
    phone = next(f for f in plugins.channels[CHANNEL].filing if f.kind == "phone")
    assert phone.address == "12363"
    assert phone.status == "S"
    assert phone.hours is not None
    assert "各地分支机构不同" in phone.hours.zh


def test_filled_in_case_has_no_identity_blanks_and_names_the_prior_complaint(draft: Any) -> None:
    docs = draft(load_case(DATA / "doc_cases" / "second-round-consumer-finance.yaml"))
    for document in docs.values():
        assert "身份证号码" not in document.blanks()
        assert "接收书面答复的地址" not in document.blanks()
    docs = draft(load_case(DATA / "doc_cases" / "employer-visit-microloan.yaml"))
    assert "已于2026年9月10日向被投诉人投诉" in docs["complaint"].text()


def test_correction_request_asks_for_the_wrong_entry(draft: Any) -> None:
    data = load_case(NIGHT_CALLS).model_dump(mode="json", exclude_none=True)
    data["wants"] = ["credit_report_correction"]
    docs = draft(Case.model_validate(data))
    assert "有误的信息及理由（照信用报告原样写明）" in docs["complaint"].blanks()
    assert "提出征信异议的日期" in docs["complaint"].blanks()
    assert "如果只是受到" not in docs["credit_dispute"].text()
