"""Every built-in channel's documents, for every case that routes to it, in every format — against reviewed
snapshots — plus the promises every document makes (draft line, no unfilled template, facts from the case).

Snapshots live in tests/snapshots/documents/<case>/<channel>/<document>.<format> (DOCX as a readable outline).
Update after a deliberate change with ``JUBAO_UPDATE_SNAPSHOTS=1 pytest tests/test_channel_documents.py`` and
read the diff before committing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from jubao import Case, load_case
from jubao.engine import Engine
from jubao.evaluation import Evaluation
from jubao.filing import DISCLAIMER
from jubao.plugins import PluginSet, build_documents, load_plugins
from jubao.testing import assert_channel_conforms, assert_matches_snapshot, example_cases, readable_output

REPO = Path(__file__).resolve().parent.parent
SNAPSHOTS = REPO / "tests" / "snapshots" / "documents"
TODAY = date(2026, 11, 23)
CASE_FILES = sorted(
    [*REPO.glob("examples/*.yaml"), *REPO.glob("examples/*.json"), *REPO.glob("tests/data/doc_cases/*.yaml")]
)
BUILT_IN_CHANNELS = [
    "lender_complaint", "nfra_12378", "local_finance_bureau", "nifa", "miit_12321", "police", "cac_12377",
    "court_civil", "pboc_12363", "miit_12300", "samr_12315", "media", "app_store", "legal_aid_12348",
    "procuratorate_12309",
]  # fmt: skip


@cache
def plugins() -> PluginSet:
    loaded = load_plugins()
    assert not loaded.errors, loaded.errors
    return loaded


@cache
def evaluated(path: Path) -> tuple[Case, Evaluation]:
    case = load_case(path)
    with Engine(plugins=plugins()) as engine:
        return case, engine.evaluate(case, today=TODAY)


def routed_pairs() -> list[tuple[Path, str]]:
    pairs = []
    for path in CASE_FILES:
        _, evaluation = evaluated(path)
        pairs += [(path, channel) for channel in evaluation.route_ids() if channel in BUILT_IN_CHANNELS]
    return pairs


@cache
def _outputs(path: Path, channel_id: str) -> dict[str, str]:
    """Relative snapshot path → reviewable text, for every document and format of one channel for one case."""
    case, evaluation = evaluated(path)
    channel = plugins().channels[channel_id]
    outputs = {}
    for document in build_documents(plugins(), channel_id, case, evaluation):
        for fmt_id in document.formats or channel.formats:
            fmt = plugins().formats[fmt_id]
            if not fmt.can_write(document):
                continue
            suffix = ".docx.txt" if fmt_id == "docx" else fmt.suffix
            outputs[f"{path.stem}/{channel_id}/{document.id}{suffix}"] = readable_output(fmt_id, fmt.write(document))
    return outputs


@pytest.mark.parametrize(("path", "channel_id"), routed_pairs(), ids=lambda v: v.stem if isinstance(v, Path) else v)
def test_documents_match_reviewed_snapshots(path: Path, channel_id: str) -> None:
    outputs = _outputs(path, channel_id)
    assert outputs, f"{channel_id} produced no document for {path.name}"
    for relative, text in outputs.items():
        assert_matches_snapshot(text, SNAPSHOTS / relative)


def test_every_channel_every_format_is_snapshotted_for_two_cases() -> None:
    cases_per_format: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path, channel_id in routed_pairs():
        for relative in _outputs(path, channel_id):
            case_stem, channel, file = relative.split("/")
            cases_per_format[(channel, file.split(".", 1)[1])].add(case_stem)
    for channel_id in BUILT_IN_CHANNELS:
        declared = {("docx.txt" if f == "docx" else f) for f in plugins().channels[channel_id].formats}
        for fmt in declared:
            covered = cases_per_format.get((channel_id, fmt), set())
            assert len(covered) >= 2, f"{channel_id}/{fmt} is snapshotted for {sorted(covered)} only"


@pytest.mark.parametrize("channel_id", BUILT_IN_CHANNELS)
def test_built_in_channel_conforms_like_a_third_party_one(channel_id: str) -> None:
    assert channel_id in plugins().channels, f"no plugin registers {channel_id}"
    assert plugins().channel_owner[channel_id] == channel_id  # each built-in channel is its own entry point
    # the plugin test kit's check, exactly as a third-party plugin's own tests run it
    assert_channel_conforms(plugins().channels[channel_id], plugins(), example_cases())


@pytest.mark.parametrize(("path", "channel_id"), routed_pairs(), ids=lambda v: v.stem if isinstance(v, Path) else v)
def test_the_draft_line_is_in_the_guide_only_and_no_template_leftovers(path: Path, channel_id: str) -> None:
    case, evaluation = evaluated(path)
    for document in build_documents(plugins(), channel_id, case, evaluation):
        text = document.text()
        assert "None" not in text, document.id
        assert "{{" not in text, document.id
        assert "{%" not in text, document.id
        if document.purpose == "guide":
            assert DISCLAIMER in text, f"{channel_id}/{document.id} lacks the draft / not-legal-advice line"
        elif document.purpose == "filing":
            assert DISCLAIMER not in text, f"{channel_id}/{document.id}: the draft line belongs in the guide"


def test_every_routed_channel_of_every_example_gets_documents() -> None:
    for path in CASE_FILES:
        case, evaluation = evaluated(path)
        for channel_id in evaluation.route_ids():
            assert build_documents(plugins(), channel_id, case, evaluation), f"{path.name}: {channel_id}"


def test_documents_cite_the_2026_public_order_article_for_2026_conduct() -> None:
    case, evaluation = evaluated(REPO / "examples" / "credit-card-employer.yaml")
    assert evaluation.as_of.year == 2026
    for channel_id in evaluation.route_ids():
        for document in build_documents(plugins(), channel_id, case, evaluation):
            assert "第四十二条" not in document.text(), f"{channel_id}/{document.id} cites the pre-2026 article"
