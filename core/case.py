"""The case: everything jubao knows about one report of abusive collection.

A case is written by hand (YAML) or produced by tools (JSON) and validated here once; every later stage
(engine, channels, documents, plan) takes a ``Case`` and can trust it. Design choices:

* ``extra="forbid"`` everywhere — a misspelt key is an error, not silently dropped data;
* models are frozen and collections are tuples — a ``Case`` is a value that threads can share;
* cross-references (incident → contact, incident → evidence) are checked here, with the exact path of each
  broken reference, so that documents never cite an evidence number that does not exist.

Field documentation lives in docs/case-format.md (zh + en); a test checks that every field is documented.
"""

from __future__ import annotations

import functools
import itertools
import sys
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from jubao.types import (
    ChannelId,
    Count,
    CreditCode,
    Label,
    LongText,
    Money,
    PastDate,
    PastDatetime,
    Phone,
    PositiveCount,
    Province,
    RatePercent,
    ResidentId,
    Sha256,
    ShortText,
)
from jubao.vocabulary import (
    Behaviour,
    Carrier,
    ConsentAnswer,
    CreditorRole,
    EvidenceKind,
    LenderKind,
    Medium,
    Relation,
    ReporterRole,
    TargetKind,
    Want,
)

CASE_FORMAT_VERSION: Literal[1] = 1

Loc = tuple[str | int, ...]

# Limits on the lists of a case. Each is far above any real case (the largest example has 30 contacts; a case built
# from a phone's whole call log has a few thousand incidents), so only a file that is not a real case reaches one:
# it is refused with a located problem before the work its size would cost (every incident is validated, evaluated,
# planned and drafted; every evidence file is hashed). docs/case-format.md states them.

MAX_INCIDENTS = 10_000
"""Incidents in one case. A run of identical acts is one incident (``count``, ``until``), so even a year of daily
calls and messages from many numbers stays in the hundreds; 10,000 still plans in seconds."""

MAX_CONTACTS = 2_000
"""Entries in ``contacts.reached``: people the collectors reached, listed one by one. A harvested contact list has a
few hundred entries (its size goes in ``harvested_list_size``, which may be any number)."""

MAX_EVIDENCE = 2_000
"""Evidence items. Each is numbered in the 证据清单 and its file hashed; real cases hold tens, rarely hundreds."""

MAX_ITEMS = 1_000
"""Any other list: a collector's numbers or accounts, the collectors, complaints filed, an incident's evidence ids."""


def _field_docs_in_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Each field's docstring as its ``description`` in the model's JSON Schema (``jubao schema case``, OpenAPI).

    What pydantic's ``use_attribute_docstrings`` gives, without its cost: pydantic reads each class's source again
    with ``inspect`` and the tokenizer when the class is made (~15 ms for this module, paid by every command that
    reads a case). Here the module's source is parsed once, the first time a JSON Schema is asked for."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    documented = _attribute_docstrings().get(model.__qualname__, {})
    for name, info in model.model_fields.items():
        key = info.alias or name
        if name in documented and info.description is None and isinstance(properties.get(key), dict):
            properties[key]["description"] = documented[name]


@functools.cache
def _attribute_docstrings() -> dict[str, dict[str, str]]:
    """Class name -> field -> docstring, for this module's classes, by pydantic's rule for attribute docstrings: a
    string statement right after an annotated assignment in the class body (cleaned as ``inspect.cleandoc`` does).
    Empty when the source cannot be read (as pydantic's own extraction would be)."""
    import ast  # noqa: PLC0415 - only for JSON Schema
    import inspect  # noqa: PLC0415

    try:
        source = inspect.getsource(sys.modules[__name__])
    except (OSError, TypeError):
        return {}
    found: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs = found.setdefault(node.name, {})
        for before, statement in itertools.pairwise(node.body):
            if (
                isinstance(before, ast.AnnAssign)
                and isinstance(before.target, ast.Name)
                and isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                docs[before.target.id] = inspect.cleandoc(statement.value.value)
    return found


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        str_strip_whitespace=True,
        json_schema_extra=_field_docs_in_schema,
    )


def _reject(problems: list[tuple[Loc, str, str]]) -> None:
    """Raise one error carrying several located problems (a validator can only raise once).

    Each problem is ``(loc relative to this model, code, hint)``; ``hint`` names a ``hint.*`` message in the
    locale files that says how to fix it. ``jubao.problems`` expands them into separate located problems.
    """
    if problems:
        raise PydanticCustomError(
            "jubao_consistency",
            "{summary}",
            {
                "summary": "; ".join(f"{code} ({hint})" for _, code, hint in problems),
                "problems": [{"loc": list(loc), "code": code, "hint": hint} for loc, code, hint in problems],
            },
        )


