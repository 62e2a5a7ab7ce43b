"""Built-in channel: 12300, the telecom user appeal centres — only for complaints against a carrier.

12300 takes appeals against carriers, after the user has complained to the carrier and got no reply within 15
days or an unsatisfactory one (reference §1.8, 《电信用户申诉处理办法》 Art. 10). For 爆通讯录 that is the narrow
case of a carrier that does nothing about harassing numbers already reported (to 12321 or to the carrier). So
this plugin writes, in order:

* ``carrier_complaint`` — the complaint to the carrier itself (step 1, with the 15-day clock), unless the case
  already records an unresolved complaint to a carrier (``carrier_complaints``);
* ``appeal`` — the 申诉书 to the appeal centre of the carrier's province, with the contents Art. 12 requires
  (name, address, phone, postcode; the respondent's name and address; request, reasons and facts; date) and
  the Art. 10(4) condition stated from the case: the complaint to the carrier (which carrier, date, 工单号) and
  its answer, or that it did not answer within its period (``jubao.carrier_appeal``, counted like the plan); a
  visible blank when the case records no complaint to a carrier. One appeal per carrier complained to
  (``appeal_<carrier>`` when there are several: each is a separate respondent). The 12321 reports come from
  ``prior_complaints``.

The per-number facts and the redaction of contacts' names come from ``jubao.Redaction`` (the same counts as
the 12321 reports; a carrier is not the police, so contacts are counted, never named). The carrier is never
guessed: its name and address are blanks.
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, build=".drafting:build")
