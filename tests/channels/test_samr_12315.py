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
    assert list(docs) == ["report"]
    report = docs["report"]
    text = report.text()
    assert report.title == "举报信"
    assert "被举报人：深圳市示例商务咨询有限公司" in text
    assert "170 0000 0201、170 0000 0202" in text
    assert "自称受示例银行信用卡中心委托" in text
    assert "实名举报" in text
    assert "第三十一条第二款，自作出是否立案决定之日起5个工作日内" in text  # D11, from channel data
    assert "《关于禁止开办“讨债公司”的通知》〔待核实〕" in text
    assert "第二十五条" in text  # 举报 jurisdiction (Art. 12 is for complaints)
    for blank in (
        "统一社会信用代码（可在国家企业信用信息公示系统查询）",
        "登记的经营范围（见国家企业信用信息公示系统）",
        "被举报人住所地或实际经营地的区（县）市场监督管理局",
    ):
        assert blank in report.blanks()
    assert "7个工作日内作出受理或者不予受理的决定" in text  # D9, in the note on complaints


def test_contacts_are_named_by_relation_only(draft: Any) -> None:
    text = draft(example("credit-card-employer.yaml"))["report"].text()
    assert "借款人的单位/雇主" in text
    assert "（赵人事）" not in text
    assert "010 5555 0110" not in text


def test_credit_code_is_used_when_known_and_each_agency_gets_a_report(draft: Any) -> None:
    data = example("credit-card-employer.yaml").model_dump()
    first = {**data["collectors"][0], "credit_code": "91350100M000100Y43"}
    data["collectors"] = (first, {"agency_name": "广州市示例信息咨询有限公司", "phones": ("+8617000000299",)})
    docs = draft(Case.model_validate(data))
    assert list(docs) == ["report", "report_2"]
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
