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

The per-number facts and the redaction of contacts' names come from the 12321 plugin's ``facts`` module (the
same counts as the 12321 reports). The carrier is never guessed: its name and address are blanks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.documents_api import blank
from jubao.drafting import Drafter, channel_from_package, zh_date
from jubao.evaluation import Evaluation
from jubao.types import CASE_TIMEZONE
from jubao.vocabulary import TargetKind
from jubao_plugins.miit_12321.facts import CaseFacts, Row

CHANNEL = channel_from_package(__name__)


@dataclass(frozen=True)
class AfterReport:
    """What the numbers did after the first 12321 report: the fact that makes the carrier's inaction matter."""

    reported_on: str
    rows: list[Row]
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


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    facts = CaseFacts(case)
    if not facts.numbers:
        return []  # 12300 is about a carrier's handling of harassing numbers: none in this case
    who = facts.reporter()
    extra: dict[str, Any] = {
        "who": who,
        "span": span(case, facts),
        "numbers": [facts.report(who, number) for number in facts.numbers],
        "after_report": after_report(case, facts),
        "evidence": facts.evidence_lines(),
    }
    return [drafter.render("carrier_complaint", **extra), drafter.render("appeal", **extra)]


def span(case: Case, facts: CaseFacts) -> Span:
    who = facts.reporter()
    used = [i for i in case.incidents if i.from_number and facts.in_scope(who, i)]
    if not used:  # the case records no call or SMS from these numbers to the filer
        return Span(first="", last="", people=0)
    people: set[str] = set()
    audience = 0
    for incident in used:
        target = incident.target
        if target.kind is TargetKind.CONTACT and not facts.reaches(who, incident):
            people.add(target.contact or f"relation:{target.relation}")
        elif target.kind is TargetKind.GROUP:
            audience = max(audience, target.audience_size or 1)
    return Span(
        first=zh_date(min(i.time for i in used)),
        last=zh_date(max(i.until or i.time for i in used)),
        people=max(len(people), audience),
    )


def after_report(case: Case, facts: CaseFacts) -> AfterReport | None:
    """Incidents from a collector number still going on after the first 12321 report (None: no report filed)."""
    filed = [p.filed_on for p in case.prior_complaints if p.channel == "miit_12321"]
    if not filed:
        return None
    first: date = min(filed)
    who = facts.reporter()
    later = sorted(
        (
            incident
            for incident in case.incidents
            if incident.from_number
            and facts.in_scope(who, incident)
            and (incident.until or incident.time).astimezone(CASE_TIMEZONE).date() > first
        ),
        key=lambda incident: incident.time,
    )
    return AfterReport(
        reported_on=zh_date(first),
        rows=[facts.row(who, incident, with_content=False) for incident in later],
        acts=sum(incident.count for incident in later),
    )
