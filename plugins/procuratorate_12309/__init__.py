"""Built-in channel: the procuratorate (人民检察院, 12309) — a 立案监督申请 when the police will not open a
criminal case, and a personal-information public-interest tip (个人信息保护法 Art. 70) when many people are hit.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin; the channel's facts are
data in ``channel.yaml`` and the document is ``templates/clue_report.md.j2``; the charges for criminal
characterisations come from jubao's offences table (``ctx.offences()``). This module decides which of the two
requests the document makes and masks free text: the procuratorate is not one of the offices that may receive the
contacts' names and numbers, so the template shows contacts by their relation to the borrower and ``redact``
masks names or numbers in notes and evidence (as ×× and （号码略）).
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

from jubao import Case, DraftingContext, TemplateChannel

# Contacts buckets (rules/contacts.yaml) that count as "many people" for a PIPL Art. 70 tip.
MANY_BUCKETS = {"many", "mass"}
# The routing rule that sends a case here because contact lists were misused at scale (rules/routing.yaml).
MANY_VICTIMS_ROUTE = "route.procuratorate_12309.many_victims"


def template_values(context: DraftingContext) -> dict[str, Any]:
    """Which requests the clue report makes."""
    return situation(context)


def situation(context: DraftingContext) -> dict[str, Any]:
    """Which requests the document makes: filing supervision once the police had a report, a public-interest
    tip when many people were reached (or when there is no police report to supervise)."""
    case, evaluation = context.case, context.evaluation
    police = [p for p in case.prior_complaints if p.channel == "police"]
    many = evaluation.classification.contacts_bucket.value in MANY_BUCKETS or any(
        MANY_VICTIMS_ROUTE in (reason.rule for reason in route.reasons) for route in evaluation.routes
    )
    supervision = bool(police)
    return {
        "supervision": supervision,
        # With no police report the document is a public-interest tip even when few people were reached (the
        # lender's practice may reach others); it then says that the number is small.
        "public_interest": many or not supervision,
        "many": many,
        "police_reports": police,
        "redact": Redactor(case),
        "credit_card": case.is_credit_card,
    }


NAME_MASK = "××"
NUMBER_MASK = "（号码略）"


class Redactor:
    """Masks the contacts' names and phone numbers in free text (notes, evidence descriptions)."""

    def __init__(self, case: Case) -> None:
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for contact in case.contacts.reached:
            if contact.name:
                self.patterns.append((re.compile(re.escape(contact.name)), NAME_MASK))
            if contact.phone:
                self.patterns.append((_number_pattern(contact.phone), NUMBER_MASK))

    def __call__(self, text: str) -> str:
        for pattern, label in self.patterns:
            text = pattern.sub(label, text)
        return text


def _number_pattern(number: str) -> re.Pattern[str]:
    """A phone number as people write it: with or without +86 / 0 prefix, spaces or hyphens between digits."""
    digits = number
    if number.startswith("+"):
        digits = str(phonenumbers.parse(number).national_number)
    body = r"[\s\-]?".join(re.escape(d) for d in digits)
    return re.compile(rf"(?:\+?86[\s\-]?)?0?{body}")


plugin = TemplateChannel(__name__, values=template_values)
