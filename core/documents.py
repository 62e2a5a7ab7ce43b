"""A document set: every document for a case's routed channels, in every requested format, plus the evidence
list (证据清单), the evidence manifest and an index — built in memory, then written to disk atomically.

Atomic means a reader never sees half a set: files are written into a fresh temporary folder next to the
destination, and only when every file is written is the folder moved into place. Regeneration never loses work:
an earlier jubao set in the destination is replaced only if it is exactly as jubao wrote it (its ``index.json``
records every file's SHA-256); if the user changed, added or removed a file, the new set goes to a dated folder
beside it, or with ``force`` replaces it carrying the user's files along (``write_document_set``). Any other
non-empty folder is refused. A plugin that fails to draft is reported for its channel; the other channels'
documents are still produced.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

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

KEPT_FOLDER = "保留的文件"
"""With ``--force``, the files the user changed go to ``DIR/保留的文件-YYYY-MM-DD/`` (same relative paths)."""

IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Written by file browsers (macOS Finder, Windows Explorer) just by opening a folder: not the user's work, so not
reported as added; replacing a set removes them like the set's own files."""

_DATED_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}(?:-\d+)?$")


@dataclass(frozen=True)
class FolderChanges:
    """How a folder holding an earlier set differs from that set's ``index.json`` (paths relative, with ``/``)."""

    changed: tuple[str, ...] = ()
    """Files of the set whose content is no longer what jubao wrote (SHA-256 differs): the user's edits."""
    added: tuple[str, ...] = ()
    """Files (and empty folders, ending in ``/``) that are not part of the set: the user put them there."""
    missing: tuple[str, ...] = ()
    """Files of the set that are gone (deleted, renamed or moved away)."""

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.missing)


@dataclass(frozen=True)
class WriteOutcome:
    """Where ``write_document_set`` put the set and what it did with an earlier one."""

    path: Path
    """The folder that now holds the new set: ``out``, or the dated folder beside it (``action == "beside"``)."""
    action: Literal["new", "replaced", "beside", "forced"]
    """``new``: ``out`` was absent or empty; ``replaced``: it held an earlier set nobody had touched;
    ``beside``: it held an earlier set with changes (``changes``), left exactly as it was; ``forced``: that set
    was replaced on request, the user's files carried into the new one (``kept``)."""
    changes: FolderChanges = field(default_factory=FolderChanges)
    kept: tuple[tuple[str, str], ...] = ()
    """For ``forced``: each changed or added file, and where it is now (relative to ``path``)."""


def is_document_set(folder: Path) -> bool:
    try:
        return bool(orjson.loads((folder / INDEX_JSON).read_bytes()).get("format") == SET_FORMAT)
    except (OSError, ValueError, AttributeError):
        return False


def folder_changes(folder: Path) -> FolderChanges | None:
    """Compare ``folder`` with the set its ``index.json`` records; ``None`` when it holds no (readable) jubao set."""
    recorded = _recorded_files(folder)
    if recorded is None:
        return None
    recorded_dirs = {parent for path in recorded for parent in _parents(path)}
    changed, added, folders = [], [], []
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        for name in list(dirs):
            if (here / name).is_symlink():  # a link to a folder: the user's, never followed
                dirs.remove(name)
                names.append(name)
        for name in dirs:
            folders.append((here / name).relative_to(folder).as_posix())
        for name in names:
            rel = (here / name).relative_to(folder).as_posix()
            if rel == INDEX_JSON or name in IGNORED_NAMES:
                continue
            if rel not in recorded:
                added.append(rel)
            elif _file_digest(here / name) != recorded[rel]:
                changed.append(rel)
    for rel in folders:  # a folder the user made and left empty is theirs too
        if rel not in recorded_dirs and not any(a.startswith(rel + "/") for a in added):
            added.append(rel + "/")
    missing = [rel for rel in recorded if not os.path.lexists(folder / rel)]
    return FolderChanges(changed=tuple(sorted(changed)), added=tuple(sorted(added)), missing=tuple(sorted(missing)))


