"""Built-in channel: 12321 (harassing calls and spam SMS), one report per number and per person harassed.

12321 is run by the 中国互联网协会 on commission from MIIT (reference §1.7). It takes one report per number, and
anyone who was called or texted may report, so this plugin writes:

* ``report_<n>`` — the reporter's own report on the n-th collector number (form fields as JSON + a readable
  version), for every number in the case (``report_1`` with the number left blank when calls or SMS are
  recorded without one; nothing at all when the case has no call, SMS or number);
* ``sms_forward`` — the text to forward to 12321, when any incident was an SMS (``sms.py``);
* ``contact_<c>_report_<n>`` — when the borrower files: a version for each contact willing to report (the c-th
  contact in ``contacts.reached``), on each number that reached that contact, in the contact's own words and
  with no one else's data; ``contact_<c>_report`` (number left blank) when the case does not say which number
  reached them.

What each report may reveal (per-number counts, dates, redacted notes, for the borrower or a contact) comes from
``jubao.Redaction``, shared with the other channels that must not name contacts; the wording is in
``templates/``. The form payload is read back from the rendered document's 表单填写内容 table
(``jubao.form_payload``), so the JSON and the readable version cannot disagree.
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, build=".drafting:build")
