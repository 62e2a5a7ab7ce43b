"""The nfra_12378 channel's drafting code: the documents it builds (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, build=".drafting:build")``).
"""

from __future__ import annotations

from typing import Any

from jubao import (
    CaseView,
    Document,
    Drafter,
    DraftingContext,
    LenderKind,
    Redaction,
    ReporterRole,
    harvested_contacts_at_issue,
    in_force_checker,
    reached_remotely,
    respondent,
)

NFRA_KINDS = frozenset({LenderKind.BANK, LenderKind.CONSUMER_FINANCE, LenderKind.AUTO_FINANCE})
"""The lenders NFRA supervises."""
"""``CaseView.phone_kind`` of a fixed line."""
CONSUMER_ONLY = frozenset({"complaint"})
"""Templates only a consumer of the institution files (a contact reports instead)."""


def build(drafter: Drafter, context: DraftingContext) -> list[Document]:
    """The channel's ``documents`` in order, without the consumer complaint when a contact reports."""
    values = template_values(context)
    consumer = context.case.reporter.role is ReporterRole.BORROWER
    return [
        drafter.render(item.template, document_id=item.id, formats=item.formats or None, purpose=item.purpose, **values)
        for item in drafter.channel.documents
        if consumer or item.template not in CONSUMER_ONLY
    ]


def template_values(context: DraftingContext) -> dict[str, Any]:
    """What the templates get besides ``ctx``: the parties, the clock that binds, which rules were in force, and
    the redaction of the reporter's free text."""
    view = CaseView(context)
    redaction = Redaction(context.case)
    reporter = redaction.reporter()
    channel = context.channel
    clock = next((d for d in channel.deadlines if d.id == "complaint_handling"), None) if channel else None
    return parties(view) | {
        "in_force": in_force_checker(context),
        "redact": redaction.redact,
        "evidence": redaction.evidence_lines(),
        "reporter_guarantor": reporter.guarantor,
        "reaches_reporter": lambda incident: redaction.reaches(reporter, incident),
        "consumer_clock": clock is not None and clock.binds(context.case),
        "remote": reached_remotely(view.incidents),
        "pi_third_parties": view.natural_third_party_reached,
    }


def parties(view: CaseView) -> dict[str, Any]:
    """Who the complaint and the report are against — the NFRA-supervised institution, which for a platform loan
    funded by a bank or consumer-finance company is the funder (金规〔2025〕9号 makes the bank answer for its
    partners) — and which sector rules its kind brings in."""
    lender = view.case.lender
    against = respondent(view, NFRA_KINDS)
    card = view.credit_card
    return {
        "harvest_issue": harvested_contacts_at_issue(view),
        "respondent": against.name,
        "respondent_kind": against.kind.value,
        "platform": against.platform,
        "supervised": view.evaluation.classification.regulator.value == "nfra" or against.kind in NFRA_KINDS,
        "lender_is_bank": lender.kind is LenderKind.BANK,
        # 信用卡办法 Art. 68 only for a credit card (a platform loan is not one).
        "credit_card": card,
        **{key: view.debt_terms[key] for key in ("debtor", "debt_word", "contract_word")},
        # A bank answers for its loan-facilitation partners and their collectors (reference §1.2, §3.9).
        "bank_partner": against.kind is LenderKind.BANK and (against.via_platform or lender.app_name is not None),
    }
