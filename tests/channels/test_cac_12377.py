"""cac_12377: the 个人信息保护投诉举报书 to 12377 / a provincial 网信 office, through the plugin entry points."""

from __future__ import annotations

from typing import Any

from jubao.case import Case
from jubao.engine import Engine
from jubao.plugins import PluginSet
from tests.channels.common import TODAY, example

CHANNEL = "cac_12377"


def test_app_case_is_routed_and_gets_the_complaint(engine: Engine, draft: Any) -> None:
    case = example("consumer-finance-30-contacts.yaml")
    assert "cac_12377" in [route.channel for route in engine.evaluate(case, today=TODAY).routes]
    docs = draft(case)
    assert list(docs) == ["pi_complaint", "guide"]
    text = docs["pi_complaint"].text()
    assert docs["pi_complaint"].title == "个人信息保护投诉举报书"
    assert "“示例花”App" in text
    assert "示例消费金融有限公司" in text
    assert "约312条" in text  # harvested list size, when known
    assert "从未授权该 App 读取手机通讯录" in text  # contact_list_consent: no
    assert "30名联系人" in text
    assert "《中华人民共和国个人信息保护法》第六十五条第一款" in text  # the complaint right; tell me the result
    assert "《中华人民共和国个人信息保护法》第二十三条" not in text  # no agency named, no provision alleged
    assert "《常见类型移动互联网应用程序必要个人信息范围规定》" in text
    assert "《常见类型移动互联网应用程序必要个人信息范围规定》：条文序号或措辞尚未经官方文本核实" in (
        docs["guide"].text()
    )  # status U: flagged in the guide
    assert "中央网信办违法和不良信息举报中心" in text


def test_penalty_and_duties_are_cited_from_the_statute_library(draft: Any) -> None:
    doc = draft(example("consumer-finance-30-contacts.yaml"))["pi_complaint"]
    text = doc.text()
    assert "《中华人民共和国个人信息保护法》第六十六条" in text
    assert "第六十六条〔待核实〕" not in text  # verified wording: not flagged
    assert "责令暂停或者终止提供服务" in text
    assert "第六十一条" in text
    assert "第六条第二款" in text
    cited = next(s for s in doc.sections if s.heading == "所引法律文件")
    listed = " ".join(cited.all_blocks()[0].items)
    assert "《中华人民共和国个人信息保护法》第六十六条（2021年11月1日起施行）" in listed


def test_contacts_are_named_by_relation_only(draft: Any) -> None:
    data = example("credit-card-employer.yaml").model_dump()
    data["contacts"]["reached"][1].update(name="司马同事", phone="139 0000 0999")
    doc = draft(Case.model_validate(data))["pi_complaint"]
    text = doc.text()
    assert "持卡人的单位/雇主" in text  # a credit card
    assert "持卡人的同事" in text
    for secret in ("赵人事）", "司马同事", "139 0000 0999", "010 5555 0110"):
        assert secret not in text


def test_group_chat_exposure_adds_a_request_and_a_reason(draft: Any) -> None:
    text = draft(example("online-microloan-doctored-images.yaml"))["pi_complaint"].text()
    assert "依法处置催收人员在群聊、社交平台发布的侵害他人名誉、隐私的信息" in text
    assert "见上文第1项" in text
    assert "发送P图" in text
    assert "借款人对读取通讯录的授权，不能代替联系人本人的同意" in text  # contact_list_consent: yes


def test_without_an_app_the_complaint_is_about_the_processor(draft: Any) -> None:
    doc = draft(example("credit-card-employer.yaml"))["pi_complaint"]
    text = doc.text()
    assert "被投诉举报人（个人信息处理者）：示例银行股份有限公司信用卡中心" in text
    assert "App 名称" not in doc.blanks()
    assert "必要个人信息范围规定" not in text
    assert "2026年11月20日" in text
    assert "至今未收到答复" in text


def test_contact_reporter_complains_about_their_own_number(draft: Any, plugins: PluginSet, engine: Engine) -> None:
    case = example("contact-harassed.yaml")
    doc = draft(case)["pi_complaint"]
    assert "投诉举报人是借款人周某的同事，不是借款合同的当事人" in doc.text()
    assert "App 运营者全称（见 App“关于我们”、隐私政策或借款合同）" in doc.blanks()
    missing = plugins.channels[CHANNEL].missing(case, engine.evaluate(case, today=TODAY))
    assert [m.path for m in missing] == ["lender.name"]


