"""Built-in channel: 12378 / 国家金融监督管理总局 — a consumer 投诉 and a violation 举报 (reference §1.2, §1.3).

12378 is NFRA's banking-and-insurance consumer line, not a telecom line. The two procedures have different
acceptance rules and clocks, so the channel produces three documents: the 通话要点 for the hotline, a written
投诉书 (forwarded to the institution: 15 → 30 → +30 days) and a 举报信 under 《银行保险违法行为举报处理办法》
(15 days to accept, 60 (+30) to decide). The 信访 clocks for escalating are declared in ``channel.yaml``.
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

NFRA_KINDS = frozenset({LenderKind.BANK, LenderKind.CONSUMER_FINANCE, LenderKind.AUTO_FINANCE})


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    extra = parties(case, evaluation) | {"in_force": in_force(drafter.statutes, evaluation.as_of)}
    return [
        drafter.render("phone_script", formats=["txt", "md"], **extra),
        drafter.render("complaint", **extra),
        drafter.render("violation_report", **extra),
    ]


def parties(case: Case, evaluation: Evaluation) -> dict[str, Any]:
    """Who the complaint and the report are against: the NFRA-supervised institution.

    For a platform loan funded by a bank or consumer-finance company, that is the funder (金规〔2025〕9号 makes
    the bank answer for its partners); the platform is named next to it.
    """
    lender = case.lender
    funder = lender.funding_institution
    via_platform = lender.kind is LenderKind.LOAN_PLATFORM and funder is not None and funder.kind in NFRA_KINDS
    if via_platform and funder is not None:
        respondent, kind = funder.name, funder.kind
        platform = _display(lender.name, lender.app_name)
    else:
        respondent, kind, platform = _display(lender.name, lender.app_name), lender.kind, ""
    names = f"{lender.name or ''}{lender.app_name or ''}"
    # Ask for the harvested contact data to be deleted only where the case shows it was used or held.
    harvest_issue = bool(
        evaluation.features.get("third_parties_reached")
        or case.contacts.harvested_list_size
        or Want.DELETE_CONTACT_DATA in case.wants
    )
    return {
        "harvest_issue": harvest_issue,
        "respondent": respondent,
        "respondent_kind": kind.value,
        "platform": platform,
        "supervised": evaluation.classification.regulator.value == "nfra" or kind in NFRA_KINDS,
        # 信用卡办法 Art. 68 only where the lender itself is a bank (a platform loan is not a credit card).
        "lender_is_bank": lender.kind is LenderKind.BANK,
        "credit_card": lender.kind is LenderKind.BANK and "信用卡" in names,
        # A bank answers for its loan-facilitation partners and their collectors (reference §1.2, §3.9).
        "bank_partner": kind is LenderKind.BANK and (via_platform or lender.app_name is not None),
    }


def _display(name: str | None, app_name: str | None) -> str:
    if name and app_name:
        return f"{name}（App：{app_name}）"
    if name:
        return name
    return f"“{app_name}”App 的运营方【待补充：运营公司全称（见借款合同或 App“关于我们”）】"


def in_force(statutes: Statutes, as_of: date) -> Callable[[str], bool]:
    """Whether a provision applied on the conduct date: templates cite a rule only for conduct it covers.

    A version without ``effective_from`` counts from its issue date (``version``) when it has one — the CBA
    guideline of 2026-01-30 must not be cited for conduct in 2025.
    """

    def check(provision_id: str) -> bool:
        version = statutes.provision(provision_id).on(as_of)
        if version is None:
            return False
        start = version.effective_from or version.version
        return start is None or start <= as_of

    return check
