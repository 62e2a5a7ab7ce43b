"""The miit_12321 channel's drafting code: the documents it builds (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, build=".drafting:build")``).
"""

from __future__ import annotations

from jubao import Document, Drafter, DraftingContext, Perspective, Redaction, form_payload

from .sms import has_calls_or_sms, has_sms, sms_senders


def build(drafter: Drafter, context: DraftingContext) -> list[Document]:
    redaction = Redaction(context.case)
    if not redaction.numbers and not has_calls_or_sms(context.case):
        return []  # nothing 12321 takes: no number, no call, no SMS (e.g. only home visits or WeChat)
    reporter = redaction.reporter()
    documents = [
        _report(drafter, redaction, reporter, number, f"report_{index}", first=index == 1)
        for index, number in enumerate(redaction.numbers or [None], start=1)
    ]
    if has_sms(context.case):
        documents.append(drafter.render("sms_forward", formats=["txt", "md"], senders=sms_senders(context.case)))
    for contact in redaction.willing_contacts():
        documents += _contact_reports(drafter, redaction, contact)
    return documents


def _contact_reports(drafter: Drafter, redaction: Redaction, contact: Perspective) -> list[Document]:
    """A willing contact's reports: one per number that reached them, or one with the number left blank when
    the case does not say which number did. A contact reached only by WeChat or in a group chat has no number
    to report to 12321."""
    own = redaction.numbers_for(contact)
    prefix = f"contact_{contact.contact_index}_report"
    if own:
        return [_report(drafter, redaction, contact, n, f"{prefix}_{redaction.index_of(n)}") for n in own]
    if not redaction.reached_at_all(contact):
        return [_report(drafter, redaction, contact, None, prefix)]
    return []


def _report(
    drafter: Drafter,
    redaction: Redaction,
    who: Perspective,
    number: str | None,
    document_id: str,
    *,
    first: bool = False,
) -> Document:
    """One report. ``first``: the set's first, which carries the notes about 12321 itself (they go to the guide
    once, not once per report)."""
    document = drafter.render(
        "report",
        document_id=document_id,
        formats=["json", "md"],
        who=who,
        report=redaction.number_report(who, number),
        all_numbers=redaction.numbers,
        first=first,
    )
    return document.model_copy(update={"payload": form_payload(document)})