class Region(_Model):
    """Where the reporter lives; decides which local offices are competent."""

    province: Province
    """Province-level division, e.g. 广东省 (short forms such as 广东 are accepted)."""
    city: ShortText | None = None
    """City or prefecture, e.g. 深圳市."""
    district: ShortText | None = None
    """District or county, e.g. 南山区."""


class Reporter(_Model):
    """The person filing: the borrower, or a contact who is being harassed."""

    role: ReporterRole
    """``borrower`` or ``contact``."""
    name: ShortText
    """Full legal name, as it must appear on filings."""
    phone: Phone | None = None
    """The reporter's own phone number (most channels require one)."""
    region: Region
    """Where the reporter lives."""
    id_number: ResidentId | None = None
    """居民身份证号码 (checked with its check digit). Optional; only put it in if you will file."""
    address: ShortText | None = None
    """Postal address for written replies."""
    relation_to_borrower: Relation | None = None
    """Required when ``role`` is ``contact``: how the reporter knows the borrower."""

    @model_validator(mode="after")
    def _relation_matches_role(self) -> Self:
        if self.role is ReporterRole.CONTACT and self.relation_to_borrower is None:
            _reject([(("relation_to_borrower",), "required", "relation_required_for_contact_reporter")])
        if self.role is ReporterRole.BORROWER and self.relation_to_borrower is not None:
            _reject([(("relation_to_borrower",), "not_applicable", "only_for_contact_reporter")])
        return self


class Person(_Model):
    """Another person named in the case (the borrower when a contact reports)."""

    name: ShortText | None = None
    """Name, if known."""
    phone: Phone | None = None
    """Phone number, if known."""


class Licence(_Model):
    """What is known of the lender's licence."""

    licence_type: ShortText | None = None
    """E.g. 网络小额贷款, 消费金融, 金融许可证."""
    number: ShortText | None = None
    """Licence or approval number."""
    issuer: ShortText | None = None
    """Who issued it, e.g. 广东省地方金融管理局."""


class FundingInstitution(_Model):
    """The bank, consumer-finance company or microlender that actually funds a platform's loan."""

    name: ShortText
    """Full name as shown in the loan contract or credit report."""
    kind: LenderKind = LenderKind.UNKNOWN
    """Its category (decides the regulator)."""
    credit_code: CreditCode | None = None
    """统一社会信用代码 (checked with its check digit)."""


class OriginalCreditor(_Model):
    """The creditor before the collecting party: the lender a guarantor paid, or the seller of an assigned debt."""

    name: ShortText
    """Full name as in the contract, the guarantee notice or the assignment notice."""
    kind: LenderKind = LenderKind.UNKNOWN
    """Its category (banks and consumer-finance companies answer to NFRA even after the debt moved on)."""
    credit_code: CreditCode | None = None
    """统一社会信用代码 (checked with its check digit)."""


_ROLE_OF_KIND = {
    LenderKind.FINANCING_GUARANTEE: CreditorRole.GUARANTOR,
    LenderKind.DEBT_BUYER: CreditorRole.DEBT_BUYER,
    LenderKind.LOAN_PLATFORM: CreditorRole.PLATFORM,
}


class Lender(_Model):
    """The party that claims the debt and is collecting it: the lender, or whoever holds the claim now (``role``)."""

    name: ShortText | None = None
    """Company (or person) name as in the contract."""
    app_name: ShortText | None = None
    """Name of the App or mini-program."""
    kind: LenderKind = LenderKind.UNKNOWN
    """Lender category; ``unknown`` if unsure (jubao will say what to find out)."""
    credit_code: CreditCode | None = None
    """统一社会信用代码 (checked with its check digit)."""
    licence: Licence | None = None
    """Licence details, if known."""
    contract_number: ShortText | None = None
    """Loan contract or order number."""
    annual_rate_percent: RatePercent | None = None
    """Annualised all-in rate in percent, if known (36 means 36 %)."""
    total_cost: Money | None = None
    """Total cost of the loan in yuan (interest + fees), if known."""
    funding_institution: FundingInstitution | None = None
    """For a platform (助贷/导流): the institution that funds the loan."""
    role: CreditorRole | None = None
    """What it is to the debt: ``lender``, ``guarantor`` (paid the lender, collects by recourse), ``debt_buyer`` or
    ``platform``. Default: from ``kind`` (a financing-guarantee company is a guarantor, and so on), else lender."""
    original_creditor: OriginalCreditor | None = None
    """For a guarantor or a debt buyer: the lender it paid, or that sold the debt, where known."""
    acquired_on: PastDate | None = None
    """For a guarantor: the date it paid the lender (代偿); for a debt buyer: the date of the assignment."""
    address: ShortText | None = None
    """Its registered address (住所), as in the contract or the business registration: where filings are served."""

    @property
    def creditor_role(self) -> CreditorRole:
        """The role, given or implied by the kind."""
        if self.role is not None:
            return self.role
        return _ROLE_OF_KIND.get(self.kind, CreditorRole.LENDER)

    @model_validator(mode="after")
    def _identifiable(self) -> Self:
        problems: list[tuple[Loc, str, str]] = []
        if self.name is None and self.app_name is None:
            problems.append((("name",), "required", "lender_name_or_app"))
        successor = self.creditor_role in (CreditorRole.GUARANTOR, CreditorRole.DEBT_BUYER)
        if not successor:
            for name in ("original_creditor", "acquired_on"):
                if getattr(self, name) is not None:
                    problems.append(((name,), "not_applicable", "only_for_guarantor_or_debt_buyer"))
        _reject(problems)
        return self


