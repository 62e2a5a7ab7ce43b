"""Built-in channel: 地方金融管理局 — a 投诉举报信 about a microlender, guarantee company or other local financial
organisation, or a report of illegal lending (reference §1.4, §1.11, §1.12).

The competent bureau is the one of the province where the company is licensed or registered: the letter is
addressed to the licence issuer (``lender.licence.issuer``) or, failing that, to the bureau of the province its
registered address (``lender.address``) lies in; the bureau where the borrower lives is the alternative, offered in
the guide. With neither known, the addressee is a blank. No national time limit for the bureau was found, so the
letter claims none; the 信访 clocks apply only to a matter filed as a petition, and the guide says so.

Code remains for what ``ctx`` does not know: whom the letter is against (``jubao.respondent``: the microlender or
guarantee company behind a platform loan, else the lender), whether a local bureau supervises it, which bureau
that is, whether the penalty limitation has run, and which rules were in force on the conduct date.
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, values=".drafting:template_values")
