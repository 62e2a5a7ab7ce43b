"""The procuratorate_12309 channel's drafting code: the values its templates get (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, values=".drafting:template_values")``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import phonenumbers

from jubao import Case, DraftingContext

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
    """Masks the contacts' names and phone numbers in free text (notes, evidence descriptions).

    Contact by contact, name then number, as ``re.sub`` would; a number's pattern is only compiled and run when
    the text holds its digits one after the other (once everything else is taken out), so a case with a thousand
    contacts costs a substring test per contact and text, not a regular expression."""

    def __init__(self, case: Case) -> None:
        self._masks: list[tuple[str | None, str | None, str]] = []
        """(a name, or the digits a number's spelling always holds — None: not known; the number; the mask)."""
        for contact in case.contacts.reached:
            if contact.name:
                self._masks.append((contact.name, None, NAME_MASK))
            if contact.phone:
                self._masks.append((_number_digits(contact.phone), contact.phone, NUMBER_MASK))

    def __call__(self, text: str) -> str:
        digits = _NOT_DIGITS.sub("", text)
        for key, number, mask in self._masks:
            if number is None:
                masked = text.replace(key, mask) if key and key in text else text  # re.sub of the escaped name
            elif key is None or key in digits:
                masked = _number_pattern(number).sub(mask, text)
            else:
                continue
            if masked != text:
                text, digits = masked, _NOT_DIGITS.sub("", masked)
        return text


_NOT_DIGITS = re.compile(r"\D")


def _number_digits(number: str) -> str | None:
    """The digits every spelling ``_number_pattern`` matches holds one after the other (separators and prefixes
    are not digits), or None when the number is not plain digits."""
    digits = str(phonenumbers.parse(number).national_number) if number.startswith("+") else number
    return digits if digits.isascii() and digits.isdigit() else None


@lru_cache(maxsize=4096)
def _number_pattern(number: str) -> re.Pattern[str]:
    """A phone number as people write it: with or without +86 / 0 prefix, spaces or hyphens between digits."""
    digits = number
    if number.startswith("+"):
        digits = str(phonenumbers.parse(number).national_number)
    body = r"[\s\-]?".join(re.escape(d) for d in digits)
    return re.compile(rf"(?:\+?86[\s\-]?)?0?{body}")
