"""The case store: cases (their YAML/JSON text, the source of truth), the filings they record, the evidence files
kept for them and the web interview's drafts — in SQLite in the user's data directory by default, or PostgreSQL.

One ``Store`` (one SQLAlchemy engine, a connection pool) is shared by every request of a server; each call uses its
own session and each write is one transaction. Writers of one case are serialised (``SELECT … FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two volunteers recording filings at once both keep theirs; an edit
made against an old revision is refused (``expected_revision``).

Files live under the data directory: ``cases/<case id>/`` (the base directory of the case's relative evidence
paths; ``evidence/`` in it holds the copies received) and ``drafts/<draft id>/``. Nothing else in the data
directory is ever touched, and ``wipe`` removes exactly what the store made.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import json
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Literal, Self

import platformdirs
from sqlalchemy import create_engine, delete, event, inspect, select
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from jubao.case import Case
from jubao.case_edit import Edit, EditError, add_evidence_item, add_filing, record_reply
from jubao.loading import MAX_CASE_BYTES, CaseFileError, parse_case_text
from jubao.problems import Problem
from jubao.store import files
from jubao.store.errors import StoreError
from jubao.store.migrate import known_revisions, upgrade
from jubao.store.models import TABLES, CaseRow, DraftRow, EvidenceFileRow, FilingRowModel
from jubao.types import CASE_TIMEZONE

DATA_DIR_ENV = "JUBAO_DATA_DIR"
DB_FILE_NAME = "jubao.sqlite3"
CASES_DIR = "cases"
DRAFTS_DIR = "drafts"
EVIDENCE_DIR = "evidence"
BUSY_TIMEOUT_SECONDS = 30
"""How long a SQLite writer waits for another to finish before giving up (``unavailable``)."""
EDIT_SOURCE = "<case>"
"""How a stored case is named in the problems of an edit of it (never its title: that may hold a name)."""

Backend = Literal["sqlite", "postgresql"]
Fmt = Literal["yaml", "json"]
Answers = dict[str, str | bool | list[str] | None]

_ID = re.compile(r"[0-9a-f]{32}")
_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_EVIDENCE_NUMBER = re.compile(r"[Ee](\d{1,9})")
_POSTGRESQL_NAMES = ("postgresql", "postgres")


def default_data_dir() -> Path:
    """``$JUBAO_DATA_DIR`` if set, else the user's data directory for jubao (platformdirs: ``~/.local/share/jubao``
    on Linux, ``~/Library/Application Support/jubao`` on macOS, ``%LOCALAPPDATA%\\jubao`` on Windows)."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("jubao", appauthor=False))


def default_url(data_dir: Path) -> str:
    """The SQLite database in ``data_dir``: ``sqlite:///<data_dir>/jubao.sqlite3``."""
    return f"sqlite:///{(Path(data_dir) / DB_FILE_NAME).absolute().as_posix()}"


@dataclass(frozen=True)
class CaseSummary:
    id: str
    title: str
    """A label for lists (shown only in pages, never in URLs or logs)."""
    revision: int
    """1 when created, one more on every change of the text."""
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StoredCase(CaseSummary):
    text: str
    """The case file's text, exactly as imported or last edited (comments and layout kept)."""
    fmt: Fmt


@dataclass(frozen=True)
class DraftSummary:
    """An unfinished interview, for the list a person takes one up again from."""

    id: str
    lang: str
    case_id: str | None
    """The case it completes (a re-run of that case's interview), or ``None`` for a new case."""
    case_title: str | None
    """That case's title (shown only in pages, never in URLs or logs)."""
    answers: Answers
    """The answers so far: their meaning is the interview's (``jubao.web.page_interview``)."""
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class FilingRow:
    channel: str
    filed_on: date
    reference_number: str | None
    reply_received: bool
    reply_on: date | None
    index: int
    """Position in the case's ``prior_complaints``."""


@dataclass(frozen=True)
class EvidenceFile:
    id: str
    case_id: str
    evidence_id: str
    """The case's ``evidence[].id`` this file is (``E3``)."""
    file_name: str
    """The name it was uploaded with, made safe."""
    stored_path: Path
    sha256: str
    size: int
    received_at: datetime

    @property
    def path(self) -> str:
        """The path the case file names it by, relative to the case's directory: ``evidence/<name>``."""
        return f"{EVIDENCE_DIR}/{self.stored_path.name}"

    def named_by(self, case: Case) -> bool:
        """Whether ``case`` names this file: its item (``evidence_id``) is there and points at it. An item edited
        out of the case file leaves its file kept, cited by no document, until that copy is deleted."""
        return any(
            item.id == self.evidence_id and _evidence_file_name(item.path) == self.stored_path.name
            for item in case.evidence
        )


@dataclass(frozen=True)
class DraftFile:
    """A file uploaded during the interview, kept in the draft's directory until the case is made."""

    path: str
    """Relative to the draft's (later the case's) directory: ``evidence/<name>`` — the evidence item's ``path``."""
    file_name: str
    sha256: str
    size: int


