"""Built-in plugin: the document formats — Markdown, plain text, DOCX and JSON form payloads.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin (see pyproject.toml).

DOCX is registered by description, its writer (``jubao.DOCX``, which needs python-docx and lxml) imported only
when a DOCX is written: every command loads the plugins, and most never write one (``tests/test_startup.py``
checks both that ``jubao validate`` does not import python-docx and that this description is ``jubao.DOCX``'s).
"""

from __future__ import annotations

from collections.abc import Callable

from jubao import JSON_PAYLOAD, MARKDOWN, PLAIN_TEXT, Document, DocumentFormat, Text, hookimpl


def _write_docx(document: Document) -> bytes:
    from jubao import DOCX  # noqa: PLC0415 - python-docx and lxml only when a DOCX is written

    return DOCX.write(document)


DOCX = DocumentFormat(
    id="docx",
    suffix=".docx",
    media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    description=Text(zh="Word 文档（A4，可直接打印）", en="Word document (A4, print-ready)"),
    write=_write_docx,
    accepts=lambda document: bool(document.sections),
)
"""``jubao.DOCX`` without importing it: the same id, suffix, media type, description and ``accepts``."""


@hookimpl
def register_document_formats(register: Callable[[DocumentFormat], None]) -> None:
    register(MARKDOWN)
    register(PLAIN_TEXT)
    register(DOCX)
    register(JSON_PAYLOAD)
