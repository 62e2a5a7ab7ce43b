"""Redaction per perspective: what a filing may say depends on whose filing it is and where it goes.

The contacts a collector reaches are third parties to the debt, and jubao's privacy promise (docs/documents.md)
is that their names and numbers appear only in documents for the police, the courts and the contacts' own
filings. Filings to anyone else (12321, 12300 and the carriers, NIFA …) name no contact; and since every person
harassed may file their own report, a contact's own version holds only that contact's data. So a filing is
drafted from one *perspective* (``Perspective``), which decides what it may reveal:

* **the borrower filing the case** (``borrower``) may describe everything the collectors did — it is their
  case — but other people appear only by relation and count (联系人（同事）, 2名联系人), never by name or number.
  The borrower's own notes and evidence descriptions are kept with every contact's name and number replaced
  (联系人1, 联系人1的号码 — see ``ContactRedactor``);
* **a contact filing the case** (``reporter_contact``) describes only what reached them, with their own notes
  and evidence redacted the same way;
* **a willing contact of a borrower who files** (``contact``) gets a version to file themselves: only what
  reached that contact, nothing the borrower wrote (no notes, no evidence), no other contact, and behaviours
  worded from the contact's side (要求本人代为还款 rather than 要求联系人代为还款).

``Redaction`` computes, for one case, everything such a filing may state: the collector numbers and what each
did as seen from a perspective (``NumberReport``), incidents as rows (``RedactedRow``), the evidence list
(``RedactedEvidence``) and any free text with the contacts' data taken out (``redact``). ``form_payload`` reads a
web form's fields back from the rendered document, so the JSON a channel submits can carry nothing the
(redacted) readable version does not. Everything here is data for templates; the wording is in the channels'
templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any

import phonenumbers

from jubao.case import Case, Contact, Incident
from jubao.documents_api import Document, Note, NumberedList, Paragraph, Section, Table
from jubao.drafting import vocab, zh_date, zh_phone, zh_time
from jubao.vocabulary import Medium, ReporterRole, TargetKind

REDACTED_NAME = "联系人{n}"
"""What contact n's name becomes in free text (n: the contact's place in ``contacts.reached``, from 1 — the 序号 of
the contacts table the police and court filings carry)."""
REDACTED_PHONE = "联系人{n}的号码"
"""What contact n's phone number becomes in free text."""
CONTACT_VIEW = {
    "debt_disclosure": "向本人透露借款人的债务",
    "demand_payment_from_third_party": "要求本人代为还款",
}
"""Behaviours as a contact states them about themselves (the vocabulary words them from the borrower's side)."""
CALL_CATEGORY = "骚扰电话"
SMS_CATEGORY = "垃圾短信"
FORM_SECTION = "表单填写内容"
"""The section whose two-column table is a web form (see ``form_payload``)."""


# --- numbers as forms take them ----------------------------------------------------------------------------------


def is_mobile(number: str | None) -> bool:
    """Whether a stored number is a mobile (forms that send a verification code need one)."""
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


# --- what a filing may show -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Perspective:
    """Whose filing it is (see the module docstring for what each kind may reveal)."""

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
    """n of the contact in ``contacts.reached`` (from 1), for a willing contact."""
    guarantor: bool = False

    @property
    def is_borrower(self) -> bool:
        return self.kind == "borrower"

    @property
    def is_contact(self) -> bool:
        return not self.is_borrower

    @property
    def own_notes(self) -> bool:
        """Whether the filing may quote the case's notes and evidence: only the person who wrote them (the one
        filing the case) may; a willing contact's version never carries what the borrower wrote."""
        return self.kind != "contact"

    @property
    def phone_display(self) -> str:
        return zh_phone(self.phone)

    @property
    def phone_form(self) -> str:
        """The number for a form's 举报人手机号, which takes a mobile (it receives the verification code)."""
        return form_number(self.phone) if is_mobile(self.phone) else ""

    @property
    def landline(self) -> str:
        """The person's number when it is not a mobile (a work landline): shown, but not put in a form."""
        return zh_phone(self.phone) if self.phone and not is_mobile(self.phone) else ""


