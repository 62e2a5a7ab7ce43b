"""Layout of every document jubao writes (issue 11, item 13), in Markdown and DOCX: numbers run 1, 2, 3 … without
gaps or restarts; table rows never split across pages and tables have no empty header; the attachments (附：…)
come after the signature and date; a page break cannot leave the signature block, or its date, alone on a page.

The first half renders every document of every example (filings, guides, evidence lists, the index) and checks
the written files; the second half checks the writers and the markup on small hand-made documents.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any
from xml.etree import ElementTree

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from pydantic import ValidationError

from jubao import Engine, PluginSet, load_case
from jubao.context import drafting_context
from jubao.documents import build_document_set
from jubao.documents_api import (
    Document,
    NumberedList,
    Paragraph,
    Section,
    Signature,
    Table,
    _chinese_ordinal,
    numbered_sections,
    write_markdown,
    write_text,
)
from jubao.docx_writer import docx_outline, write_docx
from jubao.drafting import _finalize, render_core_template
from jubao.evidence import fingerprint
from jubao.markup import MarkupError, parse_markup
from jubao.plugins import build_documents
from tests.conftest import DATA, example_cases

TODAY = date(2026, 11, 23)
CREATED = datetime(2026, 11, 23, 9, 0).astimezone()
CASES = [*example_cases(), *sorted((DATA / "doc_cases").glob("*.yaml"))]
ATTACHMENT = re.compile(r"^(另附|附件|附)[：:]")
ITEM = re.compile(r"^(\d+)\. ")


@dataclass
class Written:
    """One case's output: the documents as built (before writing) and every file of its document set."""

    documents: list[Document]
    files: dict[str, bytes]


@pytest.fixture(scope="module")
def written(plugins: PluginSet, engine: Engine) -> dict[str, Written]:
    out = {}
    for path in CASES:
        case = load_case(path)
        evaluation = engine.evaluate(case, today=TODAY)
        documents = [
            document
            for channel in evaluation.route_ids()
            for document in build_documents(plugins, channel, case, evaluation)
        ]
        prints = {p.id: p for p in fingerprint(case, path.parent)}
        context = drafting_context(plugins, None, case, evaluation)
        evidence_list = render_core_template("evidence_list", context, document_id="evidence_list", fingerprints=prints)
        documents.append(evidence_list)
        document_set = build_document_set(case, evaluation, plugins, base_dir=path.parent, created=CREATED)
        out[path.stem] = Written(documents, {f.path: f.data for f in document_set.files})
    return out


def _files(written: dict[str, Written], suffix: str) -> Iterator[tuple[str, bytes]]:
    for case, result in written.items():
        for name, data in result.files.items():
            if name.endswith(suffix):
                yield f"{case}/{name}", data


def _docx_body(data: bytes) -> list[Any]:
    """The body's paragraphs and tables, read straight from the XML (python-docx's loader is slow for 700 files)."""
    with zipfile.ZipFile(BytesIO(data)) as package:
        root = ElementTree.fromstring(package.read("word/document.xml"))
    body = root.find(qn("w:body"))
    assert body is not None
    return list(body)


def _text(element: Any) -> str:
    return "".join(node.text or "" for node in element.iter(qn("w:t")))


def _has(element: Any, path: str) -> bool:
    return element.find(path) is not None


# --- every document of every example ----------------------------------------------------------------------------


def test_numbered_items_run_1_2_3_without_gaps_or_restarts_in_every_markdown_file(
    written: dict[str, Written],
) -> None:
    checked = 0
    for name, data in _files(written, ".md"):
        previous: int | None = None  # the number of the item above, blank lines between items ignored
        for number, line in enumerate(data.decode().split("\n"), start=1):
            match = ITEM.match(line)
            if match:
                current = int(match.group(1))
                expected = 1 if previous is None else previous + 1
                assert current == expected, f"{name}:{number}: item {current} where {expected} belongs: {line[:40]}"
                previous, checked = current, checked + 1
            elif line.strip():
                previous = None
    assert checked > 500


def test_section_headings_are_numbered_consecutively_in_markdown_and_docx(written: dict[str, Written]) -> None:
    for name, data in _files(written, ".md"):
        headings = [line[3:].split("、", 1)[0] for line in data.decode().split("\n") if line.startswith("## ")]
        assert headings == [_chinese_ordinal(i) for i in range(1, len(headings) + 1)], name
    for name, data in _files(written, ".docx"):
        lines = [line.split("] ", 1)[1] for line in docx_outline(data).split("\n") if line.startswith("[Heading 1]")]
        numbers = [line.split("、", 1)[0] for line in lines]
        assert numbers == [_chinese_ordinal(i) for i in range(1, len(lines) + 1)], name


