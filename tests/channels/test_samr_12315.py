"""samr_12315: the 举报信 against a "consulting" company doing debt collection, through the plugin entry points."""

from __future__ import annotations

from typing import Any

from jubao.case import Case
from jubao.engine import Engine
from jubao.plugins import PluginSet
from tests.channels.common import TODAY, example

CHANNEL = "samr_12315"


def test_named_agency_is_routed_and_reported(engine: Engine, draft: Any) -> None:
    case = example("credit-card-employer.yaml")
    assert "samr_12315" in [route.channel for route in engine.evaluate(case, today=TODAY).routes]
    docs = draft(case)
    assert list(docs) == ["report", "guide"]
    report = docs["report"]
    text = report.text()
    assert report.title == "举报信"
    assert "被举报人：深圳市示例商务咨询有限公司" in text
    assert "170 0000 0201、170 0000 0202" in text
    assert "自称受示例银行信用卡中心委托" in text
    assert "实名举报" in text
    assert "第三十一条第二款，自作出是否立案决定之日起5个工作日内" in text  # D11, from channel data
    assert "讨债公司" not in text  # a licensed bank's outsourced collection is not a banned business
    assert "第二十五条" in text  # 举报 jurisdiction (Art. 12 is for complaints)
    for blank in (
        "统一社会信用代码（可在国家企业信用信息公示系统查询）",
        "登记的经营范围（见国家企业信用信息公示系统）",
        "被举报人住所地或实际经营地的区（县）市场监督管理局",
    ):
        assert blank in report.blanks()
    assert "7个工作日内作出受理或者不予受理的决定" in docs["guide"].text()  # D9, in the note on complaints


def test_contacts_are_named_by_relation_only(draft: Any) -> None:
    text = draft(example("credit-card-employer.yaml"))["report"].text()
    assert "持卡人的单位/雇主" in text
    assert "（赵人事）" not in text
    assert "010 5555 0110" not in text


def test_credit_code_is_used_when_known_and_each_agency_gets_a_report(draft: Any) -> None:
    data = example("credit-card-employer.yaml").model_dump()
    first = {**data["collectors"][0], "credit_code": "91350100M000100Y43"}
    data["collectors"] = (first, {"agency_name": "广州市示例信息咨询有限公司", "phones": ("+8617000000299",)})
    docs = draft(Case.model_validate(data))
    assert list(docs) == ["report", "report_2", "guide"]
    assert "统一社会信用代码：91350100M000100Y43" in docs["report"].text()
    second = docs["report_2"].text()
    assert "被举报人：广州市示例信息咨询有限公司" in second
    # no incident came from its number: all incidents, attributed to the lender's collectors
    assert "举报人认为系被举报人的人员" in second


def test_missing_agency_is_a_blank_and_listed(plugins: PluginSet, engine: Engine, draft: Any) -> None:
    case = example("consumer-finance-30-contacts.yaml")
    assert "被举报公司名称" in draft(case)["report"].blanks()
    missing = plugins.channels[CHANNEL].missing(case, engine.evaluate(case, today=TODAY))
    assert [m.path for m in missing] == ["collectors[].agency_name"]


def test_deadlines_are_data_with_their_basis(plugins: PluginSet) -> None:
    deadlines = {d.id: d for d in plugins.channels[CHANNEL].deadlines}
    assert (deadlines["complaint_acceptance"].length, deadlines["complaint_acceptance"].unit) == (7, "working_days")
    assert (deadlines["report_decision_notice"].length, deadlines["report_decision_notice"].unit) == (5, "working_days")
    decision = deadlines["report_case_decision"]
    assert (decision.length, decision.extensions[0].length, decision.basis[0].status) == (15, 15, "M")
    assert (deadlines["complaint_time_bar"].length, deadlines["complaint_time_bar"].unit) == (3, "years")
    assert {f.status for f in plugins.channels[CHANNEL].filing if f.kind in ("web", "phone", "app")} == {"M"}


# --- issue 11: lawful outsourcing (item 9), roles (item 3), facts (item 2), routes (item 1), privacy (item 12) -----


