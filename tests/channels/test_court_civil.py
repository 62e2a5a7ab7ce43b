"""The civil-court channel: 民事起诉状 (borrower and contacts), 行为保全 and 人格权侵害禁令, through the plugin
entry points."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jubao import load_case
from jubao.case import Case
from jubao.documents_api import Document, write_markdown
from jubao.engine import Engine
from jubao.plugins import PluginSet, build_documents
from tests.channels.common import TODAY, example

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
APPLICATIONS = ["preservation_pre_suit", "preservation_in_suit", "personality_injunction"]


def documents(plugins: PluginSet, engine: Engine, case: Case) -> dict[str, Document]:
    evaluation = engine.evaluate(case, today=TODAY)
    return {doc.id: doc for doc in build_documents(plugins, "court_civil", case, evaluation)}


def markdown(doc: Document) -> str:
    return write_markdown(doc).decode("utf-8")


def changed(case: Case, **fields: Any) -> Case:
    """A copy of ``case`` with top-level fields replaced (validated again)."""
    return Case.model_validate({**case.model_dump(), **fields})


def section(text: str, heading: str) -> str:
    """The Markdown of one ``## …`` section (up to the next one)."""
    match = re.search(rf"^## [一二三四五六七八九十]+、{heading}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no section {heading}"
    return match.group(1)


def test_borrower_gets_a_complaint_a_contact_version_per_willing_contact_and_the_applications(
    plugins: PluginSet, engine: Engine
) -> None:
    docs = documents(plugins, engine, example("credit-card-employer.yaml"))
    # contacts.reached: hr (willing) is 1, colleague-1 (not willing) is 2
    assert list(docs) == ["complaint_borrower", "complaint_contact_1", *APPLICATIONS]
    assert all(doc.formats == ["docx", "md"] for doc in docs.values())

    many = documents(plugins, engine, example("consumer-finance-30-contacts.yaml"))
    assert [d for d in many if d.startswith("complaint_contact_")] == [f"complaint_contact_{n}" for n in (1, 2, 3)]


def test_a_contact_reporter_gets_their_own_complaint(plugins: PluginSet, engine: Engine) -> None:
    docs = documents(plugins, engine, example("contact-harassed.yaml"))
    assert list(docs) == ["complaint_contact", *APPLICATIONS]
    text = markdown(docs["complaint_contact"])
    parties = section(text, "当事人信息")
    assert "| 姓名 | 李娜 |" in parties
    assert "借款人周某的同事，不是该笔借款的当事人或担保人" in parties
    # The platform operator (name unknown: a visible blank) and the funding bank are sued.
    assert "“示例易贷”App 的运营公司【待补充：运营公司全称" in parties
    assert "示例农村商业银行股份有限公司" in parties
    claims = section(text, "诉讼请求")
    assert "停止以电话、短信、微信等任何方式联系、骚扰原告" in claims
    assert "删除其持有的原告手机号码" in claims
    assert "披露原告的借款" not in claims  # the borrower's claim, not the contact's
    basis = section(text, "请求的法律依据")
    assert "《中华人民共和国民法典》第一千零三十三条第（一）项" in basis  # peace of private life
    assert "《中华人民共和国民法典》第一千零三十四条" in basis  # their phone number is personal information
    assert "共43次（电话43次）" in text


def test_credit_card_complaint_parties_claims_facts_citations_and_evidence(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(documents(plugins, engine, example("credit-card-employer.yaml"))["complaint_borrower"])
    assert text.startswith("# 民事起诉状")
    assert "法〔2025〕82号" in text
    assert "〔待核实〕" in text
    parties = section(text, "当事人信息")
    assert "| 姓名 | 王晓明 |" in parties
    assert "被告一（出借人）" in parties
    assert "示例银行股份有限公司信用卡中心" in parties
    assert "被告二（催收机构）" in parties
    assert "深圳市示例商务咨询有限公司" in parties
    assert "| 公民身份号码 | 【待补充：公民身份号码】 |" in parties
    claims = section(text, "诉讼请求")
    numbered = re.findall(r"^(\d+)\. ", claims, re.M)
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)]
    assert "停止向原告手机通讯录中的联系人（包括原告的同事、单位/雇主）" in claims
    assert "删除" in claims
    assert "赔礼道歉" in claims
    assert "赔偿" not in claims  # compensation not wanted: no invented amounts
    assert claims.rstrip().splitlines()[-1].endswith("本案诉讼费用由各被告负担。")
    facts = section(text, "事实与理由")
    assert "共14次（电话14次）" in facts
    assert "借款本金人民币48,000元" in facts
    assert "逾期约95天" in facts
    assert "TS20261120-0001" in facts  # the prior complaint to the lender
    assert "赵人事" in facts  # courts may see the contacts' names
    basis = section(text, "请求的法律依据")
    for article in ("第一千零三十二条", "第一千零三十三条第（一）项", "第一千零三十八条第一款", "第一千一百六十八条"):
        assert f"《中华人民共和国民法典》{article}" in basis
    assert "《中华人民共和国个人信息保护法》第六十九条" in basis
    assert "《中华人民共和国个人信息保护法》第二十三条" in basis
    evidence = section(text, "证据和证据来源")
    assert re.findall(r"^\| (证据\d+) \|", evidence, re.M) == ["证据1", "证据2", "证据3"]
    assert "【待补充：有管辖权的人民法院（侵权行为地或被告住所地，《中华人民共和国民事诉讼法》第二十九条）】" in text