def test_numbered_paragraphs_in_docx_follow_one_another(written: dict[str, Written]) -> None:
    for name, data in _files(written, ".docx"):
        previous: int | None = None
        for element in _docx_body(data):
            if element.tag != qn("w:p") or not _text(element):
                continue
            match = ITEM.match(_text(element))
            current = int(match.group(1)) if match else None
            if current is not None:
                expected = 1 if previous is None else previous + 1
                assert current == expected, f"{name}: item {current} where {expected} belongs: {_text(element)[:40]}"
            previous = current


def test_the_index_numbers_suggested_steps_without_gaps(written: dict[str, Written]) -> None:
    for case, result in written.items():
        steps = [int(step) for step in re.findall(r"建议顺序第(\d+)步", result.files["index.md"].decode())]
        assert steps, case
        assert sorted(set(steps)) == list(range(1, max(steps) + 1)), f"{case}: steps {steps}"
        assert steps == sorted(steps), f"{case}: steps out of order {steps}"


def test_no_docx_table_row_splits_across_pages_and_headers_repeat(written: dict[str, Written]) -> None:
    rows = 0
    for name, data in _files(written, ".docx"):
        for table in (e for e in _docx_body(data) if e.tag == qn("w:tbl")):
            for index, row in enumerate(table.findall(qn("w:tr"))):
                rows += 1
                assert _has(row, f"{qn('w:trPr')}/{qn('w:cantSplit')}"), f"{name}: a row may split: {_text(row)[:40]}"
                if _has(row, f"{qn('w:trPr')}/{qn('w:tblHeader')}"):
                    assert index == 0, f"{name}: only the first row is a header"
    assert rows > 500


def test_no_table_has_an_empty_header_or_fewer_header_cells_than_a_row(written: dict[str, Written]) -> None:
    for case, result in written.items():
        for document in result.documents:
            for section in document.sections:
                for block in section.all_blocks():
                    if isinstance(block, Table):
                        assert block.header, f"{case}/{document.channel}/{document.id}: a table without header"
                        assert all(cell.strip() for cell in block.header), (case, document.id, block.header)
                        assert all(len(row) <= len(block.header) for row in block.rows), (case, document.id)
    for name, data in _files(written, ".md"):
        lines = data.decode().split("\n")
        for number, line in enumerate(lines[1:], start=1):
            if re.match(r"^\|(-{3}\|)+$", line):
                header = [cell.strip() for cell in lines[number - 1].strip("|").split("|")]
                assert all(header), f"{name}:{number}: empty header cell in {lines[number - 1]}"
                width = len(header)
                for row in lines[number + 1 :]:
                    if not row.startswith("|"):
                        break
                    assert len(row.strip("|").split("|")) <= width, f"{name}: a row wider than its header: {row}"
    for name, data in _files(written, ".docx"):
        for table in (e for e in _docx_body(data) if e.tag == qn("w:tbl")):
            first = table.find(qn("w:tr"))
            if _has(first, f"{qn('w:trPr')}/{qn('w:tblHeader')}"):
                cells = [_text(cell) for cell in first.iter(qn("w:tc"))]
                assert all(cell.strip() for cell in cells), f"{name}: empty header cell in {cells}"


def test_attachments_come_after_the_signature_and_date(written: dict[str, Written]) -> None:
    attached = 0
    for case, result in written.items():
        for document in result.documents:
            blocks = [block for section in document.sections for block in section.all_blocks()]
            signatures = [i for i, block in enumerate(blocks) if isinstance(block, Signature)]
            if not signatures:
                continue
            where = f"{case}/{document.channel}/{document.id}"
            assert all(section.heading not in ("附件", "附") for section in document.sections), where
            for block in blocks[: signatures[-1]]:
                texts = block.items if isinstance(block, NumberedList) else [getattr(block, "text", "")]
                assert not any(ATTACHMENT.match(text) for text in texts), f"{where}: 附件 before the signature"
            attached += bool(getattr(blocks[signatures[-1]], "attachments", []))
    assert attached >= 5  # the court and police filings, the 12363 credit dispute, the 12300 appeal, …
    for name, data in _files(written, ".md"):
        lines = data.decode().split("\n")
        dates = [i for i, line in enumerate(lines) if line.startswith('<p align="right">')]
        for i, line in enumerate(lines):
            if ATTACHMENT.match(line):
                assert dates, f"{name}: {line[:30]} in a document without a signature"
                assert i > dates[-1], f"{name}: {line[:30]} before the signature and date"
    for name, data in _files(written, ".docx"):
        paragraphs = [e for e in _docx_body(data) if e.tag == qn("w:p") and _text(e)]
        right = [i for i, p in enumerate(paragraphs) if _jc(p) == "right"]
        for i, paragraph in enumerate(paragraphs):
            if ATTACHMENT.match(_text(paragraph)) and right:
                assert i > right[-1], f"{name}: {_text(paragraph)[:30]} before the signature and date"


