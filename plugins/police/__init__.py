"""Built-in channel: the police (110 / 派出所), with a 控告书 and the 办事须知 for the visit.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin. The channel's facts (filing
routes, required items, deadlines and their basis) are data in ``channel.yaml``; the documents are templates in
``templates/``; the charges for criminal characterisations come from jubao's offences table (``ctx.offences()``).
This module only works out what depends on the law in force for the conduct and on the case's own facts:

* whether the conduct can still be dealt with as a 治安 matter: the rules conclude ``public_order_time_barred``
  when the 治安 limitation has run since the end of the latest episode (conduct months apart is separate
  episodes, ``jubao.conduct_episodes``); the 控告书 then asks for no 治安管理处罚 and no 禁止接触 and rests on the
  criminal heads alone;
* how the 控告书 words each public-order violation — in the version of the 治安管理处罚法 in force on the conduct
  date, and only with the elements the case shows (no "多次" for one act, no "滋扰、纠缠" for one visit);
* whether the no-contact order of the 2025 revision may be asked for (the rules' ``no_contact_order_available``);
* whether the punishable conduct spans the revision (从旧兼从轻), and when the case is urgent enough for 110.
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, values=".drafting:template_values")