def test_contact_version_for_a_willing_contact_has_only_their_own_facts(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(documents(plugins, engine, example("credit-card-employer.yaml"))["complaint_contact_1"])
    parties = section(text, "当事人信息")
    assert "| 姓名 | 赵人事 |" in parties
    assert "| 联系电话 | 010 5555 0110 |" in parties
    facts = section(text, "事实与理由")
    assert "于2026年10月14日，共3次（电话3次）" in facts
    assert "2026年10月16日 11:00" not in facts  # the colleague's call is not this plaintiff's fact
    evidence = section(text, "证据和证据来源")
    assert re.findall(r"^\| (证据\d+) \|", evidence, re.M) == ["证据1", "证据3"]  # numbered as in the set
    # Standard claims only: the borrower's wants (apology) are not put in the contact's mouth.
    claims = [line for line in section(text, "诉讼请求").splitlines() if re.match(r"\d+\. ", line)]
    assert claims
    assert not any("赔礼道歉" in line for line in claims)


def test_compensation_is_claimed_only_as_blanks(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(documents(plugins, engine, example("online-microloan-doctored-images.yaml"))["complaint_borrower"])
    claims = section(text, "诉讼请求")
    assert "精神损害抚慰金人民币【待补充：金额】元" in claims
    assert not re.search(r"人民币\d", claims)
    assert "消除影响、恢复名誉" in claims  # doctored images and defamation
    basis = section(text, "请求的法律依据")
    assert "《中华人民共和国民法典》第一千一百八十三条" in basis
    assert "《中华人民共和国民法典》第一千零二十四条" in basis


def test_applications_flag_missing_urgency_only_when_harassment_is_not_recent(
    plugins: PluginSet, engine: Engine
) -> None:
    old = documents(plugins, engine, example("credit-card-employer.yaml"))  # last incident 38 days ago
    recent = documents(plugins, engine, example("contact-harassed.yaml"))  # 14 days ago
    for name in APPLICATIONS:
        assert "申请很可能不被支持" in markdown(old[name])
        assert "申请很可能不被支持" not in markdown(recent[name])
        assert "侵权行为近期仍在发生" in markdown(recent[name])


def test_pre_suit_application_states_security_48_hours_and_30_days(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(documents(plugins, engine, example("contact-harassed.yaml"))["preservation_pre_suit"])
    assert text.startswith("# 诉前行为保全申请书")
    assert "《中华人民共和国民事诉讼法》第一百零四条" in text
    assert "担保方式：【待补充：" in text
    assert "不提供担保的，法院将裁定驳回申请" in text
    assert "48小时内作出裁定" in text
    assert "采取保全措施后30日内依法提起诉讼" in text
    assert "责令各被申请人立即停止以电话、短信、微信等任何方式联系、骚扰申请人" in text
    in_suit = markdown(documents(plugins, engine, example("contact-harassed.yaml"))["preservation_in_suit"])
    assert "《中华人民共和国民事诉讼法》第一百零三条" in in_suit
    assert "案号：【待补充：" in in_suit


def test_personality_injunction_cites_997_and_flags_the_procedure(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(documents(plugins, engine, example("contact-harassed.yaml"))["personality_injunction"])
    assert "《中华人民共和国民法典》第九百九十七条" in text
    assert "没有专门规定申请程序〔待核实〕" in text
    assert "参照行为保全" in text


def test_sex_and_birth_date_come_from_the_id_number(plugins: PluginSet, engine: Engine) -> None:
    base = example("night-calls-borrower-only.yaml")
    reporter = {**base.reporter.model_dump(), "id_number": "11010519491231002X"}
    text = markdown(documents(plugins, engine, changed(base, reporter=reporter))["complaint_borrower"])
    assert "| 性别 | 女 |" in text
    assert "| 出生日期 | 1949年12月31日 |" in text


def test_borrower_only_harassment_is_argued_as_intrusion_not_disclosure(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(documents(plugins, engine, example("night-calls-borrower-only.yaml"))["complaint_borrower"])
    claims = section(text, "诉讼请求")
    assert "停止以夜间催收等方式侵扰原告的私人生活安宁" in claims
    assert "第三人" not in claims
    assert "第一千零三十二条" not in section(text, "请求的法律依据")


def test_conduct_before_the_2023_procedure_amendment_still_cites_the_law_in_force_when_filing(
    plugins: PluginSet, engine: Engine
) -> None:
    base = example("night-calls-borrower-only.yaml")
    incidents = [
        {**i.model_dump(), "time": i.time.replace(year=2023), "until": None} for i in base.incidents
    ]  # fmt: skip
    text = markdown(documents(plugins, engine, changed(base, incidents=incidents))["complaint_borrower"])
    assert "《中华人民共和国民事诉讼法》第一百二十四条" in text


def test_deadlines_are_data_with_their_basis(plugins: PluginSet) -> None:
    deadlines = {d.id: d for d in plugins.channels["court_civil"].deadlines}
    expected = {
        "registration": (7, "calendar_days", "第一百二十六条"),
        "pre_suit_preservation_ruling": (48, "hours", "第一百零四条"),
        "pre_suit_preservation_suit": (30, "calendar_days", "第一百零四条"),
        "in_suit_preservation_ruling": (48, "hours", "第一百零三条"),
        "appeal": (15, "calendar_days", "第一百七十一条"),
        "limitation": (3, "years", "第一百八十八条"),
    }
    for deadline_id, (length, unit, article) in expected.items():
        deadline = deadlines[deadline_id]
        assert (deadline.length, deadline.unit) == (length, unit), deadline_id
        assert deadline.basis[0].article == article, deadline_id
        assert deadline.basis[0].status == "V", deadline_id
    forever = deadlines["no_limitation_stop_claims"]
    assert forever.length is None
    assert forever.basis[0].article == "第九百九十五条"


def test_filing_routes_and_missing_fields(plugins: PluginSet, engine: Engine) -> None:
    channel = plugins.channels["court_civil"]
    assert {m.kind for m in channel.filing} == {"in_person", "post", "mini_program", "phone"}
    hotline = next(m for m in channel.filing if m.kind == "phone")
    assert (hotline.address, hotline.status) == ("12368", "M")
    card = example("credit-card-employer.yaml")
    assert [m.path for m in channel.missing(card)] == ["reporter.id_number"]
    contact = example("contact-harassed.yaml")
    assert [m.path for m in channel.missing(contact)] == ["reporter.id_number", "reporter.address", "lender.name"]


def test_every_example_builds_without_leftover_markup(plugins: PluginSet, engine: Engine) -> None:
    for path in sorted(EXAMPLES.glob("*.y*ml")) + sorted(EXAMPLES.glob("*.json")):
        for doc in documents(plugins, engine, load_case(path)).values():
            text = markdown(doc)
            for leftover in ("{{", "。。", "None"):
                assert leftover not in text, (path, doc.id, leftover)
            assert re.fullmatch(r"[a-z][a-z0-9_]*", doc.id)
