"""The offences table: which charge (罪名) a criminal characterisation names, and which provision defines it.

Law is data. The rules conclude characterisations such as ``criminal.personal_information``; a 控告书 or a
立案监督申请书 names the charge (侵犯公民个人信息罪) and cites its article. That pairing is law, so it lives beside
the statute library, in ``rules/statutes/offences/*.yaml`` (package ``jubao_rules``), with its source and how sure
we are — not in the plugins that draft the documents. Templates read it through ``CaseView.offences()``.

The files sit in a sub-folder of ``rules/statutes`` so that neither the statute loader (``*.yaml`` directly in
``statutes``) nor the rule loader (which skips ``statutes``) reads them as something else.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jubao.rules import SourceText, Verification
from jubao.sourcemap import SourceError, parse_trusted_yaml
from jubao.statutes import PROVISION_ID_PATTERN, STATUTES_DIR, STATUTES_PACKAGE

OFFENCES_DIR = "offences"
"""The folder inside ``rules/statutes`` that holds the offence tables."""


class Offence(BaseModel):
    """A criminal characterisation as documents name it: the charge, and the provision to cite for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    characterisation: str = Field(pattern=r"^criminal\.[a-z0-9_]+$")
    """The characterisation id the rules conclude (rules/legal.yaml)."""
    charge: str = Field(min_length=1)
    """The 罪名, e.g. 侵犯公民个人信息罪."""
    provision: str | None = Field(default=None, pattern=PROVISION_ID_PATTERN)
    """A provision id in the statute library, cited through ``ctx.law()``."""
    plain_ref: str | None = Field(default=None, min_length=1)
    """For a provision the library does not hold yet: the reference in plain text (documents flag it 〔待核实〕;
    listed in docs/statute-backlog.md)."""
    private_prosecution: bool = False
    """告诉的才处理 (刑法 Art. 246): the victim normally sues in court; the police act only in serious cases."""
    status: Verification
    """How sure we are of the charge and its article (V verified, S secondary, M memory, U uncertain)."""
    source: SourceText = Field(min_length=1)
    """Where a user can check it: ids from ``rules/sources.yaml`` (comma-separated), or free text naming a public
    source."""
    note: str | None = None

    @model_validator(mode="after")
    def _one_reference(self) -> Self:
        if (self.provision is None) == (self.plain_ref is None):
            raise ValueError("give exactly one of 'provision' (a statute library id) or 'plain_ref'")
        return self


class OffenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    offences: list[Offence] = Field(min_length=1)


class OffenceError(Exception):
    """An offence table is malformed, or names a characterisation twice."""


def load_offences(directory: Traversable | None = None) -> Mapping[str, Offence]:
    """Every offence, by characterisation id, from the ``*.yaml`` files of ``directory`` (default: the bundled
    ``rules/statutes/offences``). Read-only."""
    root = directory or files(STATUTES_PACKAGE) / STATUTES_DIR / OFFENCES_DIR
    by_id: dict[str, Offence] = {}
    for item in sorted(root.iterdir(), key=lambda entry: entry.name):
        if not item.name.endswith(".yaml"):
            continue
        for offence in _read(item):
            if offence.characterisation in by_id:
                raise OffenceError(f"{item.name}: {offence.characterisation} is listed twice")
            by_id[offence.characterisation] = offence
    return MappingProxyType(by_id)


def _read(item: Traversable) -> list[Offence]:
    try:
        document = parse_trusted_yaml(item.read_text(encoding="utf-8"), allow_aliases=True)
        return OffenceFile.model_validate(document.data).offences
    except SourceError as error:
        raise OffenceError(f"{item.name}: line {error.line}: {error.code}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise OffenceError(f"{item.name}: {where}: {first['msg']}") from None


@cache
def bundled_offences() -> Mapping[str, Offence]:
    """The offences table shipped with jubao (loaded once per process)."""
    return load_offences()
