"""Reading input within limits: a regular file, or a stream, of at most a given size — never a FIFO or a device.

Why: a path on the command line may name anything. A FIFO blocks ``open()`` until a writer comes (for ever, if
none does); ``/dev/zero``, or a ``case.yaml`` linked to it, never ends (memory grows until ``MemoryError``);
``/proc/self/pagemap`` claims to be a regular file of size 0 and reads for ever; standard input may be a 200 MB
pipe. So every file jubao reads as *input* (case files, JSON Lines files, manifests, evidence files) goes through
here:

1. opened with ``O_NONBLOCK`` (where the platform has it), so that opening a FIFO cannot block;
2. checked with ``fstat`` on the open descriptor (not the name: it cannot be swapped in between) to be a regular
   file — a FIFO, socket or device is refused (``NotRegularFileError``);
3. read to at most ``limit + 1`` bytes: one byte more than allowed tells an over-long file from one exactly at the
   limit, whatever ``st_size`` says (``TooLargeError``).

Streams (standard input, JSON Lines) are read the same way: at most ``limit + 1`` bytes, or, line by line, at most
``limit + 1`` bytes of each line (a line over the limit is skipped to its end and reported, never held whole).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

CHUNK = 1 << 20
"""Bytes read at a time: large enough to read fast, small enough that ``limit + 1`` is never overshot by much."""

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # POSIX: opening a FIFO without a writer returns at once
    | getattr(os, "O_NOCTTY", 0)  # a terminal device never becomes our controlling terminal
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
)


class NotRegularFileError(OSError):
    """The path names a FIFO, socket, device or another node that is not a regular file."""


class TooLargeError(ValueError):
    """More than ``limit`` bytes (in a file, a stream, or one line of a stream)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


class ChangedWhileReadingError(OSError):
    """A regular file gave more bytes than ``fstat`` said it held: it grew while being read, or it is a pseudo-file
    (``/proc``, ``/sys``) whose size means nothing. Its fingerprint would mean nothing either."""


class LineTooLong:
    """Stands for a line of a stream that was longer than the limit (its bytes were read and dropped)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<line too long>"


LINE_TOO_LONG = LineTooLong()


def open_regular(path: str | os.PathLike[str]) -> int:
    """A read-only descriptor on the regular file at ``path`` (links followed), opened without blocking.

    Raises ``FileNotFoundError``, ``IsADirectoryError``, ``NotRegularFileError`` or another ``OSError``. The caller
    closes the descriptor.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except PermissionError:
        if Path(path).is_dir():  # Windows refuses to open a folder at all
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path)) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(errno.EINVAL, "not a regular file", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at ``path``; ``TooLargeError`` if it holds more than ``limit`` bytes."""
    fd = open_regular(path)
    try:
        if os.fstat(fd).st_size > limit:
            raise TooLargeError(limit)
        data = bytearray()
        while len(data) <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLargeError(limit)
    return bytes(data)


def open_regular_stream(path: str | os.PathLike[str]) -> BinaryIO:
    """``open_regular``, as a buffered binary file object (for reading a JSON Lines file line by line)."""
    fd = open_regular(path)
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_stream(stream: IO[bytes] | IO[str], limit: int) -> bytes | str:
    """All of ``stream`` (binary or text), or ``TooLargeError`` once more than ``limit`` bytes (for a text stream:
    characters, then bytes of its UTF-8 form) have arrived — never reading more than ``limit + 1`` of them."""
    parts: list[bytes | str] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    if size > limit:
        raise TooLargeError(limit)
    if parts and isinstance(parts[0], str):
        text = "".join(part for part in parts if isinstance(part, str))
        if len(text) * 4 > limit and len(text.encode("utf-8", "surrogatepass")) > limit:
            raise TooLargeError(limit)
        return text
    return b"".join(part for part in parts if isinstance(part, bytes))


def bounded_lines(stream: IO[bytes] | IO[str], limit: int) -> Iterator[bytes | str | LineTooLong]:
    """The lines of ``stream`` (with their line ends), each read to at most ``limit + 1`` bytes (characters, for a
    text stream): a longer line is read on to its end in chunks, dropped, and stands as ``LINE_TOO_LONG``. A stream
    of any length is fine: only one line is held at a time."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit:
            yield line
            continue
        while line and not _ends_line(line):  # drop the rest of this line
            line = stream.readline(CHUNK)
        yield LINE_TOO_LONG


def _ends_line(line: bytes | str) -> bool:
    return line.endswith(b"\n") if isinstance(line, bytes) else line.endswith("\n")


def hash_regular(path: str | os.PathLike[str], limit: int) -> tuple[str, int]:
    """SHA-256 (hex) and size of the regular file at ``path``.

    Reads exactly the size ``fstat`` gives (``TooLargeError`` above ``limit``, before reading anything), plus one
    byte to check there is no more (``ChangedWhileReadingError`` if there is): so the time taken is bounded by the
    limit, and a pseudo-file that never ends is read for one byte, not for ever.
    """
    fd = open_regular(path)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise TooLargeError(limit)
        digest = hashlib.sha256()
        remaining = size
        while remaining > 0:
            chunk = os.read(fd, min(CHUNK, remaining))
            if not chunk:
                raise ChangedWhileReadingError(errno.EIO, "the file shrank while being read", str(path))
            digest.update(chunk)
            remaining -= len(chunk)
        if os.read(fd, 1):
            raise ChangedWhileReadingError(errno.EIO, "the file holds more than its size says", str(path))
    finally:
        os.close(fd)
    return digest.hexdigest(), size
