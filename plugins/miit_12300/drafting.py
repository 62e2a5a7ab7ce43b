"""The miit_12300 channel's drafting code: the documents it builds (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, build=".drafting:build")``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jubao import (
    CASE_TIMEZONE,
    CarrierAppeal,
    CarrierComplaint,
    Document,
    Drafter,
    DraftingContext,
    Incident,
    Perspective,
    RedactedRow,
    Redaction,
    TargetKind,
    blank,
    carrier_appeal,
    vocab,
    zh_date,
    zh_phone,
)

CARRIER_REPLY_DAYS = "telecom.carrier_reply_days"
"""The carrier's period, the rules parameter the routing reads (the plan counts the same from ``carrier_reply``)."""


@dataclass(frozen=True)
class AfterReport:
    """What the numbers did after the first 12321 report: the fact that makes the carrier's inaction matter."""

    reported_on: str
    rows: list[RedactedRow]
    acts: int


@dataclass(frozen=True)
class Span:
    """When the collector numbers were used (from the filer's side) and how many other people they reached."""

    first: str
    last: str
    people: int
    """Contacts reached by these numbers (a group counts as its audience); counted, never named."""

    @property
    def period(self) -> str:
        if not self.first:
            return f"于{blank('骚扰发生的时间')}"
        return f"于{self.first}" if self.first == self.last else f"自{self.first}至{self.last}"


@dataclass(frozen=True)
class CarrierRow:
    """One complaint already made to the carrier, as the appeal states it."""

    filed_on: str
    reference: str
    numbers: list[str]
    """The numbers it was about (empty: not recorded, i.e. the numbers above)."""
    replied: bool
    reply_on: str
    reply: str
    """What the answer said, without its closing full stop."""


@dataclass(frozen=True)
class CarrierStep:
    """Where the case stands with one carrier (or with none), for the appeal's Art. 10(4) paragraph."""

    status: str
    """``none`` (no complaint recorded), ``awaiting_reply``, ``replied`` or ``unanswered`` (``jubao.CarrierAppeal``)."""
    carrier: str
    """The carrier's id (``china_mobile`` …), empty when none is recorded."""
    brand: str
    """中国移动 / 中国联通 / 中国电信 / 中国广电; empty for another carrier or none."""
    rows: list[CarrierRow]
    due: str
    """The last day of the carrier's period for the complaint that decides (empty once it answered)."""
    opens: str
    """The first day the appeal is possible (empty when not known)."""
    numbers: list[str]
    """The numbers complained about to this carrier (empty: not recorded)."""


def build(drafter: Drafter, context: DraftingContext) -> list[Document]:
    redaction = Redaction(context.case)
    if not redaction.numbers:
        return []  # 12300 is about a carrier's handling of harassing numbers: none in this case
    who = redaction.reporter()
    used = [incident for incident in redaction.incidents(who) if incident.from_number]
    extra: dict[str, Any] = {
        "who": who,
        "span": span(redaction, who, used),
        "numbers": [redaction.number_report(who, number) for number in redaction.numbers],
        "after_report": after_report(context, redaction, who, used),
        "reports_12321": reports_12321(context, redaction),
        "evidence": redaction.evidence_lines(),
    }
    steps = carrier_steps(context, redaction)
    documents = []
    if steps[0].status == "none":  # nothing unresolved with a carrier yet: step 1 is the complaint to it
        documents.append(drafter.render("carrier_complaint", carrier=steps[0], **extra))
    for step in steps:
        document_id = f"appeal_{step.carrier}" if len(steps) > 1 else "appeal"
        documents.append(drafter.render("appeal", document_id=document_id, carrier=step, **extra))
    return documents


