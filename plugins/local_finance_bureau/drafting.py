"""The local_finance_bureau channel's drafting code: the values its templates get (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, values=".drafting:template_values")``).
"""

from __future__ import annotations

from typing import Any

from jubao import (
    Behaviour,
    CaseView,
    Channel,
    DraftingContext,
    LenderKind,
    Region,
    Respondent,
    TargetKind,
    harvested_contacts_at_issue,
    in_force_checker,
    reached_remotely,
    respondent,
)

MICROLENDERS = frozenset({LenderKind.MICROLOAN, LenderKind.ONLINE_MICROLOAN})
LOCAL_KINDS = MICROLENDERS | {LenderKind.FINANCING_GUARANTEE}
"""The local financial organisations a 地方金融管理局 supervises (the rest of the list is not lending)."""

BUREAU = "地方金融管理局"
"""The bureaus' current name: provincial 地方金融监督管理局 were reorganised and renamed 地方金融管理局 in 2024–2025
(reference §1.4: 山西省地方金融管理局, 晋地金管〔2025〕43号). The guide asks the user to check the current name."""
FORMER_BUREAU = "地方金融监督管理局"


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
    return (
        {
            "harvest_issue": harvested_contacts_at_issue(view),
            "respondent": against.name,
            "platform": against.platform,
            "microlender": against.kind in MICROLENDERS,
            "guarantee": against.kind is LenderKind.FINANCING_GUARANTEE,
            "unlicensed": unlicensed,
            "supervised": not unlicensed and (against.kind in LOCAL_KINDS or regulator == "local_finance_bureau"),
            "card": view.credit_card,
        }
        | reach(view)
        | competent_bureau(view, against, unlicensed=unlicensed)
    )


DISCLOSING = frozenset({Behaviour.DEBT_DISCLOSURE, Behaviour.PERSONAL_DATA_EXPOSURE})


def reach(view: CaseView) -> dict[str, bool]:
    """How the collection reached people, for the law a letter may cite: ``remote`` (phone, SMS or online: 民法典
    1033(1) names only those means), ``third_remote`` (a third party's number or account was used: their data was
    processed) and ``disclosed`` (the debt or the borrower's data was told to a third party)."""
    rows = view.incidents
    third = [row for row in rows if row.incident.target.kind is not TargetKind.BORROWER]
    return {
        "remote": reached_remotely(rows),
        "third_remote": reached_remotely(third),
        "disclosed": any(DISCLOSING.intersection(row.incident.behaviours) for row in third),
    }


def competent_bureau(view: CaseView, against: Respondent, *, unlicensed: bool = False) -> dict[str, str]:
    """The bureau the letter is addressed to, and on what it rests (``licence``, ``address`` or ``reporter``;
    ``""`` with no addressee): the licence issuer, under its current name; else the bureau of the province of the
    respondent's registered address; for an unlicensed lender with neither, the bureau of the reporter's province
    (each bureau acts against illegal financial activity in its area). Nothing for the funder behind a platform
    loan: the case holds the platform's licence and address, not the funder's. The credit code's region digits are
    not used: they do not reliably give the province that licenses or supervises the company."""
    lender = view.case.lender
    if against.via_platform:
        return {"addressee": "", "addressee_basis": ""}
    issuer = lender.licence.issuer if lender.licence else None
    if issuer:
        if FORMER_BUREAU in issuer or BUREAU in issuer:
            return {"addressee": issuer.replace(FORMER_BUREAU, BUREAU), "addressee_basis": "licence"}
        province = province_of(issuer)
        if province:
            return {"addressee": province + BUREAU, "addressee_basis": "licence"}
    province = province_of(lender.address or "")
    if province:
        return {"addressee": province + BUREAU, "addressee_basis": "address"}
    if unlicensed:
        return {"addressee": view.case.reporter.region.province + BUREAU, "addressee_basis": "reporter"}
    return {"addressee": "", "addressee_basis": ""}


def province_of(text: str) -> str | None:
    """The province an issuer's name or an address begins with (广东省…, 广东…, 内蒙古…), in full; ``None`` if it
    begins with none (an address starting with a city gives no province: jubao does not guess it)."""
    for length in range(2, 9):
        try:
            return Region(province=text[:length]).province
        except ValueError:
            continue
    return None


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
