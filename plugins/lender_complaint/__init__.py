"""Built-in channel: the lender's own complaint desk (step 1), with a complaint and a PIPL rights request.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin. The channel's facts
(filing routes — in the App, by phone, by post —, what to bring and keep, required items, deadlines and their basis,
and whom the 15/30/60-day clock binds) are data in ``channel.yaml``; the documents are templates in ``templates/``.

The templates get a few values computed here, for what ``ctx`` does not know: whether the 15/30/60-day clock binds
(``Deadline.applies_to``: banks and insurers answering their own consumers — not a microlender or a guarantor, and
not a borrower's contact), whether the debt is a credit card (发卡机构/持卡人 wording), how to call the person who owes
(a guarantor collecting by recourse or a debt buyer never lent the money), and the reporter's free text with the
contacts' names and numbers taken out (``jubao.Redaction``: the lender is not the police or a court).
"""

from __future__ import annotations

from typing import Any

from jubao import (
    CaseView,
    DraftingContext,
    Redaction,
    TemplateChannel,
    reached_remotely,
)

"""``CaseView.phone_kind`` of a fixed line."""


def template_values(context: DraftingContext) -> dict[str, Any]:
    """What the two templates get besides ``ctx``."""
    view = CaseView(context)
    redaction = Redaction(context.case)
    reporter = redaction.reporter()
    channel = context.channel
    clock = next((d for d in channel.deadlines if d.id == "complaint_reply"), None) if channel else None
    card = view.credit_card
    return {
        "consumer_clock": clock is not None and clock.binds(context.case),
        "credit_card": card,
        **{key: view.debt_terms[key] for key in ("debtor", "debt_word", "contract_word")},
        "redact": redaction.redact,
        "evidence": redaction.evidence_lines(),
        "reporter_guarantor": reporter.guarantor,
        "reaches_reporter": lambda incident: redaction.reaches(reporter, incident),
        "remote": reached_remotely(view.incidents),
        "pi_third_parties": view.natural_third_party_reached,
        "reached_reporter": sum(i.count for i in context.case.incidents if redaction.reaches(reporter, i)),
    }


plugin = TemplateChannel(__name__, values=template_values)
