"""A document set's folder on disk: what jubao wrote there (its ``index.json``), and replacing it without losing or
leaking anything — not even when the run is killed with ``kill -9`` at any point.

A new set is written into a private staging folder beside its destination (mode 0700, locked for the run) and
swapped into place in one step: ``renameat2(RENAME_EXCHANGE)`` where the kernel and filesystem have it, so the
destination always names a complete folder, the old set or the new one. Elsewhere two renames (old folder aside,
new one into place) that the next run completes if it is killed in between.

The folder swapped out is emptied of exactly what can be proved to be jubao's or a copy: the files its
``index.json`` lists, still with their recorded SHA-256; file-browser litter (``IGNORED_NAMES``); files that exist
in the new folder as the same file (a hard link) or with the same bytes. Anything else — a scan saved into the
folder while jubao was running — is moved into the new folder (its own path if free, else ``保留的文件-DATE/``),
never deleted.

A killed run leaves hidden folders ``.NAME.jubao-new-PID-INODE-XXXXXXXX`` (the staging folder; after an exchange,
the same name holds the old folder) and, with two renames, ``.NAME.jubao-old-PID-INODE-XXXXXXXX`` (the old folder).
``INODE`` is the old folder's inode: a ``new`` folder with that inode is the old folder after the exchange (emptied
as above), any other ``new`` folder is a staging folder that was never swapped in (only jubao's files and copies of
files still in the destination: removed). The next run for the same destination (or a dated folder beside it)
finds them and finishes the job, unless their run is still alive: it holds a lock on them.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import importlib
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType

import orjson

SET_FORMAT = "jubao.documents/1"
INDEX_JSON = "index.json"

KEPT_FOLDER = "保留的文件"
"""The user's files that cannot stay at their own path go to ``DIR/保留的文件-YYYY-MM-DD/`` (same relative paths)."""

IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Written by file browsers (macOS Finder, Windows Explorer) just by opening a folder: not the user's work, so not
reported as added; replacing a set removes them like the set's own files."""

LEFTOVER_AGE = 60.0
"""Seconds during which an unlocked leftover of a process that is still alive is left alone: it may be a run that
has created its staging folder and not yet locked it (microseconds), or a process that reused a dead run's id."""

_DATED_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}(?:-\d+)?$")
_LEFTOVER = re.compile(r"\.(?P<key>.+)\.jubao-(?P<kind>new|old)-(?P<pid>\d+)-(?P<inode>\d+)-(?P<tag>[a-z0-9_]{8})")
_LEGACY = re.compile(r"\.(?P<key>.+)\.(?:[a-z0-9_]{8}\.tmp|old-(?P<pid>\d+))")
"""Left by earlier versions of jubao: ``.NAME.XXXXXXXX.tmp`` (staging) and ``.NAME.old-PID`` (the old folder)."""


# --- what jubao wrote --------------------------------------------------------------------------------------------


def recorded_files(folder: Path) -> dict[str, str] | None:
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
        if not isinstance(path, str) or not isinstance(digest, str) or not safe_relative(path):
            return None
        recorded[path] = digest.lower()
    return recorded


def safe_relative(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and "\\" not in path and all(p not in ("", ".", "..") for p in parts)


def parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def file_digest(path: Path) -> str | None:
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


def free(folder: Path, rel: str) -> bool:
    """Nothing is at ``folder/rel``, and each parent of it is absent or a real folder (not a link, not a file)."""
    if os.path.lexists(folder / rel):
        return False
    for parent in parents(rel):
        try:
            mode = os.lstat(folder / parent).st_mode
        except FileNotFoundError:
            return True
        if not stat.S_ISDIR(mode):
            return False
    return True


def undated(name: str) -> str:
    return _DATED_SUFFIX.sub("", name) or name


# --- renameat2 ---------------------------------------------------------------------------------------------------

RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_RENAMEAT2_SYSCALL = {"x86_64": 316, "amd64": 316, "i386": 353, "i686": 353, "aarch64": 276, "arm64": 276,
                      "riscv64": 276, "loongarch64": 276, "armv7l": 382, "armv6l": 382, "ppc64le": 357,
                      "ppc64": 357, "s390x": 347}  # fmt: skip
"""Used when the C library has no ``renameat2`` wrapper (glibc < 2.28, some musl)."""
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP})


