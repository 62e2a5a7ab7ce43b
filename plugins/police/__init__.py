"""Built-in channel: the police (110 / 派出所), with a 控告书 and the 办事须知 for the visit.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin. The channel's facts (filing
routes, required items, deadlines and their basis) are data in ``channel.yaml``; the documents are templates in
``templates/``. This module only works out what the templates cannot ask the case view directly: which of the
concluded characterisations map to which provision of the statute library, whether the no-contact order exists
on the conduct date, and who the unidentified collectors are (numbers and accounts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.drafting import Drafter, channel_from_package, vocab
from jubao.evaluation import Evaluation
from jubao.statutes import Statutes
from jubao.types import CASE_TIMEZONE
from jubao.vocabulary import TargetKind

CHANNEL = channel_from_package(__name__)

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


@dataclass(frozen=True)
class Offence:
    """A criminal characterisation as the 控告书 names it: the charge, and where to find it."""

    charge: str
    """The 罪名, e.g. 侵犯公民个人信息罪."""
    provision: str | None = None
    """A provision id in the statute library, cited through ctx.law()."""
    plain_ref: str | None = None
    """For offences whose provision the library does not hold yet: the reference in plain text (flagged 〔待核实〕
    by the template; listed in docs/statute-backlog.md)."""
    private_prosecution: bool = False
    """告诉的才处理 (Art. 246): the victim normally sues in court; the police act only in serious cases."""


# Criminal characterisations (rules/legal.yaml) → the charge and its provision (rules/statutes/criminal.yaml).
OFFENCES = {
    "criminal.personal_information": Offence("侵犯公民个人信息罪", "criminal_law.personal_information"),
    "criminal.illegal_debt_collection": Offence("催收非法债务罪", "criminal_law.collecting_illegal_debts"),
    "criminal.provocation": Offence("寻衅滋事罪", "criminal_law.picking_quarrels"),
    "criminal.extortion": Offence("敲诈勒索罪", "criminal_law.extortion"),
    "criminal.illegal_lending": Offence("非法经营罪", "criminal_law.illegal_business"),
    "criminal.insult_defamation": Offence("侮辱罪、诽谤罪", "criminal_law.insult_defamation", private_prosecution=True),
    "criminal.forged_documents": Offence(
        "伪造、变造、买卖国家机关公文、证件、印章罪", plain_ref="《中华人民共和国刑法》第二百八十条第一款"
    ),
    "criminal.illegal_detention": Offence("非法拘禁罪", plain_ref="《中华人民共和国刑法》第二百三十八条"),
}

# Behaviours that make a case urgent enough for 110 rather than a visit to the station.
URGENT_BEHAVIOURS = {"threat_violence", "stalking", "home_or_work_visit", "restricting_liberty", "extortion"}


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    extra = _facts(case, evaluation, drafter.statutes)
    return [
        drafter.render("complaint", formats=["docx", "md"], **extra),
        drafter.render("procedure_notes", formats=["txt", "md"], **extra),
    ]


def _facts(case: Case, evaluation: Evaluation, statutes: Statutes) -> dict[str, Any]:
    """What the templates need beyond the case view, computed once for both documents."""
    concluded = [c.id for c in evaluation.characterisations]
    public_order = []
    for characterisation in concluded:
        if characterisation in PUBLIC_ORDER_PROVISIONS:
            provision, old, new = PUBLIC_ORDER_PROVISIONS[characterisation]
            version = statutes.on(provision, evaluation.as_of)
            public_order.append({"id": provision, "conduct": new if version.effective_from else old})
    offences = [OFFENCES[c] for c in concluded if c in OFFENCES]
    # Criminal characterisations jubao has no wording for yet: name them by their label, with no article.
    unnamed = [
        c.label.zh.removeprefix("刑事：")
        for c in evaluation.characterisations
        if c.id.startswith("criminal.") and c.id not in OFFENCES
    ]
    harassment = statutes.provision("public_order.harassment").on(evaluation.as_of)
    no_contact = statutes.provision("public_order.no_contact_order").on(evaluation.as_of)
    first_day = min(i.time for i in case.incidents).astimezone(CASE_TIMEZONE).date()
    revision_day: date | None = harassment.effective_from if harassment else None
    accounts: list[str] = [a for collector in case.collectors for a in collector.accounts]
    accounts += [i.from_account for i in case.incidents if i.from_account]
    groups = [i for i in case.incidents if i.target.kind is TargetKind.GROUP]
    behaviours = {b for i in case.incidents for b in i.behaviours}
    kind = case.lender.kind.value
    return {
        "lender_role": "放贷方" if kind == "unknown" else vocab("LenderKind", kind).split("（")[0],
        "public_order": public_order,
        "offences": [o for o in offences if not o.private_prosecution],
        "private_offences": [o for o in offences if o.private_prosecution],
        "unnamed_offences": unnamed,
        "no_contact_available": no_contact is not None and "public_order.harassment" in concluded,
        "spans_revision": revision_day is not None and first_day < revision_day <= evaluation.as_of,
        "revision_day": revision_day,
        "collector_accounts": list(dict.fromkeys(accounts)),
        "group_audience": sum(i.target.audience_size or 0 for i in groups),
        "urgent": bool(behaviours & URGENT_BEHAVIOURS) and evaluation.classification.ongoing,
        "urgent_behaviours": [vocab("Behaviour", b) for b in sorted(behaviours & URGENT_BEHAVIOURS)],
        "unit_zh": UNIT_ZH,
    }


UNIT_ZH = {
    "calendar_days": "日",
    "working_days": "个工作日",
    "hours": "小时",
    "months": "个月",
    "years": "年",
}
