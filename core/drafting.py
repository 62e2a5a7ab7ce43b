"""Drafting documents from templates: the facts of a case prepared for Chinese filings, and the renderer.

A channel plugin ships Jinja2 templates as package data (``<package>/templates/*.md.j2``) written in document
markup (``jubao.markup``). ``Drafter`` renders them with one context, ``ctx`` (a ``CaseView``), so that every
channel words the same facts the same way: dates as 2026年10月12日, numbers as 138 0000 0101, evidence as 证据1,
article numbers for the version of the law in force when the conduct ended, and a visible 【待补充：…】 wherever
the case is silent. Templates state facts only from the case; they never invent.

Shared macros (parties, timeline, contacts and evidence tables, the draft disclaimer) live in jubao's own
``templates/_common.j2``; import them with ``{% import "_common.j2" as common %}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache, cached_property, lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import phonenumbers

from jubao.cache import template_bytecode_cache
from jubao.case import Case, Contact, Evidence, Incident
from jubao.channel import Channel
from jubao.context import DraftingContext
from jubao.documents_api import Document, Purpose, blank
from jubao.evaluation import Evaluation
from jubao.filing import DISCLAIMER, UNVERIFIED_MARK
from jubao.i18n import t
from jubao.markup import LITERAL, MarkupError, parse_markup
from jubao.offences import Offence, bundled_offences
from jubao.statutes import ProvisionVersion, Statutes
from jubao.types import CASE_TIMEZONE
from jubao.vocabulary import Medium, ReporterRole, TargetKind

if TYPE_CHECKING:
    import jinja2

_MARKUP_START = re.compile(r"^(#|>|\||:::|---|\d+\.(\s|$)|(另附|附件|附)[：:])")
_LINE_BREAKS = {ord(c): " " for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


class TemplateError(Exception):
    """A template could not be rendered (a plugin bug): names the template and what went wrong."""


# --- formatting -------------------------------------------------------------------------------------------------


def zh_date(day: date | datetime | None) -> str:
    """2026年10月12日 (no leading zeros, as filings write dates)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(CASE_TIMEZONE).date()
    return f"{day.year}年{day.month}月{day.day}日"


def zh_time(moment: datetime) -> str:
    return moment.astimezone(CASE_TIMEZONE).strftime("%H:%M")


@lru_cache(maxsize=4096)
def zh_phone(number: str | None) -> str:
    """A stored number (E.164 or service digits) as people write it: 138 0000 0101, 010 5555 0110.

    Cached: a set formats the same few numbers thousands of times (every row of every table of every document), and
    parsing one with phonenumbers is the costliest filter in drafting."""
    if not number:
        return ""
    if not number.startswith("+"):
        return number
    parsed = phonenumbers.parse(number)
    if parsed.country_code == 86:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def zh_money(amount: Decimal | float | int | None) -> str:
    if amount is None:
        return ""
    value = Decimal(str(amount))
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"人民币{text}元"


_INNER_QUOTES = str.maketrans("“”", "‘’")
"""A quotation inside a quoted account takes single quotes: 报告人陈述：“要我妈‘替儿子还钱’”."""


def trim_note(note: str) -> str:
    """Drop a note's closing full stop (also inside a closing quote: …还款。” → …还款”), so that a sentence can
    go on after it without doubled punctuation."""
    note = note.rstrip("。.；;，, ")
    for mark in ("”", "」", "’"):
        if note.endswith(mark):
            note = note[: -len(mark)].rstrip("。.；;，, ") + mark
    return note


def vocab(enum_name: str, value: Any) -> str:
    return t(f"vocab.{enum_name}.{value}", "zh")


def _finalize(value: Any) -> str:
    """Every value a template inserts: one line, no table separators, never the start of markup."""
    if value is None:
        raise TemplateError("a template inserted None; use `value | or_blank('标签')` or an {% if %}")
    if isinstance(value, datetime | date):
        value = zh_date(value)
    text = str(value).translate(_LINE_BREAKS).replace("|", "｜")
    return LITERAL + text if _MARKUP_START.match(text.lstrip()) else text


