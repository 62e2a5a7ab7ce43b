"""Built-in channel: 12315 / 市场监管 — reporting a "consulting" company that in fact does debt collection
(reference §1.13).

Debt-collection companies (讨债公司) have been banned since 1995 and 2000, so collectors register as 商务咨询 /
信息咨询 companies. The document is a 举报信 (a report of suspected market-regulation violations) to the bureau
where the company operates; one per named agency, since each may sit in a different county. The channel's facts
are data in ``channel.yaml``; the letter is ``templates/report.md.j2``.

Code remains because each letter is about one agency, which ``ctx`` does not know: ``agency`` carries its name,
code, numbers, and the incidents linked to it (its numbers and accounts; all incidents when none match), with
the people reached named by relation only — a report to a market regulator does not need the contacts' names.

Collecting for a licensed institution under an outsourcing contract is lawful, so the letter calls the business
a banned 讨债 only where the creditor is unlicensed (``creditor_licensed``: ``licensed`` / ``unlicensed`` /
``unknown``); otherwise it reports the manner of collection and asks the bureau to check the registered scope.
A credit card's parties are 发卡机构 and 持卡人 (``card``).
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, build=".drafting:build")
