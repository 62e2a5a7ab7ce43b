"""A reporting channel, as a plugin declares it: who it is, what it takes, how to file, what it needs, how long
things take, what documents it wants, and where all of that comes from.

Everything is data (pydantic, validated at registration) so that a channel can be listed, shown, checked and
tested without running any of the plugin's code. Deadlines are declared here; computing dates from them comes
with the deadlines issue, so the declaration already says what starts the clock, the unit and the legal basis.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jubao.rules import Citation, SourceText, Text, Verification
from jubao.vocabulary import CreditorRole, LenderKind, ReporterRole

CHANNEL_ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FilingKind(StrEnum):
    PHONE = "phone"
    WEB = "web"
    APP = "app"
    MINI_PROGRAM = "mini_program"
    WECHAT = "wechat"
    SMS = "sms"
    EMAIL = "email"
    IN_PERSON = "in_person"
    POST = "post"


class FilingMethod(_Model):
    """One way to file with the channel."""

    kind: FilingKind
    address: str | None = None
    """Phone number, URL, account name, e-mail or postal address; omit where it varies by place."""
    hours: Text | None = None
    """Opening hours, where known."""
    note: Text | None = None
    status: Verification = Verification.SECONDARY
    """How sure we are of the address and hours (the reference's tags)."""


class RequiredField(_Model):
    """An item the channel needs, located in the case (``reporter.phone``) or the evaluation
    (``classification.regulator``). A path ending in ``[]`` needs at least one item."""

    path: str = Field(pattern=r"^(case|evaluation)\.[a-z_]+(\[\])?(\.[a-z_]+(\[\])?)*$")
    label: Text
    why: Text | None = None


class MissingField(_Model):
    """A required item absent from the case: where to add it, and what it is."""

    path: str
    """The case path to fill, without the ``case.`` prefix (``reporter.id_number``)."""
    label: Text


class TimeUnit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    HOURS = "hours"
    MONTHS = "months"
    YEARS = "years"


class Clock(StrEnum):
    """The event that starts a deadline, when jubao can know its date (the plan dates these; others stay
    "from the day X happens")."""

    FILED = "filed"
    """The user's complaint, report or application reaches this channel (a prior complaint's ``filed_on``)."""
    REPLY = "reply"
    """This channel's written reply or decision reaches the user (a prior complaint's ``reply_on``)."""
    LAST_ACT = "last_act"
    """The conduct ended (the latest incident): limitation periods."""
    CARRIER = "carrier"
    """The user complained to the telecom carrier (a case's ``carrier_complaints[].filed_on``): the carrier's own
    period, before which this channel takes no appeal (12300). The plan dates it, and dates this channel's
    ``filed`` clocks no earlier than the day the appeal becomes possible."""


class Extension(_Model):
    length: int = Field(gt=0)
    unit: TimeUnit
    condition: Text
    """When the extension applies (e.g. 情况复杂)."""


class Applicability(_Model):
    """Whom a deadline binds, when its basis covers only some institutions or only their own customers.

    The 15/30/60-day clock of 《银行业保险业消费投诉处理管理办法》, for instance, binds banking and insurance
    institutions answering their consumers — not a microlender or a financing guarantor, and not a borrower's contact
    who is no customer of the institution. Where the deadline does not bind, ``otherwise`` says what holds instead
    (the rule that applies to that institution, or that no statutory reply deadline was found)."""

    lender_kinds: list[LenderKind] = []
    """The kinds of institution bound: the lender's kind or, for a platform loan (助贷), its funder's kind — the
    funder answers for complaints about the loans it funds. Empty: any institution."""
    reporter_roles: list[ReporterRole] = []
    """Whose filings it answers: e.g. only the institution's consumer (``borrower``). Empty: anyone's."""
    otherwise: Text
    """What holds where the deadline does not bind (e.g. 法定答复期限：未找到 …)."""
    basis: list[Citation] = Field(min_length=1)
    """Why the deadline binds only these (the scope provision of its instrument, or the source that says so)."""

    def covers(self, case: Any) -> bool:
        """Whether the deadline binds in ``case`` (a ``jubao.Case``)."""
        if self.reporter_roles and case.reporter.role not in self.reporter_roles:
            return False
        return not self.lender_kinds or institution_kind(case) in self.lender_kinds


def institution_kind(case: Any) -> LenderKind:
    """The kind of the institution that answers for the loan in ``case``: the funder of a platform loan where the
    case names one, otherwise the lender (or whoever holds the claim now) itself."""
    lender = case.lender
    funder = lender.funding_institution
    platform = lender.kind is LenderKind.LOAN_PLATFORM or lender.creditor_role is CreditorRole.PLATFORM
    kind: LenderKind = funder.kind if platform and funder is not None else lender.kind
    return kind


class Deadline(_Model):
    """A time limit at the channel, declared as data with its legal basis."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text
    starts: Text
    """What starts the clock (e.g. receipt of the complaint)."""
    clock: Clock | None = None
    """The event jubao can date (see ``Clock``); None when the start is an event jubao cannot know (acceptance,
    a judgment being served)."""
    roll: bool = True
    """Whether a last day on a rest day moves to the next working day (民法典 Art. 203, 民诉法 Art. 85): true for
    day, month and year periods; hours never move."""
    length: int | None = Field(default=None, gt=0)
    """None for limits the law states without a number (及时, promptly)."""
    unit: TimeUnit | None = None
    extensions: list[Extension] = []
    on_expiry: Text
    """What the user can do when it passes."""
    basis: list[Citation] = Field(min_length=1)
    """Every deadline cites its basis."""
    applies_to: Applicability | None = None
    """Whom it binds, when not everyone (see ``Applicability``); None: every case the channel takes."""

    def binds(self, case: Any) -> bool:
        """Whether this deadline binds in ``case``: plans date it and documents state it only then."""
        return self.applies_to is None or self.applies_to.covers(case)

    @model_validator(mode="after")
    def _length_has_unit(self) -> Self:
        if (self.length is None) != (self.unit is None):
            raise ValueError("give both 'length' and 'unit', or neither (a limit with no number)")
        return self


class Provenance(_Model):
    """Where the channel's facts come from, and when they were last checked."""

    sources: list[SourceText] = Field(min_length=1)
    """Each entry one id from jubao's ``rules/sources.yaml`` (shown as the public title, date and status) or free
    text naming a public instrument or page — never a local path or a developer's note."""
    last_verified: date
    status: Verification


class Scope(_Model):
    accepts: list[Text] = Field(min_length=1)
    refuses: list[Text] = []


class TemplateDocument(_Model):
    """A document a channel renders from one of its templates, with no code (``channel.yaml: documents``)."""

    template: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """``templates/<template>.md.j2`` in the plugin package."""
    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    """The document id (file name stem); default: the template name."""
    formats: list[str] = []
    """Format ids for this document; default: the channel's ``formats``."""
    purpose: Literal["filing", "aid"] = "filing"
    """``filing``: submitted as written (notes move to the guide); ``aid``: for the user (a phone script)."""


class Channel(_Model):
    """A reporting channel adapter's declaration."""

    id: str = Field(pattern=CHANNEL_ID_PATTERN, max_length=60)
    name: Text
    authority: Text
    """Who runs it (e.g. 国家金融监督管理总局)."""
    scope: Scope
    filing: list[FilingMethod] = Field(min_length=1)
    required_fields: list[RequiredField] = []
    deadlines: list[Deadline] = []
    formats: list[str] = []
    """Document format ids the channel produces (see ``register_document_formats``)."""
    documents: list[TemplateDocument] = []
    """For a channel without code: the documents to render, in order (see ``jubao.TemplateChannel``)."""
    bring: list[Text] = []
    """What to have with you or attach when submitting (ID card, evidence originals …), for the channel's guide."""
    proof: list[Text] = []
    """What proof of submission to ask for and keep (受案回执, 工单号, 邮寄凭证 …), for the channel's guide."""
    names_contacts: bool = False
    """Whether the channel's filings may name the contacts the collectors reached (names, numbers, in evidence and
    notes too): only the police and the courts (docs/documents.md, 隐私). Otherwise ``ctx`` gives every free text
    with each contact's name and number replaced (联系人1, 联系人1的号码)."""
    provenance: Provenance

    def missing(self, case: Any, evaluation: Any = None) -> list[MissingField]:
        """Every required item absent from ``case`` (and ``evaluation``), with the case path to fill."""
        roots = {"case": case, "evaluation": evaluation}
        missing = []
        for item in self.required_fields:
            root, _, path = item.path.partition(".")
            if not _present(roots[root], path.split(".")):
                missing.append(MissingField(path=path if root == "case" else item.path, label=item.label))
        return missing


def _present(value: Any, parts: list[str]) -> bool:
    if value is None:
        return False
    if not parts:
        return value not in ("", (), [])
    head, *rest = parts
    many = head.endswith("[]")
    name = head.removesuffix("[]")
    child = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
    if many:
        items = list(child or [])
        return bool(items) and (not rest or any(_present(item, rest) for item in items))
    return _present(child, rest)