def _jc(paragraph: Any) -> str | None:
    jc = paragraph.find(f"{qn('w:pPr')}/{qn('w:jc')}")
    return jc.get(qn("w:val")) if jc is not None else None


def _keeps_next(element: Any) -> bool:
    if element.tag == qn("w:tbl"):
        last_row = element.findall(qn("w:tr"))[-1]
        return all(_has(p, f"{qn('w:pPr')}/{qn('w:keepNext')}") for p in last_row.iter(qn("w:p")))
    return _has(element, f"{qn('w:pPr')}/{qn('w:keepNext')}")


def test_the_signature_block_stays_together_and_with_the_text_before_it(written: dict[str, Written]) -> None:
    signed = 0
    for case, result in written.items():
        for document in result.documents:
            signatures = [b for s in document.sections for b in s.all_blocks() if isinstance(b, Signature)]
            file = "证据清单.docx" if document.id == "evidence_list" else f"{document.channel}/{document.id}.docx"
            if not signatures or file not in result.files:
                continue
            signature = signatures[-1]
            body = _docx_body(result.files[file])
            date_line = max(i for i, e in enumerate(body) if e.tag == qn("w:p") and _jc(e) == "right")
            assert _text(body[date_line]) == signature.lines[-1]
            block = body[date_line - len(signature.lines) - len(signature.closing) : date_line + 1]
            assert all(_has(p, f"{qn('w:pPr')}/{qn('w:keepLines')}") for p in block), f"{case}/{document.id}"
            # the spacing paragraph, 此致, the addressee, the signer: each kept with the next, down to the date;
            # and the text before them (the last paragraph with words, or the last row of a closing table)
            start = date_line - len(signature.lines) - len(signature.closing)
            before = start - 1
            while before > 0 and body[before].tag == qn("w:p") and not _text(body[before]):
                before -= 1
            for element in body[before:date_line]:
                assert _keeps_next(element), f"{case}/{document.channel}/{document.id}: {_text(element)[:30]!r}"
            signed += 1
    assert signed > 50


# --- the writers and the markup on small documents ---------------------------------------------------------------

FILING = """# 控告书

控告人：王晓明

## 控告请求
1. 请求一
{blank}
1. 请求二

## 被联系人员名单

## 事实与理由
第一段。

| 序号 | 时间 |
|---|---|
| 1 | 10:05 |
| 2 | 11:00 |

附件：证据清单及所列证据材料。

::: signature
此致
某派出所
---
控告人：王晓明
2026年11月23日
附：
1. 控告人身份证复印件
:::
"""


def _filing() -> Document:
    return parse_markup(FILING.format(blank=""), channel="police", document_id="complaint")


def test_a_blank_line_between_items_does_not_restart_the_list() -> None:
    markdown = write_markdown(_filing()).decode()
    assert "1. 请求一\n2. 请求二" in markdown
    (claims,) = [s for s in _filing().sections if s.heading == "控告请求"]
    assert claims.blocks == [NumberedList(items=["请求一", "请求二"])]


def test_an_item_that_rendered_empty_is_dropped_not_printed_as_a_stray_number() -> None:
    document = parse_markup("# 标题\n## 请求\n1. 一\n1. \n1. 二\n", channel="x")
    assert document.sections[0].blocks == [NumberedList(items=["一", "二"])]
    # an inserted value that is only a number stays a paragraph
    assert parse_markup(f"# 标题\n{_finalize('1.')}\n", channel="x").sections[0].blocks == [Paragraph(text="1.")]