@functools.cache
def _renameat2_function() -> Callable[[bytes, bytes, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # noqa: PLC0415 - only when a set is swapped, not on every import
    import platform  # noqa: PLC0415

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    wrapper = getattr(libc, "renameat2", None)
    if wrapper is not None:
        wrapper.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        wrapper.restype = ctypes.c_int
        return lambda source, target, flags: int(wrapper(_AT_FDCWD, source, _AT_FDCWD, target, flags))
    number = _RENAMEAT2_SYSCALL.get(platform.machine().lower())
    if number is None:
        return None
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    return lambda source, target, flags: int(
        syscall(ctypes.c_long(number), ctypes.c_int(_AT_FDCWD), ctypes.c_char_p(source), ctypes.c_int(_AT_FDCWD),
                ctypes.c_char_p(target), ctypes.c_uint(flags))
    )  # fmt: skip


def renameat2(source: Path, target: Path, flags: int) -> bool:
    """``renameat2(2)``: ``True`` when done, ``False`` when this system or filesystem cannot (no such call:
    ENOSYS; the filesystem does not support the flag: EINVAL) — the caller falls back; ``OSError`` when it failed."""
    function = _renameat2_function()
    if function is None:
        return False
    if function(os.fsencode(source), os.fsencode(target), flags) == 0:
        return True
    code = _errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(source), None, str(target))


def _errno() -> int:
    import ctypes  # noqa: PLC0415 - loaded already by _renameat2_function

    return ctypes.get_errno()


def rename_new(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``, never replacing anything there (``FileExistsError``)."""
    if renameat2(source, target, RENAME_NOREPLACE):
        return
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    os.rename(source, target)


# --- locks -------------------------------------------------------------------------------------------------------


def _fcntl() -> ModuleType | None:
    try:
        return importlib.import_module("fcntl")
    except ImportError:  # Windows: no advisory locks; a leftover is judged by its process and age alone
        return None


def _lock(folder: Path) -> int | None:
    """Open ``folder`` and take an exclusive lock on it without waiting. The descriptor (close it to release), or
    ``None`` where folders cannot be locked; ``BlockingIOError`` when another process holds the lock."""
    fcntl = _fcntl()
    if fcntl is None:
        return None
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise
    except OSError:  # a filesystem without locks (some network filesystems)
        os.close(fd)
        return None
    return fd


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would end the process: assume alive, the age decides
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except (OSError, AttributeError):
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- writing a folder into place --------------------------------------------------------------------------------


def leftover_key(name: str) -> str:
    """The destination's name as it appears in its leftovers' names (a hash when it is too long for a name)."""
    raw = os.fsencode(name)
    return name if len(raw) <= 120 else "h" + hashlib.sha256(raw).hexdigest()[:20]


@dataclass
class Staging:
    """A private folder beside ``destination`` that this run fills and then swaps into place."""

    path: Path
    destination: Path
    old_inode: int
    """The inode of the folder at ``destination`` when staging began (0: there was none)."""
    locks: list[int] = field(default_factory=list)

    def release(self) -> None:
        while self.locks:
            os.close(self.locks.pop())

    def discard(self) -> None:
        """Nothing was swapped: remove the staging folder (it holds only jubao's files and links or copies of
        files that are still in the destination)."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()


def stage(destination: Path) -> Staging:
    """Create the staging folder for ``destination`` (0700, locked) and lock the folder it will replace.

    ``BlockingIOError``: another process is writing this destination. ``OSError``: the folder cannot be created."""
    parent = destination.parent
    parent.mkdir(parents=True, exist_ok=True)
    locks: list[int] = []
    old_inode = 0
    try:
        if os.path.isdir(destination) and not os.path.islink(destination):
            fd = _lock(destination)
            if fd is not None:
                locks.append(fd)
                old_inode = os.fstat(fd).st_ino
            else:
                old_inode = os.lstat(destination).st_ino
        prefix = f".{leftover_key(destination.name)}.jubao-new-{os.getpid()}-{old_inode}-"
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    except BaseException:
        for fd in locks:
            os.close(fd)
        raise
    staging = Staging(path, destination, old_inode, locks)
    for _ in range(50):  # another run's recovery may be looking at it for a moment (see LEFTOVER_AGE)
        try:
            fd = _lock(path)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        except BaseException:
            staging.discard()
            raise
        if fd is not None:
            locks.append(fd)
        break
    return staging


def swap(staging: Staging) -> Path | None:
    """Put the staging folder at its destination in one step. Returns where the folder it replaced now is (to be
    emptied with ``empty_retired``), or ``None`` if there was none. On ``OSError`` nothing has changed."""
    destination = staging.destination
    if staging.old_inode == 0:
        rename_new(staging.path, destination)
        _fsync_folder(destination.parent)
        return None
    if os.lstat(destination).st_ino != staging.old_inode:  # replaced by someone else meanwhile: theirs now
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(destination))
    # About to become a hidden folder until emptied: closed to other users first (unless it is not ours to change:
    # another owner's folder keeps its mode, like the set in it).
    with contextlib.suppress(OSError):
        os.chmod(destination, 0o700)
    if renameat2(staging.path, destination, RENAME_EXCHANGE):
        _fsync_folder(destination.parent)
        return staging.path
    tag = staging.path.name.rsplit("-", 1)[-1]
    retired = staging.path.with_name(
        f".{leftover_key(destination.name)}.jubao-old-{os.getpid()}-{staging.old_inode}-{tag}"
    )
    os.rename(destination, retired)
    try:
        os.rename(staging.path, destination)
    except OSError:
        os.rename(retired, destination)
        raise
    _fsync_folder(destination.parent)
    return retired


# --- emptying the folder that was replaced -----------------------------------------------------------------------


def _kept_folders(destination: Path) -> list[str]:
    try:
        return sorted(n for n in os.listdir(destination) if n.startswith(KEPT_FOLDER))
    except OSError:
        return []


def _same(path: Path, other: Path) -> bool:
    """``other`` holds what ``path`` holds: the same file (a hard link), the same link, or the same bytes."""
    try:
        mine, theirs = os.lstat(path), os.lstat(other)
    except OSError:
        return False
    if stat.S_ISLNK(mine.st_mode) and stat.S_ISLNK(theirs.st_mode):
        return os.readlink(path) == os.readlink(other)
    if not (stat.S_ISREG(mine.st_mode) and stat.S_ISREG(theirs.st_mode)):
        return False
    if (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino):
        return True
    return mine.st_size == theirs.st_size and file_digest(path) == file_digest(other) is not None


def _kept_candidates(rel: str, day: date) -> Iterator[str]:
    yield rel
    stem = f"{KEPT_FOLDER}-{day.isoformat()}"
    yield f"{stem}/{rel}"
    for number in range(2, 10_000):
        yield f"{stem}-{number}/{rel}"


def _rescue(path: Path, rel: str, destination: Path, day: date) -> str:
    """Move ``path`` into ``destination``: at ``rel`` if free, else under ``保留的文件-DATE[-N]/``."""
    for candidate in _kept_candidates(rel, day):
        if not free(destination, candidate):
            continue
        target = destination / candidate
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            rename_new(path, target)
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(destination / rel))


