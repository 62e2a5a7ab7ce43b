"""The web pages of ``jubao serve``: server-rendered (Jinja2, ``templates/``), Chinese first with an English
switch, no script needed, every form with a CSRF token and answered by a redirect.

* ``jubao.web.page_cases`` — the case list, import, the case page (evaluation, this week, plan, missing items,
  documents, filings and replies, evidence), export, editing the case file, deleting;
* ``jubao.web.page_interview`` — the guided interview (``questions.yaml``, one question per screen, review);
* ``jubao.web.page_session`` — signing in with the access token, the language switch;
* ``jubao.web.page_support`` / ``page_views`` — templates, messages, and the engine's results in plain words.
"""

from fastapi import APIRouter

from jubao.web import page_cases, page_interview, page_session

router = APIRouter()
router.include_router(page_session.router)
router.include_router(page_interview.router)
router.include_router(page_cases.router)
