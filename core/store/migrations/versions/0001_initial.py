"""The store's first schema: cases, filings, evidence_files, drafts.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("fmt", sa.String(4), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index(op.f("ix_cases_updated_at"), "cases", ["updated_at"])
    op.create_table(
        "filings",
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(60), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("reference_number", sa.String(200), nullable=True),
        sa.Column("reply_received", sa.Boolean(), nullable=False),
        sa.Column("reply_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_filings_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "index", name=op.f("pk_filings")),
    )
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("evidence_id", sa.String(40), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_evidence_files_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
        sa.UniqueConstraint("case_id", "stored_name", name=op.f("uq_evidence_files_case_id")),
    )
    op.create_index(op.f("ix_evidence_files_case_id"), "evidence_files", ["case_id"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )


def downgrade() -> None:
    op.drop_table("drafts")
    op.drop_index(op.f("ix_evidence_files_case_id"), table_name="evidence_files")
    op.drop_table("evidence_files")
    op.drop_table("filings")
    op.drop_index(op.f("ix_cases_updated_at"), table_name="cases")
    op.drop_table("cases")