def empty_retired(retired: Path, destination: Path, day: date) -> tuple[tuple[str, str], ...]:
    """Empty and remove the folder ``destination`` held before the swap. Deleted: the files its ``index.json``
    lists (unchanged), file-browser litter, and what ``destination`` holds too (same file or bytes, at the same
    path or under ``保留的文件*``). Everything else is moved into ``destination``; returned as (path in the old
    folder, path now in ``destination``). A kill part-way leaves the rest for the next run (``recover``)."""
    index = recorded_files(retired)
    index_is_ours, recorded = index is not None, index or {}
    recorded_dirs = {parent for path in recorded for parent in parents(path)}
    kept = _kept_folders(destination)
    rescued: list[tuple[str, str]] = []
    for root, dirs, names in os.walk(retired, topdown=False):
        here = Path(root)
        links = [d for d in dirs if (here / d).is_symlink()]
        for name in [*names, *links]:
            path = here / name
            rel = path.relative_to(retired).as_posix()
            if rel == INDEX_JSON and index_is_ours:
                continue  # last: it is what tells the next run which files are jubao's
            if (
                name in IGNORED_NAMES
                or (rel in recorded and file_digest(path) == recorded[rel])
                or any(_same(path, destination / prefix / rel) for prefix in ("", *kept))
            ):
                path.unlink()
            else:
                rescued.append((rel, _rescue(path, rel, destination, day)))
        for name in dirs:
            path = here / name
            if name in links:
                continue
            rel = path.relative_to(retired).as_posix()
            with os.scandir(path) as entries:
                if any(entries):
                    continue  # something in it could not be moved: left for the next run
            if rel in recorded_dirs or ((destination / rel).is_dir() and not (destination / rel).is_symlink()):
                path.rmdir()
            else:  # an empty folder the user made
                rescued.append((rel + "/", _rescue(path, rel, destination, day) + "/"))
    if index_is_ours:
        (retired / INDEX_JSON).unlink(missing_ok=True)
    retired.rmdir()
    return tuple(rescued)


