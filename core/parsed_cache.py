"""Data parsed from the YAML files jubao and its installed plugins ship, kept in jubao's cache for the next runs.

Every command reads the same files at start: the message catalogues and word lists, the rules and their sources,
the statutes, the calendars. Parsed by libyaml they still cost a tenth of a typical command (~25 ms of CPU for
``jubao documents``); reading the same data back from one JSON file costs a few milliseconds.

Only text given by ``jubao.sourcemap.parse_trusted_yaml`` and ``jubao.packaged_yaml.load_packaged_yaml`` is kept:
files that come with the software. **A case is never kept**: cases hold other people's names and numbers, and the
cache directory is not where a user expects them (``tests/test_parsed_cache.py`` runs the commands on the examples
and searches the cache for them).

Entries are found by what was parsed — the SHA-256 of the text and how it was read — so an edited file is simply a
new entry (its old one is dropped once ``MAX_ENTRIES`` newer ones exist), and nothing needs to be invalidated; the
file's key (``jubao.cache.prepared_key``) adds jubao's code and the PyYAML and libyaml versions. Data that JSON
cannot hold exactly (a date, a key that is not a string, an infinite float) is not kept. Each entry is stored as
JSON text and decoded on each use, so two callers never share (and never change each other's) objects.

New entries are written once, when the process exits (``atexit``), merged with what other processes wrote since.
"""

from __future__ import annotations

import atexit
import hashlib
import math
import os
import threading
from typing import Any

import orjson
import yaml

from jubao import cache

FORMAT = "jubao.parsed/1"
PREFIX = "parsed-"
MAX_ENTRIES = 400
"""Entries kept (the oldest go first): a few times what one installed set reads, so editing a development
checkout's rules for a while never grows the file without end."""

MISS = object()
"""What ``get`` returns for text that is not in the cache (``None`` is a YAML document's value)."""


class ParsedCache:
    """The entries of one cache file, loaded on first use; new ones saved at exit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, str] | None = None
        self._new: dict[str, str] = {}
        self._key: str | None = None
        self._registered = False

    def _loaded(self) -> dict[str, str]:
        if self._entries is None:
            self._key = _file_key()
            body = cache.load_prepared(PREFIX, FORMAT, self._key) if self._key is not None else None
            entries = body.get("entries") if body is not None else None
            self._entries = (
                {k: v for k, v in entries.items() if isinstance(v, str)} if isinstance(entries, dict) else {}
            )
        return self._entries

    def get(self, kind: str, text: str) -> Any:
        """The data parsed from ``text`` read as ``kind``, as new objects, or ``MISS``."""
        with self._lock:
            found = self._loaded().get(_entry(kind, text))
        if found is None:
            return MISS
        try:
            return orjson.loads(found)
        except orjson.JSONDecodeError:
            return MISS

    def put(self, kind: str, text: str, data: Any) -> None:
        """Keep ``data``, parsed from ``text`` as ``kind``, if JSON holds it exactly (written at exit)."""
        if not cache.enabled() or not _json_exact(data):
            return
        encoded = orjson.dumps(data).decode("utf-8")
        with self._lock:
            entries = self._loaded()
            if self._key is None:
                return
            name = _entry(kind, text)
            entries[name] = self._new[name] = encoded
            if not self._registered:
                self._registered = True
                atexit.register(self.save)

    def save(self) -> None:
        """Write the new entries, merged with the file as it is now (another process may have added to it)."""
        with self._lock:
            if not self._new or self._key is None:
                return
            body = cache.load_prepared(PREFIX, FORMAT, self._key)
            stored = body.get("entries") if body is not None else None
            merged = {k: v for k, v in stored.items() if isinstance(v, str)} if isinstance(stored, dict) else {}
            for name in self._new:
                merged.pop(name, None)
            merged.update(self._new)
            kept = dict(list(merged.items())[-MAX_ENTRIES:])
            cache.save_prepared(PREFIX, FORMAT, self._key, {"entries": kept})
            self._new = {}

    def _after_fork(self) -> None:
        self._lock = threading.Lock()
        self._new = {}  # the parent writes what it parsed; a child writes only its own


def _file_key() -> str | None:
    if cache.cache_dir() is None:
        return None
    libyaml = getattr(getattr(yaml, "_yaml", None), "get_version_string", lambda: "")()
    return cache.prepared_key(FORMAT, getattr(yaml, "__version__", ""), libyaml)


def _entry(kind: str, text: str) -> str:
    return f"{kind}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _json_exact(value: Any) -> bool:
    """Whether ``orjson.loads(orjson.dumps(value)) == value`` with the same types: plain JSON data only."""
    if value is None or isinstance(value, str | bool):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**64  # what orjson writes
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_json_exact(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _json_exact(item) for key, item in value.items())
    return False


PARSED = ParsedCache()
"""The process's cache of parsed files."""

if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=PARSED._after_fork)
