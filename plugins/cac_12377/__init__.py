"""Built-in channel: 12377 / 网信部门 personal-information complaints (reference §1.10).

A lending App that read the borrower's contact list and used it for collection processes the contacts' personal
information without a lawful basis; anyone may complain to the departments with personal-information duties
(《个人信息保护法》 Arts 60, 61, 65). The channel's facts are data in ``channel.yaml``; the complaint is
``templates/pi_complaint.md.j2``.

Code remains only to hand the template values ``ctx`` does not offer, from ``jubao``'s shared rows:

* ``rows`` — the incidents with the people reached named by their relation only (a complaint to a regulator
  does not need the contacts' names; jubao puts them only in police, court and the contacts' own filings). A
  contact who files describes only what reached them (``reached_me``), as every contact's own filing does; if
  no incident is recorded as reaching them, all incidents are shown and none is said to have reached them;
* ``acts`` and ``behaviours`` — counted over those rows;
* ``online`` — what was posted in group chats or on social media (``None`` if nothing), for the request to take
  it down;
* ``card`` — a credit card's debt: the parties are 发卡机构 and 持卡人.
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, values=".drafting:template_values")
