"""DOCX: a document printable as-is — A4, Chinese fonts named in the styles, title, numbered sections and items,
tables with repeating headers whose rows never split across pages, page numbers, and the signature and date block
kept on one page with the text before it (the date never stands alone on the last page), attachments after it.

Layout follows the usual shape of Chinese filings (GB/T 9704 margins; 宋体 title, 黑体 headings, 仿宋 body,
first-line indent of two characters). Fonts are named, not embedded: Word and LibreOffice substitute a
Chinese font when 仿宋 is not installed, so the file prints everywhere. Built with python-docx (maintained by
the python-openxml project; writes real WordprocessingML, no Word needed). python-docx and lxml (~0.1 s) are
imported when a DOCX is first written or read, not with this module: importing ``jubao.DOCX`` costs nothing.
"""

# ruff: noqa: PLC0415 - python-docx is imported inside the functions that use it (see the module docstring)

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from copy import deepcopy
from datetime import UTC, datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any

from jubao.documents_api import (
    Block,
    Document,
    DocumentFormat,
    Note,
    NumberedList,
    Paragraph,
    Signature,
    Table,
    numbered_sections,
)
from jubao.docx_package import BlankPackage, skeleton
from jubao.rules import Text

if TYPE_CHECKING:
    from docx.shared import Mm

BODY_FONT = ("FangSong", "仿宋")
TITLE_FONT = ("SimSun", "宋体")
HEADING_FONT = ("SimHei", "黑体")
BODY_SIZE = 14  # pt, 四号
TABLE_SIZE = 10.5  # pt, 五号
TITLE_SIZE = 22  # pt, 二号
HEADING_SIZE = 15  # pt, 小三
TEXT_WIDTH_MM = 210 - 28 - 26  # A4 minus the left and right margins set in _page_setup


def _set_fonts(style_or_run: Any, fonts: tuple[str, str], size: float, *, bold: bool | None = None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style_or_run.font
    font.name = fonts[0]
    font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = style_or_run.element
    r_pr = element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), fonts[1])
    r_fonts.set(qn("w:ascii"), fonts[0])
    r_fonts.set(qn("w:hAnsi"), fonts[0])
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_setup(document: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")


def _field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _styles(document: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    styles = document.styles
    normal = styles["Normal"]
    _set_fonts(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)
    title = styles["Title"]
    _set_fonts(title, TITLE_FONT, TITLE_SIZE, bold=True)
    title.font.color.rgb = None
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(18)
    _remove_border(title)
    heading = styles["Heading 1"]
    _set_fonts(heading, HEADING_FONT, HEADING_SIZE, bold=False)
    heading.font.color.rgb = None
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)


def _remove_border(style: Any) -> None:
    from docx.oxml.ns import qn

    p_pr = style.element.get_or_add_pPr()
    for border in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(border)


STYLE_NAMES = ("Title", "Heading 1", "Table Grid")
"""The styles the writer sets, by id (``_style_id``): looked up once per process in the styled blank package."""

_BLANK: list[BlankPackage] = []
_BLANK_LOCK = threading.Lock()


def _blank_package() -> bytes:
    """python-docx's template with jubao's styles and page set up: what every DOCX starts from. Opening python-docx's
    template and styling it was a third of the time of writing a DOCX; it is done once per process (``_prepared``)."""
    import docx

    blank = docx.Document()
    _styles(blank)
    _page_setup(blank)
    buffer = BytesIO()
    blank.save(buffer)
    return buffer.getvalue()


def _prepared() -> BlankPackage:
    """The styled blank package, made and prepared once per process (``jubao.docx_package``)."""
    if not _BLANK:
        with _BLANK_LOCK:
            if not _BLANK:
                _BLANK.append(BlankPackage.of(_blank_package(), STYLE_NAMES))
    return _BLANK[0]


def _new_lock_after_fork() -> None:
    global _BLANK_LOCK  # noqa: PLW0603 - a child forked while another thread prepared the blank must not wait forever
    _BLANK_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_new_lock_after_fork)


def write_docx(document: Document) -> bytes:
    blank = _prepared()
    package = skeleton(blank)
    out = package.new_document()
    out._jubao_style_ids = blank.style_ids  # its own styles are empty: styles are set by id (_style_id)
    props = out.core_properties
    props.title = document.title
    props.author = "jubao"
    props.last_modified_by = "jubao"
    props.comments = "草稿：提交前请核对，不构成法律意见"
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    props.revision = 1
    _styled(out, out.add_paragraph(document.title), "Title")
    for heading, section in numbered_sections(document):
        if heading:
            _styled(out, out.add_paragraph(heading), "Heading 1")
        for block in section.all_blocks():
            _block(out, block)
    return package.package()


