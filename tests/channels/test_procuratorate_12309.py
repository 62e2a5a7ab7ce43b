"""The procuratorate channel (12309): 立案监督申请 after a police report, PIPL Art. 70 public-interest tips."""

from __future__ import annotations

from pathlib import Path

from jubao import load_case
from jubao.documents_api import Document, write_markdown
from jubao.engine import Engine
from jubao.loading import parse_case_text
from jubao.plugins import PluginSet, build_documents
from tests.channels.common import TODAY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
POLICE_REPORT = """
prior_complaints:
  - channel: police
    filed_on: 2026-01-08
    reference_number: HN-2026-0108-001
"""


def documents(plugins: PluginSet, engine: Engine, case) -> dict[str, Document]:  # type: ignore[no-untyped-def]
    docs = build_documents(plugins, "procuratorate_12309", case, engine.evaluate(case, today=TODAY))
    assert [doc.id for doc in docs] == ["clue_report", "guide"]
    assert docs[0].formats == ["docx", "md"]
    return {doc.id: doc for doc in docs}


def report(plugins: PluginSet, engine: Engine, case) -> Document:  # type: ignore[no-untyped-def]
    return documents(plugins, engine, case)["clue_report"]


def markdown(doc: Document) -> str:
    return write_markdown(doc).decode("utf-8")


def with_police_report(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8") + POLICE_REPORT


def test_many_contacts_without_police_report_is_a_public_interest_tip(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(report(plugins, engine, load_case(EXAMPLES / "consumer-finance-30-contacts.yaml")))
    assert text.startswith("# 个人信息保护公益诉讼线索材料")
    assert "《中华人民共和国个人信息保护法》第七十条" in text
    assert "立案监督" not in text
    assert "人数较少" not in text  # 30 contacts is the "many" bucket


def test_prior_police_report_asks_for_filing_supervision(plugins: PluginSet, engine: Engine) -> None:
    case = parse_case_text(with_police_report("unlicensed-714-threats.yaml"), fmt="yaml")
    text = markdown(report(plugins, engine, case))
    # 420 harvested contacts also route the case here as a public-interest tip: both requests, one document
    assert text.startswith("# 立案监督申请书（并反映个人信息保护公益诉讼线索）")
    assert "申请人于2026年1月8日向公安机关报案、控告（受案回执编号：HN-2026-0108-001）" in text
    assert "接受报案后至今未作出立案决定" in text
    assert "《中华人民共和国刑事诉讼法》第一百一十三条" in text
    assert "〔待核实〕" not in text  # the unverified mark is for the guide, not the filing
    assert "催收非法债务罪。《中华人民共和国刑法》第二百九十三条之一规定" in text
    assert "第七十条" in text


def test_supervision_without_criminal_characterisation_warns(plugins: PluginSet, engine: Engine) -> None:
    refused = "  - {channel: police, filed_on: 2026-10-20, reply_received: true, reply_summary: 认为属于经济纠纷}\n"
    text = (EXAMPLES / "credit-card-employer.yaml").read_text(encoding="utf-8")
    case = parse_case_text(text.replace("prior_complaints:\n", "prior_complaints:\n" + refused), fmt="yaml")
    docs = documents(plugins, engine, case)
    text = markdown(docs["clue_report"])
    assert text.startswith("# 立案监督申请书\n")
    assert "对公安机关不予立案的情况进行立案监督" in text
    assert "公安机关于【待补充：答复日期】作出答复：认为属于经济纠纷。" in text
    assert "没有得出涉嫌犯罪的结论" not in text  # the warning is guidance: it is in the guide
    assert "没有得出涉嫌犯罪的结论" in markdown(docs["guide"])
    assert "公益诉讼" not in text  # two contacts reached and no harvested list: not "many"


def test_contacts_names_and_numbers_never_appear(plugins: PluginSet, engine: Engine) -> None:
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    text = markdown(report(plugins, engine, case))
    for contact in case.contacts.reached:
        if contact.name:
            assert contact.name not in text
    assert "5555" not in text
    assert "0110" not in text
    assert "单位人事部联系人1的书面说明" in text  # evidence keeps its number, the name is masked
    guide = markdown(documents(plugins, engine, case)["guide"])
    assert "人数较少（2人）" in guide  # how weak a two-person tip is: guidance, in the guide
    assert "人数较少" not in text


def test_no_web_address_and_no_deadline_number(plugins: PluginSet, engine: Engine) -> None:
    channel = plugins.channels["procuratorate_12309"]
    assert all(f.address in (None, "12309") for f in channel.filing)
    assert all(f.status.value == "M" for f in channel.filing)
    assert [(d.id, d.length) for d in channel.deadlines] == [("procuratorate_reply", None)]
    docs = documents(plugins, engine, load_case(EXAMPLES / "online-microloan-doctored-images.yaml"))
    text = markdown(docs["clue_report"])
    assert "http" not in text
    assert "12309.gov.cn" not in text
    # no deadline is claimed; saying so is guidance, in the guide
    assert "没有找到规定检察机关答复期限" not in text
    assert "没有找到规定检察机关答复期限" in markdown(docs["guide"])


def test_missing_fields_are_listed_with_case_paths(plugins: PluginSet) -> None:
    channel = plugins.channels["procuratorate_12309"]
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    assert [m.path for m in channel.missing(case)] == ["reporter.id_number"]


def test_a_credit_card_debt_is_a_cardholders_not_a_loan(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(report(plugins, engine, load_case(EXAMPLES / "credit-card-employer.yaml")))
    assert "线索提供人是示例银行股份有限公司信用卡中心发行的信用卡的持卡人，欠款本金人民币48,000元。" in text
    assert "借款本金" not in text
    assert "的借款人" not in text.split("## 二、事实与理由")[1].split("经过如下")[0]


def test_the_filing_states_no_consent_and_no_evidence_the_case_does_not_hold(
    plugins: PluginSet, engine: Engine
) -> None:
    case = parse_case_text(with_police_report("unlicensed-714-threats.yaml"), fmt="yaml")
    text = markdown(report(plugins, engine, case))
    assert "没有同意" not in text  # the contacts' consent is not in the case (contact_list_consent is unknown)
    assert "已向公安机关提供相应证据" not in text
    assert "申请人陈述" in text or "报告人陈述" in text  # notes are quoted as the reporter's account
