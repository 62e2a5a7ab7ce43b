"""miit_12300: the complaint to the carrier, then the 12300 申诉书 — only about a carrier's inaction."""

from __future__ import annotations

from typing import Any

from jubao import load_case
from jubao.case import Case
from jubao.engine import Engine
from jubao.plugins import PluginSet
from tests.channels.common import TODAY
from tests.conftest import EXAMPLES

CHANNEL = "miit_12300"
CREDIT_CARD = EXAMPLES / "credit-card-employer.yaml"
CONTACT = EXAMPLES / "contact-harassed.yaml"


def reported_to_12321() -> Case:
    """The contact's case after a 12321 report on 2026-11-04: the second number went on calling until 11-09."""
    data = load_case(CONTACT).model_dump(mode="json", exclude_none=True)
    data["prior_complaints"] = [{"channel": "miit_12321", "filed_on": "2026-11-04", "reference_number": "A-0088"}]
    return Case.model_validate(data)


def test_routed_only_after_a_12321_report_and_gets_both_documents(engine: Engine, draft: Any) -> None:
    assert CHANNEL not in engine.evaluate(load_case(CONTACT), today=TODAY).route_ids()
    case = reported_to_12321()
    assert CHANNEL in engine.evaluate(case, today=TODAY).route_ids()
    docs = draft(case)
    assert list(docs) == ["carrier_complaint", "appeal"]
    assert docs["carrier_complaint"].title == "投诉书"
    assert docs["appeal"].title == "电信用户申诉书"


def test_appeal_has_the_contents_of_article_12(draft: Any) -> None:
    appeal = draft(load_case(CREDIT_CARD))["appeal"]
    preamble = appeal.sections[0].all_blocks()
    lines = [block.text for block in preamble]
    assert lines == [
        "申诉人：王晓明",
        "通讯地址：广东省深圳市南山区示例路 1 号 101 室",
        "联系电话：138 0000 0101",
        "邮政编码：【待补充：邮政编码】",
        "被申诉人：【待补充：被申诉的电信运营商全称（如××通信集团××省有限公司）】",
        "被申诉人地址：【待补充：被申诉人地址】",
    ]
    assert [section.heading for section in appeal.sections[1:]] == [
        "申诉请求",
        "申诉理由及事实",
        "证据",
        "所引法律文件",
    ]
    signature = appeal.sections[-1].blocks[-1]
    assert signature.lines == ["申诉人：王晓明", "2026年11月23日"]


def test_prior_carrier_complaint_is_a_blank_and_12321_reports_come_from_the_case(draft: Any) -> None:
    blanks = draft(load_case(CREDIT_CARD))["appeal"].blanks()
    assert "向运营商投诉的日期和工单号" in blanks
    assert "向12321举报的日期和受理编号（未举报的删去本句）" in blanks
    text = draft(reported_to_12321())["appeal"].text()
    assert "申诉人已于2026年11月4日就上述号码向12321网络不良与垃圾信息举报受理中心举报（受理编号：A-0088）" in text
    assert "2026年11月4日以后仍有发生的记录如下" in text
    assert "170 0000 0603" in text


def test_deadlines_are_data_with_their_basis(plugins: PluginSet, draft: Any) -> None:
    deadlines = {d.id: d for d in plugins.channels[CHANNEL].deadlines}
    assert {k: (d.length, d.unit.value) for k, d in deadlines.items()} == {  # type: ignore[union-attr]
        "carrier_reply": (15, "calendar_days"),
        "appeal_acceptance": (5, "working_days"),
        "appeal_reply": (30, "calendar_days"),
        "time_bar": (2, "years"),
    }
    assert all(d.basis for d in deadlines.values())
    docs = draft(load_case(CREDIT_CARD))
    assert "自收到本投诉之日起15日内" in docs["carrier_complaint"].text()
    appeal = docs["appeal"].text()
    assert "5个工作日内决定是否受理" in appeal
    assert "《中华人民共和国电信条例》第三十九条第一款，自收到申诉之日起30日内答复" in appeal
    assert "《电信用户申诉处理办法》〔待核实〕" in appeal  # not in the statute library yet: by name, flagged


def test_contacts_are_counted_not_named(draft: Any) -> None:
    for doc in draft(load_case(CREDIT_CARD)).values():
        text = doc.text()
        assert "赵人事" not in text
        assert "5555 0110" not in text
        assert "联系投诉人通讯录中的2名联系人" in text or "联系申诉人通讯录中的2名联系人" in text


def test_no_documents_without_harassing_numbers(draft: Any) -> None:
    assert draft(load_case(EXAMPLES / "guarantee-company-visit.json")) == {}


def test_missing_lists_the_case_paths(plugins: PluginSet) -> None:
    channel = plugins.channels[CHANNEL]
    assert [m.path for m in channel.missing(load_case(CONTACT))] == ["reporter.address"]
    assert channel.missing(load_case(CREDIT_CARD)) == []