# --- leftovers of a killed run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recovered:
    """What ``recover`` found of runs that were killed or failed: how many leftover folders it dealt with, and the
    user's files it moved from them (into the destination, as ``empty_retired`` returns them)."""

    count: int = 0
    rescued: tuple[tuple[str, str], ...] = ()


def _leftovers(destination: Path) -> list[tuple[str, Path, Path, int, int, str]]:
    """(kind, leftover, its destination, pid, inode, tag) of each leftover for ``destination`` or a dated folder
    beside it; kind ``old`` first (a two-step swap is completed with its ``new`` folder before that is removed).
    A leftover of an earlier jubao has pid -1 (unknown: judged by its age) or, for its old folder, the pid."""
    parent = destination.parent
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    key = leftover_key(destination.name)
    found = []
    for name in names:
        if not name.startswith(".") or os.path.islink(parent / name) or not os.path.isdir(parent / name):
            continue
        if match := _LEFTOVER.fullmatch(name):
            kind, pid, inode, tag = match["kind"], int(match["pid"]), int(match["inode"]), match["tag"]
        elif match := _LEGACY.fullmatch(name):
            kind, pid, inode, tag = ("old", int(match["pid"]), 0, "") if match["pid"] else ("new", -1, 0, "")
        else:
            continue
        if match["key"] == key:
            target = destination
        elif match["key"] == leftover_key(match["key"]) and undated(match["key"]) == undated(destination.name):
            target = parent / match["key"]
        else:
            continue
        found.append((kind, parent / name, target, pid, inode, tag))
    return sorted(found, key=lambda item: (item[0] != "old", item[1].name))


def _claim(leftover: Path, pid: int) -> list[int] | None:
    """Lock a leftover for recovery: the locks to release after, or ``None`` while its run may still be alive."""
    try:
        fd = _lock(leftover)
    except BlockingIOError:
        return None
    except OSError:
        return None  # gone meanwhile
    locks = [fd] if fd is not None else []
    if pid < 0 or (pid != os.getpid() and _alive(pid)):
        try:
            young = time.time() - os.lstat(leftover).st_mtime < LEFTOVER_AGE
        except OSError:
            young = True
        if young:
            for lock in locks:
                os.close(lock)
            return None
    return locks


def _visible_beside(destination: Path, day: date) -> Path:
    stem = f"{undated(destination.name)}-{KEPT_FOLDER}-{day.isoformat()}"
    candidate, number = destination.with_name(stem), 2
    while os.path.lexists(candidate):
        candidate, number = destination.with_name(f"{stem}-{number}"), number + 1
    return candidate


def recover(destination: Path, day: date) -> Recovered:
    """Finish what killed runs for ``destination`` (or a dated folder beside it) left behind: remove staging
    folders that were never swapped in, complete (or roll back) an interrupted two-step swap, and empty old folders
    that were swapped out, moving the user's files in them into the destination. Never deletes anything that is
    not jubao's or a copy; a leftover whose run is still alive is left alone."""
    count, rescued = 0, []
    for kind, leftover, target, pid, inode, tag in _leftovers(destination):
        if not os.path.isdir(leftover) or os.path.islink(leftover):
            continue  # dealt with as part of an earlier one
        locks = _claim(leftover, pid)
        if locks is None:
            continue
        try:
            count += 1
            swapped_out = kind == "old" or (inode != 0 and os.lstat(leftover).st_ino == inode)
            if not swapped_out:
                shutil.rmtree(leftover)
                continue
            if not os.path.lexists(target):  # killed between the two renames, or the user removed it since
                new = leftover.with_name(f".{leftover_key(target.name)}.jubao-new-{pid}-{inode}-{tag}")
                if tag and os.path.isdir(new) and not os.path.islink(new):
                    os.rename(new, target)  # complete: the new folder was whole before the first rename
                else:
                    os.rename(leftover, target)  # roll back: the old folder is all there is
                    continue
            elif not os.path.isdir(target) or os.path.islink(target):
                os.rename(leftover, _visible_beside(target, day))
                continue
            moved = empty_retired(leftover, target, day)
            rescued += [(old, str(target / new)) for old, new in moved]
        except OSError:
            continue  # left for the next run; this one writes its set all the same
        finally:
            for lock in locks:
                os.close(lock)
    return Recovered(count, tuple(rescued))
