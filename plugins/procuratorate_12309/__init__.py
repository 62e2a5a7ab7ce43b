"""Built-in channel: the procuratorate (人民检察院, 12309) — a 立案监督申请 when the police will not open a
criminal case, and a personal-information public-interest tip (个人信息保护法 Art. 70) when many people are hit.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin; the channel's facts are
data in ``channel.yaml`` and the document is ``templates/clue_report.md.j2``; the charges for criminal
characterisations come from jubao's offences table (``ctx.offences()``). This module decides which of the two
requests the document makes and masks free text: the procuratorate is not one of the offices that may receive the
contacts' names and numbers, so the template shows contacts by their relation to the borrower and ``redact``
masks names or numbers in notes and evidence (as ×× and （号码略）).
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, values=".drafting:template_values")
