"""The statute library: provisions documents cite, each with its article number and wording per version.

Law is data. A document never writes "第四十二条" itself; it asks for a provision by a stable id
(``public_order.harassment``) on the date the conduct ended and gets the article number, the instrument's name
and version, an exact quote where we have the text, and how sure we are — the 治安管理处罚法 renumbered its
articles on 2026-01-01, and a document about October 2026 conduct must cite the new number.

Files live in ``rules/statutes/*.yaml`` (package ``jubao_rules``). Quotes marked ``V`` were copied from the
statute texts (the LawRefBook/Laws files named in ``rules/sources.yaml``, copied into tests/data/laws); a test
checks each one is there verbatim.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from itertools import pairwise
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jubao.rules import Citation, SourceText, Verification
from jubao.sourcemap import SourceError, parse_trusted_yaml

STATUTES_PACKAGE = "jubao_rules"
STATUTES_DIR = "statutes"
PROVISION_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProvisionVersion(_Model):
    """One provision as worded in one version of its instrument."""

    instrument: str = Field(min_length=1)
    """Full name with version note, e.g. 《中华人民共和国治安管理处罚法》（2025 年修订）."""
    version: date | None = None
    """Adoption or revision date of the version."""
    effective_from: date | None = None
    """First day it applies (None: in force for as long as jubao cares)."""
    effective_to: date | None = None
    """Last day it applies (None: still in force)."""
    article: str | None = None
    """E.g. 第五十条第一款第（五）项; None where the number is not verified — documents then cite the instrument."""
    quote: str | None = None
    """Exact wording (an excerpt is fine); None where we do not hold the text."""
    status: Verification
    """V: wording read in the statute text; S: secondary sources; M: memory; U: uncertain (documents flag it)."""
    source: SourceText = Field(min_length=1)
    """Where a user can check it: ids from ``rules/sources.yaml`` (comma-separated), or free text naming a public
    source. For a V quote, one of the ids is a statute text jubao holds (``Source.lawrefbook``)."""
    note: str | None = None

    @model_validator(mode="after")
    def _dates_ordered(self) -> Self:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def in_force_on(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )

    @property
    def unverified(self) -> bool:
        """True when a document must flag this citation (article number or wording not verified)."""
        return self.status in (Verification.MEMORY, Verification.UNCERTAIN)

    def citation(self) -> Citation:
        return Citation(
            instrument=self.instrument,
            version=self.version,
            article=self.article,
            status=self.status,
            source=self.source,
            note=self.note,
        )

    def reference(self) -> str:
        """How a document names it: 《…》第…条."""
        name = self.instrument.split("（")[0] if self.instrument.startswith("《") else self.instrument
        return f"{name}{self.article or ''}"


class Provision(_Model):
    id: str = Field(pattern=PROVISION_ID_PATTERN)
    title: str = Field(min_length=1)
    """What it is about, in Chinese (for indexes and reviewers)."""
    timing: Literal["conduct", "filing"] = "conduct"
    """Which date picks the version: the end of the conduct (substantive law: what was unlawful, 从旧兼从轻) or
    the filing date (procedure: how a complaint, suit or report is handled now)."""
    versions: list[ProvisionVersion] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> Self:
        spans = sorted((v.effective_from or date.min, v.effective_to or date.max) for v in self.versions)
        for (_, end), (start, _) in pairwise(spans):
            if start <= end:
                raise ValueError(f"provision {self.id}: versions overlap in time")
        return self

    def on(self, day: date) -> ProvisionVersion | None:
        """The version in force on ``day``, or None."""
        return next((v for v in self.versions if v.in_force_on(day)), None)


class StatuteFile(_Model):
    provisions: list[Provision] = Field(min_length=1)


class StatuteError(Exception):
    """A statute file is malformed, or a document asked for a provision that does not exist."""


class Statutes:
    """All provisions, by id. Immutable after loading; safe to share between threads."""

    def __init__(self, provisions: list[Provision]) -> None:
        by_id: dict[str, Provision] = {}
        for provision in provisions:
            if provision.id in by_id:
                raise StatuteError(f"provision {provision.id!r} is defined twice")
            by_id[provision.id] = provision
        self._by_id = by_id

    def __contains__(self, provision_id: str) -> bool:
        return provision_id in self._by_id

    def ids(self) -> list[str]:
        return sorted(self._by_id)

    def provision(self, provision_id: str) -> Provision:
        try:
            return self._by_id[provision_id]
        except KeyError:
            raise StatuteError(f"no provision {provision_id!r} in the statute library") from None

    def on(self, provision_id: str, day: date) -> ProvisionVersion:
        """The wording in force on ``day``; an error if the provision did not apply then."""
        version = self.provision(provision_id).on(day)
        if version is None:
            raise StatuteError(f"provision {provision_id!r} has no version in force on {day.isoformat()}")
        return version


def load_statutes(directory: Traversable | None = None) -> Statutes:
    """Read every ``*.yaml`` file in the statute directory (default: the bundled ``rules/statutes``)."""
    root = directory or files(STATUTES_PACKAGE) / STATUTES_DIR
    provisions: list[Provision] = []
    for item in sorted(root.iterdir(), key=lambda entry: entry.name):
        if not item.name.endswith(".yaml"):
            continue
        try:
            document = parse_trusted_yaml(item.read_text(encoding="utf-8"), allow_aliases=True)
            provisions += StatuteFile.model_validate(document.data).provisions
        except SourceError as error:
            raise StatuteError(f"{item.name}: line {error.line}: {error.code}") from None
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise StatuteError(f"{item.name}: {where}: {first['msg']}") from None
    return Statutes(provisions)


@cache
def bundled_statutes() -> Statutes:
    """The statute library shipped with jubao (loaded once per process)."""
    return load_statutes()
