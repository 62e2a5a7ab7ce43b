"""The samr_12315 channel's drafting code: the documents it builds (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, build=".drafting:build")``).
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
