"""Built-in channel: the lender's own complaint desk (step 1), with a complaint and a PIPL rights request.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin. The channel's facts
(filing routes, required items, deadlines and their basis) are data in ``channel.yaml``; the documents are
templates in ``templates/``.

This channel needs no code: ``channel.yaml`` (with its ``documents``) and ``templates/`` are the whole plugin;
jubao wraps the package in ``jubao.TemplateChannel`` when it loads it.
"""
