"""DOCX: a document printable as-is — A4, Chinese fonts named in the styles, title, numbered sections and items,
tables with repeating headers whose rows never split across pages, page numbers, and the signature and date block
kept on one page with the text before it (the date never stands alone on the last page), attachments after it.

Layout follows the usual shape of Chinese filings (GB/T 9704 margins; 宋体 title, 黑体 headings, 仿宋 body,
first-line indent of two characters). Fonts are named, not embedded: Word and LibreOffice substitute a
Chinese font when 仿宋 is not installed, so the file prints everywhere.

The styled blank package (fonts, page, footer with page numbers) is made with python-docx (maintained by the
python-openxml project; writes real WordprocessingML, no Word needed) once, and kept in jubao's cache
(``jubao.docx_package``). A document's body is then written with lxml directly: the same elements, attributes and
order python-docx's API writes (``tests/docx_reference.py`` writes every example's documents through that API and
``tests/test_docx_package.py`` compares the files byte for byte), without python-docx's element classes, which
searched each parent for the place of every child they added (most of the time of writing a DOCX), and without
importing python-docx at all (longer than writing a filing) once the blank package is cached. lxml is imported
when a DOCX is first written: importing ``jubao.DOCX`` costs nothing.
"""

# ruff: noqa: PLC0415 - python-docx and lxml are imported inside the functions that use them (see the docstring)

from __future__ import annotations

import os
import re
import threading
from copy import deepcopy
from datetime import UTC, datetime
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path
from typing import Any

from jubao import cache
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
from jubao.docx_package import BlankPackage
from jubao.rules import Text

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
"""The styles the writer sets, by id: looked up once in the styled blank package (``BlankPackage.style_ids``)."""

BLANK_FORMAT = "jubao.docx-blank/1"
BLANK_PREFIX = "docx-blank-"

_BLANK: list[BlankPackage] = []
_BLANK_LOCK = threading.Lock()


def _blank_package() -> bytes:
    """python-docx's template with jubao's styles and page set up: what every DOCX starts from."""
    import docx

    blank = docx.Document()
    _styles(blank)
    _page_setup(blank)
    buffer = BytesIO()
    blank.save(buffer)
    return buffer.getvalue()


def _prepared() -> BlankPackage:
    """The styled blank package: once per process, from jubao's cache when it holds one for this python-docx."""
    if not _BLANK:
        with _BLANK_LOCK:
            if not _BLANK:
                _BLANK.append(_cached_or_made())
    return _BLANK[0]


def _cached_or_made() -> BlankPackage:
    key = _blank_key()
    if key is not None:
        body = cache.load_prepared(BLANK_PREFIX, BLANK_FORMAT, key)
        found = BlankPackage.from_cache(body, STYLE_NAMES) if body is not None else None
        if found is not None:
            return found
    made = BlankPackage.of(_blank_package(), STYLE_NAMES)
    if key is not None:
        cache.save_prepared(BLANK_PREFIX, BLANK_FORMAT, key, made.to_cache())
    return made


def _blank_key() -> str | None:
    """What the blank package is made from besides jubao's code: python-docx's own files (found without importing
    it) and lxml, which serialises the parts. None (no cache) when caching is off or python-docx is not found."""
    if not cache.enabled():
        return None
    from lxml import etree

    spec = find_spec("docx")
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    stamps = [cache.stamp(package / "__init__.py"), cache.stamp(package / "templates" / "default.docx")]
    if None in stamps:
        return None
    return cache.prepared_key(BLANK_FORMAT, str(package), stamps, list(etree.LXML_VERSION))


def _new_lock_after_fork() -> None:
    global _BLANK_LOCK  # noqa: PLW0603 - a child forked while another thread prepared the blank must not wait forever
    _BLANK_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_new_lock_after_fork)


# --- WordprocessingML, as python-docx writes it -------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_RUN_BREAKS = re.compile(r"([\t\r\n])")
_ON = {f"{_W}val": "true"}
TWIPS_PER_PT = 20
MAX_CORE_PROPERTY = 255
"""python-docx refuses a core property (the title) longer than this; so does this writer."""

_ROOTS = threading.local()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)


