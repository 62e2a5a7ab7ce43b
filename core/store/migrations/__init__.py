"""Alembic migrations of jubao's store, shipped in the package and run by ``Store.open`` (``env.py``)."""
