"""local_finance_bureau: the 投诉举报信 to the 地方金融管理局, through the plugin entry points."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jubao import Document, load_case
from jubao.case import Case
from jubao.engine import Engine
from jubao.plugins import PluginSet, build_documents
from tests.channels.common import TODAY
from tests.conftest import EXAMPLES

CHANNEL = "local_finance_bureau"
ADDRESSEE = "省/市地方金融管理局"


@pytest.fixture(scope="module")
def letter(plugins: PluginSet, engine: Engine) -> Any:
    def _letter(name: str) -> Document:
        case = load_case(EXAMPLES / name)
        documents = build_documents(plugins, CHANNEL, case, engine.evaluate(case, today=TODAY))
        assert [d.id for d in documents] == ["complaint_report"]
        return documents[0]

    return _letter


def test_microlender_letter_cites_the_microloan_rules_and_leaves_the_bureau_blank(letter: Any) -> None:
    document = letter("online-microloan-doctored-images.yaml")
    text = document.text()
    assert document.title == "投诉举报信"
    assert "《小额贷款公司监督管理暂行办法》〔待核实〕" in text  # article number not verified
    assert "禁止向还款义务人以外的人催收" in text
    assert ADDRESSEE in document.blanks()
    assert "四川省成都市" in text  # the reporter's region, as the likely competent bureau
    assert "重庆市地方金融管理局" in text  # the licence issuer from the case
    assert "市、县两级负责日常监管" in text


def test_guarantee_company_letter_names_its_regulation_as_unverified(letter: Any) -> None:
    text = letter("guarantee-company-visit.json").text()
    assert text.count("《融资担保公司监督管理条例》（国务院令第683号）〔待核实〕") == 2  # reasoning + cited list
    assert "小额贷款公司监督管理暂行办法" not in text
    assert "当面联系借款人的单位/雇主" in text


def test_unlicensed_lender_is_reported_as_illegal_financial_activity(letter: Any) -> None:
    document = letter("unlicensed-714-threats.yaml")
    text = document.text()
    assert "非法金融活动" in text
    assert "《中华人民共和国刑法》第二百二十五条第（四）项" in text
    assert "综合年化利率约1560%" in text
    assert "移送公安机关" in text
    assert not any("运营公司全称" in blank for blank in document.blanks())  # no blank the victim cannot fill


def test_petition_clocks_and_no_national_deadline_are_stated(letter: Any, plugins: PluginSet) -> None:
    text = letter("night-calls-borrower-only.yaml").text()
    deadlines = {d.id: d for d in plugins.channels[CHANNEL].deadlines}
    assert f"自收到之日起{deadlines['petition_acceptance'].length}日内书面告知是否受理" in text
    assert f"在{deadlines['petition_handling'].length}日内办结" in text
    assert "《信访工作条例》第二十三条第二款、第三款" in text
    assert "《信访工作条例》第三十四条" in text
    assert "没有查到全国统一的规定〔待核实〕" in text
    bureau = deadlines["bureau_handling"]
    assert bureau.length is None
    assert bureau.basis[0].status == "U"


def test_no_city_phone_numbers_are_hard_coded(plugins: PluginSet) -> None:
    addresses = {f.address for f in plugins.channels[CHANNEL].filing}
    assert addresses <= {None, "12345"}


def test_missing_fields_are_listed_with_case_paths(plugins: PluginSet, engine: Engine) -> None:
    case = load_case(EXAMPLES / "night-calls-borrower-only.yaml")
    missing = plugins.channels[CHANNEL].missing(case, engine.evaluate(case, today=TODAY))
    assert [m.path for m in missing] == ["reporter.id_number", "reporter.address"]


def test_contact_names_stay_out_and_night_contact_is_described(letter: Any) -> None:
    credit_card = letter("credit-card-employer.yaml")
    text = credit_card.text()
    assert "联系借款人的单位/雇主" in text
    assert "（赵人事）" not in text
    assert "5555" not in text
    assert "可能不属于地方金融管理局监管" in text  # a bank belongs to NFRA
    assert "其中有在夜间联系的情形" in letter("night-calls-borrower-only.yaml").text()


def test_penalty_limitation_is_mentioned_only_while_it_runs(plugins: PluginSet, engine: Engine) -> None:
    data = load_case(EXAMPLES / "night-calls-borrower-only.yaml").model_dump(mode="json", exclude_none=True)
    case = Case.model_validate(data)
    recent = build_documents(plugins, CHANNEL, case, engine.evaluate(case, today=TODAY))[0].text()
    assert "《中华人民共和国行政处罚法》第三十六条" in recent
    late = build_documents(plugins, CHANNEL, case, engine.evaluate(case, today=date(2029, 1, 5)))[0].text()
    assert "行政处罚法" not in late