def _or_blank(value: Any, label: str) -> Any:
    return blank(label) if value in (None, "", (), []) else value


def _region_text(*parts: str | None) -> str:
    """Region names run together, each once: 北京市 + 北京市 + 海淀区 → 北京市海淀区."""
    return "".join(dict.fromkeys(part for part in parts if part))


# --- the view of a case that templates read -------------------------------------------------------------------


@dataclass(frozen=True)
class LawRef:
    """A provision as a document cites it, in the version in force on the conduct date."""

    id: str
    version: ProvisionVersion

    @property
    def ref(self) -> str:
        """《…》第…条, followed by 〔待核实〕 when the article number or wording is not verified."""
        mark = UNVERIFIED_MARK if self.version.unverified or self.version.article is None else ""
        return f"{self.version.reference()}{mark}"

    @property
    def quote(self) -> str:
        """The wording, without the trailing ；or ，of an excerpted item (documents add their own punctuation)."""
        return (self.version.quote or "").rstrip("；;，,、 ")

    @property
    def unverified(self) -> bool:
        return self.version.unverified or self.version.article is None

    def __str__(self) -> str:
        return self.ref


@dataclass(frozen=True)
class IncidentRow:
    number: int
    incident: Incident
    date: str
    when: str
    medium: str
    source: str
    target: str
    count: int
    behaviours: str
    note: str
    evidence: str
    target_named: str
    """``target`` plus the contact's name where known — for police, court and the contact's own filings only."""
    how: str
    """How it came, for sentences: 通过电话（170 0000 0201）, 当面, 通过微信（账号 x）."""
    account: str = ""
    """The note as the reporter's own account — 报告人陈述：“…” — for a third-person filing: a note is written in the
    reporter's words ("每天给我妈打电话") and must be quoted, never pasted as the filing's own statement. Empty
    when there is no note."""


@dataclass(frozen=True)
class ContactRow:
    number: int
    contact: Contact
    relation: str
    name: str
    phone: str
    incidents: int
    first: str
    last: str


@dataclass(frozen=True)
class EvidenceRow:
    number: int
    evidence: Evidence
    label: str
    kind: str
    description: str
    proves: str
    source: str
    collected_on: str


@dataclass(frozen=True)
class PriorRow:
    """A complaint already filed, as documents mention it."""

    channel: str
    """Where (the channel's Chinese name; 放贷机构自身的投诉渠道 for the lender)."""
    filed_on: date
    reference: str
    outcome: str
    """已收到答复：… or 至今未收到答复."""
    channel_id: str
    """The channel's id (``ctx.channel_name(channel_id)`` is its declared name, also for the lender's desk)."""
    replied: bool
    """A reply was received."""
    replied_on: date | None
    """When the reply came, if the reporter gave the date."""
    reply: str
    """What the reply said, without its closing full stop (empty when not given)."""


