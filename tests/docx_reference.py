"""The DOCX writer's reference: the same document written through python-docx's own API, element by element.

``jubao.docx_writer`` builds a document's XML directly with lxml (python-docx's element classes searched each
parent for the place of every child they added, and importing python-docx took longer than writing a filing);
what it writes must be what python-docx writes. This module is that python-docx writing, as the writer did it
before (``add_paragraph``, paragraph-format setters, ``Table.cell`` for every cell, core-property setters), kept
only for tests: ``reference_docx(document, now)`` returns the DOCX python-docx saves for the styled blank package.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from io import BytesIO
from typing import Any

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from jubao.documents_api import Block, Document, Note, NumberedList, Paragraph, Signature, Table, numbered_sections
from jubao.docx_writer import TABLE_SIZE, TEXT_WIDTH_MM, _blank_package


def reference_docx(document: Document, now: datetime) -> bytes:
    """``document`` written by python-docx into the styled blank package, its core properties dated ``now``."""
    out = docx.Document(BytesIO(_styled_blank()))
    props = out.core_properties
    props.title = document.title
    props.author = "jubao"
    props.last_modified_by = "jubao"
    props.comments = "草稿：提交前请核对，不构成法律意见"
    props.created = props.modified = now
    props.revision = 1
    out.add_paragraph(document.title).style = out.styles["Title"]
    for heading, section in numbered_sections(document):
        if heading:
            out.add_paragraph(heading).style = out.styles["Heading 1"]
        for block in section.all_blocks():
            _block(out, block)
    saved = BytesIO()
    out.save(saved)
    return saved.getvalue()


@cache
def _styled_blank() -> bytes:
    """The styled blank package python-docx saves (made once: it is the same for every document)."""
    return _blank_package()


def _body(out: Any, text: str, *, item: bool = False) -> None:
    paragraph = out.add_paragraph(text)
    if not item:
        paragraph.paragraph_format.first_line_indent = Pt(28)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if item:
        paragraph.paragraph_format.left_indent = Pt(28)
        paragraph.paragraph_format.first_line_indent = Pt(-21)


def _block(out: Any, block: Block) -> None:
    if isinstance(block, Paragraph):
        _body(out, block.text)
    elif isinstance(block, NumberedList):
        for index, item in enumerate(block.items, start=1):
            _body(out, f"{index}. {item}", item=True)
    elif isinstance(block, Table):
        _table(out, block)
    elif isinstance(block, Note):
        run = out.add_paragraph().add_run(f"※ {block.text}")
        run.italic = True
        run.font.size = Pt(10.5)
    elif isinstance(block, Signature):
        _signature(out, block)


def _column_widths(rows: list[list[str]], width: int) -> list[Mm]:
    weights = []
    for c in range(width):
        longest = max((len(row[c]) if c < len(row) else 0) for row in rows)
        weights.append(min(max(longest, 4), 22))
    total = sum(weights)
    return [Mm(TEXT_WIDTH_MM * weight / total) for weight in weights]


def _on(tag: str) -> Any:
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    return element


def _table(out: Any, block: Table) -> None:
    """Cell by cell (``Table.cell``), as the writer did before it copied model rows."""
    width = block.width
    rows = ([block.header] if block.header else []) + block.rows
    table = out.add_table(rows=len(rows), cols=width)
    table.style = out.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(rows, width)
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    for r, row in enumerate(rows):
        for c in range(width):
            cell = table.cell(r, c)
            cell.width = widths[c]
            cell.text = ""
            run = cell.paragraphs[0].add_run(row[c] if c < len(row) else "")
            run.font.size = Pt(TABLE_SIZE)
            run.bold = bool(block.header) and r == 0
            cell.paragraphs[0].paragraph_format.line_spacing = 1.15
            if block.header and r == 0 and len(rows) > 1:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    for r, row_element in enumerate(table.rows):
        tr_pr = row_element._tr.get_or_add_trPr()
        tr_pr.append(_on("w:cantSplit"))
        if block.header and r == 0:
            tr_pr.append(_on("w:tblHeader"))
    out.add_paragraph()


def _signature(out: Any, block: Signature) -> None:
    _keep_with_signature(out)
    kept = [out.add_paragraph()]
    for index, line in enumerate(block.closing):
        paragraph = out.add_paragraph(line)
        if index == 0 and len(block.closing) > 1:
            paragraph.paragraph_format.first_line_indent = Pt(28)
        kept.append(paragraph)
    for line in block.lines:
        paragraph = out.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        kept.append(paragraph)
    for paragraph in kept:
        paragraph.paragraph_format.keep_together = True
    for paragraph in kept[:-1]:
        paragraph.paragraph_format.keep_with_next = True
    if block.attachments:
        out.add_paragraph()
        if len(block.attachments) == 1:
            out.add_paragraph(f"附：{block.attachments[0]}")
            return
        out.add_paragraph("附：").paragraph_format.keep_with_next = True
        for index, item in enumerate(block.attachments, start=1):
            _body(out, f"{index}. {item}", item=True)


def _keep_with_signature(out: Any) -> None:
    for element in reversed(list(out.element.body.iterchildren())):
        if element.tag == qn("w:p"):
            element.get_or_add_pPr().keepNext_val = True
            if "".join(node.text or "" for node in element.iter(qn("w:t"))):
                return
        elif element.tag == qn("w:tbl"):
            for paragraph in element.findall(qn("w:tr"))[-1].iter(qn("w:p")):
                paragraph.get_or_add_pPr().keepNext_val = True
            return
