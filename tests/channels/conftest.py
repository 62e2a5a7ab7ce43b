"""Fixtures shared by the built-in channels' tests: the installed plugins (loaded through the same entry points a
third-party plugin uses), one engine, and ``draft`` — the documents of the test module's ``CHANNEL`` for a case."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from jubao import Document
from jubao.case import Case
from jubao.engine import Engine
from jubao.plugins import PluginSet, build_documents, load_plugins
from tests.channels.common import TODAY


@pytest.fixture(scope="session")
def plugins() -> PluginSet:
    loaded = load_plugins()
    assert not loaded.errors, loaded.errors
    return loaded


@pytest.fixture(scope="session")
def engine(plugins: PluginSet) -> Iterator[Engine]:
    with Engine(plugins=plugins) as running:
        yield running


@pytest.fixture(scope="module")
def draft(plugins: PluginSet, engine: Engine, request: pytest.FixtureRequest) -> Callable[[Case], dict[str, Document]]:
    """``draft(case)``: the module's ``CHANNEL`` documents for ``case`` (evaluated on 2026-11-23), by id."""
    channel = request.module.CHANNEL

    def _draft(case: Case) -> dict[str, Document]:
        evaluation = engine.evaluate(case, today=TODAY)
        return {doc.id: doc for doc in build_documents(plugins, channel, case, evaluation)}

    return _draft
