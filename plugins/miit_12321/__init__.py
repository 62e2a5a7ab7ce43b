"""Built-in channel: 12321 (harassing calls and spam SMS), one report per number and per person harassed.

12321 is run by the 中国互联网协会 on commission from MIIT (reference §1.7). It takes one report per number, and
anyone who was called or texted may report, so this plugin writes:

* ``report_<n>`` — the reporter's own report on the n-th collector number (form fields as JSON + a readable
  version), for every number in the case (``report_1`` with the number left blank when calls or SMS are
  recorded without one; nothing at all when the case has no call, SMS or number);
* ``sms_forward`` — the text to forward to 12321, when any incident was an SMS;
* ``contact_<c>_report_<n>`` — when the borrower files: a version for each contact willing to report (the c-th
  contact in ``contacts.reached``), on each number that reached that contact, in the contact's own words and
  with no one else's data; ``contact_<c>_report`` (number left blank) when the case does not say which number
  reached them.

The facts (per-number counts, dates, redacted notes) are computed in ``facts.py``; the wording is in
``templates/``. The form payload is read back from the rendered document's 表单填写内容 table, so the JSON and
the readable version cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.documents_api import Note, NumberedList, Paragraph, Section, Table
from jubao.drafting import Drafter, channel_from_package
from jubao.evaluation import Evaluation

from .facts import CaseFacts, Perspective

CHANNEL = channel_from_package(__name__)
FORM_SECTION = "表单填写内容"
"""The section whose two-column table is the web form; a row whose field has its own section takes that text."""


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    facts = CaseFacts(case)
    reporter = facts.reporter()
    if not facts.numbers and not facts.has_calls_or_sms:
        return []  # nothing 12321 takes: no number, no call, no SMS (e.g. only home visits or WeChat)
    documents = [
        _report(drafter, facts, reporter, number, f"report_{index}")
        for index, number in enumerate(facts.numbers or [None], start=1)
    ]
    if facts.has_sms:
        documents.append(drafter.render("sms_forward", formats=["txt", "md"], senders=facts.sms_senders()))
    for contact in facts.willing_contacts():
        own = facts.numbers_for(contact)
        if own:
            documents += [
                _report(
                    drafter, facts, contact, number, f"contact_{contact.contact_index}_report_{facts.index_of(number)}"
                )
                for number in own
            ]
        elif not facts.reached_at_all(contact):
            # The case does not say which number reached this contact: a version with the number left blank.
            documents.append(_report(drafter, facts, contact, None, f"contact_{contact.contact_index}_report"))
        # A contact reached only by WeChat or in a group chat has no number to report to 12321.
    return documents


def _report(drafter: Drafter, facts: CaseFacts, who: Perspective, number: str | None, document_id: str) -> Document:
    document = drafter.render(
        "report",
        document_id=document_id,
        formats=["json", "md"],
        who=who,
        report=facts.report(who, number),
        all_numbers=facts.numbers,
    )
    return document.model_copy(update={"payload": form_payload(document)})


def form_payload(document: Document, form_section: str = FORM_SECTION) -> dict[str, Any]:
    """The web form's fields, read from the document: the rows of the form section's table (field → value); a
    field that has a section of its own (描述) takes that section's text; the section's notes become ``_说明``."""
    sections = {section.heading: section for section in document.sections}
    form = sections[form_section]
    table = next(block for block in form.all_blocks() if isinstance(block, Table))
    payload: dict[str, Any] = {}
    for key, value, *_ in table.rows:
        payload[key] = _section_value(sections[key]) if key in sections else value
    notes = [block.text for block in form.all_blocks() if isinstance(block, Note)]
    if notes:
        payload["_说明"] = " ".join(notes)
    return payload


def _section_value(section: Section) -> str | list[str]:
    blocks = section.all_blocks()
    if len(blocks) == 1 and isinstance(blocks[0], NumberedList):
        return list(blocks[0].items)
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, NumberedList):
            lines += [f"{number}. {item}" for number, item in enumerate(block.items, start=1)]
    return "\n".join(lines)
