"""miit_12321: one 12321 report per harassing number and per person, through the plugin entry points."""

from __future__ import annotations

from typing import Any

from jubao import load_case
from jubao.case import Case
from jubao.documents_api import write_markdown
from jubao.plugins import PluginSet
from tests.conftest import EXAMPLES

CHANNEL = "miit_12321"
CREDIT_CARD = EXAMPLES / "credit-card-employer.yaml"
CONTACT = EXAMPLES / "contact-harassed.yaml"
THIRTY = EXAMPLES / "consumer-finance-30-contacts.yaml"


def test_one_report_per_collector_number_and_a_version_for_the_willing_contact(draft: Any) -> None:
    docs = draft(load_case(CREDIT_CARD))
    # two collector numbers → two reports; HR (contact 1, willing) was called from the second number only
    assert list(docs) == ["report_1", "report_2", "contact_1_report_2", "guide"]
    assert [docs[i].payload["被举报号码"] for i in ("report_1", "report_2")] == ["17000000201", "17000000202"]
    for doc in (d for d in docs.values() if d.purpose == "filing"):
        assert doc.formats == ["json", "md"]
        assert doc.payload["类别"] == "骚扰电话"
        assert doc.payload["_说明"]


def test_form_fields_follow_the_wechat_flow_and_description_template(draft: Any) -> None:
    report = draft(load_case(CREDIT_CARD))["report_1"]
    assert list(report.payload) == ["举报人手机号", "被举报号码", "类别", "通话时间", "通话时长", "描述", "_说明"]
    assert report.payload["举报人手机号"] == "13800000101"
    assert report.payload["通话时间"] == "首次：2026年10月12日 10:05；最近一次：2026年10月15日 22:40"
    assert report.payload["通话时长"] == "【待补充：通话时长（见通话记录）】"  # not in the case: a visible blank
    description = report.payload["描述"]
    assert description.startswith(
        "催收方以“示例银行信用卡中心”名义，于2026年10月12日 10:05起使用该号码向本人拨打电话10次"
    )
    assert "第一千零三十三条" in description
    # the JSON and the readable version say the same thing
    assert description in write_markdown(report).decode()


def test_contacts_are_counted_not_named_in_the_borrowers_reports(draft: Any) -> None:
    docs = draft(load_case(CREDIT_CARD))
    report = docs["report_2"]
    assert "向本人的2名联系人（单位/雇主、同事）拨打电话4次" in report.payload["描述"]
    for doc_id in ("report_1", "report_2"):
        text = docs[doc_id].text()
        assert "赵人事" not in text  # the HR contact's name (also inside evidence descriptions)
        assert "5555 0110" not in text
        assert "55550110" not in text


def test_contact_version_is_in_the_contacts_own_words_with_no_one_elses_data(draft: Any) -> None:
    version = draft(load_case(CREDIT_CARD))["contact_1_report_2"]
    text = version.text()
    assert "赵人事" in text  # their own filing
    assert "王晓明" not in text  # nothing the borrower wrote (notes), no borrower name
    assert "同事" not in text  # nothing about the other contact
    assert "证据" not in version.payload["描述"]
    assert version.payload["描述"].startswith("本人不是借款人（与借款人的关系：单位/雇主），与该笔借款无关。")
    # the HR number is the employer's landline: called so, never a mobile; the form needs the contact's own mobile
    assert "向本人所在单位的固定电话（010 5555 0110）拨打电话3次" in version.payload["描述"]
    assert version.payload["举报人手机号"] == "【待补充：您本人的手机号（用于接收验证码）】"
    assert "被叫号码：010 5555 0110（本人所在单位的固定电话）" in text


def test_every_willing_contact_gets_a_version_even_without_a_known_number(draft: Any) -> None:
    docs = draft(load_case(THIRTY))
    assert list(docs) == [
        "report_1", "report_2", "sms_forward", "contact_1_report_2", "contact_2_report", "contact_3_report_1",
        "guide",
    ]  # fmt: skip
    unknown = docs["contact_2_report"]  # the husband: the case does not say which number reached him
    assert unknown.payload["被举报号码"] == "【待补充：被举报号码（来电或发短信的号码）】"
    assert "本案已知的催收号码：106900000301、170 0000 0302" in docs["guide"].text()  # advice: in the guide
    assert docs["contact_3_report_1"].payload["类别"] == "垃圾短信"


