"""The 12348 legal-aid channel: a phone script (通话要点), through the plugin entry points."""

from __future__ import annotations

from pathlib import Path

from jubao import load_case
from jubao.case import Case
from jubao.documents_api import Document, write_markdown, write_text
from jubao.drafting import zh_phone
from jubao.engine import Engine
from jubao.plugins import PluginSet, build_documents
from tests.channels.common import TODAY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def notes(plugins: PluginSet, engine: Engine, case: Case) -> Document:
    docs = build_documents(plugins, "legal_aid_12348", case, engine.evaluate(case, today=TODAY))
    assert [doc.id for doc in docs] == ["call_notes", "guide"]
    assert docs[0].purpose == "aid"
    return docs[0]


def all_examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.y*ml")) + sorted(EXAMPLES.glob("*.json"))


def test_one_phone_script_in_text_and_markdown(plugins: PluginSet, engine: Engine) -> None:
    doc = notes(plugins, engine, load_case(EXAMPLES / "credit-card-employer.yaml"))
    assert doc.formats == ["txt", "md"]
    text = write_text(doc).decode("utf-8")
    assert text.startswith("12348 法律援助热线通话要点")
    for heading in ("开场", "案情要点", "想问的问题", "需要准备的材料"):
        assert heading in text
    assert "法律援助的条件" in text
    assert "起诉状" in text
    assert "共14次（电话14次）" in text


def test_no_binding_clock(plugins: PluginSet, engine: Engine) -> None:
    channel = plugins.channels["legal_aid_12348"]
    assert channel.deadlines == []
    phone = channel.filing[0]
    assert (phone.kind, phone.address, phone.status) == ("phone", "12348", "S")
    text = write_markdown(notes(plugins, engine, load_case(EXAMPLES / "contact-harassed.yaml"))).decode("utf-8")
    assert "没有法定的答复期限" in text


def test_the_script_never_names_the_contacts(plugins: PluginSet, engine: Engine) -> None:
    for path in all_examples():
        case = load_case(path)
        text = write_markdown(notes(plugins, engine, case)).decode("utf-8")
        for contact in case.contacts.reached:
            if contact.name:
                assert contact.name not in text, path
            if contact.phone:
                assert zh_phone(contact.phone) not in text, path
                assert contact.phone not in text, path
        if case.borrower and case.borrower.name:  # a contact calling: the borrower's name is not needed either
            assert case.borrower.name not in text, path


def test_ongoing_harassment_asks_about_injunctions(plugins: PluginSet, engine: Engine) -> None:
    recent = write_markdown(notes(plugins, engine, load_case(EXAMPLES / "contact-harassed.yaml"))).decode("utf-8")
    assert "近期仍在发生，能否帮我申请诉前或诉中行为保全、人格权侵害禁令" in recent
    assert "我不是借款人，是借款人的同事" in recent
    old = write_markdown(notes(plugins, engine, load_case(EXAMPLES / "credit-card-employer.yaml"))).decode("utf-8")
    assert "最近没有新的骚扰" in old
    assert "我有1位联系人也被骚扰、愿意维权" in old


def test_missing_city_is_listed(plugins: PluginSet) -> None:
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    channel = plugins.channels["legal_aid_12348"]
    assert channel.missing(case) == []
    data = case.model_dump()
    data["reporter"]["region"] = {"province": "广东省"}
    assert [m.path for m in channel.missing(Case.model_validate(data))] == ["reporter.region.city"]


def test_past_the_public_order_limitation_the_script_asks_about_a_criminal_report_only(
    plugins: PluginSet, engine: Engine
) -> None:
    case = load_case(EXAMPLES / "unlicensed-714-threats.yaml")  # conduct ended 2026-01-06; evaluated in November
    text = write_markdown(notes(plugins, engine, case)).decode("utf-8")
    assert "治安处罚的追究时效可能已过；对方的行为可能涉嫌犯罪" in text
    assert "可能违反治安管理处罚法" not in text


def test_a_contact_states_only_what_the_case_holds(plugins: PluginSet, engine: Engine) -> None:
    text = write_markdown(notes(plugins, engine, load_case(EXAMPLES / "contact-harassed.yaml"))).decode("utf-8")
    assert "我不是借款人，也不是担保人。" in text
    assert "没有同意" not in text  # whether the contact ever agreed is not in the case
    borrower = write_markdown(notes(plugins, engine, load_case(EXAMPLES / "credit-card-employer.yaml"))).decode()
    assert "通讯录" not in borrower.split("## 想问的问题")[0]  # numbers may come from the application, not the list
