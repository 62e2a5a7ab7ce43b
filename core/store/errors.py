"""``StoreError``: what the store refuses, as a code (for a translated message) and parameters that never hold case
data (no names, numbers or case text: ids, limits, revisions, channel ids and driver messages only)."""

from __future__ import annotations

from typing import Any

MESSAGES = {
    "not_found": "no such {kind}",
    "conflict": "the case was changed by someone else (revision {current}, you edited revision {expected})",
    "bad_url": "not a database URL jubao can use: {reason}",
    "unsupported_db": "the database {reason}",
    "missing_driver": "PostgreSQL needs the psycopg driver: pip install 'jubao[postgresql]'",
    "unavailable": "the database cannot be used: {reason}",
    "disk_full": "there is no space left to store it: {reason}",
    "cannot_write": "the data directory cannot be written: {reason}",
    "too_large": "the file is larger than the limit of {limit} bytes",
    "bad_file": "the file cannot be stored: {reason}",
    "edit_failed": "the case file cannot be changed that way ({code})",
    "in_use": "the case file still names this evidence file ({evidence_id}): remove its item first",
}
"""English messages by code (the web layer translates the code; these are for logs and the terminal)."""


class StoreError(Exception):
    """The store refused or could not do something; nothing was changed.

    ``code`` is one of ``MESSAGES``' keys: ``not_found`` (unknown or malformed id; ``params["kind"]`` is
    ``case``, ``draft`` or ``evidence file``), ``conflict`` (``expected_revision`` is stale: ``current`` and
    ``expected``), ``bad_url``, ``unsupported_db`` (an unknown backend, or a schema newer than this jubao:
    ``revision``), ``missing_driver`` (psycopg not installed), ``unavailable`` (the database cannot be reached
    or opened), ``disk_full`` (no space or quota left on the disk, or the database is at its size limit: freeing
    space helps, waiting does not), ``cannot_write`` (the data directory refused a file: ``reason`` is the system's
    words, never a path), ``too_large`` (``limit`` in bytes), ``bad_file`` (an unusable file name) and ``edit_failed``
    (``jubao.case_edit.EditError``: its ``code`` and ``params`` are in ``params["code"]`` and
    ``params["params"]``) and ``in_use`` (an evidence file the case file still names: ``evidence_id``)."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        template = MESSAGES.get(code, code)
        try:
            message = template.format(**params)
        except (KeyError, IndexError):
            message = template
        super().__init__(f"{code}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, self.params))


def _rebuild(code: str, params: dict[str, Any]) -> StoreError:
    return StoreError(code, **params)
