"""Test kit for plugin authors: a pytest plugin shipped with jubao (entry point ``pytest11``), active wherever
jubao is installed.

Fixtures
    ``jubao_plugins_for(*names)`` — a ``PluginSet`` with exactly the named installed plugins (plus extras);
    ``jubao_engine_for(*names)`` — an ``Engine`` using them (closed after the test);
    ``jubao_example_cases`` — a few fictional cases to render documents for.

Checks
    ``assert_channel_conforms(channel, plugins, cases)`` — the channel validates, every deadline cites a basis,
    its provenance is present, every declared format is registered, and for each case it drafts at least one
    document, names only registered formats, and every document writes (non-empty, UTF-8, no unfilled template
    placeholders). What is only a run-time warning for users (no document, an unknown format) fails here.
    ``documents_for(plugins, channel_id, case, today=KIT_TODAY)`` — the documents a channel drafts for a case.
    ``run_rule_tests(engine, rules_dir, label)`` / ``assert_rule_tests_pass(…)`` — your golden rule tests.
    ``assert_matches_snapshot(text, path)`` — compare with a reviewed snapshot file; ``JUBAO_UPDATE_SNAPSHOTS=1``
    rewrites it (then read the diff before committing).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pytest

from jubao.case import Case
from jubao.channel import Channel
from jubao.documents_api import Document
from jubao.engine import Engine
from jubao.fileio import write_text_atomic
from jubao.plugins import PluginSet, build_documents, load_plugins
from jubao.ruletests import GoldenRun, golden_test_files, run_all

UPDATE_ENV = "JUBAO_UPDATE_SNAPSHOTS"
_PLACEHOLDER = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*?\}\}")


def plugins_for(*names: str, extra: Sequence[tuple[str, Any]] = ()) -> PluginSet:
    """Exactly the installed plugins named (by entry-point name), plus ``extra`` ``(name, module)`` pairs."""
    everything = load_plugins(strict=True)
    unknown = set(names) - {info.name for info in everything.plugins}
    if unknown:
        raise LookupError(f"plugins not installed: {sorted(unknown)}")
    disabled = [info.name for info in everything.plugins if info.name not in names]
    return load_plugins(disabled=disabled, strict=True, extra=extra)


@pytest.fixture
def jubao_plugins_for() -> Callable[..., PluginSet]:
    return plugins_for


@pytest.fixture
def jubao_engine_for() -> Iterator[Callable[..., Engine]]:
    engines: list[Engine] = []

    def build(*names: str, extra: Sequence[tuple[str, Any]] = ()) -> Engine:
        engine = Engine(plugins=plugins_for(*names, extra=extra))
        engines.append(engine)
        return engine

    yield build
    for engine in engines:
        engine.close()


def example_cases() -> list[Case]:
    """Three fictional cases covering borrower and contact reporters, licensed and unlicensed lenders."""
    base: dict[str, Any] = {
        "reporter": {"role": "borrower", "name": "测试人", "phone": "138 0000 0001",
                     "region": {"province": "广东省", "city": "深圳市"}},
        "lender": {"name": "深圳示例网络小额贷款有限公司", "app_name": "示例借", "kind": "online_microloan"},
        "contacts": {"reached": [{"id": "c1", "relation": "colleague"}], "harvested_list_size": 120},
        "incidents": [
            {"time": "2026-10-10 23:10", "medium": "call", "from_number": "170 0000 0001",
             "target": {"kind": "contact", "contact": "c1"}, "behaviours": ["debt_disclosure", "insult"], "count": 7},
        ],
    }  # fmt: skip
    contact = {**base, "reporter": {**base["reporter"], "role": "contact", "relation_to_borrower": "friend"}}
    unlicensed = {**base, "lender": {"app_name": "极速示例贷", "kind": "unlicensed"}}
    return [Case.model_validate(data) for data in (base, contact, unlicensed)]


@pytest.fixture
def jubao_example_cases() -> list[Case]:
    return example_cases()


def assert_channel_conforms(channel: Channel, plugins: PluginSet, cases: Sequence[Case] = ()) -> None:
    """Fail with a list of everything wrong with ``channel`` as registered in ``plugins``."""
    problems: list[str] = []
    Channel.model_validate(channel.model_dump())
    for deadline in channel.deadlines:
        if not deadline.basis:
            problems.append(f"deadline {deadline.id} cites no basis")
    if not channel.provenance.sources:
        problems.append("provenance names no source")
    for fmt in channel.formats:
        if fmt not in plugins.formats:
            problems.append(f"format {fmt!r} is not registered by any plugin (have: {sorted(plugins.formats)})")
    if plugins.channel_owner.get(channel.id) is None:
        problems.append("the channel is not registered by any loaded plugin")
    with Engine(plugins=plugins) as engine:
        for index, case in enumerate(cases):
            evaluation = engine.evaluate(case, today=date(2026, 11, 20))
            try:
                documents = build_documents(plugins, channel.id, case, evaluation)
            except Exception as exc:  # the plugin author's own test: their message is theirs to see
                problems.append(f"case {index}: build_documents raised {type(exc).__name__}: {exc}")
                continue
            if not documents:
                problems.append(f"case {index}: no document was drafted (a routed channel must draft at least one)")
            for document in documents:
                offered = document.formats or channel.formats
                unknown = [f for f in offered if f not in plugins.formats]
                if unknown:
                    problems.append(f"case {index}: {document.title!r} names unregistered format(s) {unknown}")
                writable = [f for f in offered if f in plugins.formats and plugins.formats[f].can_write(document)]
                if not writable:
                    problems.append(f"case {index}: {document.title!r} cannot be written in any of {offered}")
                for fmt_id in writable:
                    text = readable_output(fmt_id, plugins.formats[fmt_id].write(document))
                    if not text.strip():
                        problems.append(f"case {index}: {fmt_id} output of {document.title!r} is empty")
                    elif _PLACEHOLDER.search(text):
                        problems.append(f"case {index}: {fmt_id} output still has a template placeholder")
    if problems:
        pytest.fail(f"channel {channel.id} does not conform:\n  - " + "\n  - ".join(problems), pytrace=False)


KIT_TODAY = date(2026, 11, 20)
"""The date the kit evaluates on, so that documents and snapshots do not change with the calendar."""


def documents_for(plugins: PluginSet, channel_id: str, case: Case, *, today: date = KIT_TODAY) -> list[Document]:
    """The documents ``channel_id``'s plugin drafts for ``case``, evaluated on ``today``, as ``jubao documents``
    writes them (filings already cleared of notes and unverified tags) — without the guide jubao adds after them
    (``guide_for``), so that a plugin's tests see exactly its own documents."""
    return [document for document in _channel_set(plugins, channel_id, case, today) if document.purpose != "guide"]


