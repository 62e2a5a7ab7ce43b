"""Built-in channel: 12300, the telecom user appeal centres — only for complaints against a carrier.

12300 takes appeals against carriers, after the user has complained to the carrier and got no reply within 15
days or an unsatisfactory one (reference §1.8, 《电信用户申诉处理办法》 Art. 10). For 爆通讯录 that is the narrow
case of a carrier that does nothing about harassing numbers already reported (to 12321 or to the carrier). So
this plugin writes two documents, in order:

* ``carrier_complaint`` — the complaint to the carrier itself (step 1, with the 15-day clock);
* ``appeal`` — the 申诉书 to the appeal centre of the carrier's province, with the contents Art. 12 requires
  (name, address, phone, postcode; the respondent's name and address; request, reasons and facts; date) and
  the Art. 10 conditions stated (the prior complaint to the carrier stays a visible blank: the case format has
  no place for it; the 12321 reports come from ``prior_complaints``).

The per-number facts and the redaction of contacts' names come from ``jubao.Redaction`` (the same counts as
the 12321 reports; a carrier is not the police, so contacts are counted, never named). The carrier is never
guessed: its name and address are blanks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jubao import (
    CASE_TIMEZONE,
    Document,
    Drafter,
    DraftingContext,
    Incident,
    Perspective,
    RedactedRow,
    Redaction,
    TargetKind,
    TemplateChannel,
    blank,
    zh_date,
)


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
        "evidence": redaction.evidence_lines(),
    }
    return [drafter.render("carrier_complaint", **extra), drafter.render("appeal", **extra)]


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


plugin = TemplateChannel(__name__, build=build)