def test_a_section_that_rendered_empty_leaves_no_gap_in_the_chinese_numbers() -> None:
    document = _filing()
    assert [s.heading for s in document.sections] == ["", "控告请求", "事实与理由"]
    markdown, text = write_markdown(document).decode(), write_text(document).decode()
    assert "## 一、控告请求\n" in markdown
    assert "## 二、事实与理由\n" in markdown
    assert "被联系人员名单" not in markdown
    assert "\n二、事实与理由\n" in text
    assert "三、" not in text
    outline = docx_outline(write_docx(document))
    assert "[Heading 1] 二、事实与理由" in outline
    assert "被联系人员名单" not in outline
    # a document built in Python with an empty section: the writers skip it all the same
    built = Document(channel="x", title="标题", sections=[
        Section(heading="甲", paragraphs=["正文"]), Section(heading="乙"), Section(heading="丙", paragraphs=["正文"]),
    ])  # fmt: skip
    assert [heading for heading, _ in numbered_sections(built)] == ["一、甲", "二、丙"]
    assert "## 二、丙" in write_markdown(built).decode()
    assert "[Heading 1] 二、丙" in docx_outline(write_docx(built))


def test_attachments_are_written_after_the_signature_and_date_in_every_format() -> None:
    document = _filing()
    signature = document.sections[-1].blocks[-1]
    assert signature == Signature(
        closing=["此致", "某派出所"],
        lines=["控告人：王晓明", "2026年11月23日"],
        attachments=["证据清单及所列证据材料。", "控告人身份证复印件"],
    )
    assert not any(isinstance(b, Paragraph) and b.text.startswith("附件") for s in document.sections for b in s.blocks)
    markdown = write_markdown(document).decode()
    assert markdown.endswith("2026年11月23日</p>\n\n附：\n\n1. 证据清单及所列证据材料。\n2. 控告人身份证复印件\n")
    text = write_text(document).decode()
    assert text.index("2026年11月23日") < text.index("附：\n1. 证据清单及所列证据材料。\n2. 控告人身份证复印件")
    outline = docx_outline(write_docx(document))
    assert outline.endswith("[Normal >] 2026年11月23日\n[Normal] 附：\n[Normal] 1. 证据清单及所列证据材料。\n"
                            "[Normal] 2. 控告人身份证复印件\n")  # fmt: skip
    single = Document(channel="x", title="申诉书", sections=[
        Section(blocks=[Paragraph(text="正文"), Signature(lines=["申诉人：某某"], attachments=["投诉记录"])]),
    ])  # fmt: skip
    assert write_markdown(single).decode().endswith("申诉人：某某</p>\n\n附：投诉记录\n")
    assert docx_outline(write_docx(single)).endswith("[Normal >] 申诉人：某某\n[Normal] 附：投诉记录\n")


def test_only_template_text_starting_with_attachments_is_moved() -> None:
    value = _finalize("附：用户自己写的备注")
    document = parse_markup(f"# 标题\n{value}\n另附：回执复印件\n::: signature\n某某\n:::\n", channel="x")
    blocks = document.sections[0].blocks
    assert blocks[0] == Paragraph(text="附：用户自己写的备注")  # an inserted value is never markup
    assert blocks[1] == Signature(lines=["某某"], attachments=["回执复印件"])
    # without a signature (a guide, a phone script) a 附件 line stays where it is
    guide = parse_markup("# 指南\n附件：身份证复印件\n", channel="x")
    assert guide.sections[0].blocks == [Paragraph(text="附件：身份证复印件")]
    # a bare 附： followed by a list moves with its items
    listed = parse_markup("# 标题\n附：\n1. 甲\n1. 乙\n::: signature\n某某\n:::\n", channel="x")
    assert listed.sections[0].blocks == [Signature(lines=["某某"], attachments=["甲", "乙"])]


def test_every_docx_row_is_kept_whole_and_the_header_row_repeats() -> None:
    body = _docx_body(write_docx(_filing()))
    (table,) = [e for e in body if e.tag == qn("w:tbl")]
    rows = table.findall(qn("w:tr"))
    assert len(rows) == 3
    assert all(_has(row, f"{qn('w:trPr')}/{qn('w:cantSplit')}") for row in rows)
    assert [_has(row, f"{qn('w:trPr')}/{qn('w:tblHeader')}") for row in rows] == [True, False, False]
    # the header stays with the first data row
    assert all(_has(p, f"{qn('w:pPr')}/{qn('w:keepNext')}") for p in rows[0].iter(qn("w:p")))
    # schema order inside w:trPr: cantSplit before tblHeader
    assert [child.tag for child in rows[0].find(qn("w:trPr"))] == [qn("w:cantSplit"), qn("w:tblHeader")]