class Store:
    """The case store. ``Store.open()`` opens (and creates or migrates) it; use it as a context manager or call
    ``close()``. Safe to share between threads."""

    url: str
    """The database URL with any password masked (for printing)."""
    backend: Backend
    data_dir: Path

    def __init__(self, engine: Engine, *, url: str, backend: Backend, data_dir: Path) -> None:
        """Use ``Store.open``."""
        self._engine = engine
        self._writer = engine.execution_options(jubao_write=True)
        self.url = url
        self.backend = backend
        self.data_dir = data_dir

    # --- opening, closing, wiping ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None, *, data_dir: Path | None = None) -> Store:
        """Open the store at ``url`` (default: SQLite in ``data_dir``), creating ``data_dir`` (mode 0700) and the
        database, and migrating its schema to the newest revision. ``StoreError`` for a URL it cannot use
        (``bad_url``, ``unsupported_db``, ``missing_driver``), a database made by a newer jubao
        (``unsupported_db``) or one it cannot reach (``unavailable``)."""
        data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        target, backend = _target(url, data_dir)
        try:
            files.make_dir(data_dir)
            if backend == "sqlite" and target.database:
                files.make_dir(Path(target.database).parent)
        except OSError as error:
            if error.errno in DISK_FULL_ERRNOS:
                raise StoreError("disk_full", reason=error.strerror or "ENOSPC") from None
            raise StoreError(
                "unavailable",
                kind="data_dir",
                system=error.strerror or type(error).__name__,
                reason=f"cannot create the data directory ({error.strerror})",
            ) from None
        engine = _engine(target, backend)
        try:
            writer = engine.execution_options(jubao_write=True)  # SQLite: BEGIN IMMEDIATE, two openers queue
            with _unavailable_on_error(), writer.connect() as connection, connection.begin():
                upgrade(connection)
        except StoreError as error:
            engine.dispose()
            if error.code == "unavailable":  # what to check differs: a server, or a file on this machine
                error.params["kind"] = backend
            raise
        except BaseException:
            engine.dispose()
            raise
        store = cls(engine, url=_masked(target), backend=backend, data_dir=data_dir)
        store._remove_abandoned_draft_dirs()
        return store

    def close(self) -> None:
        """Close the database connections (the store cannot be used afterwards)."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @classmethod
    def wipe(cls, url: str | None = None, *, data_dir: Path | None = None) -> list[str]:
        """Remove everything the store keeps: jubao's tables (SQLite: the database file with its ``-wal`` and
        ``-shm``, when it holds nothing but jubao's tables; PostgreSQL: jubao's tables and its
        ``alembic_version``) and ``<data_dir>/cases`` and ``<data_dir>/drafts``. Returns what was removed, for
        printing. Nothing else is removed: another program's tables stay, and so does every other file in
        ``data_dir``. Do not wipe a store a running server has open."""
        return _wipe(url, data_dir, remove=True)

    @classmethod
    def wipe_plan(cls, url: str | None = None, *, data_dir: Path | None = None) -> list[str]:
        """What ``wipe`` would remove (the same lines it returns), removing nothing: to show before asking."""
        return _wipe(url, data_dir, remove=False)

    @property
    def where(self) -> str:
        """Where the cases are kept, for printing: the data directory (and the masked URL of a database that is
        not in it)."""
        inside = self.backend == "sqlite" and Path(self._engine.url.database or "").parent == self.data_dir.absolute()
        return str(self.data_dir) if inside else f"{self.url} · {self.data_dir}"

    # --- cases ----------------------------------------------------------------------------------------------------

    def list_cases(self) -> list[CaseSummary]:
        """Every case, the most recently changed first."""
        query = select(CaseRow.id, CaseRow.title, CaseRow.revision, CaseRow.created_at, CaseRow.updated_at)
        with self._read() as session:
            rows = session.execute(query.order_by(CaseRow.updated_at.desc(), CaseRow.id)).all()
        return [CaseSummary(id=r.id, title=r.title, revision=r.revision, created_at=r.created_at,
                            updated_at=r.updated_at) for r in rows]  # fmt: skip

    def create_case(self, text: str, *, title: str | None = None, source: str = "<upload>") -> StoredCase:
        """Store a new case from its YAML or JSON ``text`` (kept byte for byte). ``CaseFileError`` (with every
        problem) if it is not a valid case; then nothing is stored."""
        case, fmt = _validated(text, source)
        with self._write() as session:
            row = self._insert_case(session, text, case, fmt, title)
            return _stored(row)

    def get_case(self, case_id: str) -> StoredCase:
        """The case; ``StoreError("not_found")`` for an unknown (or malformed) id."""
        _check_id(case_id, "case")
        with self._read() as session:
            row = session.get(CaseRow, case_id)
            if row is None:
                raise StoreError("not_found", kind="case")
            return _stored(row)

    def replace_case(
        self, case_id: str, text: str, *, expected_revision: int | None = None, title: str | None = None
    ) -> StoredCase:
        """Replace the case's text (validated first: ``CaseFileError``, nothing changed). With
        ``expected_revision`` (the revision the editor started from), ``StoreError("conflict")`` if the case has
        changed since. ``title`` ``None`` keeps the title."""
        _check_id(case_id, "case")
        case, fmt = _validated(text, EDIT_SOURCE)
        with self._write() as session:
            row = _locked_case(session, case_id)
            if expected_revision is not None and expected_revision != row.revision:
                raise StoreError("conflict", current=row.revision, expected=expected_revision)
            if title is not None and title.strip():
                row.title = _clean_title(title)
            _set_text(session, row, text, case, fmt)
            return _stored(row)

    def delete_case(self, case_id: str) -> None:
        """Delete the case, its filings and evidence records, its directory (the evidence copies) and the drafts
        that were completing it (with the files uploaded in them)."""
        _check_id(case_id, "case")
        directory = self._case_path(case_id)
        trash: Path | None = None
        drafts: list[str] = []
        try:
            with self._write() as session:
                drafts = list(session.scalars(select(DraftRow.id).where(DraftRow.case_id == case_id)))
                if session.execute(delete(CaseRow).where(CaseRow.id == case_id)).rowcount == 0:  # type: ignore[attr-defined]
                    raise StoreError("not_found", kind="case")
                if directory.exists():
                    aside = directory.with_name(f".deleting-{case_id}-{uuid.uuid4().hex[:8]}")
                    with _files_on_error():
                        directory.rename(aside)
                    trash = aside
        except BaseException:
            if trash is not None:
                trash.rename(directory)
            raise
        if trash is not None:
            files.remove_tree(trash)
        for draft_id in drafts:  # their rows went with the case (ON DELETE CASCADE)
            files.remove_tree(self._draft_path(draft_id))

    def case_dir(self, case_id: str) -> Path:
        """``<data_dir>/cases/<case id>/``: the base directory of the case's relative evidence paths. It exists
        once the case has a file (it may not yet)."""
        self._require_case(case_id)
        return self._case_path(case_id)

    # --- filings ----------------------------------------------------------------------------------------------------

    def record_filing(self, case_id: str, *, channel: str, filed_on: date, reference_number: str | None) -> StoredCase:
        """Add ``{channel, filed_on, reference_number}`` to the case's ``prior_complaints`` (``jubao.case_edit``:
        the text's comments and layout are kept). The caller checks that ``channel`` is an installed channel."""
        return self._edit(
            case_id,
            lambda text: add_filing(
                text, channel=channel, filed_on=filed_on, reference_number=reference_number, source=EDIT_SOURCE
            ),
        )

    def record_reply(self, case_id: str, *, channel: str, reply_on: date, summary: str | None) -> StoredCase:
        """Mark the latest unanswered complaint to ``channel`` as answered on ``reply_on``;
        ``StoreError("edit_failed")`` (``no_filing``, ``all_answered``, ``reply_before_filing``) when it cannot."""
        return self._edit(
            case_id,
            lambda text: record_reply(text, channel=channel, reply_on=reply_on, summary=summary, source=EDIT_SOURCE),
        )

    def filings(self, case_id: str) -> list[FilingRow]:
        """The case's prior complaints as the filings table has them (always what the text says)."""
        _check_id(case_id, "case")
        with self._read() as session:
            if session.get(CaseRow, case_id) is None:
                raise StoreError("not_found", kind="case")
            rows = session.scalars(
                select(FilingRowModel).where(FilingRowModel.case_id == case_id).order_by(FilingRowModel.index)
            ).all()
            return [FilingRow(channel=r.channel, filed_on=r.filed_on, reference_number=r.reference_number,
                              reply_received=r.reply_received, reply_on=r.reply_on, index=r.index)
                    for r in rows]  # fmt: skip

    # --- evidence ---------------------------------------------------------------------------------------------------

    def add_evidence(
        self,
        case_id: str,
        *,
        file_name: str,
        data: BinaryIO,
        kind: str,
        description: str,
        max_bytes: int,
        today: date,
    ) -> tuple[StoredCase, EvidenceFile]:
        """Keep an uploaded evidence file and add it to the case.

        ``data`` is streamed into ``<case dir>/evidence/<safe name>`` (never replacing a file: ``name-2.ext`` …)
        with its SHA-256 computed on the way; then an evidence item ``{id: next E<n>, kind, description,
        path: evidence/<name>, collected_on: today, sha256}`` is appended to the case's text (comments kept) and
        the file recorded. ``StoreError`` ``too_large`` past ``max_bytes``, ``bad_file`` for a name with nothing
        usable in it; ``CaseFileError`` if the item is not valid (an unknown ``kind``). On any failure nothing is
        left behind."""
        _check_id(case_id, "case")
        safe_name = files.safe_file_name(file_name)
        self._require_case(case_id)
        directory = self._case_path(case_id) / EVIDENCE_DIR
        created: list[Path] = []
        received: files.Received | None = None
        try:
            with _files_on_error():
                created = files.make_dir(directory)
                received = item = files.receive(directory, safe_name, data, max_bytes=max_bytes)
            with self._write() as session:
                row = _locked_case(session, case_id)
                kept = select(EvidenceFileRow.evidence_id).where(EvidenceFileRow.case_id == case_id)
                kept_ids = session.scalars(kept)
                evidence_id = _next_evidence_id(parse_case_text(row.text, source=EDIT_SOURCE), kept=kept_ids)
                entry = {
                    "id": evidence_id,
                    "kind": kind,
                    "description": description,
                    "path": f"{EVIDENCE_DIR}/{item.name}",
                    "collected_on": today,
                    "sha256": item.sha256,
                }
                edit = _edited(lambda text: add_evidence_item(text, entry, EDIT_SOURCE), row.text)
                _set_text(session, row, edit.text, edit.case, _fmt(edit.text))
                file_row = EvidenceFileRow(
                    id=uuid.uuid4().hex,
                    case_id=case_id,
                    evidence_id=evidence_id,
                    file_name=safe_name,
                    stored_name=item.name,
                    sha256=item.sha256,
                    size=item.size,
                    received_at=_now(),
                )
                session.add(file_row)
                session.flush()
                stored = _stored(row)
        except BaseException:
            if received is not None:
                received.path.unlink(missing_ok=True)
            files.remove_empty(created)
            raise
        return stored, self._evidence_file(file_row)

    def evidence_files(self, case_id: str) -> list[EvidenceFile]:
        """The evidence files kept for the case, in the order they arrived."""
        _check_id(case_id, "case")
        with self._read() as session:
            if session.get(CaseRow, case_id) is None:
                raise StoreError("not_found", kind="case")
            rows = session.scalars(
                select(EvidenceFileRow)
                .where(EvidenceFileRow.case_id == case_id)
                .order_by(EvidenceFileRow.received_at, EvidenceFileRow.stored_name)
            ).all()
            return [self._evidence_file(row) for row in rows]

    def evidence_path(self, case_id: str, file_id: str) -> Path:
        """Where the evidence file ``file_id`` of the case is kept; ``StoreError("not_found")`` otherwise."""
        _check_id(case_id, "case")
        _check_id(file_id, "evidence file")
        with self._read() as session:
            row = session.get(EvidenceFileRow, file_id)
            if row is None or row.case_id != case_id:
                raise StoreError("not_found", kind="evidence file")
            return self._evidence_file(row).stored_path

    def delete_evidence_file(self, case_id: str, file_id: str) -> None:
        """Delete a kept evidence file the case file no longer names (its item was edited out: an upload of the
        wrong file, say). ``StoreError("in_use")`` while the case file still names it — remove its item first, so
        that no document cites a file that is gone; ``not_found`` for an unknown id."""
        _check_id(case_id, "case")
        _check_id(file_id, "evidence file")
        trash: Path | None = None
        try:
            with self._write() as session:
                case_row = _locked_case(session, case_id)
                row = session.get(EvidenceFileRow, file_id)
                if row is None or row.case_id != case_id:
                    raise StoreError("not_found", kind="evidence file")
                kept = self._evidence_file(row)
                if kept.named_by(parse_case_text(case_row.text, source=EDIT_SOURCE)):
                    raise StoreError("in_use", evidence_id=kept.evidence_id)
                session.delete(row)
                session.flush()
                if kept.stored_path.exists():
                    aside = kept.stored_path.with_name(f".deleting-{file_id}")
                    with _files_on_error():
                        kept.stored_path.rename(aside)
                    trash = aside
        except BaseException:
            if trash is not None:
                trash.rename(kept.stored_path)
            raise
        if trash is not None:
            trash.unlink()

    # --- the web interview's drafts -----------------------------------------------------------------------------------

    def create_draft(self, *, lang: str, case_id: str | None = None) -> str:
        """A new, empty draft of the interview in ``lang`` (``zh``, ``en``); returns its id. With ``case_id`` it
        completes that case (``StoreError("not_found")`` if there is none) and is deleted with it."""
        if not isinstance(lang, str) or not _LANG.fullmatch(lang):
            raise ValueError("lang must be a language tag such as 'zh' or 'en'")
        if case_id is not None:
            _check_id(case_id, "case")
        draft_id = uuid.uuid4().hex
        now = _now()
        with self._write() as session:
            if case_id is not None and session.get(CaseRow, case_id) is None:
                raise StoreError("not_found", kind="case")
            session.add(DraftRow(id=draft_id, lang=lang, answers="{}", case_id=case_id, created_at=now,
                                 updated_at=now))  # fmt: skip
        return draft_id

    def list_drafts(self) -> list[DraftSummary]:
        """Every unfinished interview, the most recently changed first: so that one left on another day can be
        found again (or discarded)."""
        query = (
            select(DraftRow, CaseRow.title)
            .outerjoin(CaseRow, DraftRow.case_id == CaseRow.id)
            .order_by(DraftRow.updated_at.desc(), DraftRow.id)
        )
        with self._read() as session:
            rows = session.execute(query).all()
        return [
            DraftSummary(id=row.id, lang=row.lang, case_id=row.case_id, case_title=title,
                         answers=json.loads(row.answers), created_at=row.created_at, updated_at=row.updated_at)
            for row, title in rows
        ]  # fmt: skip

    def get_draft(self, draft_id: str) -> tuple[str, Answers]:
        """The draft's language and answers so far."""
        _check_id(draft_id, "draft")
        with self._read() as session:
            row = session.get(DraftRow, draft_id)
            if row is None:
                raise StoreError("not_found", kind="draft")
            answers: Answers = json.loads(row.answers)
            return row.lang, answers

    def save_draft(self, draft_id: str, answers: Mapping[str, Any]) -> None:
        """Replace the draft's answers (``str`` keys; values ``str``, ``bool``, a list of ``str`` or ``None``)."""
        _check_id(draft_id, "draft")
        encoded = json.dumps(_checked_answers(answers), ensure_ascii=False)
        with self._write() as session:
            row = session.get(DraftRow, draft_id, with_for_update=True)
            if row is None:
                raise StoreError("not_found", kind="draft")
            row.answers = encoded
            row.updated_at = _now()

    def delete_draft(self, draft_id: str) -> None:
        """Delete the draft and its directory (the files uploaded during the interview)."""
        _check_id(draft_id, "draft")
        with self._write() as session:
            if session.execute(delete(DraftRow).where(DraftRow.id == draft_id)).rowcount == 0:  # type: ignore[attr-defined]
                raise StoreError("not_found", kind="draft")
        files.remove_tree(self._draft_path(draft_id))

    def draft_dir(self, draft_id: str) -> Path:
        """``<data_dir>/drafts/<draft id>/`` (created, mode 0700): where files uploaded during the interview go,
        at the relative paths the case will name them by (``evidence/<name>``; see ``add_draft_file``)."""
        _check_id(draft_id, "draft")
        with self._read() as session:
            if session.get(DraftRow, draft_id) is None:
                raise StoreError("not_found", kind="draft")
        path = self._draft_path(draft_id)
        with _files_on_error():
            files.make_dir(path)
        return path

    def add_draft_file(self, draft_id: str, *, file_name: str, data: BinaryIO, max_bytes: int) -> DraftFile:
        """Keep a file uploaded during the interview in ``<draft dir>/evidence/`` — named safely, never replacing
        a file, its SHA-256 computed on the way, ``StoreError("too_large")`` past ``max_bytes`` (nothing kept).
        The interview puts ``DraftFile.path`` and ``sha256`` in the evidence item; ``finish_draft`` records it."""
        safe_name = files.safe_file_name(file_name)
        directory = self.draft_dir(draft_id) / EVIDENCE_DIR
        with _files_on_error():
            created = files.make_dir(directory)
        try:
            with _files_on_error():
                received = files.receive(directory, safe_name, data, max_bytes=max_bytes)
        except BaseException:
            files.remove_empty(created)
            raise
        return DraftFile(
            path=f"{EVIDENCE_DIR}/{received.name}", file_name=safe_name, sha256=received.sha256, size=received.size
        )

    def finish_draft(self, draft_id: str, text: str, *, title: str | None = None) -> StoredCase:
        """Make the case from the interview's ``text``: the case is created, the draft's directory becomes the
        case's (files at the same relative paths; each evidence item whose ``path`` names a file in its
        ``evidence/`` is recorded as an evidence file) and the draft is deleted — all or nothing. ``CaseFileError``
        if ``text`` is not a valid case (the draft is kept)."""
        _check_id(draft_id, "draft")
        case, fmt = _validated(text, "<draft>")
        source = self._draft_path(draft_id)
        arrived = _now()
        kept: list[tuple[str, str, str, int]] = []  # (evidence id, stored name, sha256, size)
        for item in case.evidence:
            name = _evidence_file_name(item.path)
            if name is not None and (source / EVIDENCE_DIR / name).is_file():
                kept.append((item.id, name, *files.sha256_of(source / EVIDENCE_DIR / name)))
        moved: Path | None = None
        try:
            with self._write() as session:
                if session.get(DraftRow, draft_id, with_for_update=True) is None:
                    raise StoreError("not_found", kind="draft")
                row = self._insert_case(session, text, case, fmt, title)
                session.add_all(
                    EvidenceFileRow(id=uuid.uuid4().hex, case_id=row.id, evidence_id=evidence_id, file_name=name,
                                    stored_name=name, sha256=sha256, size=size, received_at=arrived)
                    for evidence_id, name, sha256, size in kept
                )  # fmt: skip
                session.execute(delete(DraftRow).where(DraftRow.id == draft_id))
                session.flush()
                stored = _stored(row)
                if source.exists():
                    target = self._case_path(row.id)
                    with _files_on_error():
                        files.make_dir(target.parent)
                        source.rename(target)
                    moved = target
        except BaseException:
            if moved is not None:
                moved.rename(source)
            raise
        return stored

    # --- internals ----------------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        with _unavailable_on_error(), Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        """One transaction; on SQLite ``BEGIN IMMEDIATE``, so that writers queue instead of failing."""
        with _unavailable_on_error(), Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    def _remove_abandoned_draft_dirs(self) -> None:
        """Remove ``drafts/<id>/`` directories whose draft is gone: deleted with its case by an older jubao (or by
        the 0002 migration), or left by a process that stopped between deleting a draft and its directory. The
        directories are listed before the rows are read, and a draft's row is written before its directory is
        made, so a draft being created meanwhile is never taken for abandoned."""
        folder = self.data_dir / DRAFTS_DIR
        try:
            listed = [entry.name for entry in folder.iterdir() if _ID.fullmatch(entry.name) and entry.is_dir()]
        except OSError:  # no drafts folder yet
            return
        if not listed:
            return
        with self._read() as session:
            alive = set(session.scalars(select(DraftRow.id).where(DraftRow.id.in_(listed))))
        for name in listed:
            if name not in alive:
                files.remove_tree(folder / name)

    def _case_path(self, case_id: str) -> Path:
        return self.data_dir / CASES_DIR / case_id

    def _draft_path(self, draft_id: str) -> Path:
        return self.data_dir / DRAFTS_DIR / draft_id

    def _require_case(self, case_id: str) -> None:
        _check_id(case_id, "case")
        with self._read() as session:
            if session.get(CaseRow, case_id) is None:
                raise StoreError("not_found", kind="case")

    def _insert_case(self, session: Session, text: str, case: Case, fmt: Fmt, title: str | None) -> CaseRow:
        now = _now()
        row = CaseRow(
            id=uuid.uuid4().hex,
            title=_clean_title(title) if title and title.strip() else _default_title(case, now),
            fmt=fmt,
            text=text,
            revision=1,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        _sync_filings(session, row.id, case)
        return row

    def _edit(self, case_id: str, make: Callable[[str], Edit]) -> StoredCase:
        _check_id(case_id, "case")
        with self._write() as session:
            row = _locked_case(session, case_id)
            edit = _edited(make, row.text)
            _set_text(session, row, edit.text, edit.case, _fmt(edit.text))
            return _stored(row)

    def _evidence_file(self, row: EvidenceFileRow) -> EvidenceFile:
        return EvidenceFile(
            id=row.id,
            case_id=row.case_id,
            evidence_id=row.evidence_id,
            file_name=row.file_name,
            stored_path=self._case_path(row.case_id) / EVIDENCE_DIR / row.stored_name,
            sha256=row.sha256,
            size=row.size,
            received_at=row.received_at,
        )


# --- helpers ------------------------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _check_id(value: object, kind: str) -> None:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise StoreError("not_found", kind=kind)


def _fmt(text: str) -> Fmt:
    return "json" if text.removeprefix("\ufeff").lstrip()[:1] in ("{", "[") else "yaml"


def _validated(text: str, source: str) -> tuple[Case, Fmt]:
    if not isinstance(text, str):
        raise TypeError(f"case text must be str, not {type(text).__name__}")
    if len(text) > MAX_CASE_BYTES // 4 and len(text.encode("utf-8", "replace")) > MAX_CASE_BYTES:
        raise CaseFileError(source, [Problem(code="file_too_large", params={"limit_mib": str(MAX_CASE_BYTES >> 20)})])
    return parse_case_text(text, source=source), _fmt(text)


def _edited(make: Callable[[str], Edit], text: str) -> Edit:
    try:
        return make(text)
    except EditError as error:
        raise StoreError("edit_failed", code=error.code, params=dict(error.params)) from error


def _clean_title(title: str) -> str:
    return " ".join(title.split())[:200]


def _default_title(case: Case, created: datetime) -> str:
    """The case file's own ``title``, else the lender's name (or App) and the day it was stored (Beijing time)."""
    if case.title:
        return _clean_title(case.title)
    lender = case.lender.name or case.lender.app_name or ""
    return _clean_title(f"{lender} · {created.astimezone(CASE_TIMEZONE).date().isoformat()}")


def _locked_case(session: Session, case_id: str) -> CaseRow:
    row = session.scalars(select(CaseRow).where(CaseRow.id == case_id).with_for_update()).one_or_none()
    if row is None:
        raise StoreError("not_found", kind="case")
    return row


def _set_text(session: Session, row: CaseRow, text: str, case: Case, fmt: Fmt) -> None:
    row.text = text
    row.fmt = fmt
    row.revision += 1
    row.updated_at = _now()
    _sync_filings(session, row.id, case)


def _sync_filings(session: Session, case_id: str, case: Case) -> None:
    """Make the filings table say what the case's ``prior_complaints`` say."""
    session.execute(delete(FilingRowModel).where(FilingRowModel.case_id == case_id))
    session.add_all(
        FilingRowModel(case_id=case_id, index=i, channel=p.channel, filed_on=p.filed_on,
                       reference_number=p.reference_number, reply_received=p.reply_received, reply_on=p.reply_on)
        for i, p in enumerate(case.prior_complaints)
    )  # fmt: skip


def _stored(row: CaseRow) -> StoredCase:
    return StoredCase(
        id=row.id,
        title=row.title,
        revision=row.revision,
        created_at=row.created_at,
        updated_at=row.updated_at,
        text=row.text,
        fmt="json" if row.fmt == "json" else "yaml",
    )


def _next_evidence_id(case: Case, *, kept: Iterable[str] = ()) -> str:
    """``E<n>`` one above the highest ``E<n>`` in the case and among the ids of the files ``kept`` for it (``E1``
    for the first). A file stays kept when its item is edited out of the case file; a new item taking its id
    would make that file look like the new item's."""
    ids = [e.id for e in case.evidence] + list(kept)
    numbers = [int(match.group(1)) for evidence_id in ids if (match := _EVIDENCE_NUMBER.fullmatch(evidence_id))]
    taken = {evidence_id.lower() for evidence_id in ids}
    n = max(numbers, default=0) + 1
    while f"e{n}" in taken:  # pragma: no cover - only if ids differ from E<n> in case alone
        n += 1
    return f"E{n}"


def _evidence_file_name(path: str | None) -> str | None:
    """``name`` if ``path`` is ``evidence/<name>`` (where the store keeps evidence files), else ``None``."""
    if not path:
        return None
    parts = path.replace("\\", "/").split("/")
    if len(parts) == 2 and parts[0] == EVIDENCE_DIR and parts[1] not in ("", ".", ".."):
        return parts[1]
    return None


def _checked_answers(answers: Mapping[str, Any]) -> Answers:
    if not isinstance(answers, Mapping):
        raise TypeError("a draft's answers are a mapping")
    checked: Answers = {}
    for key, value in answers.items():
        ok = value is None or isinstance(value, str | bool)
        ok = ok or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        if not isinstance(key, str) or not ok:
            raise TypeError("a draft's answers map str to str, bool, a list of str or None")
        checked[key] = list(value) if isinstance(value, list) else value
    return checked


# --- URLs and engines ---------------------------------------------------------------------------------------------


def _target(url: str | None, data_dir: Path) -> tuple[URL, Backend]:
    """The URL to connect to (PostgreSQL through psycopg 3) and its backend; ``StoreError`` if it is unusable."""
    if url is None:
        return URL.create("sqlite", database=str((data_dir / DB_FILE_NAME).absolute())), "sqlite"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise StoreError(
            "bad_url", kind="not_a_url", reason="it is not a URL such as sqlite:///path or postgresql://host/db"
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            raise StoreError(
                "unsupported_db",
                kind="driver",
                driver=driver,
                reason=f"driver {driver} is not supported; use sqlite:///path",
            )
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:") or parsed.query.get("uri"):
            raise StoreError(
                "bad_url", kind="sqlite_path", reason="SQLite needs a file path: sqlite:///path/to/jubao.sqlite3"
            )
        return URL.create("sqlite", database=str(Path(database).expanduser().absolute())), "sqlite"
    if backend in _POSTGRESQL_NAMES:
        if driver not in ("", "psycopg"):
            raise StoreError(
                "unsupported_db",
                kind="driver",
                driver=driver,
                reason=f"driver {driver} is not supported; use postgresql://…",
            )
        if importlib.util.find_spec("psycopg") is None:
            raise StoreError("missing_driver")
        return parsed.set(drivername="postgresql+psycopg"), "postgresql"
    raise StoreError(
        "unsupported_db", kind="backend", reason=f"{backend or 'this'} is not supported: use SQLite or PostgreSQL"
    )


def _masked(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _engine(url: URL, backend: Backend) -> Engine:
    try:
        if backend == "postgresql":
            return create_engine(url, pool_pre_ping=True, hide_parameters=True)
        engine = create_engine(url, hide_parameters=True, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
    except NoSuchModuleError:  # pragma: no cover - checked in _target
        raise StoreError("missing_driver") from None
    event.listen(engine, "connect", _sqlite_connected)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connected(dbapi_connection: Any, record: Any) -> None:
    """WAL (readers never wait for the writer), foreign keys (cascading deletes), a busy timeout; and jubao, not
    the sqlite3 module, says when a transaction begins (``_sqlite_begin``)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get("jubao_write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


@contextlib.contextmanager
def _unavailable_on_error() -> Iterator[None]:
    """A database that cannot be reached, is locked for too long or is no database: ``StoreError("unavailable")``
    with the driver's first line (never a statement's parameters: engines are made with ``hide_parameters``). A
    database or disk that is full: ``StoreError("disk_full")`` — waiting will not help, freeing space will."""
    try:
        yield
    except DBAPIError as error:
        if _is_disk_full(error.orig):
            raise StoreError("disk_full", reason=_first_line(error.orig)) from None
        if error.connection_invalidated or _is_operational(error):
            raise StoreError(
                "unavailable", kind="database", system=_first_line(error.orig), reason=_first_line(error.orig)
            ) from None
        raise


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
"""No space left on the device, or the user's disk quota used up."""

_SQLITE_FULL = getattr(sqlite3, "SQLITE_FULL", 13)
_POSTGRESQL_DISK_FULL = "53100"
"""SQLSTATE ``disk_full`` (class 53, insufficient resources)."""


def _is_disk_full(error: BaseException | None) -> bool:
    """SQLite's ``SQLITE_FULL`` (the disk, or the database's page limit) or PostgreSQL's ``disk_full``."""
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorcode", None) == _SQLITE_FULL
    return getattr(error, "sqlstate", None) == _POSTGRESQL_DISK_FULL


@contextlib.contextmanager
def _files_on_error() -> Iterator[None]:
    """Writing in the data directory failed: ``StoreError("disk_full")`` when there is no space (or quota) left,
    else ``StoreError("cannot_write")`` — with the system's words for it, never a path (a path holds an uploaded
    file's name)."""
    try:
        yield
    except OSError as error:
        code = "disk_full" if error.errno in DISK_FULL_ERRNOS else "cannot_write"
        raise StoreError(code, reason=error.strerror or type(error).__name__) from None


def _is_operational(error: DBAPIError) -> bool:
    """Not the statement's fault: the server, the connection, the file (``DatabaseError`` itself is what SQLite
    raises for a file that is no database; its subclasses, such as ``IntegrityError``, are a program's error)."""
    names = {cls.__name__ for cls in type(error.orig).__mro__} | {type(error).__name__}
    return bool(names & {"OperationalError", "InterfaceError"}) or type(error.orig).__name__ == "DatabaseError"


def _first_line(error: BaseException | None) -> str:
    lines = str(error).strip().splitlines() if error is not None else []
    return lines[0][:300] if lines else "unknown error"


# --- wiping -------------------------------------------------------------------------------------------------------


def _wipe(url: str | None, data_dir: Path | None, *, remove: bool) -> list[str]:
    """What wiping removes (and, with ``remove``, removes it). A file the system refuses to remove stops the wipe
    with ``StoreError("cannot_write", kind="wipe")``: what was removed before it stays removed, the rest stays."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    target, backend = _target(url, data_dir)
    try:
        done = _wipe_sqlite(target, remove=remove) if backend == "sqlite" else _wipe_postgresql(target, remove=remove)
        for name in (CASES_DIR, DRAFTS_DIR):
            path = data_dir / name
            if path.exists() or path.is_symlink():
                if remove:
                    files.remove_tree(path)
                done.append(str(path))
    except OSError as error:
        system = error.strerror or type(error).__name__
        raise StoreError("cannot_write", kind="wipe", system=system, reason=f"{system}; the wipe stopped") from None
    return done


def _wipe_sqlite(url: URL, *, remove: bool) -> list[str]:
    """The database file (with -wal, -shm) if it holds only jubao's tables; else jubao's tables in it."""
    path = Path(url.database or "")
    if not path.is_file():
        return []
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)) as connection:
            query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            tables = {str(name) for (name,) in connection.execute(query)}
            ours = _ours(tables, connection.execute)
            if not tables <= ours:  # another program's tables live here too: drop only jubao's
                if remove:
                    with connection:
                        for table in _drop_order(ours):
                            connection.execute(f'DROP TABLE "{table}"')
                return [f"{path}: table {table}" for table in _drop_order(ours)]
    except sqlite3.DatabaseError as error:
        system = f"{path.name}: {_first_line(error)}"
        raise StoreError("unavailable", kind="wipe", system=system, reason=f"{system}; nothing was removed") from None
    done = []
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            if remove:
                candidate.unlink()
            done.append(str(candidate))
    return done


def _wipe_postgresql(url: URL, *, remove: bool) -> list[str]:
    """jubao's tables and its alembic_version (no ``CASCADE``: nothing of another program goes with them)."""
    engine = create_engine(url, hide_parameters=True, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            tables = set(inspect(connection).get_table_names())
            ours = _ours(tables, connection.exec_driver_sql)
            if remove:
                for table in _drop_order(ours):
                    connection.exec_driver_sql(f'DROP TABLE "{table}"')
    except DBAPIError as error:
        system = _first_line(error.orig)
        raise StoreError("unavailable", kind="wipe", system=system, reason=f"{system}; nothing was removed") from None
    finally:
        engine.dispose()
    return [f"{_masked(url)}: table {table}" for table in _drop_order(ours)]


def _ours(tables: set[str], execute: Callable[[str], Any]) -> set[str]:
    """Which of ``tables`` are jubao's: its own, and ``alembic_version`` if it records only jubao's revisions."""
    ours = tables & set(TABLES)
    if "alembic_version" in tables:
        versions = {str(row[0]) for row in execute("SELECT version_num FROM alembic_version")}
        if versions <= known_revisions() | _newer(versions):
            ours.add("alembic_version")
    return ours


def _newer(versions: set[str]) -> set[str]:
    """Revisions in jubao's numbering (``0002`` …) that a newer jubao made."""
    return {v for v in versions if v.isdigit() and len(v) == 4}


def _drop_order(tables: set[str]) -> list[str]:
    return [t for t in (*TABLES, "alembic_version") if t in tables]
