"""pboc_12363: the 征信异议申请 and the complaint to the PBOC branch, through the plugin entry points."""

from __future__ import annotations

from typing import Any

from jubao import Signature, load_case
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
    assert list(docs) == ["credit_dispute", "complaint", "guide"]
    assert docs["credit_dispute"].title == "征信异议申请书"
    assert docs["complaint"].title == "征信投诉书"


def test_dispute_cites_article_25_and_its_20_day_answer(draft: Any) -> None:
    text = draft(load_case(NIGHT_CALLS))["credit_dispute"].text()
    assert "《征信业管理条例》第二十五条第一款、第二款" in text
    assert "自收到本异议申请之日起20日内" in text
    assert "明天上报征信" in text  # the threat, quoted from the case
    assert "信息提供者：示例网络小额贷款有限公司" in text
    assert "如果只是受到“上报征信”之类的威胁，请先查询本人信用报告" not in text  # advice: in the guide
    assert "如果只是受到“上报征信”之类的威胁，请先查询本人信用报告" in draft(load_case(NIGHT_CALLS))["guide"].text()


def test_complaint_cites_article_26_and_the_guide_says_complain_first_and_unverified_scope(draft: Any) -> None:
    docs = draft(load_case(NIGHT_CALLS))
    text = docs["complaint"].text()
    assert "《征信业管理条例》第二十六条" in text
    assert "自受理本投诉之日起30日内" in text
    guide = docs["guide"].text()
    assert "原则上要求先向金融机构投诉" in guide
    assert "12363 不受理举报" in guide
    assert "受理范围未经核实" in guide
    for advice in ("原则上要求先向金融机构投诉", "12363 不受理举报", "〔待核实〕"):
        assert advice not in text


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


# --- issue 11: addressee (item 8), what a 12363 complaint attacks (item 9), roles (item 3), facts (item 2) ------


def test_complaint_is_addressed_to_the_provincial_branch_by_its_current_name(draft: Any) -> None:
    docs = draft(load_case(NIGHT_CALLS))
    complaint = docs["complaint"]
    signature = next(b for s in complaint.sections for b in s.all_blocks() if isinstance(b, Signature))
    assert signature.closing[-1] == "中国人民银行湖北省分行"
    assert "分支机构" not in complaint.text()
    guide = docs["guide"].text()
    assert "未经官方文本核实" in guide  # the naming rule is not in the domain reference: said to be unverified
    assert "湖北省武汉市" in guide  # the city branch as the alternative


def test_complaint_attacks_false_or_coercive_threats_not_the_notice_article_15_requires(draft: Any) -> None:
    docs = draft(load_case(NIGHT_CALLS))
    text = docs["complaint"].text()
    assert "是否以虚构、夸大征信后果的方式胁迫投诉人还款" in text
    assert "《征信业管理条例》第十五条" in text
    assert "投诉人投诉的不是这种事先告知" in text
    assert "是否存在违反征信管理规定报送或者使用投诉人信息的情形" not in text
    assert "这本身不违规，不宜作为投诉理由" in docs["guide"].text()


def test_notes_are_quoted_as_the_reporters_account(draft: Any) -> None:
    docs = draft(load_case(NIGHT_CALLS))
    for document in (docs["complaint"], docs["credit_dispute"]):
        text = document.text()
        assert "报告人陈述：“‘今晚不还款，明天上报征信，影响你和家人坐高铁’”" in text
        assert "内容：“今晚" not in text


def _with_credit_threat(name: str) -> Case:
    data = load_case(EXAMPLES / name).model_dump(mode="json", exclude_none=True)
    data["incidents"][0]["behaviours"] = [*data["incidents"][0].get("behaviours", []), "threat_credit_report"]
    return Case.model_validate(data)


def test_a_guarantor_is_not_called_the_lender(draft: Any) -> None:
    docs = draft(_with_credit_threat("guarantor-recourse.yaml"))
    for document in (docs["complaint"], docs["credit_dispute"]):
        text = document.text()
        assert "系示例银行股份有限公司南京分行的借款人" in text
        assert "是该笔借款的担保人，不是出借人，称已代偿（代偿日期：2026年8月20日）并向" in text
        assert "系被投诉人的借款人" not in text


def test_a_debt_buyer_is_the_assignee(draft: Any) -> None:
    text = draft(_with_credit_threat("debt-buyer-assigned.yaml"))["complaint"].text()
    assert "投诉人原系示例消费金融有限公司的借款人" in text
    assert "被投诉人称已受让该笔债权（转让日期：2026年7月1日）" in text


def test_a_credit_card_has_a_card_holder_not_a_borrower(draft: Any) -> None:
    text = draft(_with_credit_threat("credit-card-employer.yaml"))["complaint"].text()
    assert "投诉人系被投诉人发行的信用卡的持卡人" in text
    assert "系被投诉人的借款人" not in text


def test_a_contact_is_not_said_to_be_no_guarantor(draft: Any) -> None:
    docs = draft(_with_credit_threat("contact-harassed.yaml"))
    for document in (docs["complaint"], docs["credit_dispute"]):
        assert "不是借款合同的当事人" in document.text()
        assert "也不是担保人" not in document.text()  # the case does not say so
        assert "没有任何债权债务关系" not in document.text()


def test_the_guide_says_what_to_bring_and_what_proof_to_keep(draft: Any) -> None:
    guide = draft(load_case(NIGHT_CALLS))["guide"].text()
    assert "本人信用报告" in guide
    assert "异议受理回执" in guide


def test_contact_names_in_free_text_never_reach_the_pboc(draft: Any) -> None:
    for document in draft(_with_credit_threat("credit-card-employer.yaml")).values():
        assert "赵人事" not in document.text(), document.id
        assert "5555 0110" not in document.text(), document.id
