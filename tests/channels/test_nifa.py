"""nifa: the 互联网金融举报信息平台 report (form payload + text), through the plugin entry points."""

from __future__ import annotations

from typing import Any

from jubao import load_case
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
    assert list(docs) == ["report"]
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
    assert "其中联系了本人通讯录中的30名联系人（家人、朋友、配偶）" in report.payload["举报内容"]


def test_says_nifa_is_self_regulatory_with_no_binding_deadline(plugins: PluginSet, draft: Any) -> None:
    assert plugins.channels[CHANNEL].deadlines == []
    text = draft(load_case(EXAMPLES / "consumer-finance-30-contacts.yaml"))["report"].text()
    assert "中国互联网金融协会是行业自律组织，不是金融监管部门" in text
    assert "举报没有法定的办理期限" in text
    assert "转交有关部门" in text
    assert "每天最多提交 5 次" in text


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
    assert "其中联系了本人通讯录中的2名联系人（同事、单位/雇主）" in text


def test_contact_reporter_writes_in_their_own_name(draft: Any) -> None:
    report = draft(load_case(EXAMPLES / "contact-harassed.yaml"))["report"]
    content = report.payload["举报内容"]
    assert content.startswith("本人不是借款人（与借款人的关系：同事），与该笔借款无关。")
    assert "共联系本人43次" in content
    assert report.payload["举报人姓名"] == "李娜"
    # the operator of the App is not in the case: a visible blank, and missing() points to the case path
    assert "运营公司全称（见借款合同或 App“关于我们”）" in report.blanks()


def test_missing_lists_the_case_paths(plugins: PluginSet) -> None:
    channel = plugins.channels[CHANNEL]
    assert [m.path for m in channel.missing(load_case(EXAMPLES / "contact-harassed.yaml"))] == ["lender.name"]
    assert channel.missing(load_case(EXAMPLES / "online-microloan-doctored-images.yaml")) == []