@dataclass
class CaseView:
    """Everything a template may say about the case, already formatted in Chinese.

    Missing facts come back as 【待补充：…】 blanks (via ``or_blank`` or the properties below), never as guesses.
    ``law(id)`` returns the provision in the version in force on ``as_of`` and records it, so that a document
    can end with the list of what it cited.
    """

    context: DraftingContext
    cited: list[LawRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.case: Case = self.context.case
        self.evaluation: Evaluation = self.context.evaluation
        self.channel: Channel | None = self.context.channel
        self.statutes: Statutes = self.context.library()

    def param(self, name: str) -> Any:
        """A rules parameter's value in force on the conduct date (``None`` if unknown)."""
        return self.context.param(name)

    def channel_name(self, channel_id: str) -> str:
        """A channel's Chinese name, from the channel's own declaration."""
        return self.context.channel_name(channel_id)

    def routed(self, channel_id: str) -> bool:
        """Whether the rules routed this case to ``channel_id``."""
        return self.context.routed(channel_id)

    # -- dates and law
    @property
    def as_of(self) -> date:
        """The date whose law applies: the end of the conduct (evaluation.as_of)."""
        return self.evaluation.as_of

    @property
    def today(self) -> str:
        return zh_date(self.evaluation.today)

    def law(self, provision_id: str) -> LawRef:
        """The provision as in force on the conduct date (substantive law) or today (procedure; see
        ``Provision.timing``), recorded for the document's list of cited law."""
        provision = self.statutes.provision(provision_id)
        day = self.evaluation.today if provision.timing == "filing" else self.as_of
        ref = LawRef(provision_id, self.statutes.on(provision_id, day))
        if all(existing.id != provision_id for existing in self.cited):
            self.cited.append(ref)
        return ref

    # -- privacy
    @property
    def names_contacts(self) -> bool:
        """Whether this document may name the contacts the collectors reached: only a channel that declares
        ``names_contacts`` (the police, the courts). jubao's own documents (the 证据清单 every channel shares) do
        not."""
        return self.channel is not None and self.channel.names_contacts

    def redact(self, text: str) -> str:
        """Free text from the case (a note, an evidence description, a reply) as this document may print it: with
        every reached contact's name and number replaced (联系人1, 联系人1的号码), unless ``names_contacts``.
        ``incidents``, ``evidence``, ``contacts`` and ``prior_complaints`` come through it already."""
        return text if self.names_contacts else self._redactor(text)

    @cached_property
    def _redactor(self) -> Callable[[str], str]:
        from jubao.redaction import ContactRedactor  # noqa: PLC0415 - jubao.redaction imports this module

        return ContactRedactor(self.case)

    # -- parties
    @property
    def reporter_is_borrower(self) -> bool:
        return self.case.reporter.role is ReporterRole.BORROWER

    @property
    def reporter_role(self) -> str:
        if self.reporter_is_borrower:
            return "借款人本人"
        relation = self.case.reporter.relation_to_borrower
        return f"借款人的{vocab('Relation', relation)}，通讯录联系人"

    @property
    def reporter_region(self) -> str:
        """广东省深圳市南山区; a municipality is written once (北京市海淀区, not 北京市北京市海淀区)."""
        region = self.case.reporter.region
        return _region_text(region.province, region.city, region.district)

    @property
    def reporter_city(self) -> str:
        """广东省深圳市 (province and city, no district): where a provincial or city office sits."""
        region = self.case.reporter.region
        return _region_text(region.province, region.city)

    @property
    def borrower_name(self) -> str:
        if self.reporter_is_borrower:
            return self.case.reporter.name
        person = self.case.borrower
        return person.name if person and person.name else blank("借款人姓名")

    @property
    def lender_name(self) -> str:
        return self.case.lender.name or blank("放贷机构全称（见借款合同）")

    @property
    def lender_display(self) -> str:
        lender = self.case.lender
        if lender.name and lender.app_name:
            return f"{lender.name}（App：{lender.app_name}）"
        if lender.name:
            return lender.name
        return f"“{lender.app_name}”App 的运营方{blank('运营公司全称（见借款合同或 App“关于我们”）')}"

    @property
    def lender_kind(self) -> str:
        return vocab("LenderKind", self.case.lender.kind)

    @property
    def lender_role(self) -> str:
        """What the lender is, briefly, for a party line: 银行, 小额贷款公司 (the kind without its gloss); 放贷方
        when the kind is unknown."""
        kind = self.case.lender.kind
        return "放贷方" if kind.value == "unknown" else self.lender_kind.split("（")[0]

    @property
    def funder(self) -> str:
        funding = self.case.lender.funding_institution
        return funding.name if funding else ""

    @property
    def agencies(self) -> list[str]:
        return [c.agency_name for c in self.case.collectors if c.agency_name]

    @property
    def collector_numbers(self) -> list[str]:
        numbers: list[str] = []
        for collector in self.case.collectors:
            numbers += collector.phones
        numbers += [i.from_number for i in self.case.incidents if i.from_number]
        return [zh_phone(n) for n in dict.fromkeys(numbers)]

    @property
    def collector_accounts(self) -> list[str]:
        """The collectors' WeChat/QQ/App accounts, as listed for the collectors and then as seen in incidents."""
        accounts = [account for collector in self.case.collectors for account in collector.accounts]
        accounts += [i.from_account for i in self.case.incidents if i.from_account]
        return list(dict.fromkeys(accounts))

    # -- what happened
    @cached_property
    def evidence_numbers(self) -> dict[str, int]:
        return {item.id: number for number, item in enumerate(self.case.evidence, start=1)}

    def evidence_refs(self, ids: tuple[str, ...] | list[str]) -> str:
        return "、".join(f"证据{self.evidence_numbers[i]}" for i in ids if i in self.evidence_numbers)

    @cached_property
    def incidents(self) -> list[IncidentRow]:
        ordered = sorted(self.case.incidents, key=lambda incident: incident.time)
        return [self._incident_row(number, incident) for number, incident in enumerate(ordered, start=1)]

    def _incident_row(self, number: int, incident: Incident) -> IncidentRow:
        when = f"{zh_date(incident.time)} {zh_time(incident.time)}"
        if incident.until is not None:
            same_day = zh_date(incident.until) == zh_date(incident.time)
            end = zh_time(incident.until) if same_day else f"{zh_date(incident.until)} {zh_time(incident.until)}"
            when += f" 至 {end}"
        source = zh_phone(incident.from_number) or incident.from_account or "未显示号码"
        note = self.redact(incident.note or "")
        return IncidentRow(
            number=number,
            incident=incident,
            date=zh_date(incident.time),
            when=when,
            medium=vocab("Medium", incident.medium),
            source=source,
            target=self.target_label(incident),
            target_named=self.target_label(incident, with_name=self.names_contacts),
            how=self._how(incident),
            count=incident.count,
            behaviours="、".join(vocab("Behaviour", b) for b in incident.behaviours) or "催收",
            note=note,
            account=f"报告人陈述：“{trim_note(note).translate(_INNER_QUOTES)}”" if note else "",
            evidence=self.evidence_refs(incident.evidence),
        )

    @staticmethod
    def _how(incident: Incident) -> str:
        if incident.medium is Medium.IN_PERSON:
            return "当面"
        source = zh_phone(incident.from_number) or incident.from_account
        return f"通过{vocab('Medium', incident.medium)}" + (f"（{source}）" if source else "")

    def target_label(self, incident: Incident, *, with_name: bool = False) -> str:
        """Who an incident reached, by relation (借款人的同事); names only when ``with_name`` is asked for."""
        target = incident.target
        if target.kind is TargetKind.BORROWER:
            return "本人" if self.reporter_is_borrower else "借款人"
        if target.kind is TargetKind.GROUP:
            size = f"（约{target.audience_size}人）" if target.audience_size else ""
            return f"群组或公开受众{size}"
        contact = self.contact_by_id.get(target.contact or "")
        relation = contact.relation if contact else target.relation
        name = f"（{contact.name}）" if with_name and contact and contact.name else ""
        return f"借款人的{vocab('Relation', relation)}{name}"

    def incidents_citing(self, evidence_id: str) -> str:
        """Which incidents (numbered as in the timeline) an evidence item shows: 经过第1、2项."""
        numbers = [str(row.number) for row in self.incidents if evidence_id in row.incident.evidence]
        return f"经过第{'、'.join(numbers)}项" if numbers else ""

    @cached_property
    def contact_by_id(self) -> dict[str, Contact]:
        return {contact.id: contact for contact in self.case.contacts.reached}

    @cached_property
    def contacts(self) -> list[ContactRow]:
        rows = []
        for number, contact in enumerate(self.case.contacts.reached, start=1):
            hits = sorted(
                (i.time for i in self.case.incidents if i.target.contact == contact.id),
            )
            named = self.names_contacts
            rows.append(
                ContactRow(
                    number=number,
                    contact=contact,
                    relation=vocab("Relation", contact.relation),
                    name=(contact.name or blank("姓名")) if named else f"联系人{number}",
                    phone=(zh_phone(contact.phone) or blank("电话")) if named else "—",
                    incidents=sum(i.count for i in self.case.incidents if i.target.contact == contact.id),
                    first=zh_date(hits[0]) if hits else "",
                    last=zh_date(hits[-1]) if hits else "",
                )
            )
        return rows

    @property
    def relations_reached(self) -> list[str]:
        """Relations of the third parties reached (单位/雇主、同事), without names: enough for most letters."""
        relations = self.evaluation.features.get("relations_reached") or []
        return [vocab("Relation", relation) for relation in relations]

    @property
    def contacts_reached(self) -> int:
        return self.evaluation.classification.contacts_reached

    @property
    def harvested(self) -> int | None:
        return self.case.contacts.harvested_list_size

    @property
    def third_party_incidents(self) -> list[IncidentRow]:
        return [row for row in self.incidents if row.incident.target.kind is not TargetKind.BORROWER]

    @property
    def period(self) -> str:
        """When the conduct happened: 自2026年10月12日至2026年10月16日, or 于2026年10月12日 for one day."""
        first, last = self.first_date, self.last_date
        return f"于{first}" if first == last else f"自{first}至{last}"

    @property
    def first_date(self) -> str:
        return self.incidents[0].date

    @property
    def last_date(self) -> str:
        last = max(i.until or i.time for i in self.case.incidents)
        return zh_date(last)

    @property
    def total_acts(self) -> int:
        return sum(i.count for i in self.case.incidents)

    def media_counts(self, incidents: Iterable[Incident] | None = None) -> str:
        """How often each medium was used, media in the order they first occurred: 电话14次、短信3次 — over every
        incident, or over ``incidents`` (e.g. those that reached one contact)."""
        chosen = self.case.incidents if incidents is None else tuple(incidents)
        counts: dict[str, int] = {}
        for incident in sorted(chosen, key=lambda item: item.time):
            label = vocab("Medium", incident.medium)
            counts[label] = counts.get(label, 0) + incident.count
        return "、".join(f"{label}{count}次" for label, count in counts.items())

    @property
    def group_audience(self) -> int:
        """Roughly how many people group posts and blasts reached (the audience sizes given; 0 when none)."""
        return sum(i.target.audience_size or 0 for i in self.case.incidents if i.target.kind is TargetKind.GROUP)

    def behaviours(self, *, third_parties_only: bool = False) -> list[str]:
        seen: dict[str, None] = {}
        for incident in self.case.incidents:
            if third_parties_only and incident.target.kind is TargetKind.BORROWER:
                continue
            for behaviour in incident.behaviours:
                seen[vocab("Behaviour", behaviour)] = None
        return list(seen)

    def has_behaviour(self, *names: str) -> bool:
        return any(b in names for i in self.case.incidents for b in i.behaviours)

    @property
    def evidence_kind_counts(self) -> str:
        """How many evidence items of each kind, kinds in the order first listed: 通话记录1份、短信截图2份."""
        counts: dict[str, int] = {}
        for item in self.case.evidence:
            label = vocab("EvidenceKind", item.kind)
            counts[label] = counts.get(label, 0) + 1
        return "、".join(f"{label}{count}份" for label, count in counts.items())

    @cached_property
    def evidence(self) -> list[EvidenceRow]:
        return [
            EvidenceRow(
                number=number,
                evidence=item,
                label=f"证据{number}",
                kind=vocab("EvidenceKind", item.kind),
                description=self.redact(item.description),
                proves=self.redact(item.proves) if item.proves else blank("证明目的"),
                source=self.redact(item.source) if item.source else blank("来源"),
                collected_on=zh_date(item.collected_on) or blank("取得日期"),
            )
            for number, item in enumerate(self.case.evidence, start=1)
        ]

    # -- evaluation
    @property
    def severity(self) -> str:
        return self.evaluation.severity.label.zh

    @property
    def characterisations(self) -> list[str]:
        return [c.label.zh for c in self.evaluation.characterisations]

    def characterised(self, prefix: str) -> bool:
        """Whether a legal characterisation starting with ``prefix`` (e.g. ``criminal.``) was concluded."""
        return any(c.id.startswith(prefix) for c in self.evaluation.characterisations)

    def offences(self) -> list[Offence]:
        """The charges (罪名) of the concluded criminal characterisations, in the rules' order, each with the
        provision to cite (``provision`` for ``ctx.law``, else ``plain_ref``) — from the offences table in
        rules/statutes/offences, never from a template."""
        table = bundled_offences()
        return [table[c.id] for c in self.evaluation.characterisations if c.id in table]

    @property
    def unnamed_offences(self) -> list[str]:
        """Concluded criminal characterisations the offences table has no charge for, by their label (刑事：
        dropped): documents name them without an article."""
        table = bundled_offences()
        return [
            c.label.zh.removeprefix("刑事：")
            for c in self.evaluation.characterisations
            if c.id.startswith("criminal.") and c.id not in table
        ]

    @property
    def regulator(self) -> str:
        label = self.evaluation.classification.regulator.label
        return label.zh if label else ""

    @property
    def wants(self) -> list[str]:
        return [vocab("Want", want) for want in self.case.wants]

    def wanted(self, name: str) -> bool:
        return any(want == name for want in self.case.wants)

    @cached_property
    def prior_complaints(self) -> list[PriorRow]:
        """Every complaint already filed: where, when, reference, and what came of it."""
        rows = []
        for prior in self.case.prior_complaints:
            where = (
                "放贷机构自身的投诉渠道"
                if prior.channel == "lender_complaint"
                else self.context.channel_name(prior.channel)
            )
            reply = trim_note(self.redact(prior.reply_summary)) if prior.reply_summary else ""
            outcome = ("已收到答复" + (f"：{reply}" if reply else "")) if prior.reply_received else "至今未收到答复"
            rows.append(
                PriorRow(
                    channel=where,
                    filed_on=prior.filed_on,
                    reference=prior.reference_number or "",
                    outcome=outcome,
                    channel_id=prior.channel,
                    replied=prior.reply_received,
                    replied_on=prior.reply_on,
                    reply=reply,
                )
            )
        return rows

    def prior(self, channel_id: str) -> list[Any]:
        return [p for p in self.case.prior_complaints if p.channel == channel_id]

    def deadline(self, deadline_id: str) -> Any:
        """The channel's declared deadline (``length``, ``unit``, ``extensions``, ``basis``): dates in documents
        come from channel data, never from numbers typed into templates."""
        if self.channel is None:
            raise TemplateError("deadline() needs a channel")
        for item in self.channel.deadlines:
            if item.id == deadline_id:
                return item
        raise TemplateError(f"channel {self.channel.id} declares no deadline {deadline_id!r}")

    @property
    def unlicensed(self) -> bool:
        """The rules concluded the lender holds no lending licence."""
        return bool(self.evaluation.classification.licence_status.value == "unlicensed")

    @property
    def lender_regulated_by_nfra(self) -> bool:
        return bool(self.evaluation.classification.regulator.value == "nfra")

    @property
    def creditor_role(self) -> str:
        """What the collecting party is to the debt (``lender.role``, or implied by its kind): ``lender``,
        ``guarantor``, ``debt_buyer`` or ``platform``. A guarantor never lent the money: do not call it 出借人."""
        return self.case.lender.creditor_role.value

    @property
    def credit_card(self) -> bool:
        """A credit-card debt (``Case.is_credit_card``): say 发卡机构/持卡人/信用卡欠款, not 出借人/借款人/借款."""
        return self.case.is_credit_card

    @property
    def debt_terms(self) -> dict[str, str]:
        """How filings name the person who owes, the debt and the contract, by the collecting party's role.

        A card issuer has a 持卡人 with a 信用卡欠款 under a 信用卡领用合约; a guarantor collecting by recourse and
        a debt buyer never lent the money, so toward them the person owes a 债务 as a 债务人. Keys: ``debtor``,
        ``debt_word`` (欠款/债务/借款), ``debt`` (信用卡欠款/债务/借款), ``contract_word``, ``facts`` (a heading)."""
        lender = self.case.lender
        role = lender.creditor_role.value
        if self.credit_card:
            words = ("持卡人", "欠款", "信用卡欠款", "信用卡领用合约", "信用卡及欠款情况")
        elif role == "guarantor":
            words = ("债务人", "债务", "债务", "借款合同及担保合同", "借款、担保及代偿情况")  # fmt: skip
        elif role == "debt_buyer":
            words = ("债务人", "债务", "债务", "借款合同", "借款及债权转让情况")
        else:
            platform = role == "platform" or bool(lender.app_name or lender.funding_institution)
            words = ("借款人", "借款", "借款", "借款合同", "借款及平台情况" if platform else "借款情况")
        return dict(zip(("debtor", "debt_word", "debt", "contract_word", "facts"), words, strict=True))

    def company_line(self, contact: Contact | None) -> bool:
        """The contact is the borrower's employer reached on a landline: the company's switchboard, not a natural
        person's phone (so not a staff member's own personal information, nor clearly their private life)."""
        return (
            contact is not None
            and contact.relation.value == "employer"
            and self.phone_kind(contact.phone) == "固定电话号码"
        )

    @property
    def natural_third_party_reached(self) -> bool:
        """Whether the collectors reached a third party whose number is a natural person's personal information:
        anyone but an employer reached only on a company landline (``company_line``)."""
        for incident in self.case.incidents:
            target = incident.target
            if target.kind is TargetKind.BORROWER:
                continue
            contact = next((c for c in self.case.contacts.reached if c.id == target.contact), None)
            if not self.company_line(contact):
                return True
        return False

    @property
    def original_creditor(self) -> str:
        """The original creditor's name (the lender a guarantor paid, or the seller of the debt), or ''."""
        original = self.case.lender.original_creditor
        return original.name if original else ""

    def phone_kind(self, number: str | None) -> str:
        """手机号码 for a mobile number, 固定电话号码 for a landline (an employer's switchboard is not a natural
        person's phone), 电话号码 when unknown."""
        if not number or not number.startswith("+"):
            return "电话号码"
        kind = phonenumbers.number_type(phonenumbers.parse(number))
        if kind == phonenumbers.PhoneNumberType.MOBILE:
            return "手机号码"
        if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
            return "固定电话号码"
        return "电话号码"

    # -- output helpers
    def blank(self, label: str) -> str:
        return blank(label)

    @property
    def disclaimer(self) -> str:
        return DISCLAIMER

    @property
    def unverified_mark(self) -> str:
        return UNVERIFIED_MARK

    def phone(self, number: str | None) -> str:
        return zh_phone(number)

    def date(self, day: date | datetime | None) -> str:
        return zh_date(day)

    def money(self, amount: Decimal | float | int | None) -> str:
        return zh_money(amount)

    def vocab(self, enum_name: str, value: Any) -> str:
        return vocab(enum_name, value)


# --- rendering ----------------------------------------------------------------------------------------------------


ENVIRONMENT_FLAVOUR = "drafting:StrictUndefined,trim_blocks,lstrip_blocks,keep_trailing_newline,finalize"
"""The options code compiled by ``_environment`` depends on (its bytecode is cached under this name)."""


@cache
def _environment(package: str) -> jinja2.Environment:
    """One environment per plugin package: its templates first, then jubao's shared macros.

    Built once and then only read, which Jinja2 supports from many threads. Jinja2 is imported here and in the
    functions that render, not with this module: plugins import this module's helpers when they load, at every
    command, and most commands draft nothing.
    """
    import jinja2  # noqa: PLC0415 - see above

    search = [str(files(package) / "templates")] if package != "jubao" else []
    loader = jinja2.FileSystemLoader([*search, str(files("jubao") / "templates")])
    env = jinja2.Environment(
        loader=loader,
        bytecode_cache=template_bytecode_cache(ENVIRONMENT_FLAVOUR),  # compiled once, not every run
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is document markup, not HTML; _finalize escapes markup instead
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["or_blank"] = _or_blank
    env.filters["zh_date"] = zh_date
    env.filters["phone"] = zh_phone
    env.filters["money"] = zh_money
    env.globals["blank"] = blank
    return env


class Drafter:
    """Renders one plugin's templates (``<package>/templates/*.md.j2``) for one drafting context.

    ``Drafter(__name__, context)`` inside a plugin's ``build_documents``; every template sees ``ctx`` (a
    ``CaseView`` of the context) and ``channel``, plus any keyword given to ``render``.
    """

    def __init__(self, package: str, context: DraftingContext) -> None:
        if context.channel is None:
            raise TemplateError("a Drafter needs a context with a channel")
        self.package = package
        self.context = context
        self.channel: Channel = context.channel
        self.case = context.case
        self.evaluation = context.evaluation

    def view(self) -> CaseView:
        return CaseView(self.context)

    def render(
        self,
        template: str,
        *,
        document_id: str | None = None,
        formats: list[str] | None = None,
        payload: dict[str, Any] | None = None,
        purpose: Purpose = "filing",
        **extra: Any,
    ) -> Document:
        """Render ``templates/<template>.md.j2`` into a Document (``document_id`` defaults to ``template``).

        ``purpose="aid"`` for a document the user keeps (a phone script): its notes stay in it."""
        import jinja2  # noqa: PLC0415 - see _environment

        name = f"{template}.md.j2"
        view = self.view()
        try:
            text = _environment(self.package).get_template(name).render(ctx=view, channel=self.channel, **extra)
            document = parse_markup(text, channel=self.channel.id, document_id=document_id or template)
        except jinja2.TemplateNotFound as error:
            raise TemplateError(f"{self.package}: template {name} not found") from error
        except (jinja2.TemplateError, MarkupError, TemplateError) as error:
            raise TemplateError(f"{self.package}/templates/{name}: {error}") from error
        update: dict[str, Any] = {"purpose": purpose} if purpose != "filing" else {}
        if formats is not None:
            update["formats"] = formats
        if payload is not None:
            update["payload"] = payload
        return document.model_copy(update=update) if update else document


def render_core_template(template: str, context: DraftingContext, *, document_id: str, **extra: Any) -> Document:
    """Render one of jubao's own templates (the evidence list, the index of a set): no channel involved."""
    import jinja2  # noqa: PLC0415 - see _environment

    name = f"{template}.md.j2"
    view = CaseView(context)
    try:
        text = _environment("jubao").get_template(name).render(ctx=view, **extra)
        return parse_markup(text, channel="jubao", document_id=document_id)
    except (jinja2.TemplateError, MarkupError, TemplateError) as error:
        raise TemplateError(f"jubao/templates/{name}: {error}") from error


Builder = Callable[[Drafter], list[Document]]
