"""Atomic file writes: a reader (or a crash) never sees half a file.

The content goes to a temporary file in the destination's directory, is flushed to disk, and is then renamed
over the destination — ``os.replace`` is atomic on POSIX and Windows when both are on one filesystem.

Only a regular file (or nothing) is replaced. A rename replaces whatever node has the name: a symlink (the link
would become a file and its target keep the old content), a FIFO, a device (as root, ``--ics /dev/full`` replaced
``/dev/full`` itself) — so a destination that exists and is not a regular file is refused (``NotARegularFile``)
before anything is written.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

DestinationKind = Literal["symlink", "directory", "fifo", "device", "socket", "other"]


class NotARegularFile(OSError):
    """The destination exists and is not a regular file; nothing was written. ``kind`` says what it is."""

    def __init__(self, path: Path, kind: DestinationKind) -> None:
        super().__init__(errno.EEXIST, f"exists and is not a regular file ({kind})", str(path))
        self.path = path
        self.kind: DestinationKind = kind


def check_destination(path: Path) -> None:
    """Refuse (``NotARegularFile``) a destination that exists and is not a regular file; a link is refused
    whatever it points to (the caller resolves it first if writing through it is meant)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    kind: DestinationKind = (
        "symlink" if stat.S_ISLNK(mode)
        else "directory" if stat.S_ISDIR(mode)
        else "fifo" if stat.S_ISFIFO(mode)
        else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "socket" if stat.S_ISSOCK(mode)
        else "other"
    )  # fmt: skip
    raise NotARegularFile(Path(path), kind)


def _permissions_for(path: Path) -> int:
    """The mode the written file should have: the existing file's (editing a case must not make it private or
    public), else what a new file gets under the user's umask — not mkstemp's 0600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it (``os.umask`` sets it, racing other threads' writes)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, creating no partial file on failure. ``NotARegularFile``
    if ``path`` exists and is not a regular file."""
    path = Path(path)
    check_destination(path)
    mode = _permissions_for(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same guarantees as ``write_text_atomic``)."""
    path = Path(path)
    check_destination(path)
    mode = _permissions_for(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


class DestinationExists(OSError):
    """The destination exists and may not be replaced (it is not a file jubao may replace, and ``force`` was not
    given); nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.EEXIST, "exists and is not jubao's own unchanged output", str(path))
        self.path = path


def write_output_file(
    path: Path, data: bytes, *, force: bool = False, replaceable: Callable[[bytes], bool] | None = None
) -> None:
    """Write ``data`` to ``path`` atomically — a whole file or none — without ever replacing a file the person
    made or changed: an existing file is replaced only with ``force`` or when ``replaceable(its bytes)`` says it
    is jubao's own earlier output, unchanged (a calendar the last ``jubao plan --ics`` wrote, say). Otherwise
    ``DestinationExists``. A new file is linked into place, which fails if the name was taken a moment ago by
    someone else (then ``DestinationExists`` too); ``NotARegularFile`` for a link, pipe, device or folder."""
    path = Path(path)
    check_destination(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _permissions_for(path))
        if force or (replaceable is not None and _is_replaceable(path, replaceable)):
            check_destination(path)
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise DestinationExists(path) from None
        except OSError as error:  # a file system without hard links: check, then move
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if path.exists() or path.is_symlink():
                raise DestinationExists(path) from None
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


REPLACEABLE_READ_LIMIT = 64 * 1024 * 1024
"""How much of an existing destination is read to tell whether it is jubao's own output (larger: it is not)."""


def _is_replaceable(path: Path, replaceable: Callable[[bytes], bool]) -> bool:
    """Whether ``path`` is a regular file no larger than the limit that ``replaceable`` accepts (opened without
    blocking and checked on the open descriptor: a pipe put there meanwhile is never waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return False
        existing = handle.read(REPLACEABLE_READ_LIMIT + 1)
    return len(existing) <= REPLACEABLE_READ_LIMIT and replaceable(existing)