class Collector(_Model):
    """A collection agency or collector acting for the lender."""

    agency_name: ShortText | None = None
    """Agency name, if they said or it is known."""
    acting_for: ShortText | None = None
    """Whose debt they said they were collecting."""
    credit_code: CreditCode | None = None
    """统一社会信用代码 of the agency, if known."""
    phones: tuple[Phone, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Numbers they called or messaged from."""
    accounts: tuple[ShortText, ...] = Field(default=(), max_length=MAX_ITEMS)
    """WeChat, QQ or other account ids they used."""


class Debt(_Model):
    """The loan and its state."""

    principal: Money | None = None
    """Amount borrowed, in yuan."""
    loan_date: PastDate | None = None
    """Date the money was received."""
    term_days: PositiveCount | None = None
    """Loan term in days (7 or 14 suggests a "714" loan)."""
    upfront_deduction: Money | None = None
    """Amount deducted when the loan was paid out (砍头息), in yuan."""
    overdue_days: Count | None = None
    """Days overdue when the harassment happened."""
    disputed: bool = False
    """Whether the borrower disputes the debt or its amount."""
    contact_list_consent: ConsentAnswer = ConsentAnswer.UNKNOWN
    """Whether the borrower agreed to contact-list access: ``yes``, ``no`` or ``unknown``."""
    credit_card: bool | None = None
    """Whether the debt is a credit card's (then filings say 发卡机构/持卡人, not 出借人/借款人). Default: yes when
    a bank collects its own debt and its name, App name, licence type or the collectors' principal says 信用卡."""

    @model_validator(mode="after")
    def _deduction_within_principal(self) -> Self:
        if (
            self.upfront_deduction is not None
            and self.principal is not None
            and self.upfront_deduction > self.principal
        ):
            _reject([(("upfront_deduction",), "inconsistent", "deduction_exceeds_principal")])
        return self


class Target(_Model):
    """Who an incident reached."""

    kind: TargetKind
    """``borrower``, ``contact`` (one person) or ``group`` (a group chat or public audience)."""
    contact: Label | None = None
    """For ``contact``: the ``id`` of an entry in ``contacts.reached``."""
    relation: Relation | None = None
    """For ``contact`` not listed in ``contacts.reached``: the relation to the borrower."""
    guarantor: bool = False
    """The contact is the loan's guarantor."""
    emergency_contact: bool = False
    """The contact was given to the lender as an emergency contact."""
    audience_size: PositiveCount | None = None
    """For ``group``: roughly how many people saw it."""

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Self:
        problems: list[tuple[Loc, str, str]] = []
        if self.kind is TargetKind.CONTACT:
            if self.contact is None and self.relation is None:
                problems.append((("contact",), "required", "target_contact_or_relation"))
            if self.audience_size is not None:
                problems.append((("audience_size",), "not_applicable", "only_for_group_target"))
        else:
            for name in ("contact", "relation"):
                if getattr(self, name) is not None:
                    problems.append(((name,), "not_applicable", "only_for_contact_target"))
            for name in ("guarantor", "emergency_contact"):
                if getattr(self, name):
                    problems.append(((name,), "not_applicable", "only_for_contact_target"))
            if self.kind is TargetKind.BORROWER and self.audience_size is not None:
                problems.append((("audience_size",), "not_applicable", "only_for_group_target"))
        _reject(problems)
        return self


class Incident(_Model):
    """One act of collection (or a run of identical acts: same time span, medium, sender and target)."""

    time: PastDatetime
    """When it happened (start). Without an offset it is read as Beijing time."""
    until: PastDatetime | None = None
    """End of a run of repeated acts, if ``count`` covers a span."""
    medium: Medium
    """How: call, sms, wechat, qq, app_push, group_chat, social_post, in_person, letter, other."""
    from_number: Phone | None = None
    """The number it came from."""
    from_account: ShortText | None = None
    """The account it came from (WeChat id, App name …)."""
    target: Target
    """Who it reached."""
    behaviours: tuple[Behaviour, ...] = Field(default=(), max_length=MAX_ITEMS)
    """What the collector did (closed vocabulary)."""
    count: PositiveCount = 1
    """How many calls / messages this entry stands for."""
    answered: bool | None = None
    """For calls: whether they were answered."""
    evidence: tuple[Label, ...] = Field(default=(), max_length=MAX_ITEMS)
    """``id`` s of evidence items that show this incident."""
    note: LongText | None = None
    """What was said or shown, in the reporter's words."""

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        problems: list[tuple[Loc, str, str]] = []
        if self.until is not None and self.until < self.time:
            problems.append((("until",), "date_order", "until_before_time"))
        if len(set(self.behaviours)) != len(self.behaviours):
            problems.append((("behaviours",), "duplicate", "listed_twice"))
        if self.answered is not None and self.medium is not Medium.CALL:
            problems.append((("answered",), "not_applicable", "only_for_calls"))
        _reject(problems)
        return self


class Contact(_Model):
    """A person from the borrower's contact list whom the collectors reached."""

    id: Label
    """A short id to refer to this contact from incidents (e.g. ``c1``); not their name."""
    relation: Relation
    """Relation to the borrower."""
    name: ShortText | None = None
    """Name (optional; documents for the police and courts need it)."""
    phone: Phone | None = None
    """Phone number (optional)."""
    guarantor: bool = False
    """The contact is the loan's guarantor."""
    emergency_contact: bool = False
    """The borrower gave this person as an emergency contact."""
    willing_to_report: bool | None = None
    """Whether this contact is willing to file their own report (e.g. to 12321)."""


class Contacts(_Model):
    """The contact list: who was reached, and how big the harvested list is."""

    reached: tuple[Contact, ...] = Field(default=(), max_length=MAX_CONTACTS)
    """Contacts the collectors called or messaged."""
    harvested_list_size: Count | None = None
    """How many entries the lender took from the phone, if known."""


class Evidence(_Model):
    """One piece of evidence."""

    id: Label
    """Evidence id used in documents and by incidents (e.g. ``E1``)."""
    kind: EvidenceKind
    """call_log, sms_screenshot, recording, chat_screenshot, witness_statement, loan_contract, app_screenshot, other."""
    description: LongText
    """What it is, in a sentence."""
    path: ShortText | None = None
    """File path, relative to the case file (used to fingerprint the file)."""
    collected_on: PastDate | None = None
    """Date it was saved or obtained."""
    proves: LongText | None = None
    """What it proves (证明目的)."""
    source: ShortText | None = None
    """Where it comes from (e.g. 本人手机, 中国移动营业厅打印)."""
    sha256: Sha256 | None = None
    """The file's SHA-256 as recorded when it was collected; ``jubao evidence verify`` checks the file still matches."""


def _check_reply(filed_on: Any, reply_received: bool, reply_on: Any) -> None:
    """A reply date means a reply was received, and it cannot come before the filing."""
    problems: list[tuple[Loc, str, str]] = []
    if reply_on is not None:
        if not reply_received:
            problems.append((("reply_received",), "inconsistent", "reply_received_must_be_true"))
        if reply_on < filed_on:
            problems.append((("reply_on",), "date_order", "reply_before_filing"))
    _reject(problems)


class PriorComplaint(_Model):
    """A complaint or report already filed somewhere."""

    channel: ChannelId
    """Channel id, e.g. ``lender_complaint``, ``nfra_12378``, ``miit_12321``, ``police``."""
    filed_on: PastDate
    """Date it was filed."""
    reference_number: ShortText | None = None
    """工单号 / 受理编号 / 回执号, if any."""
    reply_received: bool = False
    """Whether a reply has come."""
    reply_on: PastDate | None = None
    """Date of the reply."""
    reply_summary: LongText | None = None
    """What the reply said."""

    @model_validator(mode="after")
    def _reply_after_filing(self) -> Self:
        _check_reply(self.filed_on, self.reply_received, self.reply_on)
        return self


class CarrierComplaint(_Model):
    """A complaint already made to a telecom carrier (about a harassing number), before any appeal to 12300."""

    carrier: Carrier
    """``china_mobile``, ``china_unicom``, ``china_telecom``, ``china_broadnet`` or ``other``."""
    filed_on: PastDate
    """Date it was made."""
    about_numbers: tuple[Phone, ...] = Field(default=(), max_length=MAX_ITEMS)
    """The numbers complained about."""
    reference_number: ShortText | None = None
    """The carrier's 工单号, if any."""
    reply_received: bool = False
    """Whether the carrier replied."""
    reply_on: PastDate | None = None
    """Date of the reply."""
    reply_summary: LongText | None = None
    """What the reply said."""
    resolved: bool = False
    """Whether the carrier resolved it to your satisfaction (then there is nothing to appeal)."""

    @model_validator(mode="after")
    def _reply_after_filing(self) -> Self:
        _check_reply(self.filed_on, self.reply_received, self.reply_on)
        return self


class Case(_Model):
    """One report of abusive collection. See docs/case-format.md."""

    format_version: Literal[1] = CASE_FORMAT_VERSION
    """Version of this format; only 1 exists."""
    title: ShortText | None = None
    """A label for the case (for your own use)."""
    reporter: Reporter
    """Who is filing."""
    borrower: Person | None = None
    """The borrower, when the reporter is a contact."""
    lender: Lender
    """The lender or App."""
    collectors: tuple[Collector, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Collectors and agencies involved."""
    debt: Debt = Field(default_factory=Debt)
    """The loan and its state."""
    incidents: tuple[Incident, ...] = Field(min_length=1, max_length=MAX_INCIDENTS)
    """What happened; at least one."""
    contacts: Contacts = Field(default_factory=Contacts)
    """Contacts reached and the size of the harvested list."""
    evidence: tuple[Evidence, ...] = Field(default=(), max_length=MAX_EVIDENCE)
    """Evidence held."""
    prior_complaints: tuple[PriorComplaint, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Complaints already filed."""
    carrier_complaints: tuple[CarrierComplaint, ...] = Field(default=(), max_length=MAX_ITEMS)
    """Complaints already made to a telecom carrier."""
    wants: tuple[Want, ...] = Field(default=(), max_length=MAX_ITEMS)
    """What the reporter wants."""

    @property
    def is_credit_card(self) -> bool:
        """Whether the debt is a credit card's: ``debt.credit_card`` if given, else the one reliable signal in
        the case — a bank collecting its own debt (role lender) whose name, App name, licence type or the
        collectors' stated principal contains 信用卡 (e.g. 示例银行股份有限公司信用卡中心)."""
        if self.debt.credit_card is not None:
            return self.debt.credit_card
        lender = self.lender
        if lender.kind is not LenderKind.BANK or lender.creditor_role is not CreditorRole.LENDER:
            return False
        names = [lender.name, lender.app_name, lender.licence.licence_type if lender.licence else None]
        names += [collector.acting_for for collector in self.collectors]
        return any(name and "信用卡" in name for name in names)

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        problems: list[tuple[Loc, str, str]] = []
        contact_ids = _unique_ids([c.id for c in self.contacts.reached], ("contacts", "reached"), problems)
        evidence_ids = _unique_ids([e.id for e in self.evidence], ("evidence",), problems)
        contacts_by_id = {c.id: c for c in self.contacts.reached}
        for i, incident in enumerate(self.incidents):
            ref = incident.target.contact
            if ref is not None and ref not in contact_ids:
                problems.append((("incidents", i, "target", "contact"), "unknown_reference", "no_such_contact"))
            elif ref is not None and incident.target.relation not in (None, contacts_by_id[ref].relation):
                problems.append(
                    (("incidents", i, "target", "relation"), "inconsistent", "relation_differs_from_contact")
                )
            for j, evidence_ref in enumerate(incident.evidence):
                if evidence_ref not in evidence_ids:
                    problems.append((("incidents", i, "evidence", j), "unknown_reference", "no_such_evidence"))
        if self.reporter.role is ReporterRole.BORROWER and self.borrower is not None:
            problems.append((("borrower",), "not_applicable", "borrower_is_reporter"))
        if len(set(self.wants)) != len(self.wants):
            problems.append((("wants",), "duplicate", "listed_twice"))
        _reject(problems)
        return self


def _unique_ids(ids: list[str], loc: Loc, problems: list[tuple[Loc, str, str]]) -> set[str]:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            problems.append(((*loc, index, "id"), "duplicate_id", "id_used_twice"))
        seen.add(item)
    return seen


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of the case format (what ``jubao schema case`` prints)."""
    schema = Case.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:jubao:schema:case:{CASE_FORMAT_VERSION}"
    return schema
