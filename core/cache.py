"""jubao's cache directory: what every run would otherwise recompute from files that rarely change.

Three caches live there, all only ever an optimisation — deleting the directory (or a file in it) costs one slower
run, never a different result:

* ``plugins-<key>.json`` — plugin discovery for one *installed set* (``DiscoveryCache``): each plugin's validated
  ``channel.yaml``, the title each document template always renders, and which plugin rule directories already
  passed the rules check. The key is what identifies the set: the ``jubao`` entry points with their distributions'
  names and versions, jubao's own code and the Python, pydantic and PyYAML versions. Installing, removing or
  upgrading a plugin changes the key, so a new file is built; every entry also carries the size and modification
  time (ns) of the file it came from and is used only while they match, so editing an (editable) plugin's
  ``channel.yaml`` or templates rebuilds just that entry.
* ``docx-blank-<key>.json`` — the styled blank DOCX package (``jubao.docx_package.BlankPackage``): made by
  python-docx the first time a DOCX is written, its files compressed once, then read by every later run without
  importing python-docx. The key is jubao's code, the Python and lxml versions and python-docx's own files (its
  ``__init__.py`` and blank template, by size and modification time), so upgrading python-docx or editing the
  writer's styles makes a new one.
* ``templates/`` — Jinja2 bytecode (``template_bytecode_cache``): each template compiled once, reused while its
  source is unchanged (Jinja2's own checksum of the source) and the Jinja2 and Python versions are the same.

The directory is ``platformdirs.user_cache_dir("jubao")`` (``~/.cache/jubao`` on Linux), or ``$JUBAO_CACHE_DIR``;
``JUBAO_NO_CACHE=1`` turns them all off.

Why JSON: a cache file is read by every run, so it must load fast *and* safely — JSON (orjson) builds only plain
data, never objects or code, whatever the file holds. Each value is data that jubao validates again on the way in
(a channel goes through ``Channel.model_validate_json``), and the body is covered by a SHA-256 in the file's first
line, so a truncated, corrupt or foreign file is ignored and rebuilt, never trusted and never a crash. Writes are
atomic (``jubao.fileio``): concurrent processes each write a whole file, the last one wins, and a reader never sees
half of one. The bytecode files hold marshalled code (like ``__pycache__``) after Jinja2's header, compared byte for
byte with the one expected for the template's source (nothing is unpickled), and the code's SHA-256.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import marshal
import os
import sys
import types
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from jubao.fileio import write_bytes_atomic

if TYPE_CHECKING:
    import jinja2

CACHE_ENV = "JUBAO_CACHE_DIR"
NO_CACHE_ENV = "JUBAO_NO_CACHE"
DISCOVERY_FORMAT = "jubao.discovery/1"
DISCOVERY_PREFIX = "plugins-"
KEEP_DISCOVERY_FILES = 8
"""Discovery files of other installed sets (another virtual environment, the set before an upgrade) kept."""
KEEP_PREPARED_FILES = 4
"""Files of other keys kept for each prepared thing (``load_prepared``): other environments, earlier versions."""
TEMPLATES_DIR = "templates"

Stamp = tuple[int, int]
"""A file's size and modification time in nanoseconds."""


def enabled() -> bool:
    """``JUBAO_NO_CACHE`` is unset, empty, 0, false or no."""
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() in ("", "0", "false", "no")


