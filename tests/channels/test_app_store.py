"""app_store: the store-agnostic 举报 text for a lending App, through the plugin entry points."""

from __future__ import annotations

from typing import Any

from jubao.case import Case
from jubao.engine import Engine
from jubao.plugins import PluginSet
from tests.channels.common import TODAY, example

CHANNEL = "app_store"


def test_app_case_is_routed_and_gets_the_report(engine: Engine, draft: Any, plugins: PluginSet) -> None:
    case = example("consumer-finance-30-contacts.yaml")
    assert "app_store" in [route.channel for route in engine.evaluate(case, today=TODAY).routes]
    report = draft(case)["report"]
    text = report.text()
    assert "应用名称：示例花" in text
    assert "开发者或运营者：示例消费金融有限公司" in text
    assert "必要个人信息不包括手机通讯录" in text
    assert "约312条" in text
    assert "30名联系人" in text
    assert "下架" in text
    assert "依《移动互联网应用程序信息服务管理规定》，应用程序分发平台" in text  # complaint-duty article [U] …
    assert any("《移动互联网应用程序信息服务管理规定》" in n.text for n in report.guidance)  # … flagged in the guide
    assert report.blanks() == []
    assert plugins.channels[CHANNEL].formats == ["md", "txt"]
    assert plugins.channels[CHANNEL].deadlines == []


def test_report_names_no_contact_and_quotes_no_message(draft: Any) -> None:
    data = example("consumer-finance-30-contacts.yaml").model_dump()
    data["contacts"]["reached"][0].update(name="司马母亲", phone="139 0000 0999")
    text = draft(Case.model_validate(data))["report"].text()
    for secret in ("司马母亲", "139 0000 0999", "请转告其尽快还款", "170 0000 0302"):
        assert secret not in text


def test_without_an_app_the_name_is_a_blank_and_listed(plugins: PluginSet, engine: Engine, draft: Any) -> None:
    case = example("credit-card-employer.yaml")
    assert "App 名称" in draft(case)["report"].blanks()
    missing = plugins.channels[CHANNEL].missing(case, engine.evaluate(case, today=TODAY))
    assert [m.path for m in missing] == ["lender.app_name"]


def test_unlicensed_app_is_flagged_for_removal(draft: Any) -> None:
    text = draft(example("unlicensed-714-threats.yaml"))["report"].text()
    assert "无放贷资质" in text
    assert "对没有放贷资质的 App，请予以下架" in text


# --- issue 11 items 1-3 --------------------------------------------------------------------------------------------


def test_the_report_holds_no_instructions_only_what_is_typed_into_the_form(draft: Any) -> None:
    docs = draft(example("consumer-finance-30-contacts.yaml"))
    text = docs["report"].text()
    for advice in ("使用说明", "请在表单中选择", "按表单要求填写", "上传截图前", "案件文件", "jubao"):
        assert advice not in text, advice
    guide = docs["guide"].text()
    assert "表单的举报类型请选择最接近的一项" in guide
    assert "上传截图前，请遮盖他人的姓名" in guide


def test_the_report_states_only_what_the_case_holds(draft: Any) -> None:
    data = example("night-calls-borrower-only.yaml").model_dump(mode="json", exclude_none=True)
    data["lender"]["app_name"] = "示例贷"
    data["debt"]["contact_list_consent"] = "unknown"
    text = draft(Case.model_validate(data))["report"].text()
    # consent unknown, nobody else reached, no list size: no claim that the App over-collected, no deletion demand
    assert "超出必要范围收集个人信息。" not in text
    assert "请核查该 App 收集、使用个人信息的情况。本人不能确定是否曾授权该 App 读取手机通讯录。" in text
    assert "删除" not in text
    assert "通讯录中的" not in text


def test_a_contact_reporter_asks_only_for_their_own_data_and_once_is_not_many_times(draft: Any) -> None:
    data = example("contact-harassed.yaml").model_dump(mode="json", exclude_none=True)
    data["incidents"] = data["incidents"][:1]
    data["incidents"][0].update(count=1)
    data["incidents"][0].pop("until", None)
    text = draft(Case.model_validate(data))["report"].text()
    assert "多次联系本人" not in text
    assert "要求开发者停止使用本人的手机号码等个人信息，并予以删除" in text
    assert "删除已收集的通讯录信息" not in text


def test_a_guarantor_collecting_through_an_app_is_not_its_developer(draft: Any) -> None:
    data = example("guarantor-recourse.yaml").model_dump(mode="json", exclude_none=True)
    data["lender"]["app_name"] = "示例借款"
    text = draft(Case.model_validate(data))["report"].text()
    assert "开发者或运营者：江苏示例融资担保有限公司" not in text
    assert (
        "催收方：江苏示例融资担保有限公司（向出借人代偿后追偿的融资担保公司，原债权人：示例银行股份有限公司南京分行）"
        in text
    )
