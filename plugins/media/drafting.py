"""The media channel's drafting code: the values its templates get (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, values=".drafting:template_values")``).
"""

from __future__ import annotations

from typing import Any

from jubao import (
    Behaviour,
    CaseView,
    DraftingContext,
    Medium,
    TargetKind,
    reached_remotely,
    vocab,
    zh_date,
)


def template_values(context: DraftingContext) -> dict[str, Any]:
    """What a public post may say, already stripped of everything that identifies a person."""
    view = CaseView(context)
    return {
        "events": public_events(view),
        "prior": public_prior(view),
        "evidence_kinds": list(dict.fromkeys(row.kind for row in view.evidence)),
        "disclosed": any(Behaviour.DEBT_DISCLOSURE in row.incident.behaviours for row in view.third_party_incidents),
        "remote": reached_remotely(view.incidents),
        "left_out": left_out(view),
    }


def public_events(view: CaseView) -> list[dict[str, Any]]:
    """The timeline for a public post: date, how, whom (relation only), count, behaviours — nothing else."""
    events = []
    for row in view.incidents:
        incident = row.incident
        target = incident.target
        if target.kind is TargetKind.BORROWER:
            whom = "本人" if view.reporter_is_borrower else "借款人"
        elif target.kind is TargetKind.GROUP:
            whom = f"约{target.audience_size}人的群组或受众" if target.audience_size else "群组或公开受众"
        else:
            contact = view.contact_by_id.get(target.contact or "")
            relation = vocab("Relation", contact.relation if contact else target.relation)
            whom = f"本人的{relation}" if view.reporter_is_borrower else f"借款人的{relation}"
        events.append(
            {
                "date": row.date,
                "via": "当面" if incident.medium is Medium.IN_PERSON else f"通过{row.medium}",
                "whom": whom,
                "count": incident.count,
                "behaviours": "、".join(vocab("Behaviour", b) for b in incident.behaviours),
            }
        )
    return events


def public_prior(view: CaseView) -> list[dict[str, str]]:
    """Complaints already filed, without reference numbers or the reply's wording (both can identify people).
    A channel jubao does not know is written as 有关渠道, never as its id."""
    names = view.context.channel_names
    result = []
    for prior in view.case.prior_complaints:
        if prior.channel == "lender_complaint":
            where = "该机构的客服投诉渠道"
        else:
            where = view.channel_name(prior.channel) if prior.channel in names else "有关渠道"
        result.append(
            {
                "channel": where,
                "filed_on": zh_date(prior.filed_on),
                "outcome": "已收到答复" if prior.reply_received else "至今未收到答复",
            }
        )
    return result


def left_out(view: CaseView) -> dict[str, int]:
    """How many items of each kind the case holds that the post deliberately leaves out (for the checklist)."""
    case = view.case
    reporter = case.reporter
    return {
        "contacts_named": sum(1 for c in case.contacts.reached if c.name or c.phone),
        "reporter_items": sum(1 for v in (reporter.phone, reporter.id_number, reporter.address) if v),
        "collector_ids": len(
            {n for c in case.collectors for n in (*c.phones, *c.accounts)}
            | ({i.from_number or i.from_account for i in case.incidents} - {None})
        ),
        "agencies": sum(1 for c in case.collectors if c.agency_name),
        "notes": sum(1 for i in case.incidents if i.note),
        "contract": 1 if case.lender.contract_number else 0,
        "borrower_named": 1 if case.borrower and case.borrower.name else 0,
    }
