"""local_finance_bureau: the 投诉举报信 to the 地方金融管理局, through the plugin entry points."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jubao import Document, Signature, load_case
from jubao.case import Case
from jubao.engine import Engine
from jubao.plan import build_plan
from jubao.plugins import PluginSet, build_documents
from tests.channels.common import TODAY
from tests.conftest import DATA, EXAMPLES

CHANNEL = "local_finance_bureau"
ADDRESSEE = "被投诉举报人注册地或发证地的省级地方金融管理局"


def _documents(plugins: PluginSet, engine: Engine, case: Case, today: date = TODAY) -> list[Document]:
    return list(build_documents(plugins, CHANNEL, case, engine.evaluate(case, today=today)))


@pytest.fixture(scope="module")
def letter(plugins: PluginSet, engine: Engine) -> Any:
    def _letter(name: str) -> Document:
        documents = _documents(plugins, engine, load_case(EXAMPLES / name))
        assert [d.id for d in documents] == ["complaint_report", "guide"]
        return documents[0]

    return _letter


@pytest.fixture(scope="module")
def set_of(plugins: PluginSet, engine: Engine) -> Any:
    """``set_of(case)``: the letter and the guide for a case (a Case or an example's file name)."""

    def _set(case: Case | str) -> tuple[Document, Document]:
        loaded = load_case(EXAMPLES / case) if isinstance(case, str) else case
        letter, guide = _documents(plugins, engine, loaded)
        return letter, guide

    return _set


def _edited(example_name: str, **lender: Any) -> Case:
    data = load_case(EXAMPLES / example_name).model_dump(mode="json", exclude_none=True)
    data["lender"] = {key: value for key, value in {**data["lender"], **lender}.items() if value is not None}
    return Case.model_validate(data)


def test_microlender_letter_cites_the_microloan_rules_and_is_addressed_to_the_licence_issuer(set_of: Any) -> None:
    document, guide = set_of("online-microloan-doctored-images.yaml")
    text = document.text()
    assert document.title == "投诉举报信"
    assert "《小额贷款公司监督管理暂行办法》" in text  # article number not verified: the guide says so
    assert "〔待核实〕" not in text
    assert "禁止向还款义务人以外的人催收" in text
    assert "受理机关：重庆市地方金融管理局" in text  # the licence issuer from the case
    assert ADDRESSEE not in document.blanks()
    assert "四川省成都市" in guide.text()  # the borrower's own bureau, as the alternative
    assert "市、县两级负责日常监管" in guide.text()


def test_guarantee_company_letter_names_its_regulation_as_unverified(set_of: Any) -> None:
    document, guide = set_of("guarantee-company-visit.json")
    text = document.text()
    assert text.count("《融资担保公司监督管理条例》（国务院令第683号）") == 2  # reasoning + cited list
    assert "《融资担保公司监督管理条例》（国务院令第683号）：条文序号或措辞尚未经官方文本核实" in guide.text()
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


def test_no_reply_deadline_is_claimed_and_the_petition_clocks_are_only_in_the_guide(
    set_of: Any, plugins: PluginSet
) -> None:
    letter, guide = set_of("night-calls-borrower-only.yaml")
    deadlines = {d.id: d for d in plugins.channels[CHANNEL].deadlines}
    accept, handle = deadlines["petition_acceptance"], deadlines["petition_handling"]
    assert "信访" not in letter.text()  # not filed as a petition: no petition clock in the letter
    assert "日内书面告知是否受理" not in letter.text()
    assert "日内办结" not in letter.text()
    text = guide.text()
    assert "未找到统一的法定答复期限" in text
    assert f"自收到之日起{accept.length}日内书面告知是否受理" in text
    assert f"一般在{handle.length}日内办结" in text
    assert "《信访工作条例》第二十三条第二款、第三款" in text
    bureau = deadlines["bureau_handling"]
    assert bureau.length is None
    assert bureau.basis[0].status == "U"


def test_the_plan_dates_no_petition_clock_for_a_letter_to_the_bureau(plugins: PluginSet, engine: Engine) -> None:
    data = load_case(EXAMPLES / "night-calls-borrower-only.yaml").model_dump(mode="json", exclude_none=True)
    data["prior_complaints"] = [{"channel": CHANNEL, "filed_on": "2026-11-20"}]
    case = Case.model_validate(data)
    plan = build_plan(case, engine.evaluate(case, today=TODAY), plugins)
    step = next(s for s in plan.steps if s.channel == CHANNEL)
    assert not {d.deadline for d in step.dates} & {"petition_transfer", "petition_acceptance"}
    assert {"petition_transfer", "petition_acceptance"} <= {d.id for d in step.undated}


def test_no_city_phone_numbers_are_hard_coded(plugins: PluginSet) -> None:
    addresses = {f.address for f in plugins.channels[CHANNEL].filing}
    assert addresses <= {None, "12345"}


def test_missing_fields_are_listed_with_case_paths(plugins: PluginSet, engine: Engine) -> None:
    case = load_case(EXAMPLES / "night-calls-borrower-only.yaml")
    missing = plugins.channels[CHANNEL].missing(case, engine.evaluate(case, today=TODAY))
    assert [m.path for m in missing] == ["reporter.id_number", "reporter.address"]


def test_contact_names_stay_out_and_night_contact_is_described(set_of: Any) -> None:
    credit_card, guide = set_of("credit-card-employer.yaml")
    text = credit_card.text()
    assert "联系持卡人的单位/雇主" in text  # a credit card: 持卡人, not 借款人
    assert "（赵人事）" not in text
    assert "5555" not in text
    assert "可能不属于地方金融管理局监管" in guide.text()  # a bank belongs to NFRA
    assert "其中有在夜间联系的情形" in set_of("night-calls-borrower-only.yaml")[0].text()


def test_penalty_limitation_is_mentioned_only_while_it_runs(plugins: PluginSet, engine: Engine) -> None:
    data = load_case(EXAMPLES / "night-calls-borrower-only.yaml").model_dump(mode="json", exclude_none=True)
    case = Case.model_validate(data)
    recent = _documents(plugins, engine, case)[0].text()
    assert "《中华人民共和国行政处罚法》第三十六条" in recent
    late = _documents(plugins, engine, case, date(2029, 1, 5))[0].text()
    assert "行政处罚法" not in late


# --- addressees (issue 11, item 8) -------------------------------------------------------------------------------


def test_addressed_to_the_licence_issuer_with_the_borrowers_bureau_as_the_alternative(set_of: Any) -> None:
    letter, guide = set_of("guarantor-recourse.yaml")
    text = letter.text()
    assert "受理机关：江苏省地方金融管理局" in text
    assert text.count("江苏省地方金融管理局") >= 3  # licence line, addressee, 此致
    signature = next(b for s in letter.sections for b in s.all_blocks() if isinstance(b, Signature))
    assert signature.closing[-1] == "江苏省地方金融管理局"
    assert "借款人住所地（江苏省南京市）的地方金融管理局" in guide.text()


def test_a_former_bureau_name_is_written_as_the_current_one(set_of: Any) -> None:
    case = _edited("online-microloan-doctored-images.yaml", licence={"issuer": "重庆市地方金融监督管理局"})
    letter, _ = set_of(case)
    assert "受理机关：重庆市地方金融管理局" in letter.text()


def test_without_a_licence_issuer_the_registered_address_gives_the_province(set_of: Any) -> None:
    case = _edited("night-calls-borrower-only.yaml", address="广东省深圳市南山区示例大道 8 号")
    letter, guide = set_of(case)
    assert "受理机关：广东省地方金融管理局" in letter.text()
    assert "住所：广东省深圳市南山区示例大道 8 号" in letter.text()
    assert "按被投诉举报人住所所在省份填写为广东省地方金融管理局" in guide.text()


def test_an_address_without_a_province_and_no_licence_leave_a_blank(set_of: Any) -> None:
    case = _edited("night-calls-borrower-only.yaml", address="深圳市南山区示例大道 8 号")
    letter, guide = set_of(case)
    assert ADDRESSEE in letter.blanks()
    assert "湖北省武汉市" in guide.text()  # the borrower's bureau is still offered


def test_the_funder_behind_a_platform_gets_no_addressee_from_the_platforms_licence(set_of: Any) -> None:
    case = _edited(
        "online-microloan-doctored-images.yaml",
        kind="loan_platform",
        name="示例网络科技有限公司",
        credit_code=None,
        funding_institution={"name": "重庆示例小额贷款有限公司", "kind": "microloan"},
    )
    letter, _ = set_of(case)
    text = letter.text()
    assert "被投诉举报人：重庆示例小额贷款有限公司" in text
    assert "借款办理平台：示例网络科技有限公司（App：示例借）" in text
    assert "牌照情况" not in text  # the platform's licence is not the funder's
    assert ADDRESSEE in letter.blanks()
    assert "资金由被投诉举报人提供" in text


def test_an_unlicensed_lender_is_reported_to_the_borrowers_provincial_bureau(set_of: Any) -> None:
    letter, guide = set_of("unlicensed-714-threats.yaml")
    assert "受理机关：河南省地方金融管理局" in letter.text()
    assert "注册地不明" in guide.text()


# --- roles (issue 11, item 3) ------------------------------------------------------------------------------------


def test_a_guarantor_collecting_by_recourse_is_not_called_the_lender(set_of: Any) -> None:
    letter, _ = set_of("guarantor-recourse.yaml")
    text = letter.text()
    assert "投诉举报人系示例银行股份有限公司南京分行的借款人" in text
    assert "被投诉举报人是该笔借款的担保人（融资担保公司），不是出借人" in text
    assert "代偿（代偿日期：2026年8月20日），现以追偿为由向投诉举报人催收" in text
    assert "原债权人：示例银行股份有限公司南京分行" in text
    assert "系被投诉举报人的借款人" not in text
    assert "代偿后以追偿权人身份向借款人催收" in text


def test_a_guarantee_company_whose_role_is_only_implied_is_not_said_to_have_paid(set_of: Any) -> None:
    text = set_of("guarantee-company-visit.json")[0].text()
    assert "不是出借人；其以担保人身份向投诉举报人催收" in text
    assert "代偿" not in text
    assert "【待补充：原放贷机构全称】的借款人" in text


def test_a_debt_buyer_is_the_assignee_of_the_original_creditors_claim(set_of: Any) -> None:
    letter, guide = set_of("debt-buyer-assigned.yaml")
    text = letter.text()
    assert "投诉举报人原系示例消费金融有限公司的借款人" in text
    assert "被投诉举报人称已受让该笔债权（转让日期：2026年7月1日），以债权受让方身份向投诉举报人催收" in text
    assert "原债权人：示例消费金融有限公司" in text
    assert "地方资产管理公司由地方金融管理局监管" in guide.text()


# --- facts only from the case (issue 11, items 2 and 9) ----------------------------------------------------------


def test_notes_are_quoted_as_the_reporters_account(set_of: Any) -> None:
    text = set_of("guarantor-recourse.yaml")[0].text()
    assert "报告人陈述：“对方说担保公司已经替我还了银行的钱，要我妈‘替儿子还钱，不然天天打’”" in text
    assert "内容：对方说" not in text


def test_no_deletion_of_third_parties_data_is_demanded_when_nobody_was_reached(
    plugins: PluginSet, engine: Engine
) -> None:
    data = load_case(EXAMPLES / "night-calls-borrower-only.yaml").model_dump(mode="json", exclude_none=True)
    data["contacts"] = {"harvested_list_size": 200}
    letter = _documents(plugins, engine, Case.model_validate(data))[0]
    assert "删除" not in letter.text()
    assert "第三人个人信息" not in letter.text()


def test_contacts_are_not_said_to_come_from_the_address_book(set_of: Any) -> None:
    text = set_of("all-2025-microloan.yaml")[0].text()
    assert "通讯录中的" not in text
    assert "其中联系借款人的联系人2名（家人、朋友）" in text


def test_an_agency_collecting_for_the_lender_processes_data_on_entrustment(plugins: PluginSet, engine: Engine) -> None:
    case = load_case(DATA / "doc_cases" / "employer-visit-microloan.yaml")
    text = _documents(plugins, engine, case)[0].text()
    assert "《中华人民共和国个人信息保护法》第二十一条第一款" in text
    assert "第二十三条" not in text
    assert "单独同意" not in text


def test_a_visit_in_person_cites_no_phone_clause_and_no_phone_numbers(set_of: Any) -> None:
    text = set_of("guarantee-company-visit.json")[0].text()
    assert "第一千零三十三条" not in text  # Art. 1033(1) names phone, SMS, IM, e-mail, leaflets — not visits
    assert "手机号码" not in text
    assert "《中华人民共和国个人信息保护法》第十条" in text  # the debt was told to the employer


# --- filing and guide apart (issue 11, items 1 and 12) -----------------------------------------------------------


def test_the_guide_says_what_to_bring_and_what_proof_to_keep(set_of: Any) -> None:
    letter, guide = set_of("guarantor-recourse.yaml")
    text = guide.text()
    assert "本人身份证" in text
    assert "代偿或追偿通知" in text
    assert "邮寄凭证" in text
    assert "12345" in text
    for advice in ("请核实", "jubao", "可以向", "提交前"):
        assert advice not in letter.text()


def test_contact_names_in_free_text_never_reach_the_bureau(plugins: PluginSet, engine: Engine) -> None:
    for document in _documents(plugins, engine, load_case(EXAMPLES / "credit-card-employer.yaml")):
        text = document.text()
        assert "赵人事" not in text, document.id  # E3's description names the HR contact
        assert "5555 0110" not in text, document.id
