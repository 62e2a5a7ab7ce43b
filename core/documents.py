"""A document set: every document for a case's routed channels, in every requested format, plus the evidence
list (证据清单), the evidence manifest and an index — built in memory, then written to disk atomically.

Atomic means a reader never sees half a set: files are written into a private staging folder next to the
destination, and only when every file is written is it swapped into place in one step (``jubao.setfolder``; a run
killed at any point leaves the old set or the new one, and the next run cleans up what it left). Regeneration
never loses work: an earlier jubao set in the destination is replaced only if it is exactly as jubao wrote it (its
``index.json`` records every file's SHA-256); if the user changed, added or removed a file, or keeps an evidence
file of the case in it, the new set goes to a dated folder beside it, or with ``force`` replaces it carrying the
user's files along (``write_document_set``). Replacing deletes only what the earlier index lists; anything else
found in the old folder is moved into the new one. Any other non-empty folder is refused. A plugin that fails to
draft is reported for its channel; the other channels' documents are still produced.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import orjson

from jubao import setfolder
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
from jubao.setfolder import file_digest, parents, recorded_files

SET_FORMAT = setfolder.SET_FORMAT
INDEX_JSON = setfolder.INDEX_JSON
KEPT_FOLDER = setfolder.KEPT_FOLDER
"""With ``--force``, the files the user changed go to ``DIR/保留的文件-YYYY-MM-DD/`` (same relative paths)."""
IGNORED_NAMES = setfolder.IGNORED_NAMES

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
    evidence_files: tuple[Path, ...] = ()
    """The case's evidence files (``evidence[].path`` resolved against the case's folder): writing the set never
    moves or deletes them, even when they are inside the output folder."""

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
    evidence_paths = tuple(
        Path(os.path.abspath((base_dir / item.path).expanduser())) for item in case.evidence if item.path
    )
    document_set = DocumentSet(
        created=created, channels=results, evidence=prints, files=files, evidence_notes=evidence_notes,
        evidence_files=evidence_paths,
    )  # fmt: skip
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

_DATED_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}(?:-\d+)?$")

Moves = tuple[tuple[str, str], ...]
"""(where a file was, where it is now), relative paths with ``/``."""


@dataclass(frozen=True)
class FolderChanges:
    """How a folder holding an earlier set differs from that set's ``index.json`` (paths relative, with ``/``)."""

    changed: tuple[str, ...] = ()
    """Files of the set whose content is no longer what jubao wrote (SHA-256 differs): the user's edits."""
    added: tuple[str, ...] = ()
    """Files (and empty folders, ending in ``/``) that are not part of the set: the user put them there."""
    missing: tuple[str, ...] = ()
    """Files of the set that are gone (deleted, renamed or moved away)."""
    unreadable: tuple[str, ...] = ()
    """Folders whose contents could not be listed (permissions): what is in them is unknown, so they count as the
    user's."""
    evidence: tuple[str, ...] = ()
    """Evidence files of the case inside the folder (``write_document_set`` fills this in): never moved or deleted.
    Not a change by itself."""

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.missing or self.unreadable)


@dataclass(frozen=True)
class WriteOutcome:
    """Where ``write_document_set`` put the set and what it did with an earlier one."""

    path: Path
    """The folder that now holds the new set: ``out``, or the dated folder beside it (``action == "beside"``)."""
    action: Literal["new", "replaced", "beside", "forced"]
    """``new``: ``out`` was absent or empty; ``replaced``: it held an earlier set nobody had touched;
    ``beside``: it held an earlier set with changes (``changes``) or evidence files of the case, left exactly as
    it was; ``forced``: that set was replaced on request, the user's files carried into the new one (``kept``)."""
    changes: FolderChanges = field(default_factory=FolderChanges)
    kept: tuple[tuple[str, str], ...] = ()
    """For ``forced``: each changed or added file, and where it is now (relative to ``path``)."""
    rescued: tuple[tuple[str, str], ...] = ()
    """Files found in the replaced folder that were not there when it was checked (saved while jubao was writing),
    or in the leftovers of an interrupted run: never deleted; each with where it is now (relative to ``path``, or
    absolute for a leftover's)."""
    recovered: int = 0
    """Leftover folders of interrupted runs (killed, power cut) for this destination that were cleaned up or
    completed before writing."""


def is_document_set(folder: Path) -> bool:
    try:
        return bool(orjson.loads((folder / INDEX_JSON).read_bytes()).get("format") == SET_FORMAT)
    except (OSError, ValueError, AttributeError):
        return False


