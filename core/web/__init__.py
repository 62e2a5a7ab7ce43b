"""``jubao serve``: the local web app for victims and volunteers, and the versioned HTTP API for other tools.

``create_app(settings)`` (``jubao.web.app``) builds the ASGI application: the pages (``jubao.web.pages``), the API
under ``/api/v1`` (``jubao.web.api``), the security layer (``jubao.web.security``) and one ``Service`` (one engine
and plugin set, shared by every request). Cases live in ``jubao.store``. docs/web.md is the user's page,
docs/threat-model.md says who may reach the port and what is kept where.
"""
