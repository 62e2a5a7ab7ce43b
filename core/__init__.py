"""jubao (举报): classify reports of abusive debt collection and route them to the right channels.

Importing ``jubao`` is cheap and has no side effects: no plugin is loaded and durable_rules is not imported
until an engine is built. The stable public API is what this module exports.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jubao")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"


from jubao.case import Case
from jubao.channel import Channel, Deadline, Extension, FilingMethod, Provenance, RequiredField, Scope
from jubao.documents_api import Document, DocumentFormat, Section
from jubao.hookspecs import hookimpl
from jubao.loading import CaseFileError, load_case, parse_case
from jubao.problems import Problem
from jubao.rules import Citation, Text

__all__ = [
    "Case", "CaseFileError", "Channel", "Citation", "Deadline", "Document", "DocumentFormat", "Extension",
    "FilingMethod", "Problem", "Provenance", "RequiredField", "Scope", "Section", "Text", "__version__", "hookimpl",
    "load_case", "parse_case",
]  # fmt: skip
