"""The HTTP API's own request and answer models (``jubao.web.api``); the engine's answers use the engine's models
(``Evaluation``, ``Trace``, ``Plan``, ``NextSteps``) as they are, so the OpenAPI schema documents exactly the JSON
``jubao evaluate --json`` and friends print.

Nothing here holds a value of a case except where the case is what was asked for (``CaseDetail.text``); problems
carry field paths and positions, never the rejected value.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator

from jubao.case import Case
from jubao.channel import Channel, Deadline, FilingMethod, Provenance, RequiredField, Scope
from jubao.rules import Text
from jubao.store import CaseSummary, EvidenceFile, FilingRow, StoredCase

# --- problems (application/problem+json, RFC 9457) --------------------------------------------------------------------


class ProblemItem(BaseModel):
    """One thing wrong, located: the field path and, for a case sent as text, the line and column."""

    code: str = Field(description="Stable snake_case code (the codes `jubao validate` reports, docs/cli.md).")
    path: str = Field(description="Field path, e.g. `incidents[0].time`; empty for the whole document.")
    loc: list[str | int] = Field(description="The field path as a list of keys and indexes.")
    line: int | None = Field(default=None, description="1-based line in the body, when the case came as text.")
    column: int | None = Field(default=None, description="1-based column in the body.")
    severity: Literal["error", "warning"] = "error"
    message: str = Field(description="What is wrong and how to fix it (Chinese, or English: see Accept-Language).")


class ProblemDetails(BaseModel):
    """An error answer (``application/problem+json``). Never a stack trace, never a value from the case."""

    type: str = Field(description="`https://jubao.invalid/problems/<code>` (an identifier, not a page).")
    title: str = Field(description="What went wrong, for people.")
    status: int
    code: str = Field(description="Stable code: `invalid_case`, `invalid_request`, `not_found`, `conflict` …")
    detail: str | None = None
    problems: list[ProblemItem] | None = Field(default=None, description="Every problem found, located.")


# --- engine endpoints ---------------------------------------------------------------------------------------------


def _as_given(value: object) -> object:
    return value


def schema_of(model: type[BaseModel]) -> PlainValidator:
    """Pydantic metadata: the value is taken as it comes (the endpoint reads and checks the body itself, to locate
    problems by line), while the OpenAPI schema names ``model`` (once, in ``components/schemas``)."""
    return PlainValidator(_as_given, json_schema_input_type=model)


CASE_SCHEMA = schema_of(Case)


class ValidationResult(BaseModel):
    """What `POST /validate` found: the same checks as `jubao validate` (format, installed channel ids, warnings)."""

    valid: bool = Field(description="True if the case has no error (warnings do not make it invalid).")
    format: Literal["yaml", "json"] = Field(description="How the body was read (from its Content-Type).")
    problems: list[ProblemItem] = Field(description="Every error, located.")
    warnings: list[ProblemItem] = Field(description="Likely slips in a valid case (as `jubao validate` lists them).")


class ChannelInfo(BaseModel):
    """An installed reporting channel, as its plugin declares it (docs/plugins)."""

    id: str = Field(description="The id used in `prior_complaints[].channel`, `?channel=` and filings.")
    name: Text
    authority: Text = Field(description="Who runs it.")
    scope: Scope = Field(description="What it accepts and refuses.")
    filing: list[FilingMethod] = Field(description="The ways to file with it (phone, web, in person …).")
    required_fields: list[RequiredField] = Field(description="What a case needs for this channel's documents.")
    deadlines: list[Deadline] = Field(description="The time limits it works to, with their legal basis.")
    formats: list[str] = Field(description="Document format ids it produces (`docx`, `md` …).")
    bring: list[Text] = Field(description="What to bring or attach when filing.")
    proof: list[Text] = Field(description="What proof of filing to ask for and keep.")
    names_contacts: bool = Field(description="Whether its documents may name the contacts the collectors reached.")
    provenance: Provenance = Field(description="Where these facts come from and when they were last checked.")

    @classmethod
    def of(cls, channel: Channel) -> ChannelInfo:
        return cls.model_validate(channel.model_dump(exclude={"documents"}))


class ChannelList(BaseModel):
    channels: list[ChannelInfo] = Field(description="Every installed channel, by id.")


# --- the case store -----------------------------------------------------------------------------------------------


class CaseTextIn(BaseModel):
    """A case file's text in a JSON body (for a JSON case file, or a YAML one sent as JSON)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The case file's text, YAML or JSON; stored and exported byte for byte.")
    title: str | None = Field(default=None, max_length=200, description="A label for lists (default: from the case).")
    revision: int | None = Field(default=None, ge=1, description="PUT only: the revision you edited (or If-Match).")