def test_a_header_of_empty_cells_is_no_header_in_any_writer() -> None:
    table = Table(header=["", " "], rows=[["姓名", "王晓明"], ["电话", "138 0000 0101"]])
    assert table.header == []
    document = Document(channel="x", title="标题", sections=[Section(heading="当事人", blocks=[table])])
    markdown = write_markdown(document).decode()
    assert "|  |" not in markdown
    assert "|---|" not in markdown
    assert "<tr><td>姓名</td><td>王晓明</td></tr>" in markdown
    body = _docx_body(write_docx(document))
    (written_table,) = [e for e in body if e.tag == qn("w:tbl")]
    rows = written_table.findall(qn("w:tr"))
    assert [_text(row) for row in rows] == ["姓名王晓明", "电话138 0000 0101"]
    assert not any(_has(row, f"{qn('w:trPr')}/{qn('w:tblHeader')}") for row in rows)
    assert "[row] 姓名 | 王晓明" in docx_outline(write_docx(document))
    # the markup: a header row of empty cells is no header either
    parsed = parse_markup("# 标题\n|  |  |\n|---|---|\n| 姓名 | 王晓明 |\n", channel="x")
    assert parsed.sections[0].blocks == [Table(rows=[["姓名", "王晓明"]])]


def test_short_rows_are_padded_and_a_header_names_every_column() -> None:
    document = Document(channel="x", title="标题", sections=[
        Section(blocks=[Table(header=["序号", "时间", "方式"], rows=[["1", "10:05"]])]),
    ])  # fmt: skip
    assert "| 1 | 10:05 |  |" in write_markdown(document).decode()
    with pytest.raises(ValidationError, match="header cell 2 is empty"):
        Table(header=["序号", "", "方式"], rows=[])
    with pytest.raises(ValidationError, match="row 1 has 3 cells"):
        Table(header=["项目", "内容"], rows=[["a", "b", "c"]])
    with pytest.raises(MarkupError, match="line 2: header cell 2 is empty"):
        parse_markup("# 标题\n| 序号 |  |\n|---|---|\n| 1 | 2 |\n", channel="x")
    with pytest.raises(MarkupError, match="line 4: the row has 3 cells but the header names 2"):
        parse_markup("# 标题\n| 项目 | 内容 |\n|---|---|\n| a | b | c |\n", channel="x")


def test_the_signature_block_is_kept_with_the_paragraph_before_it() -> None:
    document = docx.Document(BytesIO(write_docx(_filing())))
    paragraphs = document.paragraphs
    date_index = max(i for i, p in enumerate(paragraphs) if p.alignment == WD_ALIGN_PARAGRAPH.RIGHT)
    assert paragraphs[date_index].text == "2026年11月23日"
    signature = paragraphs[date_index - 4 : date_index + 1]  # spacing, 此致, 某派出所, 控告人, date
    assert [p.text for p in signature] == ["", "此致", "某派出所", "控告人：王晓明", "2026年11月23日"]
    assert all(p.paragraph_format.keep_together for p in signature)
    assert all(p.paragraph_format.keep_with_next for p in signature[:-1])
    # the table just before the signature: its last row keeps with it, through the spacing paragraph after it
    assert paragraphs[date_index - 5].text == ""
    assert paragraphs[date_index - 5].paragraph_format.keep_with_next
    last_row = document.tables[-1].rows[-1]
    assert all(cell.paragraphs[0].paragraph_format.keep_with_next for cell in last_row.cells)
    # a paragraph just before the signature
    plain = Document(channel="x", title="标题", sections=[
        Section(blocks=[Paragraph(text="前文"), Paragraph(text="最后一段"), Signature(lines=["某某", "2026年"])]),
    ])  # fmt: skip
    written = docx.Document(BytesIO(write_docx(plain))).paragraphs
    texts = [p.text for p in written]
    last = texts.index("最后一段")
    assert written[last].paragraph_format.keep_with_next
    assert not written[texts.index("前文")].paragraph_format.keep_with_next
    assert all(p.paragraph_format.keep_with_next for p in written[last : len(written) - 1])
