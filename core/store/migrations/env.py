"""Alembic's environment for jubao's store: runs on the connection ``Store.open`` passes in
``config.attributes["connection"]`` (inside its transaction); there is no alembic.ini and no offline mode.

To write a new migration (a developer's task, from the repository root)::

    .venv/bin/python -c "from jubao.store.migrate import revision; revision('what changes')"

then edit the generated file under ``versions/`` and check it against SQLite and PostgreSQL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from jubao.store.models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection) or context.is_offline_mode():
    raise RuntimeError("jubao's migrations run through jubao.store.Store.open, on a connection it passes in")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
