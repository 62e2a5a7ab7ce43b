"""The police channel (110 / 派出所): the 控告书 and the 办事须知, through the plugin entry points."""

from __future__ import annotations

from pathlib import Path

from jubao import load_case
from jubao.documents_api import Document, write_markdown, write_text
from jubao.engine import Engine
from jubao.loading import parse_case_text
from jubao.plugins import PluginSet, build_documents
from tests.channels.common import TODAY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def documents(plugins: PluginSet, engine: Engine, case) -> dict[str, Document]:  # type: ignore[no-untyped-def]
    evaluation = engine.evaluate(case, today=TODAY)
    return {doc.id: doc for doc in build_documents(plugins, "police", case, evaluation)}


def markdown(doc: Document) -> str:
    return write_markdown(doc).decode("utf-8")


def example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def test_every_example_gets_a_complaint_and_notes(plugins: PluginSet, engine: Engine) -> None:
    for path in sorted(EXAMPLES.glob("*.y*ml")) + sorted(EXAMPLES.glob("*.json")):
        docs = documents(plugins, engine, load_case(path))
        assert set(docs) == {"complaint", "procedure_notes"}, path
        assert docs["complaint"].formats == ["docx", "md"]
        assert docs["procedure_notes"].formats == ["txt", "md"]
        assert write_text(docs["procedure_notes"]).strip()


