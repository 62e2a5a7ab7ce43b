"""The nifa channel's drafting code: the documents it builds (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, build=".drafting:build")``).
"""

from __future__ import annotations

from jubao import (
    Behaviour,
    Document,
    Drafter,
    DraftingContext,
    Redaction,
    form_payload,
    in_force_checker,
)

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


def build(drafter: Drafter, context: DraftingContext) -> list[Document]:
    redaction = Redaction(context.case)
    who = redaction.reporter()
    incidents = redaction.incidents(who)
    document = drafter.render(
        "report",
        formats=["json", "md"],
        who=who,
        report_type=report_type([b for i in incidents for b in i.behaviours]),
        rows=[redaction.row(who, incident) for incident in incidents],
        acts=sum(incident.count for incident in incidents),
        behaviours=redaction.behaviours(who, incidents),
        evidence=redaction.evidence_lines(),
        in_force=in_force_checker(context),
    )
    return [document.model_copy(update={"payload": form_payload(document)})]


def report_type(behaviours: list[Behaviour]) -> str:
    """The 举报类型 field: 暴力催收 when any behaviour is one of ``VIOLENT``, else 违规催收."""
    return "暴力催收" if VIOLENT.intersection(behaviours) else "违规催收"
