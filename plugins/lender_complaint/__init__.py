"""Built-in channel: the lender's own complaint desk (step 1), with a complaint and a PIPL rights request.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin. The channel's facts
(filing routes — in the App, by phone, by post —, what to bring and keep, required items, deadlines and their basis,
and whom the 15/30/60-day clock binds) are data in ``channel.yaml``; the documents are templates in ``templates/``.

The templates get a few values computed here, for what ``ctx`` does not know: whether the 15/30/60-day clock binds
(``Deadline.applies_to``: banks and insurers answering their own consumers — not a microlender or a guarantor, and
not a borrower's contact), whether the debt is a credit card (发卡机构/持卡人 wording), how to call the person who owes
(a guarantor collecting by recourse or a debt buyer never lent the money), and the reporter's free text with the
contacts' names and numbers taken out (``jubao.Redaction``: the lender is not the police or a court).
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, values=".drafting:template_values")
