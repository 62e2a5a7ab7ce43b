"""A document set: every document for a case's routed channels, in every requested format, plus the evidence
list (证据清单), the evidence manifest and an index — built in memory, then written to disk atomically.

Atomic means a reader never sees half a set: files are written into a fresh temporary folder next to the
destination, and only when every file is written is the folder moved into place (an older jubao set in the
destination is replaced; any other non-empty folder is refused). A plugin that fails to draft is reported for
its channel; the other channels' documents are still produced.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from jubao.case import Case
from jubao.channel import MissingField
from jubao.context import drafting_context
from jubao.documents_api import Document, GuideNote
from jubao.drafting import CaseView, render_core_template
from jubao.evaluation import Evaluation, RouteResult
from jubao.evidence import FileStatus, Fingerprint, fingerprint, manifest_bytes
from jubao.filing import separate_guidance
from jubao.plugins import PluginRunError, PluginSet, build_documents, describe_exception
from jubao.rules import Text

SET_FORMAT = "jubao.documents/1"
INDEX_JSON = "index.json"
INDEX_MD = "index.md"
EVIDENCE_MANIFEST = "evidence.json"
EVIDENCE_LIST_ID = "evidence_list"
EVIDENCE_LIST_STEM = "证据清单"
DEFAULT_EVIDENCE_FORMATS = ("docx", "md")


class DocumentsError(Exception):
    """The request cannot be met (unknown channel or format, destination not writable …); says how to fix it."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class PlannedFile:
    path: str
    """Relative to the output folder, with ``/``."""
    format: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class DocumentEntry:
    id: str
    title: str
    files: list[str]
    blanks: list[str]


@dataclass
class ChannelDocuments:
    channel: str
    name: Text
    routed: bool
    priority: int | None
    has_adapter: bool
    documents: list[DocumentEntry] = field(default_factory=list)
    missing: list[MissingField] = field(default_factory=list)
    no_format: list[str] = field(default_factory=list)
    """Documents not written because none of the requested formats can hold them."""
    error: str | None = None


@dataclass
class DocumentSet:
    created: datetime
    channels: list[ChannelDocuments]
    evidence: list[Fingerprint]
    files: list[PlannedFile]
    evidence_notes: list[GuideNote] = field(default_factory=list)
    """What to check about the evidence list, moved out of it (it is an attachment to the filings)."""

    def blanks(self) -> int:
        return sum(len(d.blanks) for c in self.channels for d in c.documents)


def build_document_set(
    case: Case,
    evaluation: Evaluation,
    plugins: PluginSet,
    *,
    base_dir: Path,
    channels: list[str] | None = None,
    formats: list[str] | None = None,
    created: datetime | None = None,
) -> DocumentSet:
    """Draft everything in memory. ``channels``: ids to draft (default: every routed channel, in route order);
    ``formats``: format ids to write (default: each document's own formats)."""
    created = created or datetime.now().astimezone().replace(microsecond=0)
    known_formats = plugins.formats
    for fmt in formats or []:
        if fmt not in known_formats:
            raise DocumentsError("unknown_format", format=fmt, known=", ".join(sorted(known_formats)))
    routes = {route.channel: route for route in evaluation.routes}
    wanted = channels if channels else [route.channel for route in evaluation.routes]
    for channel_id in wanted:
        if channel_id not in plugins.channels and channel_id not in routes:
            raise DocumentsError("unknown_channel", channel=channel_id, known=", ".join(sorted(plugins.channels)))
    files: list[PlannedFile] = []
    results = []
    for channel_id in dict.fromkeys(wanted):
        result, channel_files = _draft_channel(channel_id, case, evaluation, plugins, routes=routes, formats=formats)
        results.append(result)
        files += channel_files
    prints = fingerprint(case, base_dir)
    evidence_files, evidence_notes = _evidence_list(case, evaluation, prints, plugins, formats)
    files += evidence_files
    files.append(PlannedFile(EVIDENCE_MANIFEST, "json", manifest_bytes(prints, created)))
    document_set = DocumentSet(
        created=created, channels=results, evidence=prints, files=files, evidence_notes=evidence_notes
    )
    files.append(PlannedFile(INDEX_MD, "md", _index_markdown(document_set, case, evaluation, plugins)))
    files.append(PlannedFile(INDEX_JSON, "json", document_set_json(document_set, evaluation)))
    return document_set