@dataclass(frozen=True)
class Tally:
    """Contacts by medium: calls, SMS and anything else."""

    calls: int = 0
    sms: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.calls + self.sms + self.other


@dataclass(frozen=True)
class RedactedRow:
    """One incident as a perspective shows it: that person as 本人, anyone else by role or relation, never by
    name; ``content`` and ``evidence`` are empty where the perspective may not quote the case's notes."""

    when: str
    medium: str
    number: str
    target: str
    count: int
    behaviours: str
    content: str
    evidence: str


@dataclass(frozen=True)
class RedactedEvidence:
    """An evidence item, numbered as in the set's 证据清单, with the contacts' names and numbers taken out."""

    label: str
    kind: str
    description: str
    collected_on: str
    proves: str = ""
    source: str = ""
    evidence_id: str = ""


@dataclass(frozen=True)
class NumberReport:
    """One collector number, seen from one perspective: what reached that person, other contacts counted by
    relation (for the person filing the case only), and the redacted notes and evidence they may quote."""

    index: int | None
    """The number's place (from 1) in the case's list of collector numbers (None: no number)."""
    number: str | None
    on_behalf: str
    """In whose name the collectors acted (the collector's ``acting_for``, else the App or lender)."""
    category: str
    """骚扰电话 (any call), 垃圾短信 (SMS only), or empty."""
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
    rows: list[RedactedRow]
    evidence: list[RedactedEvidence] = field(default_factory=list)

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


# --- the case, per perspective --------------------------------------------------------------------------------


