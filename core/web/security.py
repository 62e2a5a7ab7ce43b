"""The server's guard: who may talk to it and what they may send, in one ASGI middleware (``Guard``).

Threat model (docs/threat-model.md): the port is reachable by this machine only unless ``--host`` says otherwise,
and then only with the access token. Even on 127.0.0.1 other websites open in the person's browser can *send*
requests to it (cross-site form posts, DNS rebinding), so:

* ``Host`` must name a local address when serving locally (a rebinding domain is refused);
* a state-changing request from another site is refused (``Sec-Fetch-Site``/``Origin``), and every form of ours
  carries a CSRF token bound to the browser's session cookie (``check_csrf``);
* with a token, every request needs it — ``Authorization: Bearer`` for tools, or a session made by signing in;
* bodies are limited (``Content-Length`` and the bytes actually received);
* every response says ``Content-Security-Policy: default-src 'self'`` (no inline script, nothing from elsewhere),
  ``no-store`` and no referrer to other sites; cookies are ``HttpOnly`` and ``SameSite=Strict``;
* an exception never reaches a log or a page with its message or trace: only its type.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from http.cookies import SimpleCookie
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response

from jubao.store.errors import StoreError
from jubao.web.i18n import request_lang, wt
from jubao.web.problems import problem_response
from jubao.web.settings import WebSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "jubao_session"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PUBLIC_PREFIXES = ("/static/", "/login")
"""Reachable without the token: the sign-in page and what it needs to look right."""
UPLOAD_SUFFIXES = ("/evidence", "/import")
"""Paths whose bodies may be as large as an evidence file; every other body is limited to ``max_json_bytes``."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: with no-referrer Chromium sends ``Origin: null`` on our own form posts, which the
    # origin check must refuse; our URLs carry only random ids, and no referrer ever goes to another site.
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)

log = logging.getLogger("jubao.web")


class BodyTooLarge(Exception):
    """The request body passed its limit while it was being read."""


class CsrfError(Exception):
    """A form came without our CSRF token, or with another session's."""


class Sessions:
    """Browser sessions, in memory (a restart signs everyone out): random ids, and which signed in with the token."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._signed_in: set[str] = set()

    def new(self, *, signed_in: bool = False) -> str:
        session = secrets.token_urlsafe(32)
        if signed_in:
            with self._lock:
                self._signed_in.add(session)
        return session

    def signed_in(self, session: str | None) -> bool:
        with self._lock:
            return session is not None and session in self._signed_in

    def sign_out(self, session: str | None) -> None:
        with self._lock:
            self._signed_in.discard(session or "")

    def csrf_token(self, session: str) -> str:
        return hmac.new(self._secret, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: str | None, token: object) -> bool:
        return bool(session) and isinstance(token, str) and hmac.compare_digest(self.csrf_token(session or ""), token)


def session_of(request: HTTPConnection) -> str:
    """This browser's session id (the guard made one if it had none)."""
    return str(request.scope.get("jubao.session", ""))


def csrf_token(request: HTTPConnection) -> str:
    """The token every form of ours carries in a hidden ``csrf_token`` field."""
    sessions: Sessions = request.app.state.sessions
    return sessions.csrf_token(session_of(request))


async def check_csrf(request: Request) -> None:
    """Refuse a form post without this session's CSRF token (raises ``CsrfError``; the app answers 403)."""
    form = await request.form()
    sessions: Sessions = request.app.state.sessions
    if not sessions.csrf_ok(session_of(request), form.get(CSRF_FIELD)):
        raise CsrfError


def token_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


