"""The lender_complaint channel's drafting code: the values its templates get (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, values=".drafting:template_values")``).
"""

from __future__ import annotations

from typing import Any

from jubao import (
    CaseView,
    DraftingContext,
    Redaction,
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
