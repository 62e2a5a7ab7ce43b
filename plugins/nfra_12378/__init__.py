"""Built-in channel: 12378 / 国家金融监督管理总局 — a consumer 投诉 and a violation 举报 (reference §1.2, §1.3).

12378 is NFRA's banking-and-insurance consumer line, not a telecom line. The two procedures have different
acceptance rules and clocks, so the channel produces up to three documents: the 通话要点 for the hotline (an aid the
caller keeps), a written 投诉书 (forwarded to the institution: 15 → 30 → +30 days) and a 举报信 under
《银行保险违法行为举报处理办法》 (15 days to accept, 60 (+30) to decide). The 信访 clocks for escalating are declared
in ``channel.yaml``.

Only a consumer of the institution has a consumer complaint: a borrower's contact who reports is no 金融消费者, so
their set holds the phone script and the 举报信 only, and no document of theirs states the consumer-complaint clock
(``complaint_handling`` declares whom it binds: ``Deadline.applies_to``).

Code remains for what ``ctx`` does not know: whom the filings are against (``jubao.respondent``: the bank or
consumer-finance company behind a platform loan, else the lender), which sector rules apply to it, which rules were
in force on the conduct date, whether the debt is a credit card, and the reporter's free text with the contacts'
names and numbers taken out (``jubao.Redaction``: this is not a police or court filing).
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, build=".drafting:build")
