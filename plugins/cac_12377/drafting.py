"""The cac_12377 channel's drafting code: the values its templates get (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, values=".drafting:template_values")``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from jubao import (
    CaseView,
    DraftingContext,
    Redaction,
    anonymised_incidents,
    online_summary,
    vocab,
)


def template_values(context: DraftingContext) -> dict[str, Any]:
    """The incidents by relation only, and what was posted online (see the package docstring)."""
    view = CaseView(context)
    rows = anonymised_incidents(view)
    reached_me = False
    if not view.reporter_is_borrower:
        redaction = Redaction(context.case)
        who = redaction.reporter()
        own = [replace(row, target="投诉举报人") for row in rows if redaction.reaches(who, row.incident)]
        reached_me = bool(own)
        rows = own or rows
    card = view.credit_card
    if card:
        rows = [replace(row, target=row.target.replace("借款人", "持卡人")) for row in rows]
    behaviours = dict.fromkeys(vocab("Behaviour", b) for row in rows for b in row.incident.behaviours)
    return {
        "rows": rows,
        "reached_me": reached_me,
        "acts": sum(row.count for row in rows),
        "behaviours": list(behaviours),
        "online": online_summary(view),
        "card": card,
    }
