"""Schema migrations with Alembic, run programmatically: the scripts ship in the package (``migrations/``) and
``Store.open`` brings the database to the newest revision on every open (a no-op when it is there already).

A database whose revision this jubao does not know (made by a newer jubao) is refused with
``StoreError("unsupported_db")`` before anything is changed: an older program must not write to a newer schema.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from jubao.store.errors import StoreError

SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK = 0x6A7562616F  # "jubao": PostgreSQL's lock that keeps two servers from migrating at once


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` with no ini file: the packaged scripts, and ``connection`` for ``env.py``."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this jubao knows (``0001`` …)."""
    head = scripts().get_current_head()
    if head is None:  # pragma: no cover - the package ships its scripts
        raise RuntimeError("jubao's migration scripts are missing")
    return head


def known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in scripts().walk_revisions())


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """The revisions recorded in the database's ``alembic_version`` (empty for a new database)."""
    return tuple(MigrationContext.configure(connection).get_current_heads())


def upgrade(connection: Connection) -> None:
    """Bring the database on ``connection`` (in a transaction the caller commits) to the newest revision."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
    known = known_revisions()
    for revision in current_revisions(connection):
        if revision not in known:
            raise StoreError(
                "unsupported_db",
                kind="newer",
                revision=revision,
                reason=f"was made by a newer jubao (schema revision {revision}); upgrade jubao to use it",
            )
    try:
        command.upgrade(alembic_config(connection), "head")
    except CommandError as error:  # pragma: no cover - e.g. branched revisions someone wrote by hand
        raise StoreError(
            "unsupported_db", kind="cannot_migrate", system=str(error), reason=f"cannot be migrated: {error}"
        ) from None


def revision(message: str) -> Path:  # pragma: no cover - a developer's tool, not run by the program
    """Write a new migration script under ``migrations/versions/`` from the difference between the models and
    the newest script (autogenerate, against a throwaway SQLite database); review and edit it before use."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'scratch.sqlite3'}")
        with engine.begin() as connection:
            upgrade(connection)
            number = f"{int(head_revision()) + 1:04d}"
            config = alembic_config(connection)
            result = command.revision(config, message, autogenerate=True, rev_id=number)
        engine.dispose()
    scripts_made = result if isinstance(result, list) else [result]
    return Path(scripts_made[0].path) if scripts_made and scripts_made[0] is not None else SCRIPT_LOCATION
