"""Built-in channel: the lender's own complaint desk (step 1), with a complaint and a PIPL rights request.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin. The channel's facts
(filing routes, required items, deadlines and their basis) are data in ``channel.yaml``; the documents are
templates in ``templates/``.
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
    return [drafter.render("complaint"), drafter.render("pi_rights_request")]
