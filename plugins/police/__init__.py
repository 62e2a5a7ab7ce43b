"""Built-in channel: the police (110 / 派出所), with a 控告书 and the 办事须知 for the visit.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin. The channel's facts (filing
routes, required items, deadlines and their basis) are data in ``channel.yaml``; the documents are templates in
``templates/``; the charges for criminal characterisations come from jubao's offences table (``ctx.offences()``).
This module only works out what depends on the version of the 治安管理处罚法 in force on the conduct date: how the
控告书 words each public-order violation, whether the no-contact order exists, and whether the conduct spans the
2026 revision — plus when the case is urgent enough for 110.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from jubao import CASE_TIMEZONE, DraftingContext, TemplateChannel, vocab

# Public-order characterisations (rules/legal.yaml) → the provision id (rules/statutes/public_order.yaml) and how
# the 控告书 describes the conduct: (wording of the 2012 law, wording of the 2025 revision).
PUBLIC_ORDER_PROVISIONS = {
    "public_order.harassment": (
        "public_order.harassment",
        "多次发送侮辱、恐吓或者其他信息，干扰他人正常生活",
        "多次发送侮辱、恐吓等信息或者采取滋扰、纠缠等方法，干扰他人正常生活",
    ),
    "public_order.privacy_spreading": ("public_order.privacy_spreading", "散布他人隐私", "散布他人隐私"),
    "public_order.threat": ("public_order.threat", "以其他方法威胁他人人身安全", "威胁他人人身安全"),
    "public_order.impersonation": (
        "public_order.impersonation",
        "冒充国家机关工作人员招摇撞骗",
        "冒充国家机关工作人员招摇撞骗",
    ),
}

# Behaviours that make a case urgent enough for 110 rather than a visit to the station.
URGENT_BEHAVIOURS = {"threat_violence", "stalking", "home_or_work_visit", "restricting_liberty", "extortion"}


def template_values(context: DraftingContext) -> dict[str, Any]:
    """The public-order wording for the conduct date, and how urgent the case is."""
    return {**_public_order(context), **_urgency(context)}


def _public_order(context: DraftingContext) -> dict[str, Any]:
    """The public-order violations concluded, worded as the law in force on the conduct date words them, and
    what the 2026 revision changes for this case (the no-contact order; conduct spanning the revision)."""
    statutes = context.library()
    as_of = context.as_of
    concluded = [c.id for c in context.evaluation.characterisations]
    public_order = []
    for characterisation in concluded:
        if characterisation in PUBLIC_ORDER_PROVISIONS:
            provision, old, new = PUBLIC_ORDER_PROVISIONS[characterisation]
            version = statutes.on(provision, as_of)
            public_order.append({"id": provision, "conduct": new if version.effective_from else old})
    harassment = statutes.provision("public_order.harassment").on(as_of)
    no_contact = statutes.provision("public_order.no_contact_order").on(as_of)
    first_day = min(i.time for i in context.case.incidents).astimezone(CASE_TIMEZONE).date()
    revision_day: date | None = harassment.effective_from if harassment else None
    return {
        "public_order": public_order,
        "no_contact_available": no_contact is not None and "public_order.harassment" in concluded,
        "spans_revision": revision_day is not None and first_day < revision_day <= as_of,
        "revision_day": revision_day,
    }


def _urgency(context: DraftingContext) -> dict[str, Any]:
    """Whether to tell the reporter to dial 110 next time (threats, stalking, visits …), and now if ongoing."""
    behaviours = {b for i in context.case.incidents for b in i.behaviours}
    urgent = behaviours & URGENT_BEHAVIOURS
    return {
        "urgent": bool(urgent) and context.evaluation.classification.ongoing,
        "urgent_behaviours": [vocab("Behaviour", b) for b in sorted(urgent)],
    }


plugin = TemplateChannel(__name__, values=template_values)
