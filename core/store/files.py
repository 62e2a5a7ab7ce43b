"""Files the store keeps: safe names for uploads, and streaming an upload to disk with its SHA-256.

An upload's name comes from someone else's computer: only its last path component is kept, characters that are
special to a file system or invisible are replaced, Windows device names (``con``, ``nul`` …) are prefixed, and it is
shortened to fit; a name that is empty after that is refused. A stored file never replaces another: ``photo.jpg``,
then ``photo-2.jpg`` … (the name is claimed with ``O_EXCL``, so two uploads at once cannot pick the same one).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from jubao.store.errors import StoreError

MAX_NAME_BYTES = 120
"""A stored name's length in UTF-8 bytes (file systems allow 255; the case file's path field 200 characters)."""
MAX_SUFFIX_CHARS = 16
CHUNK = 1024 * 1024
DIR_MODE = 0o700
FILE_MODE = 0o600

_SPECIAL = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_DEVICE = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$", re.IGNORECASE)


def safe_file_name(name: str) -> str:
    """``name`` made safe to create inside a directory (see the module's docstring); ``StoreError("bad_file")``
    if nothing usable is left."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]  # a browser may send a whole path (C:\Users\…\photo.jpg)
    name = "".join("_" if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in name)
    name = "".join(char for char in name if unicodedata.category(char) not in ("Cf", "Cs", "Co", "Cn"))
    name = _SPECIAL.sub("_", name)
    name = name.strip(" .\t")  # no hidden file, no "..", no trailing dot (Windows drops it)
    if not name or not name.strip("_"):
        raise StoreError("bad_file", reason="the file has no usable name")
    if _WINDOWS_DEVICE.match(name):
        name = "_" + name
    return _shortened(name)


def _shortened(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_SUFFIX_CHARS:
        stem, suffix = name, ""
    ending = "." + suffix if suffix else ""
    budget = MAX_NAME_BYTES - len(ending.encode("utf-8"))
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    return stem.rstrip(" .") + ending


def numbered(name: str, n: int) -> str:
    """``photo.jpg``, ``photo-2.jpg``, ``photo-3.jpg`` … for ``n`` = 1, 2, 3 …"""
    if n == 1:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        return f"{name}-{n}"
    return f"{stem}-{n}.{suffix}"


@dataclass(frozen=True)
class Received:
    """A file streamed to disk."""

    path: Path
    name: str
    """Its name in its directory (the safe name, numbered if that was taken)."""
    sha256: str
    size: int


def make_dir(path: Path) -> list[Path]:
    """Create ``path`` and missing parents (mode 0700); returns the directories created, deepest first."""
    created: list[Path] = []
    current = path
    while not current.exists():
        created.append(current)
        current = current.parent
    for directory in reversed(created):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=DIR_MODE)
    return created


def remove_empty(directories: list[Path]) -> None:
    """Remove the directories (deepest first) that are empty; leave any that are not."""
    for directory in directories:
        with contextlib.suppress(OSError):
            directory.rmdir()


def receive(directory: Path, safe_name: str, data: BinaryIO, *, max_bytes: int) -> Received:
    """Stream ``data`` into a new file in ``directory`` (which exists), never replacing a file, computing the
    SHA-256 on the way. Past ``max_bytes`` it stops with ``StoreError("too_large")``; on any failure the partial
    file is removed."""
    fd, path, name = _claim(directory, safe_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := data.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise StoreError("too_large", limit=max_bytes)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path=path, name=name, sha256=digest.hexdigest(), size=size)


def _claim(directory: Path, safe_name: str) -> tuple[int, Path, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for n in range(1, 10_000):
        name = numbered(safe_name, n)
        path = directory / name
        try:
            return os.open(path, flags, FILE_MODE), path, name
        except FileExistsError:
            continue
    raise StoreError("bad_file", reason="too many files with this name")


def sha256_of(path: Path) -> tuple[str, int]:
    """A file's SHA-256 (hex) and size."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            digest.update(chunk)
    return digest.hexdigest(), size


def remove_tree(path: Path) -> bool:
    """Remove a directory the store made (a case's or a draft's); ``True`` if there was one."""
    if path.is_symlink() or path.is_file():
        path.unlink()
        return True
    if not path.exists():
        return False
    shutil.rmtree(path)
    return True
