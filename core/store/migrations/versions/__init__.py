"""The migration scripts, oldest first (``0001_initial`` …); Alembic reads them by path, not by import."""
