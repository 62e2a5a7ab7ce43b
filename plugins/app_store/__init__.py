"""Built-in channel: reporting the lending App to the app store (reference §1.18).

One store-agnostic text for the store's 举报/投诉 form: the App, its developer (the lender or App operator), the
over-collection of the contact list (必要个人信息范围规定), the harassment in the App's name, and a request to
review and remove it. Rendered with a blank for the App name when the case has none. The text goes to a private
company, so it names no contact and quotes no message: counts, relations and behaviours only.

This channel needs no code: ``channel.yaml`` (with its ``documents``) and ``templates/`` are the whole plugin;
jubao wraps the package in ``jubao.TemplateChannel`` when it loads it.
"""
