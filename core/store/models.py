"""The store's tables (SQLAlchemy 2 typed declarative models).

The case's text is the source of truth; ``filings`` indexes its ``prior_complaints`` (re-synced on every change of
the text) and ``evidence_files`` records the files the store keeps for a case. A change of these models needs a
new migration in ``migrations/versions/`` — the migrations, not ``metadata.create_all``, make the schema.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

ID_LENGTH = 32
"""Ids are uuid4 hex: random, so that an id in a URL says nothing about the case."""

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints, so that a later migration can alter them on SQLite and PostgreSQL alike."""


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC ``datetime``. SQLite keeps no zone: values are stored in UTC and read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored: give it a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - every supported driver returns datetime
            raise TypeError(f"expected a datetime from the database, not {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    fmt: Mapped[str] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class FilingRowModel(Base):
    __tablename__ = "filings"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    """Position in the case's ``prior_complaints``."""
    channel: Mapped[str] = mapped_column(String(60))
    filed_on: Mapped[date] = mapped_column(Date)
    reference_number: Mapped[str | None] = mapped_column(String(200))
    reply_received: Mapped[bool] = mapped_column(Boolean)
    reply_on: Mapped[date | None] = mapped_column(Date)


class EvidenceFileRow(Base):
    __tablename__ = "evidence_files"
    __table_args__ = (UniqueConstraint("case_id", "stored_name"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    evidence_id: Mapped[str] = mapped_column(String(40))
    """The case's ``evidence[].id`` (``E3``)."""
    file_name: Mapped[str] = mapped_column(String(255))
    """The name it came with, made safe."""
    stored_name: Mapped[str] = mapped_column(String(255))
    """Its name in ``<case dir>/evidence/`` (``file_name``, or ``name-2.ext`` when that was taken)."""
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DraftRow(Base):
    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    lang: Mapped[str] = mapped_column(String(16))
    answers: Mapped[str] = mapped_column(Text)
    """The interview's answers so far, as JSON."""
    case_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), index=True, nullable=True
    )
    """The case this draft completes (a re-run of its interview), or ``None`` for a new case. Deleting the case
    deletes the draft: what was being added to a case goes with it."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


TABLES = ("filings", "evidence_files", "drafts", "cases")
"""jubao's tables, dependants first (the order to drop them in)."""
