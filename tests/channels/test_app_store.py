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
    assert "《移动互联网应用程序信息服务管理规定》〔待核实〕" in text  # complaint-duty article [U]
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
