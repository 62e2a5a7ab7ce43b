"""DOCX output: printable as-is (A4, Chinese fonts named, title, numbered sections, signature block), and it
opens in LibreOffice (converted to PDF when LibreOffice is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from jubao import load_case
from jubao.docx_writer import write_docx
from jubao.engine import Engine
from jubao.markup import parse_markup
from jubao.plugins import build_documents, load_plugins

SAMPLE = parse_markup(
    "# 民事起诉状\n\n原告：王晓明\n\n## 诉讼请求\n1. 停止侵害\n2. 删除个人信息\n\n## 证据\n| 编号 | 名称 |\n|---|---|\n"
    "| 证据1 | 通话详单 |\n\n> 草稿\n\n::: signature\n此致\n某某人民法院\n---\n具状人：王晓明\n2026年11月23日\n:::\n",
    channel="court_civil",
)


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(BytesIO(data))


def test_page_is_a4_with_official_margins_and_page_numbers() -> None:
    document = _open(write_docx(SAMPLE))
    section = document.sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    assert section.left_margin is not None
    assert section.top_margin is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 28
    assert round(section.top_margin.mm) == 37
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml
    assert "NUMPAGES" in footer_xml


def test_styles_name_chinese_fonts() -> None:
    document = _open(write_docx(SAMPLE))

    def east_asian(style_name: str) -> str:
        fonts = document.styles[style_name].element.rPr.find(qn("w:rFonts"))
        return str(fonts.get(qn("w:eastAsia")))

    assert east_asian("Normal") == "仿宋"
    assert east_asian("Title") == "宋体"
    assert east_asian("Heading 1") == "黑体"


def test_title_sections_numbering_table_and_signature() -> None:
    document = _open(write_docx(SAMPLE))
    paragraphs = [(p.style.name if p.style else "", p.text, p.alignment) for p in document.paragraphs if p.text]
    assert paragraphs[0][:2] == ("Title", "民事起诉状")
    headings = [text for style, text, _ in paragraphs if style == "Heading 1"]
    assert headings == ["一、诉讼请求", "二、证据"]
    assert ("Normal", "1. 停止侵害", WD_ALIGN_PARAGRAPH.JUSTIFY) in paragraphs
    signer = [(text, align) for _, text, align in paragraphs if text in ("具状人：王晓明", "2026年11月23日")]
    assert signer == [("具状人：王晓明", WD_ALIGN_PARAGRAPH.RIGHT), ("2026年11月23日", WD_ALIGN_PARAGRAPH.RIGHT)]
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["编号", "名称"]
    row_properties = table.rows[0]._tr.trPr
    assert row_properties is not None
    assert row_properties.find(qn("w:tblHeader")) is not None  # the header row repeats on every page
    assert document.core_properties.author == "jubao"  # never the user's name


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_a_real_filing_to_pdf(tmp_path: Path) -> None:
    plugins = load_plugins()
    case = load_case(Path(__file__).resolve().parent.parent / "examples" / "credit-card-employer.yaml")
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(case)
    paths = []
    for channel in ("police", "nfra_12378", "court_civil"):
        for document in build_documents(plugins, channel, case, evaluation):
            if document.sections:
                path = tmp_path / f"{channel}-{document.id}.docx"
                path.write_bytes(write_docx(document))
                paths.append(path)
    assert paths
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *map(str, paths)],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    for path in paths:
        pdf = path.with_suffix(".pdf")
        assert pdf.is_file(), f"{path.name} did not convert"
        assert pdf.read_bytes()[:5] == b"%PDF-", f"{path.name} did not convert"
        assert pdf.stat().st_size > 5000


def test_table_columns_get_room_by_content_so_timelines_stay_readable() -> None:
    timeline = parse_markup(
        "# 控告书\n\n| 序号 | 时间 | 行为 |\n|---|---|---|\n"
        "| 1 | 2026年10月12日 10:05 至 21:50 | 向他人透露债务、要求第三人代为还款 |\n",
        channel="police",
    )
    (table,) = _open(write_docx(timeline)).tables
    widths = [column.width for column in table.columns]
    assert all(width is not None for width in widths)
    number, when, what = (int(width or 0) for width in widths)
    assert number < when
    assert number < what
    assert abs(sum((number, when, what)) - Mm(156)) < Mm(1)  # the full text width between the margins


def _parts(data: bytes) -> dict[str, bytes]:
    """Every part of a DOCX package, with the creation and modification times (the clock) blanked."""
    with zipfile.ZipFile(BytesIO(data)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    clock = rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*"
    parts["docProps/core.xml"] = re.sub(clock, rb"\1", parts["docProps/core.xml"])
    return parts


def _written_first(document: Any) -> dict[str, bytes]:
    """``document`` written by a thread that has written nothing before (a fresh styled template)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return _parts(pool.submit(write_docx, document).result())


def test_a_docx_is_the_same_whatever_was_written_before_it_and_in_other_threads() -> None:
    """Each thread reuses one styled template for all its DOCX files (speed): nothing of one file may leak into the
    next — not a table, a signature, a title, a section — in this thread or in threads writing at the same time."""
    other = parse_markup("# 另一份\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n::: signature\n此致\n---\n某人\n:::\n",
                         channel="court_civil")  # fmt: skip
    expected = _written_first(SAMPLE)
    write_docx(other)
    assert _parts(write_docx(SAMPLE)) == expected
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(write_docx, [SAMPLE, other] * 8))
    assert all(_parts(data) == expected for data in results[::2])
    assert all(_parts(data) == _written_first(other) for data in results[1::2])
