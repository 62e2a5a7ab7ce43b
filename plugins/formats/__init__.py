"""Built-in plugin: the document formats — Markdown, plain text, DOCX and JSON form payloads.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin (see pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable

from jubao import DocumentFormat, hookimpl
from jubao.documents_api import JSON_PAYLOAD, MARKDOWN, PLAIN_TEXT
from jubao.docx_writer import DOCX


@hookimpl
def register_document_formats(register: Callable[[DocumentFormat], None]) -> None:
    register(MARKDOWN)
    register(PLAIN_TEXT)
    register(DOCX)
    register(JSON_PAYLOAD)