def _draft_channel(
    channel_id: str,
    case: Case,
    evaluation: Evaluation,
    plugins: PluginSet,
    *,
    routes: dict[str, RouteResult],
    formats: list[str] | None,
) -> tuple[ChannelDocuments, list[PlannedFile]]:
    route = routes.get(channel_id)
    channel = plugins.channels.get(channel_id)
    name = channel.name if channel else route.name if route else Text(zh=channel_id, en=channel_id)
    result = ChannelDocuments(
        channel=channel_id,
        name=name,
        routed=route is not None,
        priority=route.priority if route else None,
        has_adapter=channel is not None,
    )
    if channel is None:
        return result, []
    result.missing = channel.missing(case, evaluation)
    owner = plugins.channel_owner.get(channel_id, channel_id)
    try:
        documents = build_documents(plugins, channel_id, case, evaluation)
    except PluginRunError as error:
        result.error = error.message
        return result, []
    except Exception as error:  # a plugin bug must not cost the victim the other channels' documents
        result.error = describe_exception(error)  # never the message: it may quote the case
        return result, []
    if not documents and route is not None:
        plugins.warn(owner, f"channel {channel_id} is routed but drafted no document")
    files = []
    for document in documents:
        offered = document.formats or channel.formats
        unknown = [f for f in offered if f not in plugins.formats]
        if unknown:
            plugins.warn(owner, f"channel {channel_id} names unregistered format(s) {', '.join(unknown)}")
        chosen = [f for f in offered if f in plugins.formats and (formats is None or f in formats)]
        chosen = [f for f in chosen if plugins.formats[f].can_write(document)]
        if not chosen:
            result.no_format.append(document.title)
            continue
        paths = []
        for fmt_id in chosen:
            fmt = plugins.formats[fmt_id]
            path = f"{channel_id}/{document.id}{fmt.suffix}"
            try:
                data = fmt.write(document)
            except Exception as error:
                result.error = f"{fmt_id}: {describe_exception(error)}"
                continue
            files.append(PlannedFile(path, fmt_id, data))
            paths.append(path)
        result.documents.append(DocumentEntry(document.id, document.title, paths, document.blanks()))
    return result, files


def _evidence_list(
    case: Case, evaluation: Evaluation, prints: list[Fingerprint], plugins: PluginSet, formats: list[str] | None
) -> tuple[list[PlannedFile], list[GuideNote]]:
    """The 证据清单 (an attachment to every filing, so kept to what is submitted) and the notes moved out of it."""
    document = separate_guidance(
        render_core_template(
            "evidence_list",
            drafting_context(plugins, None, case, evaluation),
            document_id=EVIDENCE_LIST_ID,
            fingerprints={p.id: p for p in prints},
        )
    )
    chosen = [f for f in DEFAULT_EVIDENCE_FORMATS if formats is None or f in formats]
    if formats and not chosen:
        chosen = [f for f in formats if plugins.formats[f].can_write(document)]
    files = [
        PlannedFile(f"{EVIDENCE_LIST_STEM}{plugins.formats[f].suffix}", f, plugins.formats[f].write(document))
        for f in chosen
        if f in plugins.formats
    ]
    return files, document.guidance


def _index_markdown(document_set: DocumentSet, case: Case, evaluation: Evaluation, plugins: PluginSet) -> bytes:
    context = drafting_context(plugins, None, case, evaluation)
    document = render_core_template("index", context, document_id="index", document_set=document_set)
    return plugins.formats["md"].write(document) if "md" in plugins.formats else document.text().encode()


def document_set_json(document_set: DocumentSet, evaluation: Evaluation) -> bytes:
    """The set's JSON form (``jubao.documents/1``, written as ``index.json``): channels, documents, blanks,
    missing fields, evidence fingerprints and every file with its SHA-256."""
    data = {
        "format": SET_FORMAT,
        "created": document_set.created.isoformat(),
        "ruleset_version": evaluation.ruleset_version,
        "as_of": evaluation.as_of.isoformat(),
        "today": evaluation.today.isoformat(),
        "channels": [
            {
                "channel": c.channel,
                "routed": c.routed,
                "priority": c.priority,
                "has_adapter": c.has_adapter,
                "error": c.error,
                "missing": [m.model_dump(mode="json") for m in c.missing],
                "documents": [
                    {"id": d.id, "title": d.title, "files": d.files, "blanks": d.blanks} for d in c.documents
                ],
                "not_written": c.no_format,
            }
            for c in document_set.channels
        ],
        "evidence": [p.model_dump(mode="json") for p in document_set.evidence],
        "files": [
            {"path": f.path, "format": f.format, "sha256": f.sha256, "size": len(f.data)} for f in document_set.files
        ],
    }
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


# --- writing ------------------------------------------------------------------------------------------------------


def is_document_set(folder: Path) -> bool:
    try:
        return bool(orjson.loads((folder / INDEX_JSON).read_bytes()).get("format") == SET_FORMAT)
    except (OSError, ValueError, AttributeError):
        return False


def write_document_set(document_set: DocumentSet, out: Path) -> None:
    """Write all files into ``out`` atomically. ``out`` must not exist, be empty, or hold an earlier set."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise DocumentsError("out_not_a_folder", path=str(out))
    if out.is_dir() and any(out.iterdir()) and not is_document_set(out):
        raise DocumentsError("out_not_empty", path=str(out))
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    except OSError as error:
        raise DocumentsError("cannot_write", path=str(parent), reason=error.strerror or str(error)) from None
    try:
        for planned in document_set.files:
            target = staging / planned.path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as handle:
                handle.write(planned.data)
                handle.flush()
                os.fsync(handle.fileno())
        _swap_into_place(staging, out)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise DocumentsError("cannot_write", path=str(out), reason=error.strerror or str(error)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_into_place(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    out.rename(retired)
    try:
        staging.rename(out)
    except OSError:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def missing_files(document_set: DocumentSet) -> list[Fingerprint]:
    return [p for p in document_set.evidence if p.status not in (FileStatus.OK, FileStatus.NO_PATH)]


__all__ = [
    "CaseView",
    "ChannelDocuments",
    "Document",
    "DocumentSet",
    "DocumentsError",
    "build_document_set",
    "document_set_json",
    "write_document_set",
]
