"""The DOCX package jubao writes itself (``jubao.docx_package``): the same parts python-docx would save, in a ZIP any
reader accepts — for every document the examples draft."""

from __future__ import annotations

import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.oxml.parser import parse_xml

from jubao import load_case
from jubao.docx_package import Member, zip_bytes
from jubao.docx_writer import _blank_package, _prepared, write_docx
from jubao.engine import Engine
from jubao.markup import parse_markup
from jubao.plugins import build_documents, load_plugins

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert archive.testzip() is None  # every member's CRC-32 checks out
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def test_the_zip_is_byte_for_byte_what_zipfile_writes() -> None:
    when = time.struct_time((2026, 11, 29, 19, 7, 33, 6, 333, 0))
    data = [("[Content_Types].xml", b"<Types/>" * 40), ("word/document.xml", "正文".encode() * 999), ("empty", b"")]
    expected = BytesIO()
    with zipfile.ZipFile(expected, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in data:
            info = zipfile.ZipInfo(name, date_time=when[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16  # what writestr gives a member named by a string
            archive.writestr(info, content)
    assert zip_bytes([Member.of(name, content) for name, content in data], when) == expected.getvalue()


def _saved_by_python_docx(written: bytes) -> bytes:
    """What python-docx's own ``save`` writes for the styled blank package holding the body and core properties of
    the DOCX ``written``."""
    with zipfile.ZipFile(BytesIO(written)) as archive:
        body, core = archive.read("word/document.xml"), archive.read("docProps/core.xml")
    reference = docx.Document(BytesIO(_blank_package()))
    reference.part._element = parse_xml(body)
    core_part = next(part for part in reference.part.package.iter_parts() if part.partname == "/docProps/core.xml")
    core_part._element = parse_xml(core)
    saved = BytesIO()
    reference.save(saved)
    return saved.getvalue()


def test_a_clock_outside_what_a_zip_can_date_still_writes_a_readable_package() -> None:
    """A machine whose clock says 1970 (no battery, no network time) still gets its documents: dated 1980-01-01."""
    for year, expected in ((1970, (1980, 1, 1, 0, 0, 0)), (2200, (2107, 12, 31, 23, 59, 58))):
        when = time.struct_time((year, 6, 1, 12, 0, 0, 0, 152, 0))
        data = zip_bytes([Member.of("word/document.xml", b"<w:document/>")], when)
        with zipfile.ZipFile(BytesIO(data)) as archive:
            assert archive.testzip() is None
            assert archive.infolist()[0].date_time == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_every_drafted_docx_holds_exactly_the_parts_python_docx_saves(example: Path) -> None:
    """The package is written from the blank package's files compressed once, plus the document's body, its
    relationships and core properties: python-docx saving the blank package with that body and those properties
    gives the same files, in the same order, byte for byte — and the result opens in python-docx with the styles."""
    plugins = load_plugins()
    case = load_case(example)
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(case)
    written = 0
    for route in evaluation.routes:
        for document in build_documents(plugins, route.channel, case, evaluation):
            if not document.sections:
                continue
            data = write_docx(document)
            assert _members(data) == _members(_saved_by_python_docx(data)), document.title
            opened = docx.Document(BytesIO(data))
            assert opened.core_properties.title == document.title
            assert opened.paragraphs[0].style is not None
            assert opened.paragraphs[0].style.name == "Title"
            written += 1
    assert written >= 3


def test_a_thread_keeps_a_small_scratch_package_and_every_thread_writes_the_same_files() -> None:
    """Each thread builds bodies in its own copy of the blank package without the styles (a few hundred kB, not the
    5 MB of the styled one), and threads writing at once write what one thread writes."""
    sample = "# 投诉书\n\n正文。\n\n| 序号 | 内容 |\n|---|---|\n| 1 | 一 |\n"
    document = parse_markup(sample, channel="police")
    expected = _members(write_docx(document))[3:]  # the core properties (times) aside
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(write_docx, [document] * 12))
    assert all(_members(data)[3:] == expected for data in results)

    def unpacked(package: bytes) -> int:
        with zipfile.ZipFile(BytesIO(package)) as archive:
            return sum(info.file_size for info in archive.infolist())

    assert unpacked(_prepared().scratch) < unpacked(_blank_package()) / 10
    assert docx.Document(BytesIO(_blank_package())).styles["Table Grid"].style_id == _prepared().style_ids["Table Grid"]


@pytest.mark.parametrize("item", [False, True], ids=["body", "numbered item"])
@pytest.mark.parametrize("text", ["", "一段正文 with text", "两行\n第二行", "tab\there"])
def test_a_copied_paragraph_is_the_xml_python_docx_setters_write(item: bool, text: str) -> None:
    """Body paragraphs and numbered items are copies of one formatted paragraph: the same XML as formatting each
    paragraph through python-docx (first-line or hanging indent, justified)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    from jubao.docx_writer import _body  # noqa: PLC0415

    by_setters = docx.Document()
    paragraph = by_setters.add_paragraph()
    if text:
        paragraph.add_run().text = text
    if item:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.left_indent = Pt(28)
        paragraph.paragraph_format.first_line_indent = Pt(-21)
    else:
        paragraph.paragraph_format.first_line_indent = Pt(28)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    copied = docx.Document()
    _body(copied, text, item=item)
    assert copied.paragraphs[-1]._p.xml == paragraph._p.xml