def test_deadline_is_promptly_with_no_number(plugins: PluginSet) -> None:
    (deadline,) = plugins.channels[CHANNEL].deadlines
    assert deadline.length is None
    assert deadline.unit is None
    assert deadline.basis[0].article == "第六十五条第一款"
    assert deadline.basis[0].status == "V"
    filing = {(f.kind, f.address) for f in plugins.channels[CHANNEL].filing}
    assert {("web", "www.12377.cn"), ("email", "jubao@12377.cn"), ("phone", "12377")} <= filing


# --- issue 11: entrustment (item 9), facts only from the case (item 2), roles (item 3), privacy (item 12) ---------


def test_an_agency_collecting_for_a_bank_processes_data_on_entrustment_not_provision(draft: Any) -> None:
    text = draft(example("credit-card-employer.yaml"))["pi_complaint"].text()
    assert "该机构委托深圳市示例商务咨询有限公司催收的，依《中华人民共和国个人信息保护法》第二十一条第一款" in text
    assert "《中华人民共和国个人信息保护法》第二十一条第二款" in text
    assert "第二十三条" not in text
    assert "单独同意" not in text
    assert "提供给" not in text


def test_never_consented_is_said_only_when_the_case_says_so(draft: Any) -> None:
    text = draft(example("credit-card-employer.yaml"))["pi_complaint"].text()  # consent: unknown
    assert "从未" not in text
    assert "也没有同意" not in text
    assert "从未授权该 App 读取手机通讯录" in draft(example("consumer-finance-30-contacts.yaml"))["pi_complaint"].text()


def test_where_the_contacts_came_from_is_left_open_when_the_list_was_not_shown_to_be_read(draft: Any) -> None:
    text = draft(example("all-2025-microloan.yaml"))["pi_complaint"].text()  # consent unknown, list size unknown
    assert "将读取的通讯录信息用于催收" not in text
    assert "可能来自该 App 读取的手机通讯录，也可能来自投诉举报人借款时填写的联系人信息" in text
    assert "通讯录中的2名联系人" not in text
    assert "联系了投诉举报人的2名联系人（家人、朋友）" in text


def test_a_contact_describes_only_what_reached_them(draft: Any) -> None:
    text = draft(example("contact-platform-consumer-finance.yaml"))["pi_complaint"].text()
    assert "联系投诉举报人共1次" in text
    assert "群组或公开受众" not in text  # the group blast to 40 people is not this contact's to report
    assert "对方通过短信（170 0000 0922）联系投诉举报人" in text
    assert "从未同意" not in text
    assert "该号码可能来自借款人的手机通讯录或借款人借款时填写的联系人信息" in text


def test_notes_are_quoted_as_the_reporters_account(draft: Any) -> None:
    text = draft(example("all-2025-microloan.yaml"))["pi_complaint"].text()
    assert "报告人陈述：“打给我爸爸，骂我是‘老赖’”" in text
    assert "内容：打给我爸爸" not in text


def test_no_deletion_is_asked_of_an_agency_nobody_named(draft: Any) -> None:
    text = draft(example("consumer-finance-30-contacts.yaml"))["pi_complaint"].text()
    assert "委托的催收机构" not in text
    assert "删除没有合法依据处理的联系人个人信息" in text


def test_a_credit_card_holder_is_not_called_a_borrower(draft: Any) -> None:
    text = draft(example("credit-card-employer.yaml"))["pi_complaint"].text()
    assert "投诉举报人是示例银行股份有限公司信用卡中心发行的信用卡的持卡人" in text
    assert "持卡人本人" in text
    assert "借款" not in text


def test_the_guide_says_what_to_bring_and_what_proof_to_keep(draft: Any) -> None:
    guide = draft(example("consumer-finance-30-contacts.yaml"))["guide"].text()
    assert "App 下载页或隐私政策截图" in guide
    assert "提交成功页面截图" in guide
    assert "电话（12377）" in guide
    assert "www.12377.cn" in guide


def test_contact_names_in_free_text_never_reach_the_cyberspace_regulator(draft: Any) -> None:
    for document in draft(example("credit-card-employer.yaml")).values():
        assert "赵人事" not in document.text(), document.id
        assert "5555 0110" not in document.text(), document.id
