"""Built-in channel: the 12348 legal-aid hotline — a phone script (通话要点) for the call.

The script summarises the case for a hotline operator without any contact's name or number (the operator does not
need them) and lists what to ask and what to bring; it asks about a police report when the rules routed the case
to the police. There is no binding clock: 12348 is an advice line.

This channel needs no code: ``channel.yaml`` (with its ``documents``) and ``templates/`` are the whole plugin;
jubao wraps the package in ``jubao.TemplateChannel`` when it loads it. Everything the script says comes from the
drafting context (``ctx``).
"""
