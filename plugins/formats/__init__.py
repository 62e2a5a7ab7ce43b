"""Built-in plugin: the document formats — Markdown, plain text, DOCX and JSON form payloads.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin (see pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable

from jubao import DOCX, JSON_PAYLOAD, MARKDOWN, PLAIN_TEXT, DocumentFormat, hookimpl


@hookimpl
def register_document_formats(register: Callable[[DocumentFormat], None]) -> None:
    register(MARKDOWN)
    register(PLAIN_TEXT)
    register(DOCX)
    register(JSON_PAYLOAD)
