"""The package around each DOCX jubao writes: the styled blank prepared once per process, a small scratch package per
thread to build bodies in, and the ZIP written with the files that never change compressed once.

Every DOCX of a set (a case's set has sixteen or more) is the same package but for the body (``word/document.xml``
and its relationships) and the core properties (``docProps/core.xml``, title and times). python-docx opens a
package by parsing all of its parts (its template's styles alone are 800 kB of XML) and saves one by serialising and
compressing all of them again: about 9 ms per file here, more than drafting a short filing. So the styled blank
package is prepared once per process (``BlankPackage``: its files compressed once, its style ids), and each thread
opens a small copy of it to build bodies in (``Skeleton``): a document starts from a copy of the blank body and core
properties, and is written with the blank package's other files as they were compressed. The files written are byte
for byte those python-docx's ``Document.save`` writes for the same body and properties in the blank package
(``tests/test_docx_package.py`` compares them); only the ZIP's own bytes are ours — a plain ZIP (deflate, no ZIP64:
a package is far below 4 GiB), with the same headers Python's ``zipfile`` writes.

Threads: a ``BlankPackage`` never changes once made; a ``Skeleton`` is used by one thread only (``skeleton()`` keeps
one per thread), so documents drafted in parallel never share a tree that is being changed.
"""

