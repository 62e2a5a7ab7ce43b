"""The SMS senders of a case, for the text forwarded to 12321 (12321 takes spam SMS forwarded to it).

One entry per number that sent SMS. The text is worded so that anyone who received the messages may send it from
their own phone: no names, no notes, and the people reached only as 借款人 / 借款人的联系人 (never "通讯录": the
number may have come from the loan application, not the contact list).
"""

from __future__ import annotations

from dataclasses import dataclass

from jubao import Case, Medium, TargetKind, form_number, vocab, zh_date, zh_phone


@dataclass(frozen=True)
class SmsSender:
    """A number that sent SMS, as the forwarded text names it."""

    display: str
    """The number as people write it (106900000301, 170 0000 0302)."""
    form_number: str
    """The number as typed (17000000302)."""
    first_date: str
    count: int
    behaviours: list[str]
    reached: str
    """Who received them, neutrally: 借款人 / 借款人的联系人 / both."""


def has_calls_or_sms(case: Case) -> bool:
    return any(incident.medium in (Medium.CALL, Medium.SMS) for incident in case.incidents)


def has_sms(case: Case) -> bool:
    return any(incident.medium is Medium.SMS for incident in case.incidents)


def sms_senders(case: Case) -> list[SmsSender]:
    """One entry per number that sent SMS, in the order the case first records them."""
    texts = [i for i in case.incidents if i.medium is Medium.SMS and i.from_number]
    result = []
    for number in dict.fromkeys(i.from_number for i in texts if i.from_number):
        sent = sorted((i for i in texts if i.from_number == number), key=lambda incident: incident.time)
        result.append(
            SmsSender(
                display=zh_phone(number),
                form_number=form_number(number),
                first_date=zh_date(sent[0].time),
                count=sum(i.count for i in sent),
                behaviours=list(dict.fromkeys(vocab("Behaviour", b) for i in sent for b in i.behaviours)),
                reached=_reached({i.target.kind for i in sent}),
            )
        )
    return result


def _reached(kinds: set[TargetKind]) -> str:
    borrower = TargetKind.BORROWER in kinds
    others = bool(kinds - {TargetKind.BORROWER})
    if borrower and others:
        return "借款人及其联系人"
    return "借款人" if borrower else "借款人的联系人"
