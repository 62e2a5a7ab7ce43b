"""Built-in channel: the NIFA reporting platform (中国互联网金融协会 互联网金融举报信息平台).

NIFA is a self-regulatory body: it takes real-name reports about internet-finance institutions and forwards
clues to the authorities; nothing it does has a binding deadline (reference §1.5, §2 D42). The plugin writes one
document, ``report``: the form's fields as JSON and the same report to read. The platform's real field list is not
verified, so the payload says so in ``_说明``. Contacts appear by relation and count only (this is not a police
filing); the anonymised incidents and the redaction come from the 12321 plugin's ``facts`` module.
"""

from __future__ import annotations

from collections.abc import Callable

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.drafting import Drafter, channel_from_package, vocab
from jubao.evaluation import Evaluation
from jubao.vocabulary import Behaviour
from jubao_plugins.miit_12321 import form_payload
from jubao_plugins.miit_12321.facts import CONTACT_VIEW, CaseFacts

CHANNEL = channel_from_package(__name__)

VIOLENT = frozenset(
    {
        Behaviour.THREAT_VIOLENCE,
        Behaviour.THREAT_EXPOSURE,
        Behaviour.INSULT,
        Behaviour.DEFAMATION,
        Behaviour.DOCTORED_IMAGES,
        Behaviour.FAKE_LEGAL_DOCUMENT,
        Behaviour.IMPERSONATING_OFFICIAL,
        Behaviour.SEXUAL_HARASSMENT,
        Behaviour.STALKING,
        Behaviour.RESTRICTING_LIBERTY,
        Behaviour.EXTORTION,
        Behaviour.PERSONAL_DATA_EXPOSURE,
    }
)
"""Behaviours jubao files as 暴力催收 (threats, insults, shaming, intimidation); anything else is 违规催收. This is
jubao's choice of wording for the 举报类型 field, whose real options on the platform are not verified."""


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    facts = CaseFacts(case)
    who = facts.reporter()
    incidents = sorted((i for i in case.incidents if facts.in_scope(who, i)), key=lambda incident: incident.time)
    behaviours = [b for i in incidents for b in i.behaviours]
    document = drafter.render(
        "report",
        formats=["json", "md"],
        who=who,
        report_type="暴力催收" if VIOLENT.intersection(behaviours) else "违规催收",
        rows=[facts.row(who, incident) for incident in incidents],
        acts=sum(incident.count for incident in incidents),
        behaviours=list(dict.fromkeys(_behaviour(who.is_contact, b) for b in behaviours)),
        evidence=facts.evidence_lines(),
    )
    return [document.model_copy(update={"payload": form_payload(document)})]


def _behaviour(contact: bool, behaviour: Behaviour) -> str:
    return CONTACT_VIEW[behaviour] if contact and behaviour in CONTACT_VIEW else vocab("Behaviour", behaviour)
