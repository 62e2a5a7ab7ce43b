"""jubao's case store for ``jubao serve``: cases (their YAML/JSON text is the source of truth), filings, evidence
files and interview drafts, in SQLite in the user's data directory by default or in PostgreSQL. See ``Store``."""

from jubao.store.errors import StoreError
from jubao.store.store import (
    CaseSummary,
    DraftFile,
    DraftSummary,
    EvidenceFile,
    FilingRow,
    Store,
    StoredCase,
    default_data_dir,
    default_url,
)

__all__ = [
    "CaseSummary",
    "DraftFile",
    "DraftSummary",
    "EvidenceFile",
    "FilingRow",
    "Store",
    "StoreError",
    "StoredCase",
    "default_data_dir",
    "default_url",
]
