"""Built-in channel: 12315 / 市场监管 — reporting a "consulting" company that in fact does debt collection
(reference §1.13).

Debt-collection companies (讨债公司) have been banned since 1995 and 2000, so collectors register as 商务咨询 /
信息咨询 companies. The document is a 举报信 (a report of suspected market-regulation violations) to the bureau
where the company operates; one per named agency, since each may sit in a different county. The channel's facts
are data in ``channel.yaml``; the letter is ``templates/report.md.j2``.

Computed here and passed to the template (the shared ``CaseView`` does not offer them):

* ``rows`` — the incidents attributable to this agency (its numbers and accounts), contacts named by relation
  only: a report to a market regulator does not need the contacts' names;
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from jubao import Channel, Document, hookimpl
from jubao.case import Case, Collector
from jubao.drafting import CaseView, Drafter, IncidentRow, channel_from_package, trim_note, zh_date, zh_phone
from jubao.evaluation import Evaluation
from jubao.vocabulary import Medium, TargetKind

CHANNEL = channel_from_package(__name__)

OFFLINE = (Medium.IN_PERSON, Medium.LETTER, Medium.OTHER)


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    view = drafter.view()
    agencies: list[Collector | None] = [collector for collector in case.collectors if collector.agency_name] or [None]
    documents = []
    for number, collector in enumerate(agencies, start=1):
        documents.append(
            drafter.render(
                "report",
                document_id="report" if number == 1 else f"report_{number}",
                agency=_agency(view, collector),
                prior=view.prior_complaints,
            )
        )
    return documents


def _agency(view: CaseView, collector: Collector | None) -> dict[str, Any]:
    """One reported company: its name, code, whom it said it collected for, and the incidents it is linked to."""
    rows = anonymised_incidents(view)
    if collector is None:
        return {
            "name": None,
            "credit_code": None,
            "acting_for": None,
            "numbers": [],
            "rows": rows,
            "linked": False,
            "period": _period(rows),
            **_reach(rows),
        }
    numbers = set(collector.phones)
    accounts = set(collector.accounts)
    linked = [row for row in rows if (row.incident.from_number in numbers) or (row.incident.from_account in accounts)]
    return {
        "name": collector.agency_name,
        "credit_code": collector.credit_code,
        "acting_for": collector.acting_for,
        "numbers": [zh_phone(n) for n in collector.phones] + list(collector.accounts),
        "rows": linked or rows,
        "linked": bool(linked),
        "period": _period(linked or rows),
        **_reach(linked or rows),
    }


def _reach(rows: list[IncidentRow]) -> dict[str, bool]:
    """Whether these incidents reached third parties, and whether by phone, SMS or online (民法典 1033(1))."""
    return {
        "third": any(row.incident.target.kind is not TargetKind.BORROWER for row in rows),
        "remote": any(row.incident.medium not in OFFLINE for row in rows),
    }


def _period(rows: list[IncidentRow]) -> str:
    """于2026年10月12日, or 自2026年10月12日至2026年10月16日."""
    first = rows[0].date
    last = zh_date(max(row.incident.until or row.incident.time for row in rows))
    return f"于{first}" if first == last else f"自{first}至{last}"


# --- helpers (kept in this plugin: they need nothing beyond the public CaseView) -------------------------------


def anonymised_incidents(view: CaseView) -> list[IncidentRow]:
    """The timeline rows (``CaseView`` names contacts by relation only, never by name) with each note's final
    full stop dropped: the template adds its own after the evidence reference."""
    return [replace(row, note=trim_note(row.note)) for row in view.incidents]
