"""Built-in channel: media and public complaint platforms such as 黑猫投诉 (reference §1.17).

The document is a public post, so it is anonymised by construction: the template never receives the contacts'
names or numbers, the reporter's name, phone, ID number or address, the borrower's name (when a contact reports),
the collectors' numbers or accounts, incident notes or evidence descriptions (free text that may name people).
Everything it says about the incidents is computed here from closed vocabularies: date, medium, whom (by
relation), how many times, and the behaviours. Allegations are worded as the reporter's account (据本人经历).
That is why this channel keeps code: the public wording of each incident and prior complaint, and the counts of
what was left out, are computed here rather than read from ``ctx`` by the template.
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, values=".drafting:template_values")
