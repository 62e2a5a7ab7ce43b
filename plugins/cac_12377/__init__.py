"""Built-in channel: 12377 / 网信部门 personal-information complaints (reference §1.10).

A lending App that read the borrower's contact list and used it for collection processes the contacts' personal
information without a lawful basis; anyone may complain to the departments with personal-information duties
(《个人信息保护法》 Arts 60, 61, 65). The channel's facts are data in ``channel.yaml``; the complaint is
``templates/pi_complaint.md.j2``.

Computed here and passed to the template (the shared ``CaseView`` does not offer it):

* ``rows`` — the incidents with the contacts named by their relation only (a complaint to a regulator does not
  need the contacts' names; jubao puts them only in police, court and the contacts' own filings);
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.drafting import CaseView, Drafter, IncidentRow, channel_from_package, trim_note, vocab
from jubao.evaluation import Evaluation
from jubao.vocabulary import Medium

CHANNEL = channel_from_package(__name__)

ONLINE_MEDIA = (Medium.GROUP_CHAT, Medium.SOCIAL_POST)


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    view = drafter.view()
    return [
        drafter.render(
            "pi_complaint",
            rows=anonymised_incidents(view),
            online=online_summary(view),
            consent=case.debt.contact_list_consent.value,
            prior=view.prior_complaints,
        )
    ]


# --- helpers (kept in this plugin: they need nothing beyond the public CaseView) -------------------------------


def anonymised_incidents(view: CaseView) -> list[IncidentRow]:
    """The timeline rows (``CaseView`` names contacts by relation only, never by name) with each note's final
    full stop dropped: the template adds its own after the evidence reference."""
    return [replace(row, note=trim_note(row.note)) for row in view.incidents]


def online_summary(view: CaseView) -> dict[str, str] | None:
    """What was posted in group chats or on social media (timeline numbers, media, audience, behaviours)."""
    rows = [row for row in view.incidents if row.incident.medium in ONLINE_MEDIA]
    if not rows:
        return None
    behaviours = dict.fromkeys(vocab("Behaviour", b) for row in rows for b in row.incident.behaviours)
    return {
        "numbers": "、".join(str(row.number) for row in rows),
        "media": "、".join(dict.fromkeys(row.medium for row in rows)),
        "audience": "、".join(dict.fromkeys(row.target for row in rows)),
        "behaviours": "、".join(behaviours) or "催收",
    }
