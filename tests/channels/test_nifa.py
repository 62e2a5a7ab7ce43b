"""nifa: the 互联网金融举报信息平台 report (form payload + text), through the plugin entry points."""

from __future__ import annotations

from typing import Any

from jubao import load_case
from jubao.case import Case
from jubao.documents_api import write_markdown
from jubao.engine import Engine
from jubao.plugins import PluginSet
from tests.channels.common import TODAY
from tests.conftest import EXAMPLES, example_cases

CHANNEL = "nifa"


def test_one_report_as_form_payload_and_text(engine: Engine, draft: Any) -> None:
    case = load_case(EXAMPLES / "online-microloan-doctored-images.yaml")
    assert CHANNEL in engine.evaluate(case, today=TODAY).route_ids()
    docs = draft(case)
    assert list(docs) == ["report", "guide"]
    report = docs["report"]
    assert report.formats == ["json", "md"]
    payload = report.payload
    assert list(payload) == [
        "被举报机构/平台名称",
        "App 名称",
        "举报类型",
        "举报内容",
        "举报人姓名",
        "联系电话",
        "证据",
        "_说明",
    ]
    assert payload["被举报机构/平台名称"] == "重庆示例网络小额贷款有限公司"
    assert payload["App 名称"] == "示例借"
    assert payload["举报类型"] == "暴力催收"  # doctored images, insults, threats of exposure
    assert payload["联系电话"] == "13800000401"
    assert payload["证据"] == [
        "证据1（聊天截图）：群聊截图 12 张（含 P 图、群成员列表）及与姐姐的私聊截图，2026年11月10日取得"
    ]
    assert "未经核实" in payload["_说明"]
    assert payload["举报内容"].splitlines()[0] in write_markdown(report).decode()


def test_report_type_without_threats_is_irregular_collection(draft: Any) -> None:
    report = draft(load_case(EXAMPLES / "consumer-finance-30-contacts.yaml"))["report"]
    assert report.payload["举报类型"] == "违规催收"
    assert "其中联系了本人的30名联系人（家人、朋友、配偶）" in report.payload["举报内容"]


def test_the_guide_says_nifa_is_self_regulatory_with_no_binding_deadline(plugins: PluginSet, draft: Any) -> None:
    assert plugins.channels[CHANNEL].deadlines == []
    guide = draft(load_case(EXAMPLES / "consumer-finance-30-contacts.yaml"))["guide"].text()
    assert "中国互联网金融协会是行业自律组织，不是金融监管部门" in guide
    assert "举报没有法定的办理期限" in guide
    assert "转交有关部门" in guide
    assert "每天最多提交 5 次" in guide
    assert "https://jubao.nifa.org.cn" in guide


def test_no_unverified_phone_and_no_article_numbers_of_the_2018_convention(plugins: PluginSet, draft: Any) -> None:
    assert all("400" not in (m.address or "") for m in plugins.channels[CHANNEL].filing)
    for path in example_cases():
        for doc in draft(load_case(path)).values():
            text = doc.text()
            assert "400-0136-136" not in text
            assert "4000136136" not in text
            assert "公约（试行）》第" not in text


def test_contacts_are_counted_not_named(draft: Any) -> None:
    text = draft(load_case(EXAMPLES / "credit-card-employer.yaml"))["report"].text()
    assert "赵人事" not in text
    assert "5555 0110" not in text
    assert "其中联系了本人的2名联系人（同事、单位/雇主）" in text


def test_contact_reporter_writes_in_their_own_name(draft: Any) -> None:
    report = draft(load_case(EXAMPLES / "contact-harassed.yaml"))["report"]
    content = report.payload["举报内容"]
    assert content.startswith("本人不是借款人（与借款人的关系：同事），不是借款合同的当事人。")
    assert "共联系本人43次" in content
    assert report.payload["举报人姓名"] == "李娜"
    # the operator of the App is not in the case: a visible blank, and missing() points to the case path
    assert "运营公司全称（见借款合同或 App“关于我们”）" in report.blanks()


def test_missing_lists_the_case_paths(plugins: PluginSet) -> None:
    channel = plugins.channels[CHANNEL]
    assert [m.path for m in channel.missing(load_case(EXAMPLES / "contact-harassed.yaml"))] == ["lender.name"]
    assert channel.missing(load_case(EXAMPLES / "online-microloan-doctored-images.yaml")) == []


# --- issue 11: filing and guide apart (item 1), facts only from the case (item 2), roles (item 3) -----------------


def test_the_report_holds_no_submission_advice_and_no_tool_mentions(draft: Any) -> None:
    for path in example_cases():
        docs = draft(load_case(path))
        if "report" not in docs:
            continue
        report = docs["report"]
        text = report.text() + str(report.payload)
        for leak in ("jubao", "案件文件", "prior_complaints", "提交说明", "请保存", "请同时向"):
            assert leak not in text, (path.name, leak)
        assert "请同时向" in docs["guide"].text()


def test_the_guide_says_what_to_bring_and_what_proof_to_keep(draft: Any) -> None:
    guide = draft(load_case(EXAMPLES / "consumer-finance-30-contacts.yaml"))["guide"].text()
    assert "要上传的证据图片或文件" in guide
    assert "提交成功页面的截图" in guide


def test_a_single_message_is_not_called_repeated(draft: Any) -> None:
    content = draft(load_case(EXAMPLES / "contact-platform-consumer-finance.yaml"))["report"].payload["举报内容"]
    assert "共联系本人1次" in content
    assert "反复" not in content
    assert "以电话、短信等方式联系本人" in content


def test_the_convention_is_summarised_from_reports_and_the_guide_says_so(draft: Any) -> None:
    docs = draft(load_case(EXAMPLES / "consumer-finance-30-contacts.yaml"))
    assert "〔待核实〕" not in docs["report"].text()
    assert "《互联网金融逾期债务催收自律公约（试行）》的文本未能取得" in docs["guide"].text()


def test_a_guarantor_is_not_called_the_lender(draft: Any) -> None:
    data = load_case(EXAMPLES / "guarantor-recourse.yaml").model_dump(mode="json", exclude_none=True)
    data["lender"]["app_name"] = "示例担保"
    content = draft(Case.model_validate(data))["report"].payload["举报内容"]
    assert content.startswith("本人是示例银行股份有限公司南京分行的借款人")
    assert "是该笔借款的担保人，不是出借人，称已代偿并向本人追偿" in content
