"""Built-in channel: reporting the lending App to the app store (reference §1.18).

One store-agnostic text for the store's 举报/投诉 form: the App, its developer (the lender or App operator), the
over-collection of the contact list (必要个人信息范围规定), the harassment in the App's name, and a request to
review and remove it. Rendered with a blank for the App name when the case has none. The text goes to a private
company, so it names no contact and quotes no message: counts, relations and behaviours only.
"""

from __future__ import annotations

from collections.abc import Callable

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.drafting import Drafter, channel_from_package
from jubao.evaluation import Evaluation

CHANNEL = channel_from_package(__name__)


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    return [
        drafter.render(
            "report",
            consent=case.debt.contact_list_consent.value,
            unlicensed=evaluation.classification.licence_status.value == "unlicensed",
        )
    ]
