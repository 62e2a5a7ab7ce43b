"""The package around each DOCX jubao writes: the styled blank prepared once, and the ZIP written with the files
that never change compressed once.

Every DOCX of a set (a case's set has sixteen or more) is the same package but for the body (``word/document.xml``)
and the core properties (``docProps/core.xml``: title and times). python-docx opens a package by parsing all of its
parts (its template's styles alone are 800 kB of XML) and saves one by serialising and compressing all of them
again: about 9 ms per file here, more than drafting a short filing. So the styled blank package is prepared once
(``BlankPackage``: its files compressed once, its style ids), kept in jubao's cache for the next runs, and each
document is written as the blank package's files as they were compressed plus its own body and core properties.
The files written are byte for byte those python-docx's ``Document.save`` writes for the same body and properties
in the blank package (``tests/test_docx_package.py`` compares them); only the ZIP's own bytes are ours — a plain
ZIP (deflate, no ZIP64: a package is far below 4 GiB), with the same headers Python's ``zipfile`` writes.

Threads: a ``BlankPackage`` never changes once made, so documents drafted in parallel share it.
"""

# ruff: noqa: PLC0415 - python-docx is imported when the first DOCX is written (see jubao.docx_writer)

from __future__ import annotations

import struct
import time
import zlib
from base64 import b64decode, b64encode
from collections.abc import Iterable, Mapping
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


@dataclass(frozen=True)
class BlankPackage:
    """The styled blank package, prepared once and shared by every thread (nothing in it changes).

    ``members``: the package's files in python-docx's order, each compressed once — or ``None`` for the two a
    document changes, its body (``document``: the blank's ``word/document.xml``) and its core properties
    (``core``: ``docProps/core.xml``). ``style_ids``: the id of each style the writer names (what python-docx
    would look up in the styles). Made by python-docx (``of``) the first time, then read from jubao's cache
    (``from_cache``): python-docx is not even imported while the cached copy is good."""

    members: tuple[tuple[str, Member | None], ...]
    document: bytes
    core: bytes
    style_ids: Mapping[str, str]
    document_name: str = "word/document.xml"
    core_name: str = "docProps/core.xml"

    @classmethod
    def of(cls, blank: bytes, style_names: Iterable[str]) -> BlankPackage:
        """The package python-docx saved as ``blank``, its part names and style ids read through python-docx."""
        import zipfile

        import docx

        opened = docx.Document(BytesIO(blank))
        style_ids = MappingProxyType({name: opened.styles[name].style_id for name in style_names})
        document_name = opened.part.partname.membername
        core_name = _CORE.lstrip("/")
        members: list[tuple[str, Member | None]] = []
        parts = {}
        with zipfile.ZipFile(BytesIO(blank)) as archive:
            for info in archive.infolist():
                data = archive.read(info)
                if info.filename in (document_name, core_name):
                    parts[info.filename] = data
                    members.append((info.filename, None))
                else:
                    members.append((info.filename, Member.of(info.filename, data)))
        return cls(tuple(members), parts[document_name], parts[core_name], style_ids, document_name, core_name)

    def package(self, document: bytes, core: bytes) -> bytes:
        """The DOCX with this body (``word/document.xml``) and these core properties: those two compressed now, the
        blank package's other files as they were compressed once."""
        changed = {self.document_name: document, self.core_name: core}
        return zip_bytes([m if m is not None else Member.of(name, changed[name]) for name, m in self.members])

    def to_cache(self) -> dict[str, Any]:
        """Plain JSON data for jubao's cache (``from_cache`` reads it back)."""
        return {
            "members": [
                [name, None] if m is None else [name, b64encode(m.deflated).decode("ascii"), m.crc, m.size]
                for name, m in self.members
            ],
            "document": b64encode(self.document).decode("ascii"),
            "core": b64encode(self.core).decode("ascii"),
            "style_ids": dict(self.style_ids),
            "document_name": self.document_name,
            "core_name": self.core_name,
        }

    @classmethod
    def from_cache(cls, body: Mapping[str, Any], style_names: Iterable[str]) -> BlankPackage | None:
        """The package ``to_cache`` described, or None if ``body`` is not one (any part missing or of the wrong
        type, a style the writer needs absent, a file whose CRC-32 does not match once inflated): a miss."""
        try:
            members: list[tuple[str, Member | None]] = []
            for entry in body["members"]:
                if len(entry) == 2 and entry[1] is None:
                    members.append((_text(entry[0]), None))
                    continue
                name, deflated, crc, size = _text(entry[0]), b64decode(entry[1], validate=True), entry[2], entry[3]
                if zlib.crc32(zlib.decompress(deflated, -15)) != crc or not isinstance(size, int):
                    return None
                members.append((name, Member(name, deflated, crc, size)))
            ids = {_text(k): _text(v) for k, v in body["style_ids"].items()}
            blank = cls(
                tuple(members), b64decode(body["document"], validate=True), b64decode(body["core"], validate=True),
                MappingProxyType(ids), _text(body["document_name"]), _text(body["core_name"]),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError, zlib.error):
            return None
        changing = sorted(name for name, member in blank.members if member is None)
        if changing != sorted((blank.document_name, blank.core_name)) or not set(style_names) <= set(ids):
            return None
        return blank


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


_CORE = "/docProps/core.xml"
