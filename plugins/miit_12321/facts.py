"""The facts a 12321 report needs, per harassing number and per reporter, computed from the case.

12321 takes one report per number, and every person who was harassed may file their own. A *perspective* says
whose report it is: the person filing the case (the borrower, or a contact who files) or one of the borrower's
contacts who is willing to report. A report only counts what reached that person — and, for the borrower, how
many contacts were reached, by relation, never by name. Contacts' versions carry no one else's data.

Everything here is data for the templates (counts, dates, vocabulary labels, the reporter's own notes with
contacts' names and numbers taken out); the wording is in ``templates/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import phonenumbers

from jubao.case import Case, Contact, Incident
from jubao.drafting import vocab, zh_date, zh_phone, zh_time
from jubao.vocabulary import Medium, ReporterRole, TargetKind

CALL_CATEGORY = "骚扰电话"
SMS_CATEGORY = "垃圾短信"
REDACTED_NAME = "某联系人"
CONTACT_VIEW = {
    "debt_disclosure": "向本人透露借款人的债务",
    "demand_payment_from_third_party": "要求本人代为还款",
}
"""Behaviours as a contact states them about themselves (the vocabulary words them from the borrower's side)."""
REDACTED_PHONE = "某联系人的号码"


@dataclass(frozen=True)
class Perspective:
    """Whose report it is."""

    kind: str
    """``borrower`` (the borrower files), ``reporter_contact`` (a contact files the case), or ``contact`` (a
    willing contact of a borrower who files)."""
    name: str | None
    phone: str | None
    """Stored number (E.164 or service digits), or None."""
    relation: str = ""
    """The person's relation to the borrower (vocabulary label), for contacts."""
    contact: Contact | None = None
    contact_index: int | None = None
    guarantor: bool = False

    @property
    def is_borrower(self) -> bool:
        return self.kind == "borrower"

    @property
    def is_contact(self) -> bool:
        return not self.is_borrower

    @property
    def phone_display(self) -> str:
        return zh_phone(self.phone)

    @property
    def phone_form(self) -> str:
        """The number for the form's 举报人手机号, which takes a mobile (it receives the verification code)."""
        return form_number(self.phone) if is_mobile(self.phone) else ""

    @property
    def landline(self) -> str:
        """The person's number when it is not a mobile (a work landline): shown, but not put in the form."""
        return zh_phone(self.phone) if self.phone and not is_mobile(self.phone) else ""


@dataclass(frozen=True)
class Tally:
    calls: int = 0
    sms: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.calls + self.sms + self.other


@dataclass(frozen=True)
class Row:
    """One incident as a 12321 report shows it: the person reached by role or relation, never by name."""

    when: str
    medium: str
    number: str
    target: str
    count: int
    behaviours: str
    content: str
    evidence: str


@dataclass(frozen=True)
class SmsSender:
    """A number that sent SMS, for the text forwarded to 12321 (no names, no notes: anyone may send it)."""

    number: str
    first_date: str
    count: int
    behaviours: list[str]
    reached: str
    """Who received them, neutrally: 借款人 / 借款人的通讯录联系人 / both."""

    @property
    def display(self) -> str:
        return zh_phone(self.number)

    @property
    def form_number(self) -> str:
        return form_number(self.number)


@dataclass(frozen=True)
class EvidenceLine:
    """An evidence item as a non-police filing shows it: contacts' names and numbers taken out."""

    label: str
    kind: str
    description: str
    collected_on: str
    proves: str = ""
    source: str = ""
    evidence_id: str = ""


@dataclass(frozen=True)
class NumberReport:
    """One number, seen from one perspective."""

    index: int | None
    """n of ``report_<n>``: the number's place in the case's list of collector numbers (None: no number)."""
    number: str | None
    on_behalf: str
    """In whose name the collectors acted (the collector's ``acting_for``, else the App or lender)."""
    category: str
    first: str
    last: str
    first_date: str
    last_date: str
    unanswered_only: bool
    to_self: Tally
    to_contacts: Tally
    contacts_reached: int
    relations: list[str]
    to_groups: Tally
    audience: int
    behaviours: list[str]
    self_notes: list[str]
    sms_content: list[str]
    rows: list[Row]
    evidence: list[EvidenceLine] = field(default_factory=list)

    @property
    def display(self) -> str:
        return zh_phone(self.number)

    @property
    def form_number(self) -> str:
        return form_number(self.number)

    @property
    def single(self) -> bool:
        return self.first == self.last

    @property
    def is_sms(self) -> bool:
        return self.category == SMS_CATEGORY

    @property
    def total(self) -> int:
        return self.to_self.total + self.to_contacts.total + self.to_groups.total


def is_mobile(number: str | None) -> bool:
    if not number or not number.startswith("+"):
        return False
    kind = phonenumbers.number_type(phonenumbers.parse(number))
    return kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def form_number(number: str | None) -> str:
    """A stored number as typed into a form: 13800000101 (mainland), +639170000001 (abroad), 106900000301."""
    if not number:
        return ""
    if number.startswith("+86"):
        return zh_phone(number).replace(" ", "").replace("-", "")
    return number


def _moment(value: datetime) -> str:
    return f"{zh_date(value)} {zh_time(value)}"


class CaseFacts:
    """Per-number, per-person facts of one case."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.contacts = {contact.id: contact for contact in case.contacts.reached}
        self.evidence_numbers = {item.id: number for number, item in enumerate(case.evidence, start=1)}

    # -- numbers and perspectives
    @property
    def numbers(self) -> list[str]:
        """Distinct collector numbers, in the order the other documents list them (collectors, then incidents)."""
        found: list[str] = []
        for collector in self.case.collectors:
            found += collector.phones
        found += [incident.from_number for incident in self.case.incidents if incident.from_number]
        return list(dict.fromkeys(found))

    def index_of(self, number: str) -> int:
        return self.numbers.index(number) + 1

    def reporter(self) -> Perspective:
        reporter = self.case.reporter
        if reporter.role is ReporterRole.BORROWER:
            return Perspective(kind="borrower", name=reporter.name, phone=reporter.phone)
        return Perspective(
            kind="reporter_contact",
            name=reporter.name,
            phone=reporter.phone,
            relation=vocab("Relation", reporter.relation_to_borrower),
            guarantor=any(i.target.guarantor for i in self.case.incidents if self.reaches_reporter(i)),
        )

    def willing_contacts(self) -> list[Perspective]:
        """The borrower's contacts who are willing to file their own report (only when the borrower files)."""
        if self.case.reporter.role is not ReporterRole.BORROWER:
            return []
        return [
            Perspective(
                kind="contact",
                name=contact.name,
                phone=contact.phone,
                relation=vocab("Relation", contact.relation),
                contact=contact,
                contact_index=index,
                guarantor=contact.guarantor,
            )
            for index, contact in enumerate(self.case.contacts.reached, start=1)
            if contact.willing_to_report
        ]

    def reaches_reporter(self, incident: Incident) -> bool:
        """Whether an incident reached the contact who files the case (they are often not in contacts.reached)."""
        target = incident.target
        reporter = self.case.reporter
        if target.kind is not TargetKind.CONTACT:
            return False
        if target.contact is None:
            return target.relation is None or target.relation == reporter.relation_to_borrower
        contact = self.contacts[target.contact]
        same_phone = contact.phone is not None and contact.phone == reporter.phone
        return same_phone or (contact.name is not None and contact.name == reporter.name)

    def reaches(self, who: Perspective, incident: Incident) -> bool:
        """Whether the incident reached the person whose report it is."""
        if who.kind == "borrower":
            return incident.target.kind is TargetKind.BORROWER
        if who.kind == "reporter_contact":
            return self.reaches_reporter(incident)
        return who.contact is not None and incident.target.contact == who.contact.id

    def in_scope(self, who: Perspective, incident: Incident) -> bool:
        """What a report may describe: everything the number did (the borrower's own case), or only what reached
        the contact (a contact's report carries no one else's data)."""
        return who.kind == "borrower" or self.reaches(who, incident)

    def numbers_for(self, who: Perspective) -> list[str]:
        """Numbers to report from this perspective: all of them for the person filing the case; for a contact,
        the numbers that reached that contact."""
        if who.kind != "contact":
            return self.numbers
        return list(dict.fromkeys(i.from_number for i in self.case.incidents if i.from_number and self.reaches(who, i)))

    def reached_at_all(self, who: Perspective) -> bool:
        return any(self.reaches(who, incident) for incident in self.case.incidents)

    # -- one report
    def report(self, who: Perspective, number: str | None) -> NumberReport:
        incidents = sorted(
            (i for i in self.case.incidents if number and i.from_number == number and self.in_scope(who, i)),
            key=lambda incident: incident.time,
        )
        calls = [i for i in incidents if i.medium is Medium.CALL]
        texts = [i for i in incidents if i.medium is Medium.SMS]
        category = CALL_CATEGORY if calls else SMS_CATEGORY if texts else ""
        timed = calls or texts or incidents
        first = min((i.time for i in timed), default=None)
        last = max((i.until or i.time for i in timed), default=None)
        self_part = [i for i in incidents if self.reaches(who, i)]
        contact_part = [i for i in incidents if i.target.kind is TargetKind.CONTACT and not self.reaches(who, i)]
        group_part = [i for i in incidents if i.target.kind is TargetKind.GROUP]
        people = {i.target.contact or f"relation:{i.target.relation}" for i in contact_part}
        relations = dict.fromkeys(vocab("Relation", self._relation(i)) for i in contact_part)
        behaviours = dict.fromkeys(self._behaviour(who, b) for i in incidents for b in i.behaviours)
        own_notes = who.kind != "contact"  # a contact's version never carries what the borrower wrote
        return NumberReport(
            index=self.index_of(number) if number else None,
            number=number,
            on_behalf=self._on_behalf(number),
            category=category,
            first=_moment(first) if first else "",
            last=_moment(last) if last else "",
            first_date=zh_date(first),
            last_date=zh_date(last),
            unanswered_only=bool(calls) and all(i.answered is False for i in calls),
            to_self=_tally(self_part),
            to_contacts=_tally(contact_part),
            contacts_reached=len(people),
            relations=list(relations),
            to_groups=_tally(group_part),
            audience=max((i.target.audience_size or 0 for i in group_part), default=0),
            behaviours=list(behaviours),
            self_notes=[self.redact(i.note) for i in self_part if i.note and own_notes],
            sms_content=[self.redact(i.note) for i in texts if i.note and own_notes],
            rows=[self.row(who, i, with_content=own_notes, with_evidence=own_notes) for i in incidents],
            evidence=self._evidence(incidents) if own_notes else [],
        )

    def _behaviour(self, who: Perspective, behaviour: str) -> str:
        if who.is_contact and behaviour in CONTACT_VIEW:
            return CONTACT_VIEW[behaviour]
        return vocab("Behaviour", behaviour)

    def _relation(self, incident: Incident) -> str | None:
        target = incident.target
        if target.contact is not None:
            return self.contacts[target.contact].relation
        return target.relation

    def _on_behalf(self, number: str | None) -> str:
        for collector in self.case.collectors:
            if number in collector.phones and collector.acting_for:
                return f"“{collector.acting_for}”"
        lender = self.case.lender
        if lender.app_name:
            return f"“{lender.app_name}”平台"
        return f"“{lender.name}”"

    def row(
        self, who: Perspective, incident: Incident, *, with_content: bool = True, with_evidence: bool = True
    ) -> Row:
        """One incident as ``who`` reports it: themselves as 本人, others by relation, never by name."""
        when = _moment(incident.time)
        if incident.until is not None:
            same_day = zh_date(incident.until) == zh_date(incident.time)
            when += f" 至 {zh_time(incident.until) if same_day else _moment(incident.until)}"
        if self.reaches(who, incident):
            target = "本人"
        elif incident.target.kind is TargetKind.GROUP:
            size = incident.target.audience_size
            target = f"群组（约{size}人）" if size else "群组"
        elif incident.target.kind is TargetKind.BORROWER:
            target = "借款人"
        else:
            target = f"联系人（{vocab('Relation', self._relation(incident))}）"
        refs = "、".join(f"证据{self.evidence_numbers[e]}" for e in incident.evidence if e in self.evidence_numbers)
        return Row(
            when=when,
            medium=vocab("Medium", incident.medium),
            number=zh_phone(incident.from_number) or incident.from_account or "未显示号码",
            target=target,
            count=incident.count,
            behaviours="、".join(self._behaviour(who, b) for b in incident.behaviours) or "催收",
            content=self.redact(incident.note) if incident.note and with_content else "",
            evidence=refs if with_evidence else "",
        )

    def _evidence(self, incidents: list[Incident]) -> list[EvidenceLine]:
        ids = {e for i in incidents for e in i.evidence}
        return [line for line in self.evidence_lines() if line.evidence_id in ids]

    def evidence_lines(self) -> list[EvidenceLine]:
        """Every evidence item, numbered as in the set's 证据清单, with contacts' names and numbers taken out."""
        return [
            EvidenceLine(
                label=f"证据{self.evidence_numbers[item.id]}",
                kind=vocab("EvidenceKind", item.kind),
                description=self.redact(item.description),
                collected_on=zh_date(item.collected_on),
                proves=self.redact(item.proves) if item.proves else "",
                source=self.redact(item.source) if item.source else "",
                evidence_id=item.id,
            )
            for item in self.case.evidence
        ]

    # -- SMS
    @property
    def has_calls_or_sms(self) -> bool:
        return any(incident.medium in (Medium.CALL, Medium.SMS) for incident in self.case.incidents)

    @property
    def has_sms(self) -> bool:
        return any(incident.medium is Medium.SMS for incident in self.case.incidents)

    def sms_senders(self) -> list[SmsSender]:
        """One entry per number that sent SMS: what to forward to 12321, worded so that anyone may send it."""
        senders = dict.fromkeys(i.from_number for i in self.case.incidents if i.medium is Medium.SMS and i.from_number)
        result = []
        for number in senders:
            texts = sorted(
                (i for i in self.case.incidents if i.medium is Medium.SMS and i.from_number == number),
                key=lambda incident: incident.time,
            )
            result.append(
                SmsSender(
                    number=number,
                    first_date=zh_date(texts[0].time),
                    count=sum(i.count for i in texts),
                    behaviours=list(dict.fromkeys(vocab("Behaviour", b) for i in texts for b in i.behaviours)),
                    reached=_reached({i.target.kind for i in texts}),
                )
            )
        return result

    # -- privacy
    def redact(self, text: str) -> str:
        """The reporter's words with the contacts' names and phone numbers taken out (12321 is not the police)."""
        for contact in self.case.contacts.reached:
            if contact.name and len(contact.name) >= 2:
                text = text.replace(contact.name, REDACTED_NAME)
        phones = {_digits(zh_phone(c.phone)) for c in self.case.contacts.reached if c.phone}
        phones |= {_digits(c.phone) for c in self.case.contacts.reached if c.phone}
        if not phones:
            return text

        def hide(match: re.Match[str]) -> str:
            digits = _digits(match.group(0))
            return REDACTED_PHONE if digits in phones or f"86{digits}" in phones else match.group(0)

        return re.sub(r"\+?\d[\d\s-]{5,}\d", hide, text)


def _reached(kinds: set[TargetKind]) -> str:
    borrower = TargetKind.BORROWER in kinds
    others = bool(kinds - {TargetKind.BORROWER})
    if borrower and others:
        return "借款人及其通讯录联系人"
    return "借款人" if borrower else "借款人的通讯录联系人"


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _tally(incidents: list[Incident]) -> Tally:
    return Tally(
        calls=sum(i.count for i in incidents if i.medium is Medium.CALL),
        sms=sum(i.count for i in incidents if i.medium is Medium.SMS),
        other=sum(i.count for i in incidents if i.medium not in (Medium.CALL, Medium.SMS)),
    )
