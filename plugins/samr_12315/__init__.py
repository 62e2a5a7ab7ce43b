"""Built-in channel: 12315 / 市场监管 — reporting a "consulting" company that in fact does debt collection
(reference §1.13).

Debt-collection companies (讨债公司) have been banned since 1995 and 2000, so collectors register as 商务咨询 /
信息咨询 companies. The document is a 举报信 (a report of suspected market-regulation violations) to the bureau
where the company operates; one per named agency, since each may sit in a different county. The channel's facts
are data in ``channel.yaml``; the letter is ``templates/report.md.j2``.

Code remains because each letter is about one agency, which ``ctx`` does not know: ``agency`` carries its name,
code, numbers, and the incidents linked to it (its numbers and accounts; all incidents when none match), with
the people reached named by relation only — a report to a market regulator does not need the contacts' names.

Collecting for a licensed institution under an outsourcing contract is lawful, so the letter calls the business
a banned 讨债 only where the creditor is unlicensed (``creditor_licensed``: ``licensed`` / ``unlicensed`` /
``unknown``); otherwise it reports the manner of collection and asks the bureau to check the registered scope.
A credit card's parties are 发卡机构 and 持卡人 (``card``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from jubao import (
    CaseView,
    Collector,
    Document,
    Drafter,
    DraftingContext,
    TemplateChannel,
    anonymised_incidents,
    incident_period,
    reached_remotely,
    reached_third_parties,
    zh_phone,
)


def build(drafter: Drafter, context: DraftingContext) -> list[Document]:
    view = drafter.view()
    agencies: list[Collector | None] = [c for c in context.case.collectors if c.agency_name] or [None]
    card = view.credit_card
    return [
        drafter.render(
            "report",
            document_id="report" if number == 1 else f"report_{number}",
            agency=reported_agency(view, collector, card=card),
            card=card,
            creditor_licensed=view.evaluation.classification.licence_status.value,
        )
        for number, collector in enumerate(agencies, start=1)
    ]


def reported_agency(view: CaseView, collector: Collector | None, *, card: bool = False) -> dict[str, Any]:
    """One reported company (``None``: no agency is named): its name, code, whom it said it collected for, its
    numbers, and the incidents it is linked to, with their period and reach (third parties; phone, SMS or
    online — 民法典 1033(1)). For a credit card the people reached are the 持卡人's relations."""
    rows = anonymised_incidents(view)
    if card:
        rows = [replace(row, target=row.target.replace("借款人", "持卡人")) for row in rows]
    linked = []
    if collector is not None:
        numbers, accounts = set(collector.phones), set(collector.accounts)
        linked = [row for row in rows if row.incident.from_number in numbers or row.incident.from_account in accounts]
    shown = linked or rows
    return {
        "name": collector.agency_name if collector else None,
        "credit_code": collector.credit_code if collector else None,
        "acting_for": collector.acting_for if collector else None,
        "numbers": [zh_phone(n) for n in collector.phones] + list(collector.accounts) if collector else [],
        "rows": shown,
        "linked": bool(linked),
        "period": incident_period(shown),
        "third": reached_third_parties(shown),
        "remote": reached_remotely(shown),
    }


plugin = TemplateChannel(__name__, build=build)
