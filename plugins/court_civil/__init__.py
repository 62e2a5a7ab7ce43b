"""Built-in channel: the civil court — a 民事起诉状 for the borrower and for each harassed contact, 行为保全
applications (pre-suit and in-suit) and a 人格权侵害禁令 application.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin. The channel's facts
(filing routes, required items, deadlines and their basis) are data in ``channel.yaml``; the documents are
templates in ``templates/``. This module only works out the parties (who sues whom) and the per-person facts
that ``CaseView`` does not hold, and passes them to the templates. Whether the collectors called the borrower at
night is a feature the rules compute (``night_contact_to_borrower``); whether one contact's harassment is recent
uses the rules' ``policy.ongoing_within_days`` parameter.

Documents:

* ``complaint_borrower`` — the borrower's complaint (privacy of the debt information, personal information),
  when the borrower reports;
* ``complaint_contact`` — the reporting contact's complaint (peace of private life, their own phone number),
  when a contact reports;
* ``complaint_contact_<n>`` — when the borrower reports, one complaint for each reached contact ``n`` (numbered
  as in ``contacts.reached``) who is willing to report — except a contact reached only on the employer's landline
  (relation ``employer`` and a fixed-line number): a company switchboard is not a natural person's phone, so a staff
  member's own suit over it would be very weak; the borrower's complaint carries a note saying so instead;
* ``preservation_pre_suit``, ``preservation_in_suit``, ``personality_injunction`` — for the reporter; when the
  harassment is not ongoing they carry a note that courts grant them only in urgent cases.

Parties follow the collecting party's role (``lender.creditor_role``): a financing guarantor that paid the lender
is sued as 融资担保公司（追偿权人） and never called 出借人; a debt buyer as 债权受让人; a platform as the App's
operator, with its funder as the lender. A credit card — the signal is a bank (``lender.kind`` ``bank``) whose name,
App name or licence type contains 信用卡 — is worded 发卡机构 / 持卡人 / 信用卡欠款. All notes (``> …``) move to the
channel's guide; the filings state only what the case holds.
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, build=".drafting:build")
