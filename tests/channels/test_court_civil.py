"""The civil-court channel: 民事起诉状 (borrower and contacts), 行为保全 and 人格权侵害禁令, through the plugin
entry points."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

from jubao import load_case
from jubao.case import Case
from jubao.documents_api import Document, write_markdown
from jubao.engine import Engine
from jubao.loading import parse_case_text
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


def with_mobile_hr(case: Case) -> Case:
    """credit-card-employer with the HR contact reached on a mobile (the example's is the company switchboard)."""
    contacts = case.contacts.model_dump()
    contacts["reached"][0]["phone"] = "138 0000 0110"
    return changed(case, contacts=contacts)


def section(text: str, heading: str) -> str:
    """The Markdown of one ``## …`` section (up to the next one)."""
    match = re.search(rf"^## [一二三四五六七八九十]+、{heading}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no section {heading}"
    return match.group(1)


def test_borrower_gets_a_complaint_a_contact_version_per_willing_contact_and_the_applications(
    plugins: PluginSet, engine: Engine
) -> None:
    docs = documents(plugins, engine, with_mobile_hr(example("credit-card-employer.yaml")))
    # contacts.reached: hr (willing) is 1, colleague-1 (not willing) is 2
    assert list(docs) == ["complaint_borrower", "complaint_contact_1", *APPLICATIONS, "guide"]
    assert all(doc.formats == ["docx", "md"] for doc in docs.values() if doc.purpose == "filing")

    many = documents(plugins, engine, example("consumer-finance-30-contacts.yaml"))
    assert [d for d in many if d.startswith("complaint_contact_")] == [f"complaint_contact_{n}" for n in (1, 2, 3)]


def test_a_contact_reporter_gets_their_own_complaint(plugins: PluginSet, engine: Engine) -> None:
    docs = documents(plugins, engine, example("contact-harassed.yaml"))
    assert list(docs) == ["complaint_contact", *APPLICATIONS, "guide"]
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
    assert "法〔2025〕82号" not in text  # a note for the user: moved to the guide
    assert "〔待核实〕" not in text
    parties = section(text, "当事人信息")
    assert "| 姓名 | 王晓明 |" in parties
    assert "被告一（发卡机构）" in parties
    assert "示例银行股份有限公司信用卡中心" in parties
    assert "被告二（催收机构）" in parties
    assert "深圳市示例商务咨询有限公司" in parties
    assert "| 公民身份号码 | 【待补充：公民身份号码】 |" in parties
    claims = section(text, "诉讼请求")
    numbered = re.findall(r"^(\d+)\. ", claims, re.M)
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)]
    assert "停止向原告的同事、单位/雇主等与债务无关的第三人披露原告的欠款" in claims
    assert "删除" not in claims  # the contacts' numbers are theirs to claim; no contact list was read
    assert "赔礼道歉" in claims
    assert "赔偿" not in claims  # compensation not wanted: no invented amounts
    assert claims.rstrip().splitlines()[-1].endswith("本案诉讼费用由各被告负担。")
    facts = section(text, "事实与理由")
    assert "共14次（电话14次）" in facts
    assert "信用卡的持卡人，欠款本金人民币48,000元" in facts  # a card: 持卡人, not 借款
    assert "逾期约95天" in facts
    assert "TS20261120-0001" in facts  # the prior complaint to the lender
    assert "赵人事" in facts  # courts may see the contacts' names
    basis = section(text, "请求的法律依据")
    for article in ("第一千零三十二条", "第一千零三十三条第（一）项", "第一千零三十八条第一款", "第一千一百六十八条"):
        assert f"《中华人民共和国民法典》{article}" in basis
    assert "《中华人民共和国个人信息保护法》第六十九条" in basis
    assert "《中华人民共和国个人信息保护法》第二十一条第一款" in basis  # the agency works on entrustment
    evidence = section(text, "证据和证据来源")
    assert re.findall(r"^\| (证据\d+) \|", evidence, re.M) == ["证据1", "证据2", "证据3"]
    assert "【待补充：有管辖权的人民法院（侵权行为地或被告住所地，《中华人民共和国民事诉讼法》第二十九条）】" in text


