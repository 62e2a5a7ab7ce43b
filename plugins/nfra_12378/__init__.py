"""Built-in channel: 12378 / 国家金融监督管理总局 — a consumer 投诉 and a violation 举报 (reference §1.2, §1.3).

12378 is NFRA's banking-and-insurance consumer line, not a telecom line. The two procedures have different
acceptance rules and clocks, so the channel produces three documents: the 通话要点 for the hotline, a written
投诉书 (forwarded to the institution: 15 → 30 → +30 days) and a 举报信 under 《银行保险违法行为举报处理办法》
(15 days to accept, 60 (+30) to decide). The 信访 clocks for escalating are declared in ``channel.yaml``.

Code remains for what ``ctx`` does not know: whom the filings are against (``jubao.respondent``: the bank or
consumer-finance company behind a platform loan, else the lender), which sector rules apply to it, and which
rules were in force on the conduct date.
"""

from __future__ import annotations

from typing import Any

from jubao import (
    CaseView,
    DraftingContext,
    LenderKind,
    TemplateChannel,
    harvested_contacts_at_issue,
    in_force_checker,
    respondent,
)

NFRA_KINDS = frozenset({LenderKind.BANK, LenderKind.CONSUMER_FINANCE, LenderKind.AUTO_FINANCE})
"""The lenders NFRA supervises."""


def template_values(context: DraftingContext) -> dict[str, Any]:
    """What the three documents' templates get besides ``ctx``: the parties, and which rules were in force."""
    return parties(CaseView(context)) | {"in_force": in_force_checker(context)}


def parties(view: CaseView) -> dict[str, Any]:
    """Who the complaint and the report are against — the NFRA-supervised institution, which for a platform loan
    funded by a bank or consumer-finance company is the funder (金规〔2025〕9号 makes the bank answer for its
    partners) — and which sector rules its kind brings in."""
    lender = view.case.lender
    against = respondent(view, NFRA_KINDS)
    names = f"{lender.name or ''}{lender.app_name or ''}"
    return {
        "harvest_issue": harvested_contacts_at_issue(view),
        "respondent": against.name,
        "respondent_kind": against.kind.value,
        "platform": against.platform,
        "supervised": view.evaluation.classification.regulator.value == "nfra" or against.kind in NFRA_KINDS,
        # 信用卡办法 Art. 68 only where the lender itself is a bank (a platform loan is not a credit card).
        "lender_is_bank": lender.kind is LenderKind.BANK,
        "credit_card": lender.kind is LenderKind.BANK and "信用卡" in names,
        # A bank answers for its loan-facilitation partners and their collectors (reference §1.2, §3.9).
        "bank_partner": against.kind is LenderKind.BANK and (against.via_platform or lender.app_name is not None),
    }


plugin = TemplateChannel(__name__, values=template_values)
