"""Helpers shared by the built-in channels' tests."""

from __future__ import annotations

from datetime import date

from jubao import Document, load_case
from jubao.case import Case
from jubao.documents_api import write_markdown
from tests.conftest import EXAMPLES

TODAY = date(2026, 11, 23)
"""Every channel test evaluates on this date, so that day counts in documents are stable."""


def example(name: str) -> Case:
    return load_case(EXAMPLES / name)


def markdown(document: Document) -> str:
    return write_markdown(document).decode("utf-8")