def test_contact_version_for_a_willing_contact_has_only_their_own_facts(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(
        documents(plugins, engine, with_mobile_hr(example("credit-card-employer.yaml")))["complaint_contact_1"]
    )
    parties = section(text, "当事人信息")
    assert "| 姓名 | 赵人事 |" in parties
    assert "| 联系电话 | 138 0000 0110 |" in parties
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
        # The warning is advice for the applicant: it reaches the guide, never the application itself.
        assert any("申请很可能不被支持" in note.text for note in old[name].guidance)
        assert "申请很可能不被支持" not in markdown(old[name])
        assert "申请很可能不被支持" in old["guide"].text()
        assert not any("申请很可能不被支持" in note.text for note in recent[name].guidance)
        assert "侵权行为近期仍在发生" in markdown(recent[name])


def test_pre_suit_application_states_security_48_hours_and_30_days(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(documents(plugins, engine, example("contact-harassed.yaml"))["preservation_pre_suit"])
    assert text.startswith("# 诉前行为保全申请书")
    assert "《中华人民共和国民事诉讼法》第一百零四条" in text
    assert "担保方式：【待补充：" in text
    assert "48小时内作出裁定" in text
    assert "采取保全措施后30日内依法提起诉讼" in text
    assert "责令各被申请人立即停止以电话、短信、微信等任何方式联系、骚扰申请人" in text
    in_suit = markdown(documents(plugins, engine, example("contact-harassed.yaml"))["preservation_in_suit"])
    assert "《中华人民共和国民事诉讼法》第一百零三条" in in_suit
    assert "案号：【待补充：" in in_suit


def test_personality_injunction_cites_997_and_flags_the_procedure(plugins: PluginSet, engine: Engine) -> None:
    docs = documents(plugins, engine, example("contact-harassed.yaml"))
    text = markdown(docs["personality_injunction"])
    assert "《中华人民共和国民法典》第九百九十七条" in text
    guide = docs["guide"].text()  # the unverified procedure is the user's to check, not the court's to read
    assert "《人格权侵害禁令申请书》开头部分" in guide
    assert "没有专门规定申请程序〔待核实〕" in guide
    assert "参照行为保全" in guide
    assert "参照行为保全" not in text


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
    assert "《中华人民共和国民事诉讼法》（2023 年修正）第一百二十四条" in text


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
    assert {m.kind for m in channel.filing} == {"in_person", "post", "mini_program", "web", "phone"}
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


# --- issue 11: filings a lawyer would sign ---------------------------------------------------------------------

ADVICE = ("很可能不被支持", "请咨询", "请自行增加", "提交前请", "请按法院要求调整", "不提供担保的，法院将裁定驳回申请")


def from_yaml(text: str) -> Case:
    return parse_case_text(textwrap.dedent(text), fmt="yaml")


def borrower_case(*, lender: str, incidents: str, contacts: str = "", debt: str = "", collectors: str = "") -> Case:
    """A borrower's case with the given YAML blocks (each indented as a top-level key)."""
    return from_yaml(
        f"""
        reporter:
          role: borrower
          name: 测试人
          phone: 138 0000 0801
          region: {{province: 湖北省, city: 武汉市}}
        {lender}
        {debt}
        {collectors}
        {contacts}
        {incidents}
        wants: [stop_third_party_contact, delete_contact_data]
        """
    )


GROUP_ONLY = """incidents:
          - time: 2026-11-10 09:00
            medium: sms
            from_number: 170 0000 0802
            target: {kind: group, audience_size: 30}
            behaviours: [group_blast, debt_disclosure]"""
MICROLOAN = """lender: {name: 示例网络小额贷款有限公司, kind: online_microloan}"""


def filings(docs: dict[str, Document]) -> dict[str, str]:
    return {name: markdown(doc) for name, doc in docs.items() if doc.purpose == "filing"}


def without_blanks(text: str) -> str:
    """The text the filing states itself, without its 【待补充：…】 prompts."""
    return re.sub(r"【待补充：[^】]*】", "", text)


def test_court_filings_hold_no_advice_and_the_guide_says_what_to_bring_and_keep(
    plugins: PluginSet, engine: Engine
) -> None:
    """Item 1: advice (the security rule of a pre-suit application, the 82号 note, the urgency warning) is for the
    applicant — it reaches the guide; the channel says what to bring and what proof of filing to keep."""
    for path in sorted(EXAMPLES.glob("*.y*ml")):
        docs = documents(plugins, engine, load_case(path))
        for name, text in filings(docs).items():
            for phrase in ADVICE:
                assert phrase not in text, (path.name, name, phrase)
    docs = documents(plugins, engine, example("credit-card-employer.yaml"))
    guide = docs["guide"].text()
    assert "不提供担保的，法院将裁定驳回申请" in guide
    assert "《诉前行为保全申请书》" in guide
    assert "起诉状正本一份，并按被告人数提交副本" in guide
    assert "注明收到日期的书面凭证" in guide
    assert "第二百零八条" in guide
    assert "邮寄凭证" in guide
    channel = plugins.channels["court_civil"]
    assert {"in_person", "mini_program", "web", "post"} <= {m.kind.value for m in channel.filing}
    assert not any(m.address and m.address.startswith("http") for m in channel.filing)  # no invented URLs


def test_group_messages_are_not_counted_as_contacts_from_the_address_book(plugins: PluginSet, engine: Engine) -> None:
    """Item 2: a mass text to 30 people is stated as such — not as "N名通讯录联系人" — and nothing says the
    defendant read the contact list when the case does not."""
    case = borrower_case(lender=MICROLOAN, incidents=GROUP_ONLY)
    docs = filings(documents(plugins, engine, case))
    text = docs["complaint_borrower"]
    assert "以群发方式向约30人发送了信息" in text
    assert "名联系人" not in text
    assert "通讯录中的" not in text
    for name, body in docs.items():
        assert "0名" not in body, name
        assert "读取的通讯录" not in body, name


def test_contact_list_statements_follow_the_consent_and_harvest_data(plugins: PluginSet, engine: Engine) -> None:
    """Item 2: "未同意读取" only when the case says no; reading and holding the list only when the case shows it
    (consent yes or a harvested count); otherwise the defendant must explain where the numbers came from."""
    contacts = """contacts:
          reached: [{id: mum, relation: family, phone: 138 0000 0803}]"""
    incidents = """incidents:
          - time: 2026-11-10 09:00
            medium: call
            from_number: 170 0000 0802
            target: {kind: contact, contact: mum}
            behaviours: [debt_disclosure]"""
    unknown = filings(
        documents(plugins, engine, borrower_case(lender=MICROLOAN, incidents=incidents, contacts=contacts))
    )
    text = unknown["complaint_borrower"]
    assert "原告不清楚借款时是否同意过读取手机通讯录" in text
    assert "被告如何取得原告联系人的联系方式，应由被告说明" in text
    assert "从未" not in text
    assert "未同意读取" not in text
    assert "读取的通讯录" not in text
    refused = borrower_case(
        lender=MICROLOAN, incidents=incidents, contacts=contacts, debt='debt: {contact_list_consent: "no"}'
    )
    assert "原告借款时未同意读取手机通讯录" in markdown(documents(plugins, engine, refused)["complaint_borrower"])
    harvested = borrower_case(
        lender=MICROLOAN, incidents=incidents, debt="debt: {contact_list_consent: yes}",
        contacts=contacts + "\n          harvested_list_size: 200",
    )  # fmt: skip
    text = markdown(documents(plugins, engine, harvested)["complaint_borrower"])
    assert "判令被告删除其持有的从原告手机读取的通讯录信息" in text
    assert "原告手机通讯录被读取约200条" in text
    # A contact's complaint does not assert that the contact never consented: the case cannot know it.
    contact = markdown(documents(plugins, engine, example("contact-harassed.yaml"))["complaint_contact"])
    assert "从未" not in contact
    assert "主张已取得原告同意的，应当举证证明" in contact


def test_reporters_notes_are_quoted_as_their_account_not_stated_as_fact(plugins: PluginSet, engine: Engine) -> None:
    """Item 2: a note in the reporter's words ("打给我爸爸") is quoted as the plaintiff's account."""
    docs = documents(plugins, engine, example("all-2025-microloan.yaml"))
    text = markdown(docs["complaint_borrower"])
    assert "原告陈述：“打给我爸爸，骂我是‘老赖’”（见证据1）。" in text
    assert "内容：打给我爸爸" not in text
    assert "申请人陈述：“打给我爸爸" in markdown(docs["preservation_pre_suit"])
    # In a contact's own complaint drafted from the borrower's case, the note is the borrower's account.
    card = documents(plugins, engine, with_mobile_hr(example("credit-card-employer.yaml")))
    assert "借款人王晓明陈述：“自称‘银行法务部’" not in markdown(card["complaint_contact_1"])
    assert "持卡人王晓明陈述：“自称‘银行法务部’" in markdown(card["complaint_contact_1"])


def test_a_guarantor_is_sued_as_the_recourse_holder_not_as_a_lender(plugins: PluginSet, engine: Engine) -> None:
    """Item 3: a financing guarantor that paid the bank never lent the money."""
    docs = filings(documents(plugins, engine, example("guarantor-recourse.yaml")))
    text = docs["complaint_borrower"]
    assert "被告（融资担保公司，追偿权人）" in text
    assert "| 住所（主要办事机构所在地） | 江苏省苏州市示例大道 100 号 |" in text
    assert "原告向示例银行股份有限公司南京分行借款，由被告江苏示例融资担保有限公司（融资担保公司）提供担保" in text
    assert "被告于2026年8月20日向原债权人代偿后，以追偿权人身份向原告催收" in text
    for name, body in docs.items():
        assert "出借人" not in body, name
        assert "原告通过" not in body, name
    assert "住所江苏省苏州市示例大道 100 号" in docs["preservation_pre_suit"]


def test_a_debt_buyer_is_sued_as_assignee_with_the_original_creditor(plugins: PluginSet, engine: Engine) -> None:
    """Item 3: a debt buyer holds an assigned claim; the original creditor and the assignment date are named."""
    text = markdown(documents(plugins, engine, example("debt-buyer-assigned.yaml"))["complaint_borrower"])
    assert "被告一（债权受让人）" in text
    assert "原告原系示例消费金融有限公司的借款人" in text
    assert "原债权人于2026年7月1日将该笔债权转让给被告一浙江示例资产管理有限公司" in text
    assert "出借人" not in text


def test_a_platform_loan_sues_the_funder_as_lender_and_cites_its_sector_rule(
    plugins: PluginSet, engine: Engine
) -> None:
    """Item 3: a platform and its (named) funder are both sued; the funder's consumer-finance rule applies to it."""
    text = markdown(documents(plugins, engine, example("contact-platform-consumer-finance.yaml"))["complaint_contact"])
    assert "被告一（借款 App 运营方）" in text
    assert "被告二（资金方、出借人）" in text
    assert "资金方示例消费金融股份有限公司是消费金融公司" in text


def test_a_credit_card_is_worded_as_card_issuer_and_cardholder(plugins: PluginSet, engine: Engine) -> None:
    """Item 3/9: a bank's card centre is the 发卡机构 and the borrower a 持卡人; a bank loan stays 出借人."""
    text = markdown(documents(plugins, engine, example("credit-card-employer.yaml"))["complaint_borrower"])
    assert "被告一（发卡机构）" in text
    assert "原告是示例银行股份有限公司信用卡中心发行的信用卡的持卡人" in text
    assert "出借人" not in text
    assert "原告通过" not in text
    loan = borrower_case(lender="lender: {name: 示例银行股份有限公司, kind: bank}", incidents=GROUP_ONLY)
    assert "被告（出借人）" in markdown(documents(plugins, engine, loan)["complaint_borrower"])


def test_the_borrower_does_not_claim_deletion_of_the_contacts_data(plugins: PluginSet, engine: Engine) -> None:
    """Item 4: the contacts' numbers are their own personal information: only they claim deletion."""
    docs = documents(plugins, engine, example("guarantor-recourse.yaml"))  # wants delete_contact_data
    claims = section(markdown(docs["complaint_borrower"]), "诉讼请求")
    assert "删除" not in claims
    assert "联系人的姓名、电话号码是联系人本人的个人信息" in docs["guide"].text()
    contact = markdown(documents(plugins, engine, example("contact-harassed.yaml"))["complaint_contact"])
    assert "删除其持有的原告手机号码等个人信息" in section(contact, "诉讼请求")


def test_an_employer_switchboard_is_no_mobile_and_gets_no_staff_lawsuit(plugins: PluginSet, engine: Engine) -> None:
    """Item 4: the HR clerk reached on the company landline gets no complaint of their own; a guide note says why.
    A contact who reports about their employer's landline is told how weak it is, and the line is never 手机号码."""
    docs = documents(plugins, engine, example("credit-card-employer.yaml"))
    assert "complaint_contact_1" not in docs
    assert "单位座机不是自然人的手机号码" in docs["guide"].text()
    reporter = from_yaml(
        """
        reporter:
          role: contact
          name: 测试人
          phone: 010 5555 0809
          relation_to_borrower: employer
          region: {province: 北京市, city: 北京市}
        borrower: {name: 某甲}
        lender: {name: 示例网络小额贷款有限公司, kind: online_microloan}
        incidents:
          - time: 2026-11-10 09:00
            medium: call
            from_number: 170 0000 0802
            target: {kind: contact, relation: employer}
            count: 3
            behaviours: [debt_disclosure]
        """
    )
    own = documents(plugins, engine, reporter)
    for name, body in filings(own).items():
        assert "手机号码" not in without_blanks(body), name
    text = markdown(own["complaint_contact"])
    assert "案由：隐私权纠纷（" in text
    assert "依据很弱" in own["guide"].text()


def test_a_contact_on_a_home_landline_is_not_said_to_have_a_mobile(plugins: PluginSet, engine: Engine) -> None:
    """Item 4: a family member reached on a home landline sues over their 固定电话号码."""
    case = borrower_case(
        lender=MICROLOAN,
        contacts="""contacts:
          reached: [{id: mum, relation: family, phone: 027 5555 0804, willing_to_report: true}]""",
        incidents="""incidents:
          - time: 2026-11-10 09:00
            medium: call
            from_number: 170 0000 0802
            target: {kind: contact, contact: mum}
            behaviours: [debt_disclosure]""",
    )
    text = markdown(documents(plugins, engine, case)["complaint_contact_1"])
    assert "删除其持有的原告固定电话号码等个人信息" in text
    assert "手机号码" not in without_blanks(text)


def test_a_sector_rule_is_not_cited_against_conduct_before_it_was_in_force(plugins: PluginSet, engine: Engine) -> None:
    """Item 6: the 2025 microloan rules are not cited against 2024 conduct (and drafting does not fail)."""
    incidents = GROUP_ONLY.replace("2026-11-10", "2024-06-10")
    docs = filings(documents(plugins, engine, borrower_case(lender=MICROLOAN, incidents=incidents)))
    assert "小额贷款公司监督管理暂行办法" not in docs["complaint_borrower"]
    later = filings(documents(plugins, engine, borrower_case(lender=MICROLOAN, incidents=GROUP_ONLY)))
    assert "小额贷款公司监督管理暂行办法" in later["complaint_borrower"]
    # All-2025 conduct: no provision that took effect in 2026 is cited anywhere in the court's set.
    for name, body in filings(documents(plugins, engine, example("all-2025-microloan.yaml"))).items():
        assert "2026年1月1日起施行" not in body, name
        assert "禁止接触" not in body, name


def test_an_agency_collecting_for_a_bank_is_argued_as_entrusted_processing(plugins: PluginSet, engine: Engine) -> None:
    """Item 9: outsourced collection is entrusted processing (PIPL Art. 21), not a provision needing separate
    consent (Art. 23)."""
    text = markdown(documents(plugins, engine, example("credit-card-employer.yaml"))["complaint_borrower"])
    basis = section(text, "请求的法律依据")
    assert "《中华人民共和国个人信息保护法》第二十一条第一款规定：“个人信息处理者委托处理个人信息的" in basis
    assert "第二十三条" not in text
    assert "单独同意" not in text


def test_the_in_suit_application_names_the_complaints_cause(plugins: PluginSet, engine: Engine) -> None:
    """Item 2: harassment of the borrower alone is a privacy case, not (yet) a personal-information one."""
    docs = documents(plugins, engine, example("night-calls-borrower-only.yaml"))
    assert "案由：隐私权纠纷（" in markdown(docs["complaint_borrower"])
    assert "申请人诉被申请人隐私权纠纷一案" in markdown(docs["preservation_in_suit"])


def test_notes_on_the_2025_templates_and_on_urgency_reach_the_guide(plugins: PluginSet, engine: Engine) -> None:
    """Item 7: the 法〔2025〕82号 note and the urgency notes are moved to the guide, with where they apply."""
    docs = documents(plugins, engine, example("credit-card-employer.yaml"))
    guide = docs["guide"].text()
    assert "法〔2025〕82号" not in markdown(docs["complaint_borrower"])
    assert "《民事起诉状》开头部分：最高人民法院2025年发布的要素式起诉状示范文本（法〔2025〕82号）" in guide
    for name in APPLICATIONS:
        assert "很可能不被支持" not in markdown(docs[name])
        assert f"《{docs[name].title}》开头部分：最近一次骚扰发生于" in guide


def test_a_single_call_is_not_called_repeated(plugins: PluginSet, engine: Engine) -> None:
    """Item 2: one call to the borrower is not 反复催收."""
    once = """incidents:
          - time: 2026-11-10 09:00
            medium: call
            from_number: 170 0000 0802
            target: {kind: borrower}"""
    for name, body in filings(documents(plugins, engine, borrower_case(lender=MICROLOAN, incidents=once))).items():
        assert "反复" not in body, name
        assert "多次" not in body, name
