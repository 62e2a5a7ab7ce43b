"""The DOCX jubao writes itself (``jubao.docx_package``, ``jubao.docx_writer``): the same files python-docx's API
writes for the same document, in a ZIP any reader accepts — for every document the examples draft — and the styled
blank package kept in jubao's cache."""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from io import BytesIO
from pathlib import Path

import docx
import pytest

import jubao.docx_writer
from jubao import load_case
from jubao.documents_api import Document, Note, NumberedList, Paragraph, Section, Signature, Table
from jubao.docx_package import BlankPackage, Member, zip_bytes
from jubao.docx_writer import BLANK_PREFIX, STYLE_NAMES, _blank_package, _prepared, write_docx
from jubao.engine import Engine
from jubao.markup import parse_markup
from jubao.plugins import build_documents, load_plugins
from tests.docx_reference import reference_docx

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


def test_a_clock_outside_what_a_zip_can_date_still_writes_a_readable_package() -> None:
    """A machine whose clock says 1970 (no battery, no network time) still gets its documents: dated 1980-01-01."""
    for year, expected in ((1970, (1980, 1, 1, 0, 0, 0)), (2200, (2107, 12, 31, 23, 59, 58))):
        when = time.struct_time((year, 6, 1, 12, 0, 0, 0, 152, 0))
        data = zip_bytes([Member.of("word/document.xml", b"<w:document/>")], when)
        with zipfile.ZipFile(BytesIO(data)) as archive:
            assert archive.testzip() is None
            assert archive.infolist()[0].date_time == expected


def test_threads_writing_at_once_write_what_one_thread_writes() -> None:
    """Each thread builds bodies in its own copy of the blank body; threads writing at once write what one thread
    writes, and the style ids are the ones python-docx finds in the styled blank package."""
    sample = "# 投诉书\n\n正文。\n\n| 序号 | 内容 |\n|---|---|\n| 1 | 一 |\n"
    document = parse_markup(sample, channel="police")
    expected = _members(write_docx(document))[3:]  # the core properties (times) aside
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(write_docx, [document] * 12))
    assert all(_members(data)[3:] == expected for data in results)
    styles = docx.Document(BytesIO(_blank_package())).styles
    assert dict(_prepared().style_ids) == {name: styles[name].style_id for name in STYLE_NAMES}


# --- the same files as python-docx's own API writes ------------------------------------------------------------

NOW = datetime(2026, 11, 23, 12, 0, 0)

EDGE_CASES = [
    parse_markup(
        "# 投诉书\t标题\n\n## 事实\n\n正文 一段。\n\n1. 第一项\n2. 第二项\n\n| 序号 | 内容 | 备注 |\n|---|---|---|\n"
        "| 1 | 一 | |\n| 2 | 二 |\n\n> 注意：这是提示\t带制表符\n\n::: signature\n此致\n某某派出所\n---\n控告人：某某\n"
        "2026年11月23日\n附：\n1. 证据清单\n2. 其他\n:::\n",
        channel="police",
    ),
    Document(
        channel="police",
        title=" 前后空格 ",
        sections=[
            Section(
                heading="",
                blocks=[
                    Paragraph(text="a\tb\nc\r\nd  "),
                    NumberedList(items=["x\ty", " z ", "\u3000全角"]),
                    Table(rows=[["a\nb", "c"], ["d"]]),
                    Table(header=["只有表头", "h"]),
                ],
            ),
            Section(
                heading="签名紧跟表格",
                blocks=[
                    Table(header=["一", "二"], rows=[["单行", "\t"]]),
                    Signature(closing=["此致"], lines=["签名"], attachments=["一个附件"]),
                ],
            ),
        ],
    ),
    Document(
        channel="police",
        title="只有签名",
        sections=[Section(blocks=[Note(text="提示"), Signature(lines=["报告人：测试人", "2026年11月23日"])])],
    ),
    Document(
        channel="police",
        title="签名紧跟小节标题",
        sections=[Section(heading="落款", blocks=[Signature(closing=["此致", "某局"], lines=["某某"])])],
    ),
]


def _documents() -> Iterator[tuple[str, Document]]:
    for index, document in enumerate(EDGE_CASES):
        yield f"edge case {index}", document
    plugins = load_plugins()
    for example in EXAMPLES:
        case = load_case(example)
        with Engine(plugins=plugins) as engine:
            evaluation = engine.evaluate(case)
        for route in evaluation.routes:
            for document in build_documents(plugins, route.channel, case, evaluation):
                if document.sections:
                    yield f"{example.stem}/{route.channel}/{document.id}", document