def _parsed(blank: BlankPackage) -> tuple[Any, Any]:
    """The blank body and core properties as lxml trees, parsed once per thread (as python-docx parses parts:
    blank text between elements dropped) and copied for each document."""
    from lxml import etree

    found: tuple[BlankPackage, Any, Any] | None = getattr(_ROOTS, "parsed", None)
    if found is None or found[0] is not blank:
        parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
        found = _ROOTS.parsed = (blank, etree.fromstring(blank.document, parser), etree.fromstring(blank.core, parser))
    return found[1], found[2]


def write_docx(document: Document) -> bytes:
    from lxml import etree

    blank = _prepared()
    document_root, core_root = _parsed(blank)
    root = deepcopy(document_root)
    body = root.find(f"{_W}body")
    section = body[-1]  # w:sectPr: the body's last child; the document is built before it
    body.remove(section)
    writer = _BodyWriter(body, blank.style_ids)
    writer.paragraph(document.title, style="Title")
    for heading, section_blocks in numbered_sections(document):
        if heading:
            writer.paragraph(heading, style="Heading 1")
        for block in section_blocks.all_blocks():
            writer.block(block)
    body.append(section)
    core = _core_properties(deepcopy(core_root), document.title)
    serialise = etree.tostring
    return blank.package(
        serialise(root, encoding="UTF-8", standalone=True), serialise(core, encoding="UTF-8", standalone=True)
    )


def _core_properties(core: Any, title: str) -> Any:
    """Title, author, comments, times and revision, set as python-docx's core-property setters set them: an
    element the blank has is given its text, a missing one is added at the end."""
    from lxml import etree

    if len(title) > MAX_CORE_PROPERTY:
        raise ValueError(f"exceeded {MAX_CORE_PROPERTY} char limit for property, got a title of {len(title)}")
    stamp = _now().strftime("%Y-%m-%dT%H:%M:%SZ")
    for tag, text in (
        (f"{_DC}title", title),
        (f"{_DC}creator", "jubao"),
        (f"{_CP}lastModifiedBy", "jubao"),
        (f"{_DC}description", "草稿：提交前请核对，不构成法律意见"),
        (f"{_DCTERMS}created", stamp),
        (f"{_DCTERMS}modified", stamp),
        (f"{_CP}revision", "1"),
    ):
        element = core.find(tag)
        if element is None:
            element = etree.SubElement(core, tag)
        element.text = text
        if tag in (f"{_DCTERMS}created", f"{_DCTERMS}modified"):
            core.set(f"{_XSI}foo", "bar")  # python-docx's way of declaring xsi on the root, not on the element
            element.set(f"{_XSI}type", "dcterms:W3CDTF")
            del core.attrib[f"{_XSI}foo"]
    return core


def _run_text(run: Any, text: str) -> None:
    """``Run.text = text`` for an empty run: the text in ``w:t`` elements, a tab as ``w:tab``, each CR or LF as a
    ``w:br``; a ``w:t`` whose text starts or ends with white space keeps it (``xml:space="preserve"``)."""
    from lxml.etree import SubElement

    pieces = _RUN_BREAKS.split(text) if "\t" in text or "\n" in text or "\r" in text else [text]
    for piece in pieces:
        if piece == "\t":
            SubElement(run, f"{_W}tab")
        elif piece in ("\r", "\n"):
            SubElement(run, f"{_W}br")
        elif piece:
            element = SubElement(run, f"{_W}t")
            element.text = piece
            if len(piece.strip()) < len(piece):
                element.set(_XML_SPACE, "preserve")


def _twips(mm: float) -> int:
    """A length in mm as python-docx writes it in twips (``Mm(mm).twips``: whole EMUs, then rounded)."""
    return round(int(mm * 36000) / 635.0)


