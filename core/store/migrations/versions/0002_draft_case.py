"""Drafts know the case they complete: ``drafts.case_id`` (deleting the case deletes them).

Until now the web interview kept that link only inside the draft's answers (``"_case"``), so deleting a case left
the drafts that were completing it — with the answers given in them — behind, invisible. This revision adds the
column, fills it from the answers, and deletes the drafts whose case is already gone (their directories are
removed by ``Store.open``, which the database cannot do).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASE_KEY = "_case"
"""Where the web interview (``jubao.web.page_interview``) kept the case a draft completes, in its answers."""


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("case_id", sa.String(32), nullable=True))
        batch.create_index(batch.f("ix_drafts_case_id"), ["case_id"])
        batch.create_foreign_key(batch.f("fk_drafts_case_id_cases"), "cases", ["case_id"], ["id"], ondelete="CASCADE")
    _link_drafts_to_their_cases()


def _link_drafts_to_their_cases() -> None:
    connection = op.get_bind()
    drafts = sa.table("drafts", sa.column("id", sa.String), sa.column("answers", sa.Text),
                      sa.column("case_id", sa.String))  # fmt: skip
    cases = sa.table("cases", sa.column("id", sa.String))
    existing = set(connection.execute(sa.select(cases.c.id)).scalars())
    for draft_id, answers in connection.execute(sa.select(drafts.c.id, drafts.c.answers)).all():
        case_id = _case_of(answers)
        if case_id is None:
            continue
        if case_id in existing:
            connection.execute(sa.update(drafts).where(drafts.c.id == draft_id).values(case_id=case_id))
        else:  # the case was deleted: so is what was being added to it
            connection.execute(sa.delete(drafts).where(drafts.c.id == draft_id))


def _case_of(answers: str) -> str | None:
    try:
        data = json.loads(answers)
    except ValueError:
        return None
    case_id = data.get(CASE_KEY) if isinstance(data, dict) else None
    return case_id if isinstance(case_id, str) and case_id else None


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_constraint(batch.f("fk_drafts_case_id_cases"), type_="foreignkey")
        batch.drop_index(batch.f("ix_drafts_case_id"))
        batch.drop_column("case_id")