def folder_changes(folder: Path) -> FolderChanges | None:
    """Compare ``folder`` with the set its ``index.json`` records; ``None`` when it holds no (readable) jubao set."""
    recorded = recorded_files(folder)
    if recorded is None:
        return None
    recorded_dirs = {parent for path in recorded for parent in parents(path)}
    changed, added, folders, unreadable = [], [], [], []

    def cannot_list(error: OSError) -> None:
        try:
            unreadable.append(Path(error.filename).relative_to(folder).as_posix() + "/")
        except (TypeError, ValueError):
            unreadable.append("./")

    for root, dirs, names in os.walk(folder, onerror=cannot_list):
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
            elif file_digest(here / name) != recorded[rel]:
                changed.append(rel)
    for rel in folders:  # a folder the user made and left empty is theirs too
        if rel + "/" in unreadable:
            continue
        if rel not in recorded_dirs and not any(a.startswith(rel + "/") for a in added):
            added.append(rel + "/")
    missing = [rel for rel in recorded if not os.path.lexists(folder / rel)]
    return FolderChanges(changed=tuple(sorted(changed)), added=tuple(sorted(added)), missing=tuple(sorted(missing)),
                         unreadable=tuple(sorted(unreadable)))  # fmt: skip


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
    ``index.json``; untouched, it is replaced. Changed (a file edited, added or removed), or holding an evidence
    file of the case: left exactly as it is and the new set goes to a dated folder beside it (``dated_folder``) —
    or, with ``force``, the set replaces it and every file the user changed moves to ``保留的文件-YYYY-MM-DD/``
    inside it while every file the user added stays where it was (unless the new set has a file of that name: then
    it moves there too). An evidence file of the case is never moved: if it would have to be, ``force`` is refused.
    Any other non-empty folder, a file, the current folder (or one holding it) and a link to anything but a folder
    are refused (``DocumentsError``), ``force`` or not.

    Replacing only ever deletes the files the earlier set's ``index.json`` lists (unchanged) and copies of what is
    in the new folder; the swap is one ``renameat2`` exchange where the system has it (``jubao.setfolder``), and
    whatever an interrupted earlier run left beside ``out`` is cleaned up or completed first.
    """
    out = _destination(Path(out))
    day = document_set.created.date()
    try:
        recovered = setfolder.recover(out, day)
    except OSError:
        recovered = setfolder.Recovered()
    done = functools.partial(_outcome, recovered=recovered)
    if (out.exists() or out.is_symlink()) and not out.is_dir():
        raise DocumentsError("out_not_a_folder", path=str(out))
    if not out.is_dir() or not any(out.iterdir()):
        return done(out, "new", rescued=_write_into(document_set, out)[1])
    changes = folder_changes(out)
    if changes is None:
        raise DocumentsError("out_not_empty", path=str(out))
    evidence = _evidence_inside(out, document_set.evidence_files)
    changes = replace(changes, evidence=evidence)
    if not changes and not evidence:
        return done(out, "replaced", changes, rescued=_write_into(document_set, out)[1])
    if not force:
        beside = dated_folder(out, day)
        return done(beside, "beside", changes, rescued=_write_into(document_set, beside)[1])
    if changes.unreadable:
        raise DocumentsError("out_unreadable", path=str(out), folder=changes.unreadable[0])
    kept, rescued = _write_into(document_set, out, carry_from=out, carry=changes)
    return done(out, "forced", changes, kept=kept, rescued=rescued)


def _outcome(path: Path, action: Literal["new", "replaced", "beside", "forced"],
             changes: FolderChanges | None = None, *, recovered: setfolder.Recovered,
             kept: Moves = (), rescued: Moves = ()) -> WriteOutcome:  # fmt: skip
    changes = changes if changes is not None else FolderChanges()
    return WriteOutcome(path, action, changes, kept, recovered.rescued + rescued, recovered.count)


def _named(out: Path) -> Path:
    """``out`` with a real last component (``.`` and ``..`` name no folder that can be swapped)."""
    return Path(os.path.abspath(out)) if out.name in ("", ".", "..") else out


def _destination(out: Path) -> Path:
    """The folder to write: ``out`` itself, or the folder a link named ``out`` points to (the link is kept and
    still leads to the set). Refused: a link to anything but a folder, and the current folder or one holding it
    (replacing it would leave the terminal in a deleted folder, where the next command fails)."""
    try:
        absolute, here = os.path.abspath(out), os.path.realpath(os.getcwd())
    except FileNotFoundError:  # the current folder was deleted (by an earlier `--out .`, say)
        raise DocumentsError("cwd_gone") from None
    if os.path.islink(absolute):
        if not os.path.isdir(absolute):
            raise DocumentsError("out_link_not_a_folder", path=str(out))
        out = Path(os.path.realpath(absolute))
    real = os.path.realpath(absolute)
    if here == real or here.startswith(real.rstrip(os.sep) + os.sep):
        raise DocumentsError("out_is_cwd", path=str(out))
    return _named(out)


def _evidence_inside(out: Path, files: tuple[Path, ...]) -> tuple[str, ...]:
    """The evidence files of the case that are inside ``out`` (relative, with ``/``), however they are named: the
    folders on the way are resolved, the file itself (maybe a link) is not."""
    root = os.path.realpath(out)
    inside = []
    for file in files:
        try:
            path = os.path.join(os.path.realpath(os.path.dirname(file)), os.path.basename(file))
        except (OSError, ValueError):
            continue
        if path.startswith(root.rstrip(os.sep) + os.sep) and os.path.lexists(path):
            inside.append(Path(os.path.relpath(path, root)).as_posix())
    return tuple(sorted(set(inside)))


def _swap_into_place(staging: setfolder.Staging, target: Path) -> Path | None:
    """One step (``jubao.setfolder.swap``); where the folder it replaced now is, or ``None``."""
    return setfolder.swap(staging)


def _write_into(document_set: DocumentSet, target: Path, *, carry_from: Path | None = None,
                carry: FolderChanges | None = None) -> tuple[Moves, Moves]:  # fmt: skip
    """Write the set into a private staging folder beside ``target`` (plus, with ``carry``, the user's files from
    ``carry_from``), then swap it into place in one step. On any failure nothing changes and the staging folder is
    removed. Returns the carried files and the files rescued from the replaced folder (``setfolder.empty_retired``).
    """
    try:
        staging = setfolder.stage(target)
    except BlockingIOError:
        raise DocumentsError("out_busy", path=str(target)) from None
    except OSError as error:
        raise DocumentsError("cannot_write", path=str(target.parent), reason=error.strerror or str(error)) from None
    kept: tuple[tuple[str, str], ...] = ()
    try:
        for planned in document_set.files:
            destination = staging.path / planned.path
            destination.parent.mkdir(parents=True, exist_ok=True)
            with destination.open("wb") as handle:
                handle.write(planned.data)
                handle.flush()
                os.fsync(handle.fileno())
        if carry_from is not None and carry is not None:
            kept = _carry_user_files(carry_from, staging.path, carry, document_set.created.date())
        old = _swap_into_place(staging, target)
    except OSError as error:
        staging.discard()
        raise DocumentsError("cannot_write", path=str(target), reason=error.strerror or str(error)) from None
    except BaseException:
        staging.discard()
        raise
    rescued: tuple[tuple[str, str], ...] = ()
    try:
        if old is not None:
            rescued = setfolder.empty_retired(old, target, document_set.created.date())
    except OSError:
        pass  # the new set is in place; what is left of the old folder is private and the next run finishes it
    finally:
        staging.release()
    return kept, rescued


def _carry_user_files(out: Path, staging: Path, changes: FolderChanges, day: date) -> tuple[tuple[str, str], ...]:
    """Put the user's files from ``out`` into the staging folder — hard links, or copies where a link is not
    possible, so ``out`` stays untouched until the swap: changed files under ``保留的文件-DATE/``, added files at
    their own path unless the new set has a file there (then under ``保留的文件-DATE/`` too). An evidence file of
    the case must keep its path and be linked (the same file, not a copy): else ``DocumentsError``, nothing
    changes."""
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
            moves.append((rel, rel if setfolder.free(staging, rel) else f"{kept_dir}/{rel}"))
    moves += [(rel, f"{kept_dir}/{rel}") for rel in changes.changed]
    staying = {source for source, destination in moves if source == destination}
    for rel in changes.evidence:
        if rel not in staying:
            raise DocumentsError("evidence_in_out", path=rel, out=str(out))
    for source, destination in moves:
        if source.endswith("/"):
            continue
        if not _link_or_copy(out / source, staging / destination, copy=source not in changes.evidence):
            raise DocumentsError("evidence_in_out", path=source, out=str(out))  # a copy is not the same file
    return tuple(moves)


def _link_or_copy(source: Path, destination: Path, *, copy: bool = True) -> bool:
    """``False`` if it would have to be copied and ``copy`` is false."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), destination)
    elif source.is_dir():  # a set file replaced by a folder: its contents are carried as added files
        destination.mkdir(parents=True, exist_ok=True)
    else:
        try:
            os.link(source, destination, follow_symlinks=False)
        except OSError:
            if not copy:
                return False
            shutil.copy2(source, destination, follow_symlinks=False)
    return True


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
