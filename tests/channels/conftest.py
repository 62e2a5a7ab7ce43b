"""``draft`` for the built-in channels' tests: the documents of the test module's ``CHANNEL`` for a case, drafted by
the installed plugins and the one engine of tests/conftest.py (loaded through the entry points a third-party plugin
uses)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jubao import Document
from jubao.case import Case
from jubao.engine import Engine
from jubao.plugins import PluginSet, build_documents
from tests.channels.common import TODAY


@pytest.fixture(scope="module")
def draft(plugins: PluginSet, engine: Engine, request: pytest.FixtureRequest) -> Callable[[Case], dict[str, Document]]:
    """``draft(case)``: the module's ``CHANNEL`` documents for ``case`` (evaluated on 2026-11-23), by id."""
    channel = request.module.CHANNEL

    def _draft(case: Case) -> dict[str, Document]:
        evaluation = engine.evaluate(case, today=TODAY)
        return {doc.id: doc for doc in build_documents(plugins, channel, case, evaluation)}

    return _draft