def test_sms_forward_only_when_there_are_sms_incidents(draft: Any) -> None:
    docs = draft(load_case(THIRTY))
    forward = docs["sms_forward"]
    assert forward.formats == ["txt", "md"]
    text = forward.text()
    assert "举报垃圾短信：号码106900000301自2026年11月3日起发送催收短信（共31条）" in text
    assert "陈静" not in text  # worded so that anyone who received it can send it
    assert "sms_forward" not in draft(load_case(CREDIT_CARD))


def test_contact_reporter_files_own_version_only(draft: Any) -> None:
    docs = draft(load_case(CONTACT))
    assert list(docs) == ["report_1", "report_2", "guide"]
    first, second = docs["report_1"].payload, docs["report_2"].payload
    assert first["举报人手机号"] == second["举报人手机号"] == "13800000601"
    assert first["描述"].startswith("本人不是借款人（与借款人的关系：同事），与该笔借款无关。")
    assert "向本人拨打电话8次" in first["描述"]
    assert "要求本人代为还款" in first["描述"]
    assert second["通话时长"] == "未接听"  # every call from that number went unanswered


def test_no_report_without_calls_sms_or_numbers(draft: Any) -> None:
    assert draft(load_case(EXAMPLES / "guarantee-company-visit.json")) == {}


def test_documents_say_there_is_no_statutory_deadline(draft: Any, plugins: PluginSet) -> None:
    assert plugins.channels[CHANNEL].deadlines == []
    guide = draft(load_case(CREDIT_CARD))["guide"].text()
    assert "12321 的办理没有法定期限" in guide
    assert "未经核实" in guide


def test_filing_methods_are_the_references(plugins: PluginSet) -> None:
    channel = plugins.channels[CHANNEL]
    assert [(m.kind.value, m.address) for m in channel.filing] == [
        ("web", "www.12321.cn"), ("wechat", "12321举报中心"), ("app", "12321举报助手"), ("sms", "12321"),
        ("phone", "010-12321"), ("email", "abuse@12321.cn"),
    ]  # fmt: skip
    assert {m.status.value for m in channel.filing} == {"S"}
    assert "网信" not in channel.authority.zh.replace("不属于网信部门", "")
    assert all("10086999" not in (m.address or "") for m in channel.filing)  # carrier channels only as notes


def test_missing_lists_the_case_paths(plugins: PluginSet) -> None:
    channel = plugins.channels[CHANNEL]
    assert channel.missing(load_case(CREDIT_CARD)) == []
    data = load_case(CREDIT_CARD).model_dump(mode="json", exclude_none=True)
    del data["reporter"]["phone"]
    for incident in data["incidents"]:
        del incident["from_number"]
    paths = [m.path for m in channel.missing(Case.model_validate(data))]
    assert paths == ["reporter.phone", "incidents[].from_number"]


# --- issue 11 items 1, 2, 12: the reports are what is submitted; advice goes to the guide --------------------------

ADVICE = ("提交方式", "办理说明", "案件文件", "prior_complaints", "jubao", "建议", "请保存", "另请准备", "请在您本人")


def test_reports_and_the_sms_text_hold_no_advice_and_do_not_name_the_tool(draft: Any) -> None:
    for path in (CREDIT_CARD, THIRTY, CONTACT):
        for doc in draft(load_case(path)).values():
            if doc.purpose != "filing":
                continue
            text = doc.text()
            assert not [phrase for phrase in ADVICE if phrase in text], f"{path.name}: {doc.id}"
            assert "〔待核实〕" not in text
            assert [s.heading for s in doc.sections if s.heading in ("提交方式", "办理说明")] == []


def test_the_advice_reaches_the_guide_once_with_where_it_applies(draft: Any) -> None:
    docs = draft(load_case(THIRTY))
    guide = docs["guide"].text()
    assert guide.count("12321 把举报转交电信运营商核查处置") == 1
    assert "记入案件文件的 prior_complaints（channel 填 miit_12321）" in guide
    assert "《转发至 12321 的短信举报》开头部分：转发方法：在收到催收短信的手机上长按原短信" in guide
    assert "10086999" in guide
    assert "10086999" not in docs["sms_forward"].text()
    forward = docs["sms_forward"].text()
    assert "jubao" not in forward
    assert "操作步骤" not in forward
    assert "举报垃圾短信：号码106900000301" in forward  # the text to send stays


def test_the_reports_do_not_say_the_numbers_came_from_the_address_book(draft: Any) -> None:
    for doc in draft(load_case(CREDIT_CARD)).values():
        if doc.purpose == "filing":
            assert "通讯录" not in doc.text(), doc.id  # the case does not say where the collectors got them