def guide_for(plugins: PluginSet, channel_id: str, case: Case, *, today: date = KIT_TODAY) -> Document | None:
    """The guide (办事指南) jubao writes beside ``channel_id``'s documents for ``case``: submission routes, what to
    bring and keep, and the notes moved out of the filings; ``None`` if the channel drafted nothing."""
    return next((d for d in _channel_set(plugins, channel_id, case, today) if d.purpose == "guide"), None)


def _channel_set(plugins: PluginSet, channel_id: str, case: Case, today: date) -> list[Document]:
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(case, today=today)
    return build_documents(plugins, channel_id, case, evaluation)


def run_rule_tests(engine: Engine, rules_dir: Traversable | Path, label: str = "plugin") -> GoldenRun:
    """Run the golden tests in ``rules_dir/tests/*.yaml`` (the same YAML format as jubao's own rule tests) with
    ``engine``; ``label`` prefixes the file names in messages. Each outcome has ``passed`` and ``failures``."""
    return run_all(engine, golden_test_files(rules_dir, label))


def assert_rule_tests_pass(engine: Engine, rules_dir: Traversable | Path, label: str = "plugin") -> GoldenRun:
    """Fail, listing every failing golden test (and any test file that does not load), unless all pass."""
    run = run_rule_tests(engine, rules_dir, label)
    problems = [problem.render() for problem in run.load_problems]
    problems += [f"{outcome.test.id}: {failure}" for outcome in run.outcomes for failure in outcome.failures]
    if not run.outcomes and not problems:
        problems.append(f"no golden test found in {rules_dir}/tests")
    if problems:
        pytest.fail("golden rule tests failed:\n  - " + "\n  - ".join(problems), pytrace=False)
    return run


def readable_output(format_id: str, data: bytes) -> str:
    """A format's output as reviewable text: text formats decoded, DOCX as an outline (style, alignment, text)."""
    if format_id == "docx":
        from jubao.docx_writer import docx_outline  # noqa: PLC0415 - python-docx only when DOCX is tested

        return docx_outline(data)
    return data.decode("utf-8")


def assert_matches_snapshot(text: str, path: Path) -> None:
    """``text`` must equal the reviewed snapshot at ``path`` (created or updated with JUBAO_UPDATE_SNAPSHOTS=1)."""
    path = Path(path)
    if os.environ.get(UPDATE_ENV) or not path.exists():
        if not os.environ.get(UPDATE_ENV):
            pytest.fail(f"no snapshot at {path}; run with {UPDATE_ENV}=1 to create it, then review it", pytrace=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
        return
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        import difflib  # noqa: PLC0415 - only on failure

        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), "snapshot", "actual"))
        pytest.fail(f"output differs from snapshot {path} ({UPDATE_ENV}=1 to accept):\n{diff}", pytrace=False)