def carrier_steps(context: DraftingContext, redaction: Redaction) -> list[CarrierStep]:
    """One step per carrier with an unresolved complaint made by the document date (each is a respondent of its
    own), or a single ``none`` step when there is none."""
    case, today = context.case, context.evaluation.today
    days = context.param(CARRIER_REPLY_DAYS)
    pending = [c for c in case.carrier_complaints if c.filed_on <= today and not c.resolved]
    carriers = list(dict.fromkeys(c.carrier for c in sorted(pending, key=lambda c: c.filed_on)))
    steps = []
    for carrier in carriers:
        own = tuple(c for c in pending if c.carrier is carrier)
        appeal = carrier_appeal(case.model_copy(update={"carrier_complaints": own}), today=today, reply_days=days)
        steps.append(_step(appeal, carrier.value, redaction))
    return steps or [CarrierStep(status="none", carrier="", brand="", rows=[], due="", opens="", numbers=[])]


def _step(appeal: CarrierAppeal, carrier: str, redaction: Redaction) -> CarrierStep:
    rows = [_row(c, redaction) for c in appeal.complaints]
    numbers = list(dict.fromkeys(n for row in rows for n in row.numbers))
    return CarrierStep(
        status=appeal.status,
        carrier=carrier,
        brand="" if carrier == "other" else vocab("Carrier", carrier),
        rows=rows,
        due=zh_date(appeal.reply_due) if appeal.reply_due and appeal.status != "replied" else "",
        opens=zh_date(appeal.opens_on) if appeal.opens_on else "",
        numbers=numbers,
    )


def _row(complaint: CarrierComplaint, redaction: Redaction) -> CarrierRow:
    return CarrierRow(
        filed_on=zh_date(complaint.filed_on),
        reference=complaint.reference_number or "",
        numbers=[zh_phone(n) for n in complaint.about_numbers],
        replied=complaint.reply_received,
        reply_on=zh_date(complaint.reply_on) if complaint.reply_on else "",
        reply=_summary(redaction, complaint.reply_summary),
    )


@dataclass(frozen=True)
class ReportRow:
    """A 12321 report already made (``prior_complaints``, channel ``miit_12321``)."""

    filed_on: str
    reference: str
    reply: str


def reports_12321(context: DraftingContext, redaction: Redaction) -> list[ReportRow]:
    """The 12321 reports already made, oldest first, with their answers' summaries redacted (free text)."""
    made = sorted((p for p in context.case.prior_complaints if p.channel == "miit_12321"), key=lambda p: p.filed_on)
    return [
        ReportRow(
            filed_on=zh_date(p.filed_on), reference=p.reference_number or "", reply=_summary(redaction, p.reply_summary)
        )
        for p in made
    ]


def _summary(redaction: Redaction, text: str | None) -> str:
    """A reply's summary as the reporter recorded it: contacts' names and numbers taken out, no closing stop."""
    return redaction.redact(text or "").strip().rstrip("。.；;")


def span(redaction: Redaction, who: Perspective, used: list[Incident]) -> Span:
    """When the collector numbers were used (``used``: the incidents from a number ``who`` may describe)."""
    if not used:  # the case records no call or SMS from these numbers to the filer
        return Span(first="", last="", people=0)
    people: set[str] = set()
    audience = 0
    for incident in used:
        target = incident.target
        if target.kind is TargetKind.CONTACT and not redaction.reaches(who, incident):
            people.add(target.contact or f"relation:{target.relation}")
        elif target.kind is TargetKind.GROUP:
            audience = max(audience, target.audience_size or 1)
    return Span(
        first=zh_date(min(i.time for i in used)),
        last=zh_date(max(i.until or i.time for i in used)),
        people=max(len(people), audience),
    )


def after_report(
    context: DraftingContext, redaction: Redaction, who: Perspective, used: list[Incident]
) -> AfterReport | None:
    """Incidents from a collector number still going on after the first 12321 report (None: no report filed)."""
    filed = [p.filed_on for p in context.case.prior_complaints if p.channel == "miit_12321"]
    if not filed:
        return None
    first: date = min(filed)
    later = [i for i in used if (i.until or i.time).astimezone(CASE_TIMEZONE).date() > first]
    return AfterReport(
        reported_on=zh_date(first),
        rows=[redaction.row(who, incident, with_content=False) for incident in later],
        acts=sum(incident.count for incident in later),
    )
