"""The police channel's drafting code: the values its templates get (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, values=".drafting:template_values")``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from jubao import (
    DraftingContext,
    Incident,
    LawRef,
    Medium,
    conduct_episodes,
    vocab,
)

# Public-order characterisations (rules/legal.yaml) → the provision id (rules/statutes/public_order.yaml) and how
# the 控告书 describes the conduct: (wording of the 2012 law, wording of the 2025 revision). Harassment is worded
# from the case instead (``_harassment``).
PUBLIC_ORDER_PROVISIONS = {
    "public_order.harassment": ("public_order.harassment", "", ""),
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

# How a message that carries a behaviour is named in 发送…信息 (the 治安管理处罚法's words: 淫秽、侮辱、恐吓).
MESSAGE_WORDS = (
    ("sexual_harassment", "淫秽"),
    ("insult", "侮辱"),
    ("threat_violence", "恐吓"),
    ("threat_exposure", "恐吓"),
)
# 滋扰、纠缠、跟踪 conduct of the 2025 revision, as the 控告书 names it (only when repeated: rules/legal.yaml).
PESTERING_WORDS = (("home_or_work_visit", "上门滋扰"), ("stalking", "跟踪"))
REMOTE_MEDIA = {
    Medium.CALL,
    Medium.SMS,
    Medium.WECHAT,
    Medium.QQ,
    Medium.APP_PUSH,
    Medium.GROUP_CHAT,
    Medium.SOCIAL_POST,
}
MESSAGE_MEDIA = REMOTE_MEDIA - {Medium.CALL}

# Parameters (rules/parameters): the 治安 limitation and the gap that separates episodes.
LIMITATION_MONTHS = "public_order.limitation_months"
EPISODE_GAP = "policy.episode_gap_days"


def template_values(context: DraftingContext) -> dict[str, Any]:
    """The public-order wording for the conduct date, the time bar, how the debt is described, and urgency."""
    return {**_public_order(context), **_urgency(context), **_standing(context)}


def _public_order(context: DraftingContext) -> dict[str, Any]:
    """The public-order violations concluded, worded as the law in force on the conduct date words them and as the
    case supports them — none once the 治安 limitation has run — and what the 2026 revision changes for this case
    (the no-contact order; punishable conduct spanning the revision)."""
    statutes = context.library()
    as_of = context.as_of
    evaluation = context.evaluation
    time_barred = bool(evaluation.facts.get("public_order_time_barred"))
    concluded = [c.id for c in evaluation.characterisations]
    public_order = []
    for characterisation in concluded:
        if characterisation in PUBLIC_ORDER_PROVISIONS and not time_barred:
            provision, old, new = PUBLIC_ORDER_PROVISIONS[characterisation]
            new_law = statutes.on(provision, as_of).effective_from is not None
            conduct = _harassment(context, new_law=new_law) if provision == "public_order.harassment" else None
            public_order.append({"id": provision, "conduct": conduct or (new if new_law else old)})
    harassment = statutes.provision("public_order.harassment").on(as_of)
    no_contact = statutes.provision("public_order.no_contact_order").on(as_of)
    revision_day: date | None = harassment.effective_from if harassment else None
    months = context.param(LIMITATION_MONTHS)
    episodes = conduct_episodes(context.case, gap_days=context.param(EPISODE_GAP), today=evaluation.today)
    # Earlier episodes whose own limitation has run are no longer punishable, even when the latest one is.
    punishable = [e for e in episodes if not time_barred and (months is None or e.months_unreported < months)]
    punishable_from = punishable[0].start if punishable else None
    latest = episodes[-1]
    limitation = statutes.on("public_order.limitation", as_of)
    return {
        "public_order": public_order,
        "public_order_time_barred": time_barred,
        "no_contact_available": (
            not time_barred and no_contact is not None and bool(evaluation.facts.get("no_contact_order_available"))
        ),
        "spans_revision": (
            revision_day is not None and punishable_from is not None and punishable_from < revision_day <= as_of
        ),
        "revision_day": revision_day,
        # The conduct is judged by the 2025 revision (the only law with a no-contact order).
        "new_law": revision_day is not None and revision_day <= as_of,
        # Conduct the 治安 request covers when earlier episodes are past their limitation (None: all of it).
        "punishable_from": (
            punishable_from if punishable_from is not None and punishable_from > episodes[0].start else None
        ),
        "limitation_months": months,
        "limitation_ref": str(LawRef("public_order.limitation", limitation)),
        "latest_episode_end": latest.end,
        "police_told_on": latest.police_told_on,
    }


def _harassment(context: DraftingContext, *, new_law: bool) -> str:
    """多次发送侮辱、恐吓信息……，干扰他人正常生活 — with only the elements the case shows: 多次 only for two or
    more acts, 打电话 or 发送信息 as the acts came, the kinds of abuse recorded, and (2025 revision) 滋扰、跟踪
    only when repeated."""
    case = context.case
    features = context.evaluation.features
    total = sum(i.count for i in case.incidents)
    remote = [i for i in case.incidents if i.medium in REMOTE_MEDIA]
    abusive = [i for i in remote if any(b.value == key for b in i.behaviours for key, _ in MESSAGE_WORDS)]
    kinds = list(
        dict.fromkeys(word for i in abusive for b in i.behaviours for key, word in MESSAGE_WORDS if b.value == key)
    )
    parts = []
    if kinds:
        media = {i.medium for i in abusive}
        abuse = "、".join(kinds)
        if media <= {Medium.CALL}:
            said = f"打电话{abuse}"
        elif Medium.CALL in media:
            said = f"打电话、发送信息{abuse}"
        else:
            said = f"发送{abuse}" + ("等信息" if new_law else "信息")
        abusive_acts = sum(i.count for i in abusive)
        if abusive_acts > 1:
            parts.append("多次" + said)
        elif total > 1:
            parts.append(f"{said}，并以{_ways(case.incidents)}方式共催收{total}次")
        else:
            parts.append(said)
    elif remote:
        frequent = "excessive_frequency" in features.get("behaviours", [])
        remote_acts = sum(i.count for i in remote)
        parts.append(("多次" if remote_acts > 1 else "频繁" if frequent else "") + _means(remote) + "催收")
    if new_law:
        repeated = set(features.get("repeated_behaviours", []))
        pestering = [word for behaviour, word in PESTERING_WORDS if behaviour in repeated]
        if pestering:
            parts.append("多次" + "、".join(pestering))
    if not parts:
        parts.append(("多次" if total > 1 else "") + "催收")
    return "，".join(parts) + "，干扰他人正常生活"


def _means(incidents: list[Incident]) -> str:
    """拨打电话、发送信息 — the remote means the incidents used."""
    media = {i.medium for i in incidents}
    means = (["拨打电话"] if Medium.CALL in media else []) + (["发送信息"] if media & MESSAGE_MEDIA else [])
    return "、".join(means)


def _ways(incidents: tuple[Incident, ...] | list[Incident]) -> str:
    """电话、上门 — every way the incidents came, in the order first used."""
    words = {Medium.CALL: "电话", Medium.IN_PERSON: "上门", Medium.LETTER: "信件"}
    ordered = sorted(incidents, key=lambda incident: incident.time)
    return "、".join(dict.fromkeys(words.get(i.medium, "信息") for i in ordered))


def _standing(context: DraftingContext) -> dict[str, Any]:
    """Who the collecting party is to the debt: a credit-card issuer has a 持卡人 and no loan; a guarantor collecting
    by recourse and a debt buyer never lent the money (the case's ``lender.role``)."""
    return {"credit_card": context.case.is_credit_card}


def _urgency(context: DraftingContext) -> dict[str, Any]:
    """Whether to tell the reporter to dial 110 next time (threats, stalking, visits …), and now if ongoing."""
    behaviours = {b for i in context.case.incidents for b in i.behaviours}
    urgent = behaviours & URGENT_BEHAVIOURS
    return {
        "urgent": bool(urgent) and context.evaluation.classification.ongoing,
        "urgent_behaviours": [vocab("Behaviour", b) for b in sorted(urgent)],
    }