def cache_dir() -> Path | None:
    """Where the caches live (``$JUBAO_CACHE_DIR``, else the user's cache directory), or None when caching is off."""
    if not enabled():
        return None
    given = os.environ.get(CACHE_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    import platformdirs  # noqa: PLC0415 - only when a cache is read or written

    return Path(platformdirs.user_cache_dir("jubao", appauthor=False))


def stamp(path: str | os.PathLike[str]) -> Stamp | None:
    """``(size, mtime_ns)`` of the file at ``path``, or None if it cannot be read."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def _ensure_dir(directory: Path) -> bool:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return directory.is_dir()


# --- sealed JSON files -------------------------------------------------------------------------------------------


def read_sealed(path: Path, fmt: str) -> dict[str, Any] | None:
    """The body of a file written by ``write_sealed`` with this ``fmt``, or None if it is missing, truncated,
    corrupt, of another format or not jubao's (its SHA-256 does not match)."""
    try:
        raw = path.read_bytes()
        head, sep, body = raw.partition(b"\n")
        if not sep:
            return None
        header = orjson.loads(head)
        if not isinstance(header, dict) or header.get("format") != fmt:
            return None
        if header.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        data = orjson.loads(body)
    except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
        return None
    return data if isinstance(data, dict) else None


def write_sealed(path: Path, fmt: str, body: dict[str, Any]) -> bool:
    """Write ``body`` atomically under a header naming ``fmt`` and its SHA-256; False if it could not be written
    (a read-only or full disk: the run goes on without caching)."""
    if not _ensure_dir(path.parent):
        return False
    data = orjson.dumps(body)
    header = orjson.dumps({"format": fmt, "sha256": hashlib.sha256(data).hexdigest()})
    try:
        write_bytes_atomic(path, header + b"\n" + data)
    except OSError:
        return False
    return True


# --- plugin discovery --------------------------------------------------------------------------------------------


def _code_stamp() -> list[Any]:
    """jubao's own modules (sizes and times): a development checkout's edit to the code that validates channels,
    checks rules or reads templates rebuilds the cache."""
    package = Path(__file__).resolve().parent
    stamps: list[Any] = []
    try:
        with os.scandir(package) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py") and entry.is_file():
                    info = entry.stat()
                    stamps.append([entry.name, info.st_size, info.st_mtime_ns])
    except OSError:
        return []
    return stamps


def set_key(entry_points: Iterable[tuple[str, str, str | None, str | None]]) -> str:
    """The key of an installed set: its entry points ``(name, value, distribution, version)``, jubao's code and the
    versions of what turns plugin files into data (Python, pydantic, PyYAML)."""
    import pydantic  # noqa: PLC0415 - already imported by every caller; here for its version
    import yaml  # noqa: PLC0415

    parts = [
        DISCOVERY_FORMAT,
        sys.version,
        pydantic.VERSION,
        getattr(yaml, "__version__", ""),
        sorted((list(point) for point in entry_points), key=repr),  # a None among the names never fails the sort
        _code_stamp(),
    ]
    return hashlib.sha256(orjson.dumps(parts)).hexdigest()


class DiscoveryCache:
    """What discovering one installed set of plugins found, reused while the files it came from are unchanged.

    ``get(kind, path)`` returns the value stored for ``path`` if the file's size and modification time still match
    (None otherwise); ``put`` stores a fresh one; ``save()`` writes the file if anything changed. Values are plain
    JSON data; callers validate them again as they would the file (a value that does not validate is a miss)."""

    def __init__(self, key: str, directory: Path | None) -> None:
        self.key = key
        self.path = directory / f"{DISCOVERY_PREFIX}{key[:32]}.json" if directory is not None else None
        self.entries: dict[str, dict[str, Any]] = {}
        self.marks: set[str] = set()
        self.dirty = False
        self.loaded = False
        if self.path is not None:
            body = read_sealed(self.path, DISCOVERY_FORMAT)
            if body is not None and body.get("key") == key:
                entries, marks = body.get("entries"), body.get("marks")
                if isinstance(entries, dict) and isinstance(marks, list):
                    self.entries = {k: v for k, v in entries.items() if isinstance(v, dict)}
                    self.marks = {m for m in marks if isinstance(m, str)}
                    self.loaded = True

    @classmethod
    def for_set(cls, entry_points: Iterable[tuple[str, str, str | None, str | None]]) -> DiscoveryCache:
        """The cache of the set made of these entry points (one that keeps nothing when caching is off)."""
        directory = cache_dir()
        return cls(set_key(entry_points) if directory is not None else "", directory)

    def get(self, kind: str, path: str | os.PathLike[str]) -> Any:
        entry = self.entries.get(f"{kind}:{os.fspath(path)}")
        if entry is None:
            return None
        current = stamp(path)
        if current is None or entry.get("stamp") != list(current):
            return None
        return entry.get("value")

    def put(self, kind: str, path: str | os.PathLike[str], file_stamp: Stamp | None, value: Any) -> None:
        """Store ``value`` for ``path`` as it was when ``file_stamp`` was taken (before reading it: a file edited
        while it was read is then stale at the next run, not trusted)."""
        if file_stamp is None:
            return
        self.entries[f"{kind}:{os.fspath(path)}"] = {"stamp": list(file_stamp), "value": value}
        self.dirty = True

    def marked(self, mark: str) -> bool:
        return mark in self.marks

    def mark(self, mark: str) -> None:
        if mark not in self.marks:
            self.marks.add(mark)
            self.dirty = True

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        body = {"key": self.key, "entries": self.entries, "marks": sorted(self.marks)}
        if write_sealed(self.path, DISCOVERY_FORMAT, body):
            self.dirty = False
            _prune(self.path)


def _prune(keep: Path, prefix: str = DISCOVERY_PREFIX, count: int = KEEP_DISCOVERY_FILES) -> None:
    """Remove the oldest ``prefix`` files beyond ``count`` besides ``keep`` (sets no longer installed)."""
    try:
        found = [p for p in keep.parent.glob(f"{prefix}*.json") if p != keep]
        if len(found) < count:
            return
        found.sort(key=lambda p: p.stat().st_mtime_ns)
        for old in found[: len(found) - count + 1]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


# --- prepared data (one file per key) ----------------------------------------------------------------------------


def prepared_key(fmt: str, *parts: Any) -> str:
    """The key of something prepared from files that rarely change: ``parts`` (plain JSON data: versions, file
    stamps), the Python version and jubao's own code."""
    return hashlib.sha256(orjson.dumps([fmt, sys.version, list(parts), _code_stamp()])).hexdigest()


def load_prepared(prefix: str, fmt: str, key: str) -> dict[str, Any] | None:
    """The body saved by ``save_prepared`` under ``key``, or None (caching off, missing, corrupt, another key)."""
    directory = cache_dir()
    if directory is None:
        return None
    body = read_sealed(directory / f"{prefix}{key[:32]}.json", fmt)
    return body if body is not None and body.get("key") == key else None


def save_prepared(prefix: str, fmt: str, key: str, body: dict[str, Any]) -> None:
    """Keep ``body`` for the next runs under ``key`` (nothing when caching is off or the directory is read-only)."""
    directory = cache_dir()
    if directory is None:
        return
    path = directory / f"{prefix}{key[:32]}.json"
    if write_sealed(path, fmt, {**body, "key": key}):
        _prune(path, prefix, KEEP_PREPARED_FILES)


_active: contextvars.ContextVar[DiscoveryCache | None] = contextvars.ContextVar("jubao_discovery", default=None)
"""The cache of the plugin set being loaded (``jubao.plugins.load_plugins`` sets it while it imports plugins; per
thread, so two sets loaded at once never mix)."""


def active() -> DiscoveryCache | None:
    return _active.get()


def set_active(cache: DiscoveryCache | None) -> contextvars.Token[DiscoveryCache | None]:
    """Make ``cache`` the active one; ``reset_active(token)`` restores the previous one."""
    return _active.set(cache)


def reset_active(token: contextvars.Token[DiscoveryCache | None]) -> None:
    _active.reset(token)


# --- Jinja2 bytecode ---------------------------------------------------------------------------------------------


def template_bytecode_cache(flavour: str) -> jinja2.BytecodeCache | None:
    """A bytecode cache in ``<cache dir>/templates`` for Environments built with one set of options (``flavour``
    names them: code compiled with other options is never mixed in), or None when caching is off."""
    directory = cache_dir()
    if directory is None:
        return None
    import jinja2  # noqa: PLC0415

    tag = hashlib.sha256(f"{flavour}|{jinja2.__version__}".encode()).hexdigest()[:12]
    cache: jinja2.BytecodeCache = _safe_bytecode_cache_class()(str(directory / TEMPLATES_DIR), f"{tag}-%s.cache")
    return cache


@functools.cache
def _safe_bytecode_cache_class() -> type[jinja2.FileSystemBytecodeCache]:
    import pickle  # noqa: PLC0415 - only to build the header bytes Jinja2 writes; nothing is ever unpickled

    import jinja2  # noqa: PLC0415
    from jinja2.bccache import Bucket, bc_magic  # noqa: PLC0415

    class SafeBytecodeCache(jinja2.FileSystemBytecodeCache):
        """Jinja2's file cache, made safe to read whatever the file holds: Jinja2's header (compared byte for byte
        with the one it writes for this source: nothing is unpickled), then the SHA-256 of the code, then the code
        (marshal). A file that does not match is a miss, never an exception and never code with a flipped bit; a
        failed write is ignored (a read-only cache directory only means compiling each run)."""

        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                raw = Path(self._get_cache_filename(bucket)).read_bytes()
            except OSError:
                return
            header = bc_magic + pickle.dumps(bucket.checksum, 2)
            digest, code = raw[len(header) : len(header) + 32], raw[len(header) + 32 :]
            if not raw.startswith(header) or hashlib.sha256(code).digest() != digest:
                return
            try:
                loaded = marshal.loads(code)
            except (EOFError, ValueError, TypeError):
                return
            if isinstance(loaded, types.CodeType):
                bucket.code = loaded

        def dump_bytecode(self, bucket: Bucket) -> None:
            if bucket.code is None or not _ensure_dir(Path(self.directory)):
                return
            code = marshal.dumps(bucket.code)
            data = bc_magic + pickle.dumps(bucket.checksum, 2) + hashlib.sha256(code).digest() + code
            with contextlib.suppress(OSError):
                write_bytes_atomic(Path(self._get_cache_filename(bucket)), data)

    return SafeBytecodeCache


__all__ = [
    "CACHE_ENV",
    "NO_CACHE_ENV",
    "DiscoveryCache",
    "active",
    "cache_dir",
    "enabled",
    "load_prepared",
    "prepared_key",
    "read_sealed",
    "reset_active",
    "save_prepared",
    "set_active",
    "stamp",
    "template_bytecode_cache",
    "write_sealed",
]
