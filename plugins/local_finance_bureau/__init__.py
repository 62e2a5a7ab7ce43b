"""Built-in channel: 地方金融管理局 — a 投诉举报信 about a microlender, guarantee company or other local financial
organisation, or a report of illegal lending (reference §1.4, §1.11, §1.12).

The competent bureau depends on where the company is licensed and where the reporter lives, and city and county
bureaus do the daily supervision, so the letter leaves the addressee blank and says what to check. No national
time limit for the bureau was found; the 信访 clocks and the penalty limitation are declared in ``channel.yaml``.

Code remains for what ``ctx`` does not know: whom the letter is against (``jubao.respondent``: the microlender or
guarantee company behind a platform loan, else the lender), whether a local bureau supervises it, whether the
penalty limitation has run, and which rules were in force on the conduct date.
"""

from __future__ import annotations

from typing import Any

from jubao import (
    CaseView,
    Channel,
    DraftingContext,
    LenderKind,
    TemplateChannel,
    harvested_contacts_at_issue,
    in_force_checker,
    respondent,
)

MICROLENDERS = frozenset({LenderKind.MICROLOAN, LenderKind.ONLINE_MICROLOAN})
LOCAL_KINDS = MICROLENDERS | {LenderKind.FINANCING_GUARANTEE}
"""The local financial organisations a 地方金融管理局 supervises (the rest of the list is not lending)."""


def template_values(context: DraftingContext) -> dict[str, Any]:
    """What the template gets besides ``ctx``: the parties, which rules were in force, the penalty limitation."""
    assert context.channel is not None
    return parties(CaseView(context)) | {
        "in_force": in_force_checker(context),
        "within_limitation": within_limitation(context.channel, context),
    }


def parties(view: CaseView) -> dict[str, Any]:
    """The organisation complained of, what kind it is, and whether a local bureau supervises it."""
    unlicensed = view.case.lender.kind is LenderKind.UNLICENSED or view.unlicensed
    against = respondent(view, LOCAL_KINDS, unlicensed=unlicensed)
    regulator = view.evaluation.classification.regulator.value
    return {
        "harvest_issue": harvested_contacts_at_issue(view),
        "respondent": against.name,
        "platform": against.platform,
        "microlender": against.kind in MICROLENDERS,
        "guarantee": against.kind is LenderKind.FINANCING_GUARANTEE,
        "unlicensed": unlicensed,
        "supervised": not unlicensed and (against.kind in LOCAL_KINDS or regulator == "local_finance_bureau"),
    }


def within_limitation(channel: Channel, context: DraftingContext) -> bool:
    """Whether the last act is still inside the basic administrative-penalty limitation (D25)."""
    limit = next(d for d in channel.deadlines if d.id == "penalty_limitation")
    years = limit.length or 0
    end = context.as_of
    try:
        expiry = end.replace(year=end.year + years)
    except ValueError:  # 29 February
        expiry = end.replace(year=end.year + years, day=28)
    return context.evaluation.today < expiry


plugin = TemplateChannel(__name__, values=template_values)
