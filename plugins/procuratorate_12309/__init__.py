"""Built-in channel: the procuratorate (人民检察院, 12309) — a 立案监督申请 when the police will not open a
criminal case, and a personal-information public-interest tip (个人信息保护法 Art. 70) when many people are hit.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin; the channel's facts are
data in ``channel.yaml`` and the document is ``templates/clue_report.md.j2``. This module decides which of the
two requests the document makes, maps criminal characterisations to provisions, and prepares a name-free view
of the incidents and evidence: the procuratorate is not one of the offices that may receive the contacts' names
and numbers, so contacts appear by their relation to the borrower and names or numbers in free text are masked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import phonenumbers

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.drafting import Drafter, channel_from_package, vocab
from jubao.evaluation import Evaluation

CHANNEL = channel_from_package(__name__)

# Contacts buckets (rules/contacts.yaml) that count as "many people" for a PIPL Art. 70 tip.
MANY_BUCKETS = {"many", "mass"}
# The routing rule that sends a case here because contact lists were misused at scale (rules/routing.yaml).
MANY_VICTIMS_ROUTE = "route.procuratorate_12309.many_victims"


@dataclass(frozen=True)
class Offence:
    charge: str
    provision: str | None = None
    plain_ref: str | None = None
    """Provision not in the statute library yet (see docs/statute-backlog.md): cited in plain text, flagged."""


# Criminal characterisations (rules/legal.yaml) → the charge and its provision (rules/statutes/criminal.yaml).
OFFENCES = {
    "criminal.personal_information": Offence("侵犯公民个人信息罪", "criminal_law.personal_information"),
    "criminal.illegal_debt_collection": Offence("催收非法债务罪", "criminal_law.collecting_illegal_debts"),
    "criminal.provocation": Offence("寻衅滋事罪", "criminal_law.picking_quarrels"),
    "criminal.extortion": Offence("敲诈勒索罪", "criminal_law.extortion"),
    "criminal.illegal_lending": Offence("非法经营罪", "criminal_law.illegal_business"),
    "criminal.insult_defamation": Offence("侮辱罪、诽谤罪", "criminal_law.insult_defamation"),
    "criminal.forged_documents": Offence(
        "伪造、变造、买卖国家机关公文、证件、印章罪", plain_ref="《中华人民共和国刑法》第二百八十条第一款"
    ),
    "criminal.illegal_detention": Offence("非法拘禁罪", plain_ref="《中华人民共和国刑法》第二百三十八条"),
}


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    return [drafter.render("clue_report", formats=["docx", "md"], **situation(case, evaluation))]


def situation(case: Case, evaluation: Evaluation) -> dict[str, Any]:
    """Which requests the document makes, and the facts it may state about them."""
    police = [p for p in case.prior_complaints if p.channel == "police"]
    many = evaluation.classification.contacts_bucket.value in MANY_BUCKETS or any(
        MANY_VICTIMS_ROUTE in (reason.rule for reason in route.reasons) for route in evaluation.routes
    )
    supervision = bool(police)
    offences = [OFFENCES[c.id] for c in evaluation.characterisations if c.id in OFFENCES]
    unnamed = [
        c.label.zh.removeprefix("刑事：")
        for c in evaluation.characterisations
        if c.id.startswith("criminal.") and c.id not in OFFENCES
    ]
    accounts = [a for collector in case.collectors for a in collector.accounts]
    accounts += [i.from_account for i in case.incidents if i.from_account]
    kind = case.lender.kind.value
    return {
        "lender_role": "放贷方" if kind == "unknown" else vocab("LenderKind", kind).split("（")[0],
        "collector_accounts": list(dict.fromkeys(accounts)),
        "supervision": supervision,
        # With no police report the document is a public-interest tip even when few people were reached (the
        # lender's practice may reach others); it then says that the number is small.
        "public_interest": many or not supervision,
        "many": many,
        "police_reports": police,
        "offences": offences,
        "unnamed_offences": unnamed,
        "redact": Redactor(case),
        "group_audience": sum(i.target.audience_size or 0 for i in case.incidents if i.target.audience_size),
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