def _styled(out: Any, paragraph: Any, style: str) -> Any:
    """``paragraph.style = style`` for a style that is not the document's default (Title, Heading 1 …)."""
    paragraph._p.style = _style_id(out, style)
    return paragraph


def _style_id(out: Any, name: str) -> str:
    """The id of the style called ``name`` (one of ``STYLE_NAMES``). python-docx's own setters look it up on every
    paragraph and check it against the default style with an XPath over all styles: a fifth of the time of writing
    a DOCX. The XML written is the same (none of our named styles is a default style)."""
    ids: Mapping[str, str] | None = getattr(out, "_jubao_style_ids", None)
    if ids is None:  # a python-docx document that write_docx did not make: its own styles
        return str(out.styles[name].style_id)
    return ids[name]


_MODELS = threading.local()


def _paragraph_model(item: bool) -> Any:
    """An empty, justified ``w:p``: a body paragraph (first-line indent of two characters) or, with ``item``, a
    numbered item (hanging indent). Formatted once per thread through python-docx and copied for every paragraph:
    python-docx's setters search a paragraph's properties for the place of each one they set, a fifth of the time
    of writing a DOCX. The copies are the XML the setters write (``tests/test_docx_package.py`` compares them)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Pt
    from docx.text.parfmt import ParagraphFormat

    models: dict[bool, Any] | None = getattr(_MODELS, "paragraphs", None)
    if models is None:
        models = _MODELS.paragraphs = {}
    model = models.get(item)
    if model is None:
        model = OxmlElement("w:p")
        formatting = ParagraphFormat(model)
        if item:
            formatting.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            formatting.left_indent = Pt(28)
            formatting.first_line_indent = Pt(-21)
        else:
            formatting.first_line_indent = Pt(28)
            formatting.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        models[item] = model
    return model


def _body(out: Any, text: str, *, item: bool = False) -> None:
    """A paragraph of ``text`` at the end of the body (``out.add_paragraph(text)`` formatted as ``_paragraph_model``
    says, without python-docx's character-by-character scan of the text)."""
    paragraph = deepcopy(_paragraph_model(item))
    if text:
        _set_run_text(paragraph.add_r(), text)
    out.element.body._insert_p(paragraph)  # before the section properties, as add_paragraph puts it


def _block(out: Any, block: Block) -> None:
    from docx.shared import Pt

    if isinstance(block, Paragraph):
        _body(out, block.text)
    elif isinstance(block, NumberedList):
        for index, item in enumerate(block.items, start=1):
            _body(out, f"{index}. {item}", item=True)
    elif isinstance(block, Table):
        _table(out, block)
    elif isinstance(block, Note):
        paragraph = out.add_paragraph()
        run = paragraph.add_run(f"※ {block.text}")
        run.italic = True
        run.font.size = Pt(10.5)
    elif isinstance(block, Signature):
        _signature(out, block)


def _table(out: Any, block: Table) -> None:
    """Every row kept whole on one page (``w:cantSplit``); the header row, if any, repeated on each page and kept
    with the first data row.

    Linear in the rows: python-docx's ``Table.cell(r, c)`` rebuilds the whole cell grid on every call (quadratic in
    the rows: 160 s for a case of 300 incidents). So the header row and one data row are formatted once, through
    python-docx, with empty cells (the first cell of each; the others copies of it with their own width), and every
    row of the table is a copy of one of them with its texts filled in — the same XML the cell-by-cell formatting
    wrote (``tests/test_document_scaling.py`` compares the two)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Pt
    from docx.table import _Cell

    width = block.width
    header = bool(block.header)
    rows = ([block.header] if block.header else []) + block.rows
    kinds = ([True] if header else []) + ([False] if len(rows) > header else [])  # header row? for each model row
    table = out.add_table(rows=len(kinds), cols=width)
    table._tbl.tblStyle_val = _style_id(out, "Table Grid")  # table.style = "Table Grid", see _style_id
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(rows, width)
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width  # the grid: LibreOffice lays tables out from it, Word from the cells
    models = {}
    for is_header, row_element in zip(kinds, table.rows, strict=True):
        cells = row_element.cells
        first = cells[0]  # formatted through python-docx; the row's other cells are copies of it, their width aside
        first.width = widths[0]
        first.text = ""
        run = first.paragraphs[0].add_run()
        run.font.size = Pt(TABLE_SIZE)
        run.bold = is_header
        first.paragraphs[0].paragraph_format.line_spacing = 1.15
        if is_header and len(rows) > 1:
            first.paragraphs[0].paragraph_format.keep_with_next = True
        for c, cell in enumerate(cells[1:], start=1):
            copy = deepcopy(first._tc)
            cell._tc.getparent().replace(cell._tc, copy)
            _Cell(copy, table).width = widths[c]
        tr_pr = row_element._tr.get_or_add_trPr()
        # schema order in w:trPr: cantSplit comes before tblHeader
        tr_pr.append(_on("w:cantSplit"))
        if is_header:
            tr_pr.append(_on("w:tblHeader"))
        models[is_header] = row_element._tr
    tbl = table._tbl
    for model in models.values():
        tbl.remove(model)
    for r, row in enumerate(rows):
        tr = deepcopy(models[header and r == 0])
        tbl.append(tr)
        for c, tc in enumerate(tr.tc_lst):
            if c < len(row) and row[c]:
                _set_run_text(tc.p_lst[0].r_lst[-1], row[c])
    out.add_paragraph()


def _set_run_text(run: Any, text: str) -> None:
    """``Run.text = text`` for a run holding only its properties: a text without tabs and line breaks is one
    ``w:t`` (what python-docx writes for it, without its character-by-character scan)."""
    if "\t" in text or "\n" in text or "\r" in text:
        run.text = text
    else:
        run.add_t(text)


def _on(tag: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    return element


def _column_widths(rows: list[list[str]], width: int) -> list[Mm]:
    """Share the text width (A4 minus margins) by how much each column holds, so that an eight-column timeline
    gives the date and the description room and the 序号 column stays narrow."""
    from docx.shared import Mm

    weights = []
    for c in range(width):
        longest = max((len(row[c]) if c < len(row) else 0) for row in rows)
        weights.append(min(max(longest, 4), 22))
    total = sum(weights)
    return [Mm(TEXT_WIDTH_MM * weight / total) for weight in weights]


def _signature(out: Any, block: Signature) -> None:
    """此致, addressee, signer and date kept together on one page and with the text before them (so a page break
    never leaves the date alone on the last page), then the attachments (附：…) after the date."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

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
        _attachments(out, block.attachments)


def _keep_with_signature(out: Any) -> None:
    """Keep the text just before the signature with it: empty spacing paragraphs and the last paragraph with text,
    or the last row of a table that ends the body."""
    from docx.oxml.ns import qn

    for element in reversed(list(out.element.body.iterchildren())):
        if element.tag == qn("w:p"):
            _keep_next(element)
            if "".join(node.text or "" for node in element.iter(qn("w:t"))):
                return
        elif element.tag == qn("w:tbl"):
            last_row = element.findall(qn("w:tr"))[-1]
            for paragraph in last_row.iter(qn("w:p")):
                _keep_next(paragraph)
            return


def _keep_next(paragraph: Any) -> None:
    from docx.oxml.ns import qn

    p_pr = paragraph.get_or_add_pPr()
    if p_pr.find(qn("w:keepNext")) is None:
        p_pr.keepNext_val = True


def _attachments(out: Any, attachments: list[str]) -> None:
    """附：item, or 附： followed by items numbered 1, 2, 3 … with the same hanging indent as numbered lists."""

    if len(attachments) == 1:
        out.add_paragraph(f"附：{attachments[0]}")
        return
    out.add_paragraph("附：").paragraph_format.keep_with_next = True
    for index, item in enumerate(attachments, start=1):
        _body(out, f"{index}. {item}", item=True)


def docx_outline(data: bytes) -> str:
    """A readable dump of a DOCX (style, alignment, text; tables cell by cell, the repeated header row marked
    ``[header]``) for snapshot tests and review.

    Reads the XML directly: python-docx's per-paragraph style lookup costs ~0.4 s per document.
    """
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(BytesIO(data))
    style_names = {style.style_id: style.name for style in document.styles}
    section = document.sections[0]
    width, height = section.page_width, section.page_height
    lines = [f"[page {width.mm if width else 0:.0f}x{height.mm if height else 0:.0f}mm]"]
    marks = {"right": " >", "center": " ^"}
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(node.text or "" for node in child.iter(qn("w:t")))
            if not text:
                continue
            style_id = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            align = child.find(f"{qn('w:pPr')}/{qn('w:jc')}")
            style = style_names.get(style_id.get(qn("w:val")) if style_id is not None else "Normal", "Normal")
            mark = marks.get(align.get(qn("w:val")), "") if align is not None else ""
            lines.append(f"[{style}{mark}] {text}")
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in row.iter(qn("w:tc"))]
                header = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
                lines.append(("[header] " if header else "[row] ") + " | ".join(cells))
    return "\n".join(lines) + "\n"


DOCX = DocumentFormat(
    id="docx",
    suffix=".docx",
    media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    description=Text(zh="Word 文档（A4，可直接打印）", en="Word document (A4, print-ready)"),
    write=write_docx,
    accepts=lambda document: bool(document.sections),
)