TEXT_SCHEMA = schema_of(CaseTextIn)


class CaseSummaryOut(BaseModel):
    id: str = Field(description="Random id (32 hex digits); says nothing about the case.")
    title: str
    revision: int = Field(description="1 when created, one more on every change of the text.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, summary: CaseSummary) -> CaseSummaryOut:
        return cls(
            id=summary.id,
            title=summary.title,
            revision=summary.revision,
            created_at=summary.created_at,
            updated_at=summary.updated_at,
        )


class CaseList(BaseModel):
    cases: list[CaseSummaryOut] = Field(description="Every stored case, the most recently changed first.")


class Filing(BaseModel):
    """A complaint filed, as the case's `prior_complaints[index]` records it."""

    index: int = Field(description="Position in the case's `prior_complaints`.")
    channel: str
    filed_on: date
    reference_number: str | None = Field(description="The receipt, ticket or case number the channel gave.")
    reply_received: bool
    reply_on: date | None

    @classmethod
    def of(cls, row: FilingRow) -> Filing:
        return cls(
            index=row.index,
            channel=row.channel,
            filed_on=row.filed_on,
            reference_number=row.reference_number,
            reply_received=row.reply_received,
            reply_on=row.reply_on,
        )


class EvidenceFileOut(BaseModel):
    """An evidence file the server keeps for a case (a copy, with the SHA-256 computed as it arrived)."""

    id: str = Field(description="Random id of the file (for `GET …/evidence/{file_id}`).")
    evidence_id: str = Field(description="The case's `evidence[].id` this file is (`E3`).")
    file_name: str = Field(description="The name it was uploaded with, made safe.")
    sha256: str = Field(description="SHA-256 of the bytes received, hex.")
    size: int = Field(description="Bytes.")
    received_at: datetime

    @classmethod
    def of(cls, item: EvidenceFile) -> EvidenceFileOut:
        return cls(
            id=item.id,
            evidence_id=item.evidence_id,
            file_name=item.file_name,
            sha256=item.sha256,
            size=item.size,
            received_at=item.received_at,
        )


class CaseDetail(CaseSummaryOut):
    """A stored case: its text (the source of truth), and what the store indexes of it."""

    format: Literal["yaml", "json"]
    text: str = Field(description="The case file's text, exactly as imported or last changed.")
    filings: list[Filing]
    evidence: list[EvidenceFileOut]

    @classmethod
    def build(cls, stored: StoredCase, filings: list[FilingRow], evidence: list[EvidenceFile]) -> CaseDetail:
        return cls(
            **CaseSummaryOut.of(stored).model_dump(),
            format=stored.fmt,
            text=stored.text,
            filings=[Filing.of(row) for row in filings],
            evidence=[EvidenceFileOut.of(item) for item in evidence],
        )


class FilingIn(BaseModel):
    """A complaint you filed."""

    model_config = ConfigDict(extra="forbid")

    channel: str = Field(min_length=1, max_length=60, description="An installed channel's id (GET /channels).")
    filed_on: date
    reference_number: str | None = Field(
        default=None, max_length=200, description="The receipt, ticket or case number you were given."
    )


class ReplyIn(BaseModel):
    """A channel's reply to your latest unanswered complaint to it."""

    model_config = ConfigDict(extra="forbid")

    channel: str = Field(min_length=1, max_length=60)
    reply_on: date
    summary: str | None = Field(default=None, description="What the reply said (kept in the case file).")


class CaseFilings(BaseModel):
    """The case's filings after the change (or as they stand)."""

    id: str
    revision: int = Field(description="The case's revision now (a recorded filing or reply is a new revision).")
    filings: list[Filing]


class EvidenceList(BaseModel):
    evidence: list[EvidenceFileOut] = Field(description="The files kept for the case, in the order they arrived.")


class EvidenceAdded(BaseModel):
    """An evidence file received: kept, fingerprinted, and added to the case's `evidence` list."""

    id: str = Field(description="The case's id.")
    revision: int
    file: EvidenceFileOut
