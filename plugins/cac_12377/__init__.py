"""Built-in channel: 12377 / 网信部门 personal-information complaints (reference §1.10).

A lending App that read the borrower's contact list and used it for collection processes the contacts' personal
information without a lawful basis; anyone may complain to the departments with personal-information duties
(《个人信息保护法》 Arts 60, 61, 65). The channel's facts are data in ``channel.yaml``; the complaint is
``templates/pi_complaint.md.j2``.

Code remains only to hand the template two values ``ctx`` does not offer, both from ``jubao``'s shared rows:

* ``rows`` — the incidents with the people reached named by their relation only (a complaint to a regulator
  does not need the contacts' names; jubao puts them only in police, court and the contacts' own filings);
* ``online`` — what was posted in group chats or on social media (``None`` if nothing), for the request to take
  it down.
"""

from __future__ import annotations

from typing import Any

from jubao import CaseView, DraftingContext, TemplateChannel, anonymised_incidents, online_summary


def template_values(context: DraftingContext) -> dict[str, Any]:
    """The incidents by relation only, and what was posted online (see the module docstring)."""
    view = CaseView(context)
    return {"rows": anonymised_incidents(view), "online": online_summary(view)}


plugin = TemplateChannel(__name__, values=template_values)
