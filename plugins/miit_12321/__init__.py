"""Built-in channel: 12321 (harassing calls and spam SMS), one report per number and per person harassed.

12321 is run by the 中国互联网协会 on commission from MIIT (reference §1.7). It takes one report per number, and
anyone who was called or texted may report, so this plugin writes:

* ``report_<n>`` — the reporter's own report on the n-th collector number (form fields as JSON + a readable
  version), for every number in the case (``report_1`` with the number left blank when calls or SMS are
  recorded without one; nothing at all when the case has no call, SMS or number);
* ``sms_forward`` — the text to forward to 12321, when any incident was an SMS (``sms.py``);
* ``contact_<c>_report_<n>`` — when the borrower files: a version for each contact willing to report (the c-th
  contact in ``contacts.reached``), on each number that reached that contact, in the contact's own words and
  with no one else's data; ``contact_<c>_report`` (number left blank) when the case does not say which number
  reached them.

What each report may reveal (per-number counts, dates, redacted notes, for the borrower or a contact) comes from
``jubao.Redaction``, shared with the other channels that must not name contacts; the wording is in
``templates/``. The form payload is read back from the rendered document's 表单填写内容 table
(``jubao.form_payload``), so the JSON and the readable version cannot disagree.
"""

from __future__ import annotations

from jubao import Document, Drafter, DraftingContext, Perspective, Redaction, TemplateChannel, form_payload

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


plugin = TemplateChannel(__name__, build=build)