def _recorded_files(folder: Path) -> dict[str, str] | None:
    """Path → SHA-256 of every file ``folder/index.json`` lists, or ``None`` if it is no jubao set's index."""
    try:
        index = orjson.loads((folder / INDEX_JSON).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or index.get("format") != SET_FORMAT or not isinstance(index.get("files"), list):
        return None
    recorded = {}
    for entry in index["files"]:
        path = entry.get("path") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not isinstance(digest, str) or not _safe_relative(path):
            return None
        recorded[path] = digest.lower()
    return recorded


def _safe_relative(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and "\\" not in path and all(p not in ("", ".", "..") for p in parts)


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _file_digest(path: Path) -> str | None:
    """The SHA-256 of a regular file; ``None`` (counts as changed) for a link, a folder or an unreadable file."""
    if path.is_symlink() or not path.is_file():
        return None
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def dated_folder(out: Path, day: date) -> Path:
    """The folder beside ``out`` for a new set when ``out`` holds the user's work: ``材料-2026-11-29`` (a date
    already at the end of the name is replaced, so ``材料-2026-11-28`` gives ``材料-2026-11-29``), then ``-2``,
    ``-3`` … until the name is free: it never names anything that exists."""
    out = _named(out)
    stem = f"{_DATED_SUFFIX.sub('', out.name) or out.name}-{day.isoformat()}"
    candidate, number = out.with_name(stem), 2
    while os.path.lexists(candidate):
        candidate, number = out.with_name(f"{stem}-{number}"), number + 1
    return candidate


def write_document_set(document_set: DocumentSet, out: Path, *, force: bool = False) -> WriteOutcome:
    """Write all files atomically and never lose the user's work.

    ``out`` absent or empty: the set is written there. ``out`` holding an earlier jubao set: compared with that set's
    ``index.json``; untouched, it is replaced. Changed (a file edited, added or removed): left exactly as it is
    and the new set goes to a dated folder beside it (``dated_folder``) — or, with ``force``, the set replaces
    it and every file the user changed moves to ``保留的文件-YYYY-MM-DD/`` inside it while every file the user
    added stays where it was (unless the new set has a file of that name: then it moves there too). Any other
    non-empty folder, or a file, is refused (``DocumentsError``), ``force`` or not.
    """
    out = _named(Path(out))
    if (out.exists() or out.is_symlink()) and not out.is_dir():
        raise DocumentsError("out_not_a_folder", path=str(out))
    if not out.is_dir() or not any(out.iterdir()):
        _write_into(document_set, out)
        return WriteOutcome(out, "new")
    changes = folder_changes(out)
    if changes is None:
        raise DocumentsError("out_not_empty", path=str(out))
    if not changes:
        _write_into(document_set, out)
        return WriteOutcome(out, "replaced")
    if not force:
        beside = dated_folder(out, document_set.created.date())
        _write_into(document_set, beside)
        return WriteOutcome(beside, "beside", changes)
    kept = _write_into(document_set, out, carry_from=out, carry=changes)
    return WriteOutcome(out, "forced", changes, kept)


def _named(out: Path) -> Path:
    """``out`` with a real last component (``.`` and ``..`` name no folder that can be swapped)."""
    return Path(os.path.abspath(out)) if out.name in ("", ".", "..") else out


def _write_into(document_set: DocumentSet, target: Path, *, carry_from: Path | None = None,
                carry: FolderChanges | None = None) -> tuple[tuple[str, str], ...]:  # fmt: skip
    """Write the set into a staging folder beside ``target`` (plus, with ``carry``, the user's files from
    ``carry_from``), then move it into place in one step. On any failure nothing changes and the staging folder is
    removed."""
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as error:
        raise DocumentsError("cannot_write", path=str(parent), reason=error.strerror or str(error)) from None
    kept: tuple[tuple[str, str], ...] = ()
    try:
        for planned in document_set.files:
            destination = staging / planned.path
            destination.parent.mkdir(parents=True, exist_ok=True)
            with destination.open("wb") as handle:
                handle.write(planned.data)
                handle.flush()
                os.fsync(handle.fileno())
        if carry_from is not None and carry is not None:
            kept = _carry_user_files(carry_from, staging, carry, document_set.created.date())
        _swap_into_place(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise DocumentsError("cannot_write", path=str(target), reason=error.strerror or str(error)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return kept


def _carry_user_files(out: Path, staging: Path, changes: FolderChanges, day: date) -> tuple[tuple[str, str], ...]:
    """Put the user's files from ``out`` into the staging folder — hard links, or copies where a link is not
    possible, so ``out`` stays untouched until the swap: changed files under ``保留的文件-DATE/``, added files at
    their own path unless the new set has a file there (then under ``保留的文件-DATE/`` too)."""
    taken = {p.name for p in out.iterdir()} | {p.name for p in staging.iterdir()}
    kept_dir, number = f"{KEPT_FOLDER}-{day.isoformat()}", 2
    while kept_dir in taken:
        kept_dir, number = f"{KEPT_FOLDER}-{day.isoformat()}-{number}", number + 1
    moves = []
    for rel in changes.added:
        if rel.endswith("/"):
            (staging / rel).mkdir(parents=True, exist_ok=True)
            moves.append((rel, rel))
        else:
            moves.append((rel, rel if _free(staging, rel) else f"{kept_dir}/{rel}"))
    moves += [(rel, f"{kept_dir}/{rel}") for rel in changes.changed]
    for source, destination in moves:
        if not source.endswith("/"):
            _link_or_copy(out / source, staging / destination)
    return tuple(moves)


def _free(staging: Path, rel: str) -> bool:
    """Nothing in the new set is at ``rel`` or at a parent of it that is a file."""
    if os.path.lexists(staging / rel):
        return False
    return all(not os.path.lexists(staging / p) or (staging / p).is_dir() for p in _parents(rel))


def _link_or_copy(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), destination)
    elif source.is_dir():  # a set file replaced by a folder: its contents are carried as added files
        destination.mkdir(parents=True, exist_ok=True)
    else:
        try:
            os.link(source, destination, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, destination)


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
    "FolderChanges",
    "WriteOutcome",
    "build_document_set",
    "document_set_json",
    "folder_changes",
    "write_document_set",
]