class Guard:
    """Host, origin, token, body-size and header checks around the whole app (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, settings: WebSettings, sessions: Sessions) -> None:
        self.app = app
        self.settings = settings
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        refusal = self._refusal(connection, scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        cookie_session = connection.cookies.get(SESSION_COOKIE)
        new_cookie = None
        if not scope["path"].startswith("/api/") and not _looks_like_session(cookie_session):
            cookie_session = self.sessions.new()
            new_cookie = cookie_session
        scope["jubao.session"] = cookie_session or ""
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                headers += SECURITY_HEADERS
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                if new_cookie is not None:
                    headers.append((b"set-cookie", session_cookie(new_cookie)))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, self._limited(scope, receive), send_with_headers)
        except BodyTooLarge:
            if not started:
                await self._too_large(connection)(scope, receive, send_with_headers)
        except Exception as error:  # never a trace or a message: they may hold personal data
            log.error("request failed: %s", type(error).__name__)
            if not started:
                await self._internal(connection, error)(scope, receive, send_with_headers)

    # --- checks ----------------------------------------------------------------------------------------------------

    def _refusal(self, connection: HTTPConnection, scope: Scope) -> Response | None:
        lang = request_lang(connection, self.settings.lang)
        api = scope["path"].startswith("/api/")
        host = (connection.headers.get("host") or "").rsplit(":", 1)[0] if connection.headers.get("host") else ""
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if self.settings.is_local and host not in self.settings.origin_hosts:
            return _refuse(api, 400, "bad_host", wt("security.bad_host", lang))
        if scope["method"] in UNSAFE_METHODS and self._cross_site(connection):
            return _refuse(api, 403, "cross_site", wt("security.cross_site", lang))
        if self.settings.auth_token is not None and not self._authorised(connection, scope["path"]):
            headers = {"WWW-Authenticate": 'Bearer realm="jubao"'}
            if api:
                return problem_response(401, "unauthorized", wt("security.unauthorized", lang), headers=headers)
            return _login_redirect(lang)
        length = connection.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self._limit(scope)):
            return _refuse(api, 413, "too_large", wt("security.too_large", lang, limit=_size(self._limit(scope))))
        return None

    @staticmethod
    def _cross_site(connection: HTTPConnection) -> bool:
        fetch_site = connection.headers.get("sec-fetch-site")
        if fetch_site in ("cross-site", "same-site"):
            return True
        origin = connection.headers.get("origin")
        if origin is None:
            return False  # not a browser (curl, a tool), or a same-origin navigation of an old browser
        own = f"{connection.url.scheme}://{connection.headers.get('host', '')}"
        return origin != own

    def _authorised(self, connection: HTTPConnection, path: str) -> bool:
        if path.startswith(PUBLIC_PREFIXES) or path == "/favicon.ico":
            return True
        expected = self.settings.auth_token or ""
        authorization = connection.headers.get("authorization", "")
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and token_matches(expected, given.strip()):
            return True
        return self.sessions.signed_in(connection.cookies.get(SESSION_COOKIE))

    def _limit(self, scope: Scope) -> int:
        path: str = scope["path"]
        if path.endswith(UPLOAD_SUFFIXES):
            return self.settings.max_upload_bytes
        return self.settings.max_json_bytes

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        limit = self._limit(scope)
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        return counted

    def _too_large(self, connection: HTTPConnection) -> Response:
        lang = request_lang(connection, self.settings.lang)
        api = connection.url.path.startswith("/api/")
        limit = _size(self._limit(connection.scope))
        return _refuse(api, 413, "too_large", wt("security.too_large", lang, limit=limit))

    def _internal(self, connection: HTTPConnection, error: Exception) -> Response:
        lang = request_lang(connection, self.settings.lang)
        api = connection.url.path.startswith("/api/")
        if isinstance(error, StoreError) and error.code in _STORE_TROUBLE:
            # Not jubao's fault, and "report this error" would mislead: say what is wrong with the disk or database.
            status, key = _STORE_TROUBLE[error.code]
            return _refuse(api, status, error.code, wt(key, lang, reason=error.params.get("reason", "?")))
        return _refuse(api, 500, "internal_error", wt("security.internal", lang, kind=type(error).__name__))


_OURS = frozenset(name for name, _ in SECURITY_HEADERS)

_STORE_TROUBLE = {
    "disk_full": (507, "api.disk_full"),
    "cannot_write": (503, "api.cannot_write"),
    "unavailable": (503, "api.unavailable"),
}
"""Store errors a page did not handle itself that are about the machine, not a defect: their status and message
(the same as the HTTP API's for them)."""


def session_cookie(session: str) -> bytes:
    cookie: SimpleCookie = SimpleCookie()
    cookie[SESSION_COOKIE] = session
    morsel = cookie[SESSION_COOKIE]
    morsel["httponly"] = True
    morsel["samesite"] = "Strict"
    morsel["path"] = "/"
    return morsel.OutputString().encode()


def _looks_like_session(value: str | None) -> bool:
    return value is not None and 20 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def _refuse(api: bool, status: int, code: str, message: str) -> Response:
    if api:
        return problem_response(status, code, message)
    return HTMLResponse(_plain_page(message), status_code=status)


def _login_redirect(lang: str) -> Response:
    del lang
    return Response(status_code=401, headers={"Location": "/login", "Content-Type": "text/html; charset=utf-8"},
                    content=_plain_page('<a href="/login">/login</a>', raw=True))  # fmt: skip


def _plain_page(message: str, *, raw: bool = False) -> str:
    body = message if raw else escape(message)
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>jubao</title>'
        f'<link rel="stylesheet" href="/static/app.css"></head><body><main class="notice"><p>{body}</p></main>'
        "</body></html>"
    )
