"""Built-in plugin: the Markdown and plain-text document formats.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin (see pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable

from jubao import DocumentFormat, hookimpl
from jubao.documents_api import MARKDOWN, PLAIN_TEXT


@hookimpl
def register_document_formats(register: Callable[[DocumentFormat], None]) -> None:
    register(MARKDOWN)
    register(PLAIN_TEXT)
