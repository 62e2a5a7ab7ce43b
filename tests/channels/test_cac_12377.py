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
    assert list(docs) == ["pi_complaint"]
    text = docs["pi_complaint"].text()
    assert docs["pi_complaint"].title == "个人信息保护投诉举报书"
    assert "“示例花”App" in text
    assert "示例消费金融有限公司" in text
    assert "约312条" in text  # harvested list size, when known
    assert "从未授权该 App 读取手机通讯录" in text  # contact_list_consent: no
    assert "30名联系人" in text
    assert "《中华人民共和国个人信息保护法》第六十五条第一款" in text  # the complaint right; tell me the result
    assert "《中华人民共和国个人信息保护法》第二十三条" in text
    assert "单独同意" in text
    assert "《常见类型移动互联网应用程序必要个人信息范围规定》〔待核实〕" in text  # status U: flagged
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
    assert "借款人的单位/雇主" in text
    assert "借款人的同事" in text
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