def test_credit_card_complaint_parties_claims_and_2026_law(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(documents(plugins, engine, load_case(EXAMPLES / "credit-card-employer.yaml"))["complaint"])
    assert text.startswith("# 控告书")
    # parties: the bank, the named agency, and the unidentified people behind the numbers
    assert "被控告人一：示例银行股份有限公司信用卡中心" in text
    assert "被控告人二：深圳市示例商务咨询有限公司（催收机构，受示例银行信用卡中心委托）" in text
    assert "使用电话号码170 0000 0201、170 0000 0202实施催收的人员（真实姓名和身份不明" in text
    # claims: receipt, 治安 penalty under the 2025 revision (conduct in October 2026), no-contact order
    assert "出具受案回执" in text
    assert "《中华人民共和国治安管理处罚法》第五十条第一款第（五）项" in text
    assert "《中华人民共和国治安管理处罚法》第五十条第二款的规定，责令被控告人及其催收人员在一定期限内禁止接触" in text
    assert "第四十二条" not in text
    assert "立案侦查" not in text  # no criminal characterisation for this case
    # the contacts list is for the police: names and numbers appear
    assert "| 1 | 单位/雇主 | 赵人事 | 010 5555 0110 | 3 | 2026年10月14日 |" in text
    # evidence numbering matches the case order and the timeline
    assert "| 证据1 | 中国移动营业厅打印的" in text
    assert "| 证据3 | 单位人事部赵人事的书面说明" in text
    assert "| 2 | 2026年10月14日 15:20 | 电话 | 170 0000 0202 | 借款人的单位/雇主（赵人事） | 3 |" in text
    assert "证据1、证据3" in text
    assert text.rstrip().endswith("2026年11月23日</p>")


def test_2025_conduct_cites_old_article_42_and_no_no_contact_order(plugins: PluginSet, engine: Engine) -> None:
    text = example("credit-card-employer.yaml").replace("2026-10-1", "2025-10-1")
    doc = documents(plugins, engine, parse_case_text(text, fmt="yaml"))["complaint"]
    body = markdown(doc)
    assert "《中华人民共和国治安管理处罚法》第四十二条第（五）项" in body
    assert "第五十条" not in body
    assert "禁止接触" not in body


def test_criminal_report_names_offences_with_articles(plugins: PluginSet, engine: Engine) -> None:
    docs = documents(plugins, engine, load_case(EXAMPLES / "unlicensed-714-threats.yaml"))
    text = markdown(docs["complaint"])
    claim = next(line for line in text.splitlines() if "请依法立案侦查，追究刑事责任" in line)
    assert "催收非法债务罪（《中华人民共和国刑法》第二百九十三条之一）" in claim
    assert "非法经营罪（《中华人民共和国刑法》第二百二十五条第（四）项）" in claim
    # not yet in the statute library: plain text, flagged
    assert "《中华人民共和国刑法》第二百八十条第一款〔待核实〕" in claim
    assert "《公安机关办理刑事案件程序规定》第一百七十一条" in text  # criminal receipt
    assert "不予立案通知书" in text
    # conduct runs across 2026-01-01: the transitional rule is cited, the no-contact order requested
    assert "《中华人民共和国行政处罚法》第三十七条" in text
    assert "第五十条第二款" in text
    # unknown operator of the App: a visible blank, never a guess
    assert "【待补充：运营公司全称" in text
    notes = markdown(docs["procedure_notes"])
    assert "申请复议" in notes
    assert "《中华人民共和国刑事诉讼法》第一百一十三条〔待核实〕" in notes


def test_insult_in_group_chat_is_private_prosecution_not_a_filing_request(plugins: PluginSet, engine: Engine) -> None:
    text = markdown(
        documents(plugins, engine, load_case(EXAMPLES / "online-microloan-doctored-images.yaml"))["complaint"]
    )
    assert "《中华人民共和国刑法》第二百四十六条" in text
    assert "告诉的才处理" in text
    assert "自诉" in text
    assert "请依法立案侦查，追究刑事责任" not in text


def test_procedure_notes_take_every_number_from_channel_data(plugins: PluginSet, engine: Engine) -> None:
    channel = plugins.channels["police"]
    deadlines = {d.id: d for d in channel.deadlines}
    notes = markdown(documents(plugins, engine, load_case(EXAMPLES / "credit-card-employer.yaml"))["procedure_notes"])
    assert f"| 治安案件受案审查 | {deadlines['admin_acceptance_review'].length}小时" in notes
    assert f"| 对不予立案申请复议 | {deadlines['criminal_reconsideration_request'].length}日 |" in notes
    assert f"| 对公安机关不作为申请行政复议 | {deadlines['admin_review_application'].length}日 |" in notes
    assert f"{deadlines['admin_suit_inaction'].length}个月" in notes
    assert f"| 治安违法追究时效 | {deadlines['public_order_limitation'].length}个月 |" in notes
    # the 2025 law's article for the limitation is unverified: flagged
    assert "| 《中华人民共和国治安管理处罚法》〔待核实〕 |" in notes
    assert "本案目前记录的最后一次行为发生在2026年10月16日" in notes
    # what to bring, including the evidence by number
    assert "证据2：2026-10-15 22:40 通话录音" in notes


def test_deadlines_declare_basis_and_status(plugins: PluginSet) -> None:
    channel = plugins.channels["police"]
    ids = {d.id for d in channel.deadlines}
    assert {
        "admin_acceptance_review", "criminal_filing_review", "criminal_reconsideration_request",
        "public_order_case_handling", "public_order_limitation", "admin_review_application", "admin_suit_inaction",
    } <= ids  # fmt: skip
    limitation = next(d for d in channel.deadlines if d.id == "public_order_limitation")
    assert {b.status.value for b in limitation.basis} == {"V", "U"}  # old law verified, new number not
    web = next(f for f in channel.filing if f.kind.value == "web")
    assert web.status.value == "U"


def test_missing_fields_are_listed_with_case_paths(plugins: PluginSet, engine: Engine) -> None:
    channel = plugins.channels["police"]
    case = load_case(EXAMPLES / "unlicensed-714-threats.yaml")
    assert [m.path for m in channel.missing(case)] == ["reporter.id_number", "reporter.address"]
    complaint = documents(plugins, engine, case)["complaint"]
    assert "身份证号码" in complaint.blanks()
    assert "住址" in complaint.blanks()
