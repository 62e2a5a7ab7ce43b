"""lender_complaint: the 投诉书 and the 个人信息权利行使请求书 to the institution itself, through the entry points.

Issue 11: each person claims only their own personal-information rights; the 15/30/60-day clock binds only the
institutions (and the complainants) its order covers; the collecting party's role decides the wording; facts come
only from the case; the contacts' names and numbers stay out; the desk can be reached in the App, by phone and by
post.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from jubao import Document
from jubao.case import Case
from jubao.channel import institution_kind
from jubao.engine import Engine
from jubao.plugins import PluginSet
from tests.channels.common import TODAY, example

CHANNEL = "lender_complaint"
CLOCK = "15日内"
"""How the documents state the consumer-complaint clock (its length is channel data)."""
THIRD_PARTY_DELETION = re.compile(r"删除[^。；]*(通讯录|联系人|第三人)")


def _modified(name: str, **changes: Any) -> Case:
    data = example(name).model_dump(mode="json", exclude_none=True)
    for key, value in changes.items():
        data[key] = value(data[key]) if callable(value) else value
    return Case.model_validate(data)


def _texts(docs: dict[str, Document]) -> dict[str, str]:
    return {key: doc.text() for key, doc in docs.items() if doc.purpose == "filing"}


def test_a_set_is_the_complaint_the_rights_request_and_the_guide(draft: Any) -> None:
    docs = draft(example("credit-card-employer.yaml"))
    assert list(docs) == ["complaint", "pi_rights_request", "guide"]
    assert docs["complaint"].title == "投诉书"


# --- item 4: contacts are not consumers; each person claims their own rights ------------------------------------


def test_the_borrowers_papers_do_not_claim_the_deletion_of_the_contacts_data(draft: Any) -> None:
    for name in ("credit-card-employer.yaml", "consumer-finance-30-contacts.yaml", "guarantor-recourse.yaml"):
        for key, text in _texts(draft(example(name))).items():
            assert not THIRD_PARTY_DELETION.search(text), f"{name}: {key}"
            assert "第三人个人信息" not in text, f"{name}: {key}"


def test_a_contacts_papers_claim_the_deletion_of_their_own_number(draft: Any) -> None:
    docs = _texts(draft(example("contact-harassed.yaml")))
    assert "删除贵机构及其委托的催收机构持有的投诉人的手机号码及其他个人信息" in docs["complaint"]
    assert "删除贵机构及其委托的催收机构持有的请求人的手机号码及其他个人信息" in docs["pi_rights_request"]
    assert "《中华人民共和国个人信息保护法》第四十七条第一款" in docs["pi_rights_request"]


def test_a_contacts_complaint_carries_no_consumer_clock(draft: Any, plugins: PluginSet) -> None:
    case = example("contact-harassed.yaml")  # a platform loan funded by a bank: the clock binds the bank's borrower
    deadline = next(d for d in plugins.channels[CHANNEL].deadlines if d.id == "complaint_reply")
    assert institution_kind(case) == "bank"
    assert not deadline.binds(case)  # … but the contact is no consumer of the bank
    complaint = _texts(draft(case))["complaint"]
    assert CLOCK not in complaint
    assert "及时作出处理决定并书面答复投诉人" in complaint


def test_a_contacts_complaint_does_not_assert_that_they_never_consented(draft: Any) -> None:
    for key, text in _texts(draft(example("contact-harassed.yaml"))).items():
        assert "从未同意" not in text, key
        assert "并未取得投诉人的同意" not in text, key
        assert "未取得请求人同意的" in text or "未取得投诉人同意的" in text, key  # a conditional, not a fact


# --- item 5: clocks follow who the institution is -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "binds"),
    [
        ("credit-card-employer.yaml", True),  # a bank's cardholder
        ("consumer-finance-30-contacts.yaml", True),  # a consumer-finance company's borrower
        ("online-microloan-doctored-images.yaml", False),  # an online microlender
        ("guarantor-recourse.yaml", False),  # a financing guarantor collecting by recourse
        ("debt-buyer-assigned.yaml", False),  # a debt buyer
        ("contact-harassed.yaml", False),  # a contact
    ],
)
def test_the_complaint_states_the_15_day_clock_only_where_it_binds(draft: Any, name: str, binds: bool) -> None:
    complaint = _texts(draft(example(name)))["complaint"]
    assert (CLOCK in complaint) is binds
    assert ("《银行业保险业消费投诉处理管理办法》" in complaint) is binds
    if not binds:
        assert "及时作出处理决定并书面答复投诉人" in complaint
        assert "如逾期未答复" not in complaint


KINDS = ["bank", "consumer_finance", "auto_finance", "microloan", "online_microloan", "financing_guarantee",
         "debt_buyer", "unknown"]  # fmt: skip
FUNDERS = ["bank", "consumer_finance", "online_microloan", "financing_guarantee"]


def _case(role: str, kind: str, funder: str | None = None) -> Case:
    reporter: dict[str, Any] = {"role": role, "name": "示例", "phone": "138 0000 0999", "region": {"province": "湖北"}}
    if role == "contact":
        reporter["relation_to_borrower"] = "friend"
    lender: dict[str, Any] = {"name": "示例机构", "kind": kind}
    if funder:
        lender["funding_institution"] = {"name": "示例出资机构", "kind": funder}
    target = {"kind": "borrower"} if role == "borrower" else {"kind": "contact", "relation": "friend"}
    incident = {"time": "2026-11-02 10:00", "medium": "call", "from_number": "170 0000 0998", "target": target}
    return Case.model_validate({"reporter": reporter, "lender": lender, "incidents": [incident]})


def test_the_route_reason_and_the_declared_deadline_agree_on_whom_the_clock_binds(
    plugins: PluginSet, engine: Engine
) -> None:
    """The routing rules and channel.yaml both say which institutions the clock binds: they must never diverge."""
    deadline = next(d for d in plugins.channels[CHANNEL].deadlines if d.id == "complaint_reply")
    cases = [_case(role, kind) for role in ("borrower", "contact") for kind in KINDS]
    cases += [_case(role, "loan_platform", funder) for role in ("borrower", "contact") for funder in FUNDERS]
    for case in cases:
        evaluation = engine.evaluate(case, today=TODAY)
        (route,) = [r for r in evaluation.routes if r.channel == CHANNEL]
        rules = {reason.rule for reason in route.reasons}
        where = f"{case.reporter.role} / {case.lender.kind} / {institution_kind(case)}"
        assert ("route.lender_complaint.consumer_clock" in rules) is deadline.binds(case), where
        assert len(rules) == 1, where  # one reason: never a clock and a no-clock reason together
        text = route.reasons[0].text.zh
        assert ("15 日内作出处理决定" in text) is deadline.binds(case), where


def test_the_deadline_declares_whom_it_binds_with_a_citation(plugins: PluginSet) -> None:
    deadline = next(d for d in plugins.channels[CHANNEL].deadlines if d.id == "complaint_reply")
    assert deadline.applies_to is not None
    assert {k.value for k in deadline.applies_to.lender_kinds} == {"bank", "consumer_finance", "auto_finance"}
    assert [r.value for r in deadline.applies_to.reporter_roles] == ["borrower"]
    assert "法定答复期限：未找到" in deadline.applies_to.otherwise.zh
    assert deadline.applies_to.basis[0].instrument.startswith("《银行业保险业消费投诉处理管理办法》")


# --- item 9: entrustment, know and copy, credit cards ---------------------------------------------------------------


def test_entrusted_collection_is_article_21_and_know_and_copy_are_articles_44_and_45(draft: Any) -> None:
    docs = _texts(draft(example("credit-card-employer.yaml")))
    assert "《中华人民共和国个人信息保护法》第二十一条第一款，贵机构委托催收机构处理个人信息的" in docs["complaint"]
    request = docs["pi_rights_request"]
    assert "第四十四条、《中华人民共和国个人信息保护法》第四十五条第一款、第二款，书面告知" in request
    assert "提供请求人个人信息的副本供查阅、复制" in request
    for key, text in docs.items():
        assert "第二十三条" not in text, key
        assert "单独同意" not in text, key


def test_a_credit_card_is_worded_with_issuer_and_cardholder(draft: Any) -> None:
    docs = _texts(draft(example("credit-card-employer.yaml")))
    for key, text in docs.items():
        assert "系贵机构发行的信用卡的持卡人" in text, key
        assert "贵机构借款人" not in text, key
        assert "贵机构的借款人" not in text, key
        assert "借款合同" not in text, key
    assert "信用卡账户或合同编号：CC-2024-000123" in docs["complaint"]


# --- item 3: the collecting party's role --------------------------------------------------------------------------


def test_a_guarantor_collecting_by_recourse_is_not_called_the_lender(draft: Any) -> None:
    docs = _texts(draft(example("guarantor-recourse.yaml")))
    complaint = docs["complaint"]
    assert "被投诉机构：江苏示例融资担保有限公司（担保人，代偿后追偿）" in complaint
    assert "原债权人：示例银行股份有限公司南京分行" in complaint
    assert "住所：江苏省苏州市示例大道 100 号" in complaint
    assert "贵机构为该笔借款的担保人，于2026年8月20日代偿后以追偿为由向投诉人催收" in complaint
    for key, text in docs.items():
        assert "贵机构借款人" not in text, key
        assert "贵机构的借款人" not in text, key
        assert "出借人" not in text, key


def test_a_debt_buyer_is_named_as_the_assignee(draft: Any) -> None:
    complaint = _texts(draft(example("debt-buyer-assigned.yaml")))["complaint"]
    assert "被投诉机构：浙江示例资产管理有限公司（债权受让方）" in complaint
    assert "原债权人：示例消费金融有限公司" in complaint
    assert "该笔债权于2026年7月1日转让给贵机构，贵机构以债权受让方的身份向投诉人催收" in complaint


def test_a_platform_complaint_goes_to_the_platform_and_names_the_funder(draft: Any) -> None:
    complaint = _texts(draft(example("contact-platform-consumer-finance.yaml")))["complaint"]
    assert "被投诉机构：示例网络科技有限公司（App：示例速借）（借款平台运营方）" in complaint
    assert "资金提供方：示例消费金融股份有限公司" in complaint


# --- items 2 and 12: facts only from the case, no contact's name or number ---------------------------------------


def test_the_reporters_notes_are_quoted_as_their_account(draft: Any) -> None:
    complaint = _texts(draft(example("contact-harassed.yaml")))["complaint"]
    assert "报告人陈述：“要求我‘替他还钱或者告诉他在哪儿’" in complaint
    assert "内容：要求我" not in complaint


def test_no_consent_is_asserted_when_the_case_does_not_know(draft: Any) -> None:
    request = _texts(draft(example("credit-card-employer.yaml")))["pi_rights_request"]  # consent: unknown
    assert "说明贵机构掌握并使用了请求人的通讯录信息" not in request
    assert "从未同意" not in request
    assert "请求人如曾同意贵机构读取或使用手机通讯录" in request
    refused = _texts(draft(example("debt-buyer-assigned.yaml")))["pi_rights_request"]  # consent: no
    assert "请求人从未同意读取其手机通讯录" in refused


def test_no_third_party_argument_where_no_third_party_was_reached(draft: Any) -> None:
    for key, text in _texts(draft(example("night-calls-borrower-only.yaml"))).items():
        assert "第十三条" not in text, key
        assert "第二十三条" not in text, key
        assert "第三人个人信息" not in text, key
        assert "联系人" not in text, key
        assert "通讯录中的0名" not in text, key


def test_an_employer_on_a_company_landline_is_never_a_mobile(draft: Any) -> None:
    docs = _texts(draft(example("debt-buyer-assigned.yaml")))  # the employer's switchboard 010 5555 0911
    for key, text in docs.items():
        assert "手机号码" not in text, key
        assert "第十三条" not in text, key  # no argument about a natural person's number


def test_no_collector_number_is_asked_for_a_visit(draft: Any) -> None:
    complaint = _texts(draft(example("guarantee-company-visit.json")))["complaint"]
    assert "催收所用号码" not in complaint  # a visit in person: there is no number to fill in


def test_no_contact_name_or_number_anywhere_in_the_lender_set(draft: Any) -> None:
    """Item 12: the HR contact's name is in an evidence description; it must not reach the lender (tables too)."""
    for key, document in draft(example("credit-card-employer.yaml")).items():
        assert "赵人事" not in document.text(), key
        assert "5555 0110" not in document.text(), key


# --- item 1: how to submit ------------------------------------------------------------------------------------------


def test_the_desk_is_reached_in_the_app_by_phone_and_by_post_without_invented_numbers(plugins: PluginSet) -> None:
    channel = plugins.channels[CHANNEL]
    assert [m.kind.value for m in channel.filing] == ["app", "phone", "post"]
    for method in channel.filing:
        assert method.address is None  # differs by institution: never invented
        assert method.note is not None
        assert "不预设" in method.note.zh
    assert channel.bring
    assert channel.proof
    assert any("邮寄凭证" in item.zh for item in channel.proof)


def test_the_guide_says_where_to_find_the_address(draft: Any) -> None:
    guide = draft(example("guarantor-recourse.yaml"))["guide"].text()
    assert "国家企业信用信息公示系统" in guide
    assert "投诉单号" in guide