# ruff: noqa: PLC0415 - python-docx is imported when the first DOCX is written (see jubao.docx_writer)

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from copy import deepcopy
from dataclasses import dataclass
from io import BytesIO
from types import MappingProxyType
from typing import Any

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_VERSION = 20  # deflate: what zipfile writes as the version made by and needed to extract
_UNIX = 3
_MODE = 0o600 << 16  # zipfile's external attributes for data written with writestr
_ZIP_LIMIT = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class Member:
    """One file of a ZIP, compressed: its name, deflated bytes, CRC-32 and size before compression."""

    name: str
    deflated: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, name: str, data: bytes) -> Member:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # what zipfile uses
        return cls(name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def zip_bytes(members: list[Member], when: time.struct_time | None = None) -> bytes:
    """A ZIP holding ``members`` in this order, each dated ``when`` (default: now, local time, as zipfile dates
    ``writestr``; a date outside 1980–2107, which a ZIP cannot hold, is moved to the nearest end, as zipfile's
    ``strict_timestamps=False`` does). The same bytes ``zipfile.ZipFile(..., "w", ZIP_DEFLATED).writestr`` writes for
    the same names, data and date on a POSIX system."""
    stamp = when or time.localtime()
    if not 1980 <= stamp.tm_year <= 2107:  # what a ZIP can date: a clock set outside it gives the nearest end
        stamp = time.struct_time(
            (1980, 1, 1, 0, 0, 0, 1, 1, 0) if stamp.tm_year < 1980 else (2107, 12, 31, 23, 59, 58, 5, 365, 0)
        )
    dos_time = stamp.tm_hour << 11 | stamp.tm_min << 5 | stamp.tm_sec // 2
    dos_date = (stamp.tm_year - 1980) << 9 | stamp.tm_mon << 5 | stamp.tm_mday
    out = BytesIO()
    central = []
    for member in members:
        name = member.name.encode("ascii")  # OPC part names are ASCII (percent-encoded otherwise)
        if max(len(member.deflated), member.size, out.tell()) >= _ZIP_LIMIT:
            raise ValueError("a DOCX part of 4 GiB or more needs ZIP64, which this writer does not write")
        offset = out.tell()
        out.write(_LOCAL_HEADER.pack(b"PK\x03\x04", _VERSION, 0, 0, zlib.DEFLATED, dos_time, dos_date, member.crc,
                                     len(member.deflated), member.size, len(name), 0))  # fmt: skip
        out.write(name)
        out.write(member.deflated)
        central.append(
            _CENTRAL_HEADER.pack(b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, 0, zlib.DEFLATED, dos_time, dos_date,
                                 member.crc, len(member.deflated), member.size, len(name), 0, 0, 0, 0, _MODE, offset)
            + name
        )  # fmt: skip
    start = out.tell()
    for header in central:
        out.write(header)
    size = out.tell() - start
    out.write(_END_RECORD.pack(b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


_EMPTY_STYLES = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
)
"""What a thread's scratch package holds instead of the styles (800 kB of XML; only their ids are ever needed)."""


@dataclass(frozen=True)
class BlankPackage:
    """The styled blank package, prepared once per process and shared by every thread (nothing in it changes).

    ``members``: the package's files in python-docx's order, each compressed once — or ``None`` for the three a
    document changes (its body, the body's relationships, the core properties). ``scratch``: the same package with
    empty styles, which each thread opens to build bodies in (``Skeleton``): well under 1 MB per thread, not ~5 MB.
    ``style_ids``: the id of each style the writer names (what python-docx would look up in the styles)."""

    members: tuple[tuple[str, Member | None], ...]
    scratch: bytes
    style_ids: Mapping[str, str]

    @classmethod
    def of(cls, blank: bytes, style_names: Iterable[str]) -> BlankPackage:
        import zipfile

        import docx

        opened = docx.Document(BytesIO(blank))
        style_ids = MappingProxyType({name: opened.styles[name].style_id for name in style_names})
        body = opened.part
        changing = {body.partname.membername, body.partname.rels_uri.membername, _CORE.lstrip("/")}
        styles = {part.partname.membername for part in body.package.iter_parts() if part.content_type in _STYLES_TYPES}
        members = []
        scratch = []
        with zipfile.ZipFile(BytesIO(blank)) as archive:
            for info in archive.infolist():
                data = archive.read(info)
                members.append((info.filename, None if info.filename in changing else Member.of(info.filename, data)))
                scratch.append(Member.of(info.filename, _EMPTY_STYLES if info.filename in styles else data))
        return cls(tuple(members), zip_bytes(scratch), style_ids)


_CORE = "/docProps/core.xml"
_STYLES_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    "application/vnd.ms-word.stylesWithEffects+xml",
)


class Skeleton:
    """One thread's scratch package (``BlankPackage.scratch`` opened), into which each new document's body and core
    properties are put; its packages are written with the blank package's other files."""

    def __init__(self, blank: BlankPackage) -> None:
        import docx

        self._blank = blank
        self._body_part = docx.Document(BytesIO(blank.scratch)).part
        package = self._body_part.package
        self._core_part = next(part for part in package.iter_parts() if part.partname == _CORE)
        self._blank_body = deepcopy(self._body_part.element)
        self._blank_core = deepcopy(self._core_part.element)
        self._changing: dict[str, Callable[[], bytes]] = {
            self._body_part.partname.membername: lambda: self._body_part.blob,
            self._body_part.partname.rels_uri.membername: lambda: self._body_part.rels.xml,
            self._core_part.partname.membername: lambda: self._core_part.blob,
        }

    def new_document(self) -> Any:
        """A python-docx ``Document``: the blank body and core properties, fresh. Its styles are empty: a style is
        set by its id (``BlankPackage.style_ids``), never looked up by name. The last document's body is replaced,
        not emptied: lxml detaches removed elements one node at a time (2.8 s for the sixteen files of a
        1,000-incident case), while a replaced tree is freed whole."""
        self._body_part._element = deepcopy(self._blank_body)
        self._core_part._element = deepcopy(self._blank_core)
        return self._body_part.document

    def package(self) -> bytes:
        """The DOCX of the document last made by ``new_document``, as it stands now: its body, relationships and core
        properties compressed, the blank package's other files as they were compressed once."""
        members = [
            member if member is not None else Member.of(name, self._changing[name]())
            for name, member in self._blank.members
        ]
        return zip_bytes(members)


_LOCAL = threading.local()


def skeleton(blank: BlankPackage) -> Skeleton:
    """This thread's ``Skeleton`` for ``blank`` (opened the first time the thread writes a DOCX)."""
    found: Skeleton | None = getattr(_LOCAL, "skeleton", None)
    if found is None or found._blank is not blank:
        found = _LOCAL.skeleton = Skeleton(blank)
    return found
