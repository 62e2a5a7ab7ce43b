"""jubao plugin: Guangdong's 12345 government service hotline (an example third-party plugin).

The whole plugin is data: the channel (``channel.yaml``, whose ``documents:`` list names the call notes), the
routing rule and its golden tests (``rules/``), and the call notes, a Jinja2 template
(``templates/call_notes.md.j2``) that reads the case through ``ctx``. jubao loads a package that implements no hook
but ships ``channel.yaml`` as a ``jubao.TemplateChannel``, so this module holds no code.
"""
