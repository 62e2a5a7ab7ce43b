"""The engine work behind every page and API call: one ``Engine`` and ``PluginSet`` per server, shared by all
requests (``Engine`` is thread-safe; building it is the expensive part, so it is never built per request)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath

from jubao.case import Case, Evidence
from jubao.channel import Channel, MissingField
from jubao.documents import DocumentSet, build_document_set
from jubao.engine import Engine
from jubao.evaluation import Evaluation, Trace
from jubao.loading import parse_case, parse_case_text
from jubao.next_steps import NextSteps, build_next
from jubao.plan import Plan, build_plan
from jubao.plugins import PluginSet, load_plugins


@dataclass(frozen=True)
class Assessment:
    """Everything the case page shows, computed once per view."""

    case: Case
    evaluation: Evaluation
    plan: Plan
    next_steps: NextSteps
    missing: dict[str, list[MissingField]]
    """Per routed channel: the required items the case lacks (empty lists left out)."""


class Service:
    def __init__(self, plugins: PluginSet | None = None) -> None:
        self.plugins = plugins if plugins is not None else load_plugins()
        self.engine = Engine(plugins=self.plugins)

    def close(self) -> None:
        self.engine.close()

    @property
    def channels(self) -> dict[str, Channel]:
        return dict(self.plugins.channels)

    # --- cases in ------------------------------------------------------------------------------------------------

    @staticmethod
    def parse_text(text: str | bytes, *, source: str = "<upload>") -> Case:
        """A case from YAML or JSON text; ``CaseFileError`` (located problems) if it is not a valid case."""
        return parse_case_text(text, source=source)

    @staticmethod
    def parse_data(data: object, *, source: str = "<request>") -> Case:
        """A case from parsed JSON; ``CaseFileError`` (problems with field paths) if it is not a valid case."""
        return parse_case(data, source=source)

    # --- what the engine says ------------------------------------------------------------------------------------

    def evaluate(self, case: Case, *, as_of: date | None = None) -> Evaluation:
        return self.engine.evaluate(self._as_of(case, as_of), today=as_of)

    def explain(self, case: Case, *, as_of: date | None = None) -> Trace:
        return self.engine.explain(self._as_of(case, as_of), today=as_of)

    def plan(self, case: Case, *, as_of: date | None = None, with_documents: bool = False) -> Plan:
        case = self._as_of(case, as_of)
        evaluation = self.engine.evaluate(case, today=as_of)
        return build_plan(case, evaluation, self.plugins, as_of=as_of, with_documents=with_documents)

    def assess(self, case: Case, *, as_of: date | None = None) -> Assessment:
        case = self._as_of(case, as_of)
        evaluation = self.engine.evaluate(case, today=as_of)
        plan = build_plan(case, evaluation, self.plugins, as_of=as_of, with_documents=False)
        steps = build_next(case, evaluation, plan, self.plugins.channels, self.engine.ruleset.parameters)
        missing = {}
        for route in evaluation.routes:
            channel = self.plugins.channels.get(route.channel)
            if channel is not None and (items := channel.missing(case, evaluation)):
                missing[route.channel] = items
        return Assessment(case, evaluation, plan, steps, missing)

    def document_set(self, case: Case, *, base_dir: Path, channels: list[str] | None = None) -> DocumentSet:
        """Every routed channel's documents (or only ``channels``), drafted in memory; ``DocumentsError`` for an
        unknown channel id. Evidence paths are ``confined`` to ``base_dir``: a case sent by anyone who can reach the
        server must not make it fingerprint (read) a file elsewhere."""
        evaluation = self.engine.evaluate(case)
        return build_document_set(confined(case), evaluation, self.plugins, base_dir=base_dir, channels=channels)

    @staticmethod
    def zip_bytes(document_set: DocumentSet) -> bytes:
        """The set as one zip, paths as in a ``jubao documents`` folder (``police/…docx``, ``index.md`` …)."""
        buffer = io.BytesIO()
        stamp = document_set.created.timetuple()[:6]
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for planned in document_set.files:
                info = zipfile.ZipInfo(planned.path, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16  # personal data: readable by the owner only once unpacked
                archive.writestr(info, planned.data)
        return buffer.getvalue()

    @staticmethod
    def _as_of(case: Case, as_of: date | None) -> Case:
        """The case as it stood on ``as_of``: complaints filed later had not been filed (as ``jubao plan``)."""
        if as_of is None:
            return case
        earlier = tuple(p for p in case.prior_complaints if p.filed_on <= as_of)
        return case.model_copy(update={"prior_complaints": earlier})


def confined(case: Case) -> Case:
    """The case with evidence paths that leave the case's folder (absolute, ``~``, ``..``) cut to their file name,
    so that drafting documents never reads (fingerprints) a file elsewhere on the server."""
    changed = [_confined_item(item) for item in case.evidence]
    if all(a is b for a, b in zip(changed, case.evidence, strict=True)):
        return case
    return case.model_copy(update={"evidence": tuple(changed)})


def _confined_item(item: Evidence) -> Evidence:
    path = item.path
    if path is None:
        return item
    parts = PureWindowsPath(path).parts if "\\" in path else PurePosixPath(path).parts
    if not (path.startswith(("/", "~", "\\")) or ".." in parts or PureWindowsPath(path).drive):
        return item
    name = parts[-1] if parts and parts[-1] not in ("..", "/", "\\") else None
    return item.model_copy(update={"path": name})
