"""Built-in channel: the NIFA reporting platform (中国互联网金融协会 互联网金融举报信息平台).

NIFA is a self-regulatory body: it takes real-name reports about internet-finance institutions and forwards
clues to the authorities; nothing it does has a binding deadline (reference §1.5, §2 D42). The plugin writes one
document, ``report``: the form's fields as JSON and the same report to read. The platform's real field list is not
verified, so the payload says so in ``_说明``. Contacts appear by relation and count only (this is not a police
filing); the incidents, behaviours and evidence as the filer may state them come from ``jubao.Redaction``, and
the payload is read back from the rendered form table (``jubao.form_payload``).
"""

from jubao import TemplateChannel

plugin = TemplateChannel(__name__, build=".drafting:build")