class _BodyWriter:
    """Appends paragraphs and tables to a document's ``w:body`` (its section properties set aside meanwhile)."""

    def __init__(self, body: Any, style_ids: Any) -> None:
        self.body = body
        self.style_ids = style_ids

    def paragraph(
        self,
        text: str = "",
        *,
        style: str | None = None,
        keep_next: bool = False,
        keep_lines: bool = False,
        indent: dict[str, str] | None = None,
        align: str | None = None,
        run_properties: tuple[tuple[str, dict[str, str]], ...] = (),
    ) -> Any:
        """``add_paragraph(text)`` then the setters: ``w:pPr`` children in the schema's order (style, keep with
        next, keep together, indentation, alignment); a run only for a text (or for ``run_properties``)."""
        from lxml.etree import SubElement

        paragraph = SubElement(self.body, f"{_W}p")
        if style or keep_next or keep_lines or indent or align:
            properties = SubElement(paragraph, f"{_W}pPr")
            if style:
                SubElement(properties, f"{_W}pStyle", {f"{_W}val": self.style_ids[style]})
            if keep_next:
                SubElement(properties, f"{_W}keepNext")
            if keep_lines:
                SubElement(properties, f"{_W}keepLines")
            if indent:
                SubElement(properties, f"{_W}ind", {f"{_W}{name}": value for name, value in indent.items()})
            if align:
                SubElement(properties, f"{_W}jc", {f"{_W}val": align})
        if text:
            run = SubElement(paragraph, f"{_W}r")
            if run_properties:
                formatting = SubElement(run, f"{_W}rPr")
                for tag, attributes in run_properties:
                    SubElement(formatting, f"{_W}{tag}", attributes)
            _run_text(run, text)
        return paragraph

    def text(self, text: str, *, item: bool = False) -> None:
        """A body paragraph (first-line indent of two characters) or, with ``item``, a numbered item (hanging
        indent), justified."""
        indent = {"left": "560", "hanging": "420"} if item else {"firstLine": "560"}
        self.paragraph(text, indent=indent, align="both")

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.text(block.text)
        elif isinstance(block, NumberedList):
            for index, item in enumerate(block.items, start=1):
                self.text(f"{index}. {item}", item=True)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Note):
            size = str(round(10.5 * 2))  # half-points
            self.paragraph(f"※ {block.text}", run_properties=(("i", {}), ("sz", {f"{_W}val": size})))
        elif isinstance(block, Signature):
            self.signature(block)

    def table(self, block: Table) -> None:
        """Every row kept whole on one page (``w:cantSplit``); the header row, if any, repeated on each page and kept
        with the first data row. Linear in the rows: the header row and one data row are built once, and every row
        of the table is a copy of one of them with its texts filled in."""
        from lxml.etree import SubElement

        width = block.width
        header = bool(block.header)
        rows = ([block.header] if block.header else []) + block.rows
        widths = [str(_twips(mm)) for mm in _column_widths(rows, width)]
        table = SubElement(self.body, f"{_W}tbl")
        properties = SubElement(table, f"{_W}tblPr")
        SubElement(properties, f"{_W}tblStyle", {f"{_W}val": self.style_ids["Table Grid"]})
        SubElement(properties, f"{_W}tblW", {f"{_W}type": "auto", f"{_W}w": "0"})
        SubElement(properties, f"{_W}jc", {f"{_W}val": "center"})
        SubElement(properties, f"{_W}tblLayout", {f"{_W}type": "fixed"})
        look = ("firstColumn", "1"), ("firstRow", "1"), ("lastColumn", "0"), ("lastRow", "0"), ("noHBand", "0")
        SubElement(properties, f"{_W}tblLook", {f"{_W}{k}": v for k, v in (*look, ("noVBand", "1"), ("val", "04A0"))})
        grid = SubElement(table, f"{_W}tblGrid")
        for column_width in widths:
            SubElement(grid, f"{_W}gridCol", {f"{_W}w": column_width})
        kinds = ([True] if header else []) + ([False] if len(rows) > header else [])  # header row? for each model
        models = {kind: self._model_row(table, kind, widths, keep_next=kind and len(rows) > 1) for kind in kinds}
        for model in models.values():
            table.remove(model)
        for r, row in enumerate(rows):
            tr = deepcopy(models[header and r == 0])
            table.append(tr)
            for c, cell in enumerate(tr.iterchildren(f"{_W}tc")):
                if c < len(row) and row[c]:
                    _run_text(cell[1][-1], row[c])  # the cell's paragraph's last run
        self.paragraph()

    @staticmethod
    def _model_row(table: Any, is_header: bool, widths: list[str], *, keep_next: bool) -> Any:
        """A row of empty cells as python-docx's table and cell setters leave it: each cell's width, its paragraph
        (kept with the next for a header row over data rows; line spacing 1.15) holding the empty run
        ``cell.text = ""`` writes and the run the text goes in (五号, bold in the header row)."""
        from lxml.etree import SubElement

        row = SubElement(table, f"{_W}tr")
        row_properties = SubElement(row, f"{_W}trPr")
        SubElement(row_properties, f"{_W}cantSplit", _ON)  # schema order: cantSplit before tblHeader
        if is_header:
            SubElement(row_properties, f"{_W}tblHeader", _ON)
        for column_width in widths:
            cell = SubElement(row, f"{_W}tc")
            SubElement(SubElement(cell, f"{_W}tcPr"), f"{_W}tcW", {f"{_W}type": "dxa", f"{_W}w": column_width})
            paragraph = SubElement(cell, f"{_W}p")
            properties = SubElement(paragraph, f"{_W}pPr")
            if keep_next:
                SubElement(properties, f"{_W}keepNext")
            spacing = round(1.15 * 240)  # line spacing 1.15, in 240ths of a line
            SubElement(properties, f"{_W}spacing", {f"{_W}line": str(spacing), f"{_W}lineRule": "auto"})
            SubElement(paragraph, f"{_W}r")
            formatting = SubElement(SubElement(paragraph, f"{_W}r"), f"{_W}rPr")
            SubElement(formatting, f"{_W}b", {} if is_header else {f"{_W}val": "0"})
            SubElement(formatting, f"{_W}sz", {f"{_W}val": str(round(TABLE_SIZE * 2))})
        return row

    def signature(self, block: Signature) -> None:
        """此致, addressee, signer and date kept together on one page and with the text before them (so a page
        break never leaves the date alone on the last page), then the attachments (附：…) after the date."""
        self._keep_with_signature()
        kept: list[tuple[str, dict[str, str] | None, str | None]] = [("", None, None)]
        for index, line in enumerate(block.closing):
            first = index == 0 and len(block.closing) > 1
            kept.append((line, {"firstLine": str(28 * TWIPS_PER_PT)} if first else None, None))
        kept += [(line, None, "right") for line in block.lines]
        for index, (text, indent, align) in enumerate(kept):
            last = index == len(kept) - 1
            self.paragraph(text, keep_next=not last, keep_lines=True, indent=indent, align=align)
        if block.attachments:
            self.paragraph()
            self._attachments(block.attachments)

    def _keep_with_signature(self) -> None:
        """Keep the text just before the signature with it: empty spacing paragraphs and the last paragraph with
        text, or the last row of a table that ends the body."""
        for element in reversed(self.body):
            if element.tag == f"{_W}p":
                _keep_next(element)
                if "".join(node.text or "" for node in element.iter(f"{_W}t")):
                    return
            elif element.tag == f"{_W}tbl":
                for paragraph in element.findall(f"{_W}tr")[-1].iter(f"{_W}p"):
                    _keep_next(paragraph)
                return

    def _attachments(self, attachments: list[str]) -> None:
        """附：item, or 附： followed by items numbered 1, 2, 3 … with the same hanging indent as numbered lists."""
        if len(attachments) == 1:
            self.paragraph(f"附：{attachments[0]}")
            return
        self.paragraph("附：", keep_next=True)
        for index, item in enumerate(attachments, start=1):
            self.text(f"{index}. {item}", item=True)


def _keep_next(paragraph: Any) -> None:
    """``keep_with_next = True`` on a paragraph already written: ``w:keepNext`` right after its style, if any."""
    from lxml.etree import SubElement

    properties = paragraph.find(f"{_W}pPr")
    if properties is None:
        properties = SubElement(paragraph, f"{_W}pPr")
        paragraph.insert(0, properties)
    if properties.find(f"{_W}keepNext") is None:
        keep = SubElement(properties, f"{_W}keepNext")
        styled = len(properties) > 1 and properties[0].tag == f"{_W}pStyle"
        properties.insert(1 if styled else 0, keep)


def _column_widths(rows: list[list[str]], width: int) -> list[float]:
    """Share the text width (A4 minus margins), in mm, by how much each column holds, so that an eight-column
    timeline gives the date and the description room and the 序号 column stays narrow."""
    weights = []
    for c in range(width):
        longest = max((len(row[c]) if c < len(row) else 0) for row in rows)
        weights.append(min(max(longest, 4), 22))
    total = sum(weights)
    return [TEXT_WIDTH_MM * weight / total for weight in weights]


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