def test_every_file_is_what_python_docx_writes_for_the_same_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Body and core properties written with lxml: every file of the package, byte for byte, is what python-docx's
    API writes for the same document (``tests/docx_reference.py``) — the edge cases (tabs, line breaks, leading and
    trailing spaces, notes, tables without header or rows, a signature right after a table, one attachment or
    several) and every document the examples draft."""
    monkeypatch.setattr(jubao.docx_writer, "_now", lambda: NOW)
    compared = 0
    for label, document in _documents():
        written = write_docx(document)
        assert _members(written) == _members(reference_docx(document, NOW)), label
        if compared % 20 == 0:  # and python-docx reads it back: the title, and the styles by name
            opened = docx.Document(BytesIO(written))
            assert opened.core_properties.title == document.title
            assert opened.paragraphs[0].style is not None
            assert opened.paragraphs[0].style.name == "Title"
        compared += 1
    assert compared > 200


def test_a_title_python_docx_refuses_is_refused_the_same_way() -> None:
    """A core property longer than 255 characters: python-docx raises ValueError, and so does the writer."""
    document = Document(channel="police", title="长" * 256, sections=[Section(blocks=[Paragraph(text="正文")])])
    with pytest.raises(ValueError, match="255"):
        reference_docx(document, NOW)
    with pytest.raises(ValueError, match="255"):
        write_docx(document)


# --- the blank package, kept in jubao's cache -----------------------------------------------------------------

_PROBE = (
    "import sys; from jubao.markup import parse_markup; from jubao.docx_writer import write_docx; "
    "data = write_docx(parse_markup('# 标题\\n\\n正文\\n', channel='police')); "
    "sys.stdout.buffer.write(data[:0]); print('docx' in sys.modules)"
)


def _write_in_a_process(cache: Path, *, off: bool = False) -> bool:
    """Write a DOCX in a new process caching in ``cache``; whether it imported python-docx."""
    env = {**os.environ, "JUBAO_CACHE_DIR": str(cache)}
    env.pop("JUBAO_NO_CACHE", None)
    if off:
        env["JUBAO_NO_CACHE"] = "1"
    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, check=True)
    return result.stdout.strip() == "True"


def test_the_blank_package_is_made_by_python_docx_once_then_read_from_the_cache(tmp_path: Path) -> None:
    """The first DOCX made in a cache directory imports python-docx to style the blank package and keeps it; the
    next run reads it and never imports python-docx; with caching off, every run makes it and keeps nothing."""
    cache = tmp_path / "cache"
    assert _write_in_a_process(cache) is True
    assert len(list(cache.glob(f"{BLANK_PREFIX}*.json"))) == 1
    assert _write_in_a_process(cache) is False
    off = tmp_path / "off"
    assert _write_in_a_process(off, off=True) is True
    assert _write_in_a_process(off, off=True) is True
    assert not off.exists()


def _fresh_blank(monkeypatch: pytest.MonkeyPatch) -> BlankPackage:
    monkeypatch.setattr(jubao.docx_writer, "_BLANK", [])
    return _prepared()


def test_a_damaged_cached_blank_package_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A truncated, edited or foreign file in the cache is never used: the package is made again, the same."""
    monkeypatch.setenv("JUBAO_CACHE_DIR", str(tmp_path))
    made = _fresh_blank(monkeypatch)
    (path,) = tmp_path.glob(f"{BLANK_PREFIX}*.json")
    good = path.read_bytes()
    assert _fresh_blank(monkeypatch) == made  # read back from the cache: the same package
    head, _, body = good.partition(b"\n")
    for damaged in (good[: len(good) // 2], good.replace(b'"Title"', b'"Tytle"'), b"{}\n{}", head + b"\n" + b"x" * 9):
        path.write_bytes(damaged)
        assert _fresh_blank(monkeypatch) == made
    cached = json.loads(body)  # a well-sealed file whose members were tampered with: the CRC-32 catches it
    name, deflated, crc, size = next(m for m in cached["members"] if m[1] is not None)
    assert BlankPackage.from_cache(cached, STYLE_NAMES) == made
    cached["members"][[m[0] for m in cached["members"]].index(name)] = [name, deflated, crc ^ 1, size]
    assert BlankPackage.from_cache(cached, STYLE_NAMES) is None
    assert BlankPackage.from_cache({**cached, "style_ids": {}}, STYLE_NAMES) is None


def test_the_cached_blank_package_is_made_again_when_python_docx_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key names python-docx's own files: an upgrade (a different template) is a new key, never the old
    package."""
    package = Path(docx.__file__).parent
    copy = tmp_path / "docx"
    (copy / "templates").mkdir(parents=True)
    shutil.copy2(package / "__init__.py", copy / "__init__.py")
    shutil.copy2(package / "templates" / "default.docx", copy / "templates" / "default.docx")
    spec = importlib.machinery.ModuleSpec("docx", None, origin=str(copy / "__init__.py"))
    monkeypatch.setattr(jubao.docx_writer, "find_spec", lambda name: spec)
    before = jubao.docx_writer._blank_key()
    assert before is not None
    assert jubao.docx_writer._blank_key() == before
    os.utime(copy / "templates" / "default.docx", ns=(1, 1))
    assert jubao.docx_writer._blank_key() not in (None, before)
    monkeypatch.setenv("JUBAO_NO_CACHE", "1")
    assert jubao.docx_writer._blank_key() is None
