"""Signing in with the access token (only when ``jubao serve --auth`` made one) and the language switch."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from jubao.i18n import LANGS
from jubao.web.i18n import LANG_COOKIE
from jubao.web.page_support import closes_form, flash, form_text, is_local_path, lang_of, redirect, render, tr
from jubao.web.security import SESSION_COOKIE, Sessions, check_csrf, session_cookie, token_matches

router = APIRouter(include_in_schema=False)

LANG_COOKIE_SECONDS = 365 * 24 * 3600


@router.get("/login")
def login_page(request: Request) -> Response:
    return render(request, "login.html", error=None, signed_in=_signed_in(request))


def _signed_in(request: Request) -> bool:
    sessions: Sessions = request.app.state.sessions
    return sessions.signed_in(request.cookies.get(SESSION_COOKIE))


@router.post("/login")
@closes_form
async def login(request: Request) -> Response:
    """The token right: a new session, signed in, replaces the browser's (the old id is never promoted, so a
    session id someone planted before sign-in is worth nothing); wrong: the form again (401)."""
    await check_csrf(request)
    form = await request.form()
    settings = request.app.state.settings
    lang = lang_of(request)
    if settings.auth_token is None:
        return redirect("/")
    if not token_matches(settings.auth_token, form_text(form, "token").strip() or None):
        return render(request, "login.html", status=401, error=tr("page.login.wrong", lang), signed_in=False)
    sessions: Sessions = request.app.state.sessions
    sessions.sign_out(request.cookies.get(SESSION_COOKIE))
    response = redirect("/")
    response.headers.append("Set-Cookie", session_cookie(sessions.new(signed_in=True)).decode())
    return response


@router.post("/lang")
@router.post("/login/lang")
@closes_form
async def switch_language(request: Request) -> Response:
    """中文 / English: remembered in a cookie; back to the page the switch was pressed on (a path of this site)."""
    await check_csrf(request)
    form = await request.form()
    chosen = form_text(form, "lang")
    back = form_text(form, "next")
    response = redirect(back if is_local_path(back) else "/")
    if chosen in LANGS:
        response.set_cookie(LANG_COOKIE, chosen, max_age=LANG_COOKIE_SECONDS, path="/", httponly=True,
                            samesite="strict")  # fmt: skip
    else:
        flash(request, tr("page.lang.unknown", lang_of(request)), "error")
    return response
