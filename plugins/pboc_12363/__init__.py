"""Built-in channel: 12363 / 中国人民银行 — only where credit reporting is involved (reference §1.6).

Two documents: a 征信异议申请 to the credit bureau or the data provider (written answer within 20 days,
《征信业管理条例》 Art. 25) and a complaint to the local PBOC branch (30 days from acceptance, Art. 26). 12363
expects the institution to have been asked first, takes no 举报, and its scope since the 2023 reform is [U].

This channel needs no code: ``channel.yaml`` (with its ``documents``) and ``templates/`` are the whole plugin;
jubao wraps the package in ``jubao.TemplateChannel`` when it loads it.
"""
