"""The source list: the public instruments and pages jubao's citations name, by stable id.

A citation's ``source`` (rules, parameters, the statute library, the offences table, a channel's deadlines) and a
channel's ``provenance.sources`` name where a user can check a fact. They hold ids from ``rules/sources.yaml``
(package ``jubao_rules``), e.g. ``pipl`` or ``civil_procedure_law, court_element_templates_2025``; jubao shows each id
as the public title, issuer, document number, date, address and how sure we are (V/S/M/U). Anything else in a
``source`` is free text naming a public source (a third-party plugin may write 《某某办法》 or an official URL);
it must not be a local file path or a note for developers (``jubao.rules.check_source_text`` refuses those).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from jubao.rules import Verification, check_source_text
from jubao.sourcemap import SourceError, parse_trusted_yaml

SOURCES_PACKAGE = "jubao_rules"
SOURCES_FILE = "sources.yaml"
SOURCE_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
_SOURCE_ID = re.compile(SOURCE_ID_PATTERN)
LAWREFBOOK = "LawRefBook/Laws"
"""The public GitHub repository whose statute texts (commit ``LAWREFBOOK_COMMIT``) V quotes were checked against."""
LAWREFBOOK_COMMIT = "2f4c5c2"


class Source(BaseModel):
    """A public instrument (law, regulation, rule, judicial interpretation, standard, guideline) or page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SOURCE_ID_PATTERN)
    """Stable snake_case id that ``source`` fields use."""
    title: str = Field(min_length=1)
    """The public title in Chinese, e.g. 《中华人民共和国个人信息保护法》."""
    issuer: str | None = Field(default=None, min_length=1)
    """Who issued or publishes it, e.g. 全国人民代表大会常务委员会; omitted where not known."""
    number: str | None = Field(default=None, min_length=1)
    """Document number, e.g. 国务院令第631号; only where known."""
    date: dt.date | None = None
    """Date of the version relied on (adoption, revision or publication), or of the page or report."""
    in_force: dt.date | None = None
    """First day in force, where it differs from ``date`` and is known."""
    url: str | None = Field(default=None, min_length=1)
    """For pages: the address exactly as the project's domain reference gives it (never guessed)."""
    status: Verification
    """How sure we are of this source (V verified, S secondary, M memory, U uncertain)."""
    note: str | None = Field(default=None, min_length=1)
    """A short remark for users, in Chinese (e.g. which text is relied on, what is not verified)."""
    lawrefbook: str | None = Field(default=None, min_length=1)
    """For statute texts jubao quotes verbatim: the file in the public repository LawRefBook/Laws (commit 2f4c5c2)
    whose wording the V quotes were checked against. Maintainers' data: not shown to users."""

    @field_validator("title", "issuer", "number", "url", "note")
    @classmethod
    def _public(cls, value: str | None) -> str | None:
        return None if value is None else check_source_text(value)

    @model_validator(mode="after")
    def _checkable(self) -> Self:
        if self.status is Verification.POLICY:
            raise ValueError("a source is a public instrument or page: status V, S, M or U, not policy")
        if self.lawrefbook is not None and not self.lawrefbook.endswith(".md"):
            raise ValueError("'lawrefbook' is the path of a statute text (.md) in LawRefBook/Laws")
        return self


class SourceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[Source] = Field(min_length=1)


class SourceListError(Exception):
    """The source list is malformed (a bad entry, or an id defined twice)."""


def source_ids(text: str | None) -> list[str] | None:
    """The ids a ``source`` value names (``"a, b"`` -> ``["a", "b"]``), or None when it is free text.

    A value is a list of ids when every comma-separated part looks like an id; whether each id exists is checked by
    ``resolve`` (unknown ids are shown as written) and, for jubao's own data, by its tests.
    """
    if not text:
        return None
    parts = [part.strip() for part in text.split(",")]
    return parts if all(_SOURCE_ID.match(part) for part in parts) else None


def resolve(text: str | None, sources: Mapping[str, Source] | None = None) -> list[Source | str]:
    """What a ``source`` value or a provenance entry points to: a ``Source`` for each known id, else the text."""
    if not text:
        return []
    known = bundled_sources() if sources is None else sources
    ids = source_ids(text)
    if ids is None:
        return [text]
    return [known.get(item, item) for item in ids]


def load_sources(item: Traversable | None = None) -> Mapping[str, Source]:
    """Every source in ``item`` (default: the bundled ``rules/sources.yaml``), by id. Read-only."""
    where = item or files(SOURCES_PACKAGE) / SOURCES_FILE
    try:
        document = parse_trusted_yaml(where.read_text(encoding="utf-8"))
        entries = SourceFile.model_validate(document.data).sources
    except SourceError as error:
        raise SourceListError(f"{where.name}: line {error.line}: {error.code}") from None
    except ValidationError as error:
        first = error.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        raise SourceListError(f"{where.name}: {place}: {first['msg']}") from None
    by_id: dict[str, Source] = {}
    for source in entries:
        if source.id in by_id:
            raise SourceListError(f"{where.name}: source {source.id!r} is defined twice")
        by_id[source.id] = source
    return MappingProxyType(by_id)


@cache
def bundled_sources() -> Mapping[str, Source]:
    """The source list shipped with jubao (loaded once per process)."""
    return load_sources()