class Redaction:
    """One case as filings outside the police and courts may state it, per perspective."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.contacts = {contact.id: contact for contact in case.contacts.reached}
        self.evidence_numbers = {item.id: number for number, item in enumerate(case.evidence, start=1)}

    # -- perspectives
    def reporter(self) -> Perspective:
        """The person filing the case: the borrower, or a contact (with their relation to the borrower)."""
        reporter = self.case.reporter
        if reporter.role is ReporterRole.BORROWER:
            return Perspective(kind="borrower", name=reporter.name, phone=reporter.phone)
        return Perspective(
            kind="reporter_contact",
            name=reporter.name,
            phone=reporter.phone,
            relation=vocab("Relation", reporter.relation_to_borrower),
            guarantor=any(i.target.guarantor for i in self.case.incidents if self._reaches_reporter(i)),
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

    # -- what reached whom
    def reaches(self, who: Perspective, incident: Incident) -> bool:
        """Whether the incident reached the person whose filing it is."""
        if who.kind == "borrower":
            return incident.target.kind is TargetKind.BORROWER
        if who.kind == "reporter_contact":
            return self._reaches_reporter(incident)
        return who.contact is not None and incident.target.contact == who.contact.id

    def in_scope(self, who: Perspective, incident: Incident) -> bool:
        """What a filing may describe: everything the collectors did (the borrower's own case), or only what
        reached the contact (a contact's filing carries no one else's data)."""
        return who.kind == "borrower" or self.reaches(who, incident)

    def incidents(self, who: Perspective) -> list[Incident]:
        """The incidents a filing from ``who`` may describe, in time order."""
        return sorted((i for i in self.case.incidents if self.in_scope(who, i)), key=lambda incident: incident.time)

    def reached_at_all(self, who: Perspective) -> bool:
        return any(self.reaches(who, incident) for incident in self.case.incidents)

    def _reaches_reporter(self, incident: Incident) -> bool:
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

    # -- collector numbers
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

    def numbers_for(self, who: Perspective) -> list[str]:
        """Numbers ``who`` may report: all of them for the person filing the case; for a willing contact, the
        numbers that reached that contact."""
        if who.kind != "contact":
            return self.numbers
        return list(dict.fromkeys(i.from_number for i in self.case.incidents if i.from_number and self.reaches(who, i)))

    def number_report(self, who: Perspective, number: str | None) -> NumberReport:
        """What ``number`` did, as ``who`` may report it (``None``: a report with the number left blank)."""
        incidents = [i for i in self.incidents(who) if number and i.from_number == number]
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
        own_notes = who.own_notes
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
            behaviours=self.behaviours(who, incidents),
            self_notes=[self.redact(i.note) for i in self_part if i.note and own_notes],
            sms_content=[self.redact(i.note) for i in texts if i.note and own_notes],
            rows=[self.row(who, i, with_content=own_notes, with_evidence=own_notes) for i in incidents],
            evidence=self._evidence(incidents) if own_notes else [],
        )

    def _on_behalf(self, number: str | None) -> str:
        for collector in self.case.collectors:
            if number in collector.phones and collector.acting_for:
                return f"“{collector.acting_for}”"
        lender = self.case.lender
        if lender.app_name:
            return f"“{lender.app_name}”平台"
        return f"“{lender.name}”"

    # -- wording
    def behaviour(self, who: Perspective, behaviour: str) -> str:
        """A behaviour's label, in the contact's own words when a contact files."""
        if who.is_contact and behaviour in CONTACT_VIEW:
            return CONTACT_VIEW[behaviour]
        return vocab("Behaviour", behaviour)

    def behaviours(self, who: Perspective, incidents: list[Incident]) -> list[str]:
        """The distinct behaviours of ``incidents``, in order, as ``who`` states them."""
        return list(dict.fromkeys(self.behaviour(who, b) for i in incidents for b in i.behaviours))

    def row(
        self, who: Perspective, incident: Incident, *, with_content: bool = True, with_evidence: bool = True
    ) -> RedactedRow:
        """One incident as ``who`` reports it: themselves as 本人, others by relation, never by name."""
        when = _moment(incident.time)
        if incident.until is not None:
            same_day = zh_date(incident.until) == zh_date(incident.time)
            when += f" 至 {zh_time(incident.until) if same_day else _moment(incident.until)}"
        refs = "、".join(f"证据{self.evidence_numbers[e]}" for e in incident.evidence if e in self.evidence_numbers)
        return RedactedRow(
            when=when,
            medium=vocab("Medium", incident.medium),
            number=zh_phone(incident.from_number) or incident.from_account or "未显示号码",
            target=self._target(who, incident),
            count=incident.count,
            behaviours="、".join(self.behaviour(who, b) for b in incident.behaviours) or "催收",
            content=self.redact(incident.note) if incident.note and with_content else "",
            evidence=refs if with_evidence else "",
        )

    def _target(self, who: Perspective, incident: Incident) -> str:
        if self.reaches(who, incident):
            return "本人"
        if incident.target.kind is TargetKind.GROUP:
            size = incident.target.audience_size
            return f"群组（约{size}人）" if size else "群组"
        if incident.target.kind is TargetKind.BORROWER:
            return "借款人"
        return f"联系人（{vocab('Relation', self._relation(incident))}）"

    def _relation(self, incident: Incident) -> str | None:
        target = incident.target
        if target.contact is not None:
            return self.contacts[target.contact].relation
        return target.relation

    # -- evidence and free text
    def evidence_lines(self) -> list[RedactedEvidence]:
        """Every evidence item, numbered as in the set's 证据清单, with contacts' names and numbers taken out."""
        return [
            RedactedEvidence(
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

    def _evidence(self, incidents: list[Incident]) -> list[RedactedEvidence]:
        ids = {e for i in incidents for e in i.evidence}
        return [line for line in self.evidence_lines() if line.evidence_id in ids]

    def redact(self, text: str) -> str:
        """Free text with every reached contact's name and phone number replaced (``ContactRedactor``)."""
        return self._redactor(text)

    @cached_property
    def _redactor(self) -> ContactRedactor:
        return ContactRedactor(self.case)


def _moment(value: datetime) -> str:
    return f"{zh_date(value)} {zh_time(value)}"


# --- free text ------------------------------------------------------------------------------------------------

_SEPARATOR = r"[\s\-–()（）.]?"
"""What people type between the digits of a number: 138 0000 0102, 010-5555 0110, (010)55550110."""
_PROTECTED = 0xE000
"""Private-use characters that stand in for the names a redaction must not cut into."""


class ContactRedactor:
    """Free text (notes, evidence descriptions, what an evidence item proves, its source, a reply's summary) with the
    name and number of every contact the collectors reached replaced: contact n's name by 联系人n, their number —
    however it is written: 010 5555 0110, 01055550110, +86 10 5555 0110, 1055550110 — by 联系人n的号码.

    Filings outside the police and the courts carry the reporter's free text only this way (docs/documents.md, 隐私);
    ``CaseView`` applies it for every channel that does not declare ``names_contacts``. Kept: the reporter's own
    name and number (also when the reporter is one of the contacts listed), and the borrower's name — a contact
    named 王晓 does not cut 王晓明. Names of one character are left alone (they would hit ordinary words).

    The names are replaced one after the other (longest first), then the numbers, in the order of the contacts.
    A text is only tried against the names and numbers that are in it — found by looking its substrings up in a
    table of the names and of the numbers' digits — so that a case's notes cost time in proportion to their
    length, not to their length times the number of contacts (``tests/test_document_scaling.py`` checks
    the result against trying every name and number).
    """

    def __init__(self, case: Case) -> None:
        reporter = case.reporter
        borrower = case.borrower.name if case.borrower else None
        self._kept = [name for name in dict.fromkeys((reporter.name, borrower)) if name]
        names: list[tuple[str, str]] = []
        self._phones: list[tuple[re.Pattern[str], str]] = []
        phone_keys: list[str | None] = []
        for n, contact in enumerate(case.contacts.reached, start=1):
            if contact.phone is not None and contact.phone == reporter.phone:
                continue  # the reporter, listed among the contacts: their own data, in their own filing
            if contact.name and len(contact.name) >= 2 and contact.name not in self._kept:
                names.append((contact.name, REDACTED_NAME.format(n=n)))
            if contact.phone:
                self._phones.append((_phone_pattern(contact.phone), REDACTED_PHONE.format(n=n)))
                phone_keys.append(_phone_digits(contact.phone))
        self._names = sorted(names, key=lambda item: -len(item[0]))  # 王晓红 before 王晓
        self._name_index = _Index([name for name, _ in self._names])
        self._phone_index = _Index(phone_keys)

    def __bool__(self) -> bool:
        """Whether there is anything to take out."""
        return bool(self._names or self._phones)

    def __call__(self, text: str) -> str:
        if not text or not self:
            return text
        for index, name in enumerate(self._kept):
            text = text.replace(name, chr(_PROTECTED + index))
        text = _replace_in_order(text, self._name_index.candidates, self._replace_name)
        for index, name in enumerate(self._kept):
            text = text.replace(chr(_PROTECTED + index), name)
        return _replace_in_order(text, self._phone_candidates, self._replace_phone)

    def _replace_name(self, index: int, text: str) -> str:
        name, label = self._names[index]
        return text.replace(name, label)

    def _phone_candidates(self, text: str) -> list[int]:
        return self._phone_index.candidates(_NOT_DIGITS.sub("", text))

    def _replace_phone(self, index: int, text: str) -> str:
        pattern, label = self._phones[index]
        return pattern.sub(label, text)


def _replace_in_order(text: str, candidates: Callable[[str], list[int]], replace: Callable[[int, str], str]) -> str:
    """``for i in range(count): text = replace(i, text)``, trying only the ``candidates`` of the text (every
    replacement that can change it, in order). A replacement that changes the text may bring what a later one
    replaces (a label holds a contact's number n), so the candidates after it are looked up again."""
    done = -1
    while True:
        for index in candidates(text):
            if index <= done:
                continue
            replaced = replace(index, text)
            if replaced != text:
                text, done = replaced, index
                break
        else:
            return text


class _Index:
    """Which of some keys (names, the digits of numbers) a text contains, found by looking up each of the text's
    substrings of a key's length: time in the text's length times the number of different key lengths, however
    many keys there are. A key of ``None`` may be anywhere: always a candidate."""

    def __init__(self, keys: Sequence[str | None]) -> None:
        self._always = [index for index, key in enumerate(keys) if not key]
        self._by_key: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            if key:
                self._by_key.setdefault(key, []).append(index)
        self._lengths = sorted({len(key) for key in self._by_key})

    def candidates(self, text: str) -> list[int]:
        """The indices, in order, of the keys found in ``text`` (and of those that are always candidates)."""
        found = set(self._always)
        by_key = self._by_key
        for length in self._lengths:
            for position in range(len(text) - length + 1):
                hit = by_key.get(text[position : position + length])
                if hit:
                    found.update(hit)
        return sorted(found)


_NOT_DIGITS = re.compile(r"\D")


@lru_cache(maxsize=4096)
def _phone_digits(number: str) -> str | None:
    """Digits that every text matched by ``_phone_pattern(number)`` holds one after the other once everything but
    digits is taken out (its separators and prefixes are not digits): the national number, or a service
    number's digits. ``None`` when there are none to rely on."""
    if not number.startswith("+"):
        return number if number.isascii() and number.isdigit() else None
    return phonenumbers.national_significant_number(phonenumbers.parse(number)) or None


@lru_cache(maxsize=4096)
def _phone_pattern(number: str) -> re.Pattern[str]:
    """Every usual spelling of a stored number (E.164, or the digits of a service number), as one pattern.

    Cached: each document of a set builds its own redactor, and compiling costs ~1 ms a number (the separators
    are a Unicode class); past ``re``'s own cache of 512 patterns a case with 1,000 contacts recompiled them all
    for every document."""
    if not number.startswith("+"):
        return re.compile(rf"(?<!\d){_SEPARATOR.join(number)}(?!\d)")
    parsed = phonenumbers.parse(number)
    country = str(parsed.country_code)
    national = _SEPARATOR.join(phonenumbers.national_significant_number(parsed))
    prefix = rf"(?:(?:\+|00)?{country}{_SEPARATOR})?"
    trunk = "0?" if country == "86" else ""  # 010 5555 0110 and +86 10 5555 0110 are one number
    return re.compile(rf"(?<![\d+]){prefix}[(（]?{trunk}{national}(?!\d)")


def _tally(incidents: list[Incident]) -> Tally:
    return Tally(
        calls=sum(i.count for i in incidents if i.medium is Medium.CALL),
        sms=sum(i.count for i in incidents if i.medium is Medium.SMS),
        other=sum(i.count for i in incidents if i.medium not in (Medium.CALL, Medium.SMS)),
    )


# --- web forms --------------------------------------------------------------------------------------------------


def form_payload(document: Document, form_section: str = FORM_SECTION) -> dict[str, Any]:
    """A web form's fields, read back from the rendered document (so the JSON and the readable version cannot
    disagree, and the JSON holds nothing the redacted text does not): the rows of the form section's table
    (field → value); a field that has a section of its own (描述) takes that section's text; the form section's
    notes become ``_说明``."""
    sections = {section.heading: section for section in document.sections}
    form = sections[form_section]
    table = next(block for block in form.all_blocks() if isinstance(block, Table))
    payload: dict[str, Any] = {}
    for key, value, *_ in table.rows:
        payload[key] = _section_value(sections[key]) if key in sections else value
    notes = [block.text for block in form.all_blocks() if isinstance(block, Note)]
    if notes:
        payload["_说明"] = " ".join(notes)
    return payload


def _section_value(section: Section) -> str | list[str]:
    blocks = section.all_blocks()
    if len(blocks) == 1 and isinstance(blocks[0], NumberedList):
        return list(blocks[0].items)
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, NumberedList):
            lines += [f"{number}. {item}" for number, item in enumerate(block.items, start=1)]
    return "\n".join(lines)
