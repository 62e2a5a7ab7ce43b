"""Issue 11 item 1: a filing is exactly what is submitted; advice, tool notes, unverified tags and the draft
disclaimer live in the channel's guide (办事指南), which also says where and how to submit, what to bring and what
proof to keep."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from jubao import Engine, PluginSet, load_case
from jubao.documents_api import Document, Note, Paragraph, Section, Table
from jubao.filing import DISCLAIMER, UNVERIFIED_MARK, separate_guidance
from jubao.plugins import build_documents, load_plugins
from tests.conftest import example_cases

TODAY = date(2026, 11, 23)
BUILT_IN = [
    "lender_complaint", "nfra_12378", "local_finance_bureau", "nifa", "miit_12321", "police", "cac_12377",
    "court_civil", "pboc_12363", "miit_12300", "samr_12315", "media", "app_store", "legal_aid_12348",
    "procuratorate_12309",
]  # fmt: skip
ADVICE = ("很可能不被支持", "请咨询", "请按法院要求调整", "提交前请", "jubao", "草稿", "不构成法律意见", "建议您")


@cache
def _plugins() -> PluginSet:
    return load_plugins()


@cache
def _sets(path: Path) -> dict[str, list[Document]]:
    case = load_case(path)
    with Engine(plugins=_plugins()) as engine:
        evaluation = engine.evaluate(case, today=TODAY)
    return {channel: build_documents(_plugins(), channel, case, evaluation) for channel in evaluation.route_ids()}


def _all_sets() -> list[tuple[str, str, list[Document]]]:
    return [(path.stem, channel, docs) for path in example_cases() for channel, docs in _sets(path).items()]


def test_filings_hold_no_note_no_unverified_tag_no_disclaimer_no_advice() -> None:
    checked = 0
    for case, channel, documents in _all_sets():
        for document in documents:
            if document.purpose != "filing":
                continue
            checked += 1
            where = f"{case}: {channel}/{document.id}"
            blocks = [block for section in document.sections for block in section.all_blocks()]
            assert not [b for b in blocks if isinstance(b, Note)], f"{where} still holds a note"
            text = document.text()
            assert UNVERIFIED_MARK not in text, where
            assert DISCLAIMER not in text, where
            for phrase in ADVICE:
                assert phrase not in text, f"{where} gives advice or names the tool: {phrase}"
    assert checked > 50


def test_every_channel_set_ends_with_one_guide_holding_the_disclaimer_and_the_moved_notes() -> None:
    for case, channel, documents in _all_sets():
        guides = [d for d in documents if d.purpose == "guide"]
        assert [d.id for d in guides] == ["guide"], f"{case}: {channel}"
        guide = guides[0]
        assert documents[-1] is guide
        text = guide.text()
        assert DISCLAIMER in text
        assert "提交途径" in text
        for document in documents[:-1]:
            assert f"《{document.title}》" in text, f"{case}: {channel} guide does not list {document.id}"
            for note in document.guidance:
                assert note.text in text, f"{case}: {channel}: {note.text[:20]}"
                assert note.where in text, f"{case}: {channel}: {note.where}"


def test_the_court_filings_notes_move_to_the_guide_with_where_they_apply() -> None:
    documents = _sets(example_cases()[0].parent / "credit-card-employer.yaml")["court_civil"]
    complaint = next(d for d in documents if d.id == "complaint_borrower")
    assert "法〔2025〕82号" not in complaint.text()
    guide = documents[-1].text()
    assert "法〔2025〕82号" in guide
    assert "《民事起诉状》" in guide
    preservation = next(d for d in documents if d.id == "preservation_pre_suit")
    assert "很可能不被支持" not in preservation.text()
    assert "很可能不被支持" in guide


@pytest.mark.parametrize("channel_id", BUILT_IN)
def test_every_channel_declares_how_to_submit_what_to_bring_and_what_proof_to_keep(channel_id: str) -> None:
    channel = _plugins().channels[channel_id]
    assert channel.filing, channel_id
    assert channel.bring, f"{channel_id} says nothing about what to bring"
    assert channel.proof, f"{channel_id} says nothing about what proof of submission to keep"


@pytest.mark.parametrize(
    ("channel_id", "kinds"),
    [
        ("lender_complaint", {"app", "phone", "post"}),
        ("samr_12315", {"phone", "web"}),
        ("cac_12377", {"phone", "web"}),
        ("court_civil", {"in_person", "mini_program"}),
    ],
)
def test_channels_offer_the_routes_people_actually_use(channel_id: str, kinds: set[str]) -> None:
    offered = {method.kind.value for method in _plugins().channels[channel_id].filing}
    assert kinds <= offered, f"{channel_id} lacks {kinds - offered}"


def test_separating_moves_notes_and_unverified_tags_with_their_place() -> None:
    document = Document(
        channel="x",
        id="letter",
        title="举报信",
        sections=[
            Section(blocks=[Note(text="提交前请向法院确认。"), Paragraph(text="被举报人：某公司")]),
            Section(
                heading="法律依据",
                blocks=[
                    Paragraph(text=f"违反《某办法》第八条{UNVERIFIED_MARK}的规定。"),
                    Table(header=["条文"], rows=[[f"《另一规定》第二条{UNVERIFIED_MARK}"]]),
                    Note(text=DISCLAIMER),
                ],
            ),
        ],
    )
    filing = separate_guidance(document)
    assert UNVERIFIED_MARK not in filing.text()
    assert "违反《某办法》第八条的规定。" in filing.text()
    assert [(n.kind, n.where, n.text) for n in filing.guidance] == [
        ("note", "《举报信》开头部分", "提交前请向法院确认。"),
        ("unverified", "《举报信》“法律依据”", "《某办法》第八条"),
        ("unverified", "《举报信》“法律依据”", "《另一规定》第二条"),
    ]
    assert DISCLAIMER not in filing.text()


def test_an_aid_keeps_its_notes() -> None:
    aid = Document(channel="x", title="通话要点", purpose="aid", sections=[Section(blocks=[Note(text="说话要慢")])])
    assert separate_guidance(aid) == aid
