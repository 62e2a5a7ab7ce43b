"""Built-in channel: 地方金融管理局 — a 投诉举报信 about a microlender, guarantee company or other local financial
organisation, or a report of illegal lending (reference §1.4, §1.11, §1.12).

The competent bureau depends on where the company is licensed and where the reporter lives, and city and county
bureaus do the daily supervision, so the letter leaves the addressee blank and says what to check. No national
time limit for the bureau was found; the 信访 clocks and the penalty limitation are declared in ``channel.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.drafting import Drafter, channel_from_package
from jubao.evaluation import Evaluation
from jubao.statutes import Statutes
from jubao.vocabulary import LenderKind, Want

CHANNEL = channel_from_package(__name__)

MICROLENDERS = frozenset({LenderKind.MICROLOAN, LenderKind.ONLINE_MICROLOAN})
LOCAL_KINDS = MICROLENDERS | {LenderKind.FINANCING_GUARANTEE}


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    extra = parties(case, evaluation) | {
        "in_force": in_force(drafter.statutes, evaluation.as_of),
        "within_limitation": within_limitation(channel, evaluation),
    }
    return [drafter.render("complaint_report", **extra)]


def parties(case: Case, evaluation: Evaluation) -> dict[str, Any]:
    """The organisation complained of, what kind it is, and where the reporter lives."""
    lender = case.lender
    funder = lender.funding_institution
    via_platform = lender.kind is LenderKind.LOAN_PLATFORM and funder is not None and funder.kind in LOCAL_KINDS
    unlicensed = lender.kind is LenderKind.UNLICENSED or evaluation.facts.get("licence_status") == "unlicensed"
    if via_platform and funder is not None:
        respondent, kind = funder.name, funder.kind
        platform = _display(lender.name, lender.app_name, unlicensed=False)
    else:
        respondent, kind, platform = _display(lender.name, lender.app_name, unlicensed=unlicensed), lender.kind, ""
    regulator = evaluation.classification.regulator.value
    region = case.reporter.region
    parts = [region.province, region.city if region.city != region.province else None]
    # Ask for the harvested contact data to be deleted only where the case shows it was used or held.
    harvest_issue = bool(
        evaluation.features.get("third_parties_reached")
        or case.contacts.harvested_list_size
        or Want.DELETE_CONTACT_DATA in case.wants
    )
    return {
        "harvest_issue": harvest_issue,
        "respondent": respondent,
        "platform": platform,
        "microlender": kind in MICROLENDERS,
        "guarantee": kind is LenderKind.FINANCING_GUARANTEE,
        "unlicensed": unlicensed,
        "supervised": not unlicensed and (kind in LOCAL_KINDS or regulator == "local_finance_bureau"),
        "region_text": "".join(part for part in parts if part),
    }


def _display(name: str | None, app_name: str | None, *, unlicensed: bool) -> str:
    if name and app_name:
        return f"{name}（App：{app_name}）"
    if name:
        return name
    if unlicensed:
        # An illegal lender often hides who runs it: the bureau can find out; no blank to fill.
        return f"“{app_name}”App 的实际运营者（运营主体不明）"
    return f"“{app_name}”App 的运营方【待补充：运营公司全称（见借款合同或 App“关于我们”）】"


def within_limitation(channel: Channel, evaluation: Evaluation) -> bool:
    """Whether the last act is still inside the basic administrative-penalty limitation (D25)."""
    limit = next(d for d in channel.deadlines if d.id == "penalty_limitation")
    years = limit.length or 0
    end = evaluation.as_of
    try:
        expiry = end.replace(year=end.year + years)
    except ValueError:  # 29 February
        expiry = end.replace(year=end.year + years, day=28)
    return evaluation.today < expiry


def in_force(statutes: Statutes, as_of: date) -> Callable[[str], bool]:
    """Whether a provision applied on the conduct date (a version without ``effective_from`` counts from its
    issue date): templates cite a rule only for conduct it covers."""

    def check(provision_id: str) -> bool:
        version = statutes.provision(provision_id).on(as_of)
        if version is None:
            return False
        start = version.effective_from or version.version
        return start is None or start <= as_of

    return check
