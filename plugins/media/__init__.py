"""Built-in channel: media and public complaint platforms such as 黑猫投诉 (reference §1.17).

The document is a public post, so it is anonymised by construction: the template never receives the contacts'
names or numbers, the reporter's name, phone, ID number or address, the borrower's name (when a contact reports),
the collectors' numbers or accounts, incident notes or evidence descriptions (free text that may name people).
Everything it says about the incidents is computed here from closed vocabularies: date, medium, whom (by
relation), how many times, and the behaviours. Allegations are worded as the reporter's account (据本人经历).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.drafting import CaseView, Drafter, channel_from_package, vocab, zh_date
from jubao.evaluation import Evaluation
from jubao.ruleset import bundled_ruleset
from jubao.vocabulary import Behaviour, Medium, TargetKind

CHANNEL = channel_from_package(__name__)

REMOTE_MEDIA = {Medium.CALL, Medium.SMS, Medium.WECHAT, Medium.QQ, Medium.APP_PUSH, Medium.GROUP_CHAT,
                Medium.SOCIAL_POST}  # fmt: skip
"""Media covered by 民法典 Art. 1033(1) (电话、短信、即时通讯工具 …)."""


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
            "public_post",
            events=public_events(view),
            prior=public_prior(case),
            evidence_kinds=list(dict.fromkeys(vocab("EvidenceKind", item.kind) for item in case.evidence)),
            disclosed=any(Behaviour.DEBT_DISCLOSURE in i.behaviours for i in _third_party(case)),
            remote=any(i.medium in REMOTE_MEDIA for i in case.incidents),
            left_out=left_out(case),
        )
    ]


def _third_party(case: Case) -> list[Any]:
    return [i for i in case.incidents if i.target.kind is not TargetKind.BORROWER]


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


def public_prior(case: Case) -> list[dict[str, str]]:
    """Complaints already filed, without reference numbers or the reply's wording (both can identify people)."""
    names = bundled_ruleset().channels
    result = []
    for prior in case.prior_complaints:
        known = names.get(prior.channel)
        where = (
            "该机构的客服投诉渠道" if prior.channel == "lender_complaint" else known.name.zh if known else "有关渠道"
        )
        result.append(
            {
                "channel": where,
                "filed_on": zh_date(prior.filed_on),
                "outcome": "已收到答复" if prior.reply_received else "至今未收到答复",
            }
        )
    return result


def left_out(case: Case) -> dict[str, int]:
    """How many items of each kind the case holds that the post deliberately leaves out (for the checklist)."""
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