def _unlicensed_with_agency() -> Case:
    data = example("unlicensed-714-threats.yaml").model_dump(mode="json", exclude_none=True)
    data["collectors"] = [{"agency_name": "郑州示例信息咨询有限公司", "phones": ["+8617000000502"]}]
    return Case.model_validate(data)


def test_a_licensed_banks_outsourced_collection_is_not_called_a_banned_business(draft: Any) -> None:
    text = draft(example("credit-card-employer.yaml"))["report"].text()
    assert "明令禁止" not in text
    assert "持牌放贷机构依法可以委托第三方机构催收，举报人举报的不是受托催收本身" in text
    assert "《中华人民共和国个人信息保护法》第二十一条第二款" in text  # the agency processes data on entrustment
    assert "第二十三条" not in text


def test_only_collecting_for_an_unlicensed_lender_is_called_banned(draft: Any) -> None:
    text = draft(_unlicensed_with_agency())["report"].text()
    assert "实际为无放贷资质者从事已被明令禁止的讨债业务" in text
    assert "《关于禁止开办“讨债公司”的通知》" in text
    assert "没有放贷资质" in text


def test_when_the_principal_is_not_known_to_be_licensed_the_ban_is_conditional(draft: Any) -> None:
    text = draft(example("debt-buyer-assigned.yaml"))["report"].text()
    assert "已被明令禁止的讨债业务" not in text
    assert "如其并非受托催收，而是为他人讨债，涉嫌违反" in text


def test_a_debt_buyers_claim_names_the_original_creditor(draft: Any) -> None:
    text = draft(example("debt-buyer-assigned.yaml"))["report"].text()
    assert "催收浙江示例资产管理有限公司称已受让的债权（原债权人：示例消费金融有限公司）" in text
    assert "在浙江示例资产管理有限公司的欠款" not in text


def test_a_guarantors_claim_is_its_recourse(draft: Any) -> None:
    data = example("guarantor-recourse.yaml").model_dump(mode="json", exclude_none=True)
    data["collectors"] = [{"agency_name": "苏州示例商务咨询有限公司", "phones": ["+8617000000904"]}]
    text = draft(Case.model_validate(data))["report"].text()
    assert "江苏示例融资担保有限公司作为担保人代偿后追偿的款项（原债权人：示例银行股份有限公司南京分行）" in text


def test_a_credit_card_debt_is_the_card_holders(draft: Any) -> None:
    text = draft(example("credit-card-employer.yaml"))["report"].text()
    assert "催收信用卡欠款（发卡机构：示例银行股份有限公司信用卡中心）" in text
    assert "向发卡机构自身的投诉渠道反映" in text
    assert "借款人" not in text.replace("借款人本人", "")


def test_notes_are_quoted_as_the_reporters_account(draft: Any) -> None:
    text = draft(example("debt-buyer-assigned.yaml"))["report"].text()
    assert "报告人陈述：“打到单位前台座机，说我欠钱不还，让前台转告领导”" in text
    assert "内容：打到单位" not in text


def test_the_route_reason_claims_no_complaint_clock_and_no_blanket_ban(engine: Engine) -> None:
    evaluation = engine.evaluate(example("credit-card-employer.yaml"), today=TODAY)
    route = next(r for r in evaluation.routes if r.channel == CHANNEL)
    (reason,) = route.reasons
    assert "7 个工作日" not in reason.text.zh
    assert "受持牌机构委托催收本身并不违法" in reason.text.zh
    assert reason.citations[0].article == "第二十五条、第三十一条第二款"


def test_the_guide_offers_phone_and_web_and_says_what_to_bring_and_keep(draft: Any) -> None:
    guide = draft(example("credit-card-employer.yaml"))["guide"].text()
    assert "www.12315.cn" in guide
    assert "电话（12315）" in guide
    assert "国家企业信用信息公示系统" in guide
    assert "举报编号" in guide


def test_contact_names_in_free_text_never_reach_market_regulation(draft: Any) -> None:
    for document in draft(example("credit-card-employer.yaml")).values():
        text = document.text()
        assert "赵人事" not in text, document.id  # E3: 单位人事部赵人事的书面说明
        assert "5555 0110" not in text, document.id
