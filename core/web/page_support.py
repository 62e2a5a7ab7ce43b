"""What every page handler shares: the Jinja2 templates (autoescaped), the person's language, the CSRF token in
every form, one-time messages after a redirect, dates in Beijing, and the "not found" page.

Pages follow post/redirect/get: a form posts, the handler changes the store and answers ``303`` to a page that
shows the result (a refresh never posts twice). A refused form is shown again with its problems instead. Nothing
personal goes into a URL: case and draft ids are random, every value travels in a POST body.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from jubao.cache import template_bytecode_cache
from jubao.i18n import Lang, t
from jubao.types import CASE_TIMEZONE
from jubao.web.i18n import request_lang, wt
from jubao.web.security import csrf_token, session_of

T = TypeVar("T")

FLASH_LIMIT = 500
"""Sessions whose pending messages are kept (the oldest are forgotten first): a bound on memory, not a feature."""


def china_today() -> date:
    """Today in Beijing (the case format's time zone), whatever the server's clock zone is."""
    return datetime.now(CASE_TIMEZONE).date()


def day_text(day: date, lang: Lang) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def moment_text(moment: datetime, lang: Lang) -> str:
    """A stored time (UTC) as Beijing time, to the minute."""
    local = moment.astimezone(CASE_TIMEZONE)
    return f"{day_text(local.date(), lang)} {local:%H:%M}"


@cache
def environment() -> Environment:
    """The templates (package data in ``templates/``), HTML-escaped everywhere; a missing value is an error, so a
    template that names something the handler did not give fails the tests instead of printing nothing."""
    folder = files("jubao.web").joinpath("templates")
    return Environment(
        loader=FileSystemLoader(str(folder)),
        bytecode_cache=template_bytecode_cache("web:autoescape,StrictUndefined,trim_blocks,lstrip_blocks"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def lang_of(request: Request) -> Lang:
    return request_lang(request, request.app.state.settings.lang)


def tr(key: str, lang: Lang, /, **params: object) -> str:
    """A message: the web catalogue's (``page.*``) first, then jubao's own (vocabulary, statuses, plan words)."""
    text = wt(key, lang, **params)
    return t(key, lang, **params) if text == key else text


class Words:
    """``_("page.key", name=…)`` in templates (see ``tr``)."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, key: str, /, **params: object) -> str:
        return tr(key, self.lang, **params)


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    settings = request.app.state.settings
    page = (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            _=Words(lang),
            csrf_token=csrf_token(request),
            here=_here(request),
            flashes=pop_flashes(request),
            auth=settings.auth_token is not None,
            day=lambda value: day_text(value, lang),
            moment=lambda value: moment_text(value, lang),
            **context,
        )
    )
    return HTMLResponse(page, status_code=status)


def _here(request: Request) -> str:
    """Where the language switch returns to: this page's path (no query string: it is never personal, but a
    path is all a page of ours needs)."""
    path = request.url.path
    return path if is_local_path(path) else "/"


def is_local_path(path: str) -> bool:
    """A path on this server (``/…`` but not ``//host`` nor ``/\\host``, which browsers read as another site)."""
    return path.startswith("/") and not path.startswith(("//", "/\\")) and not any(c in path for c in "\r\n\t")


def redirect(path: str) -> RedirectResponse:
    """See other (303): after a form, the browser fetches ``path`` with GET."""
    return RedirectResponse(path, status_code=303)


def not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", status=404)


# --- one-time messages ---------------------------------------------------------------------------------------------


class Flashes:
    """Messages to show once on the next page of a browser session ("已保存"), kept in memory by session id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()

    def add(self, session: str, kind: str, text: str) -> None:
        if not session:
            return
        with self._lock:
            self._pending.setdefault(session, []).append((kind, text))
            self._pending.move_to_end(session)
            while len(self._pending) > FLASH_LIMIT:
                self._pending.popitem(last=False)

    def pop(self, session: str) -> list[tuple[str, str]]:
        with self._lock:
            return self._pending.pop(session, [])


def _flashes(request: Request) -> Flashes:
    state = request.app.state
    found = getattr(state, "page_flashes", None)
    if not isinstance(found, Flashes):
        found = Flashes()
        state.page_flashes = found
    return found


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """Show ``text`` on the next page this browser loads (``kind``: ``ok``, ``error`` or ``info``)."""
    _flashes(request).add(session_of(request), kind, text)


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    return _flashes(request).pop(session_of(request))


# --- forms ---------------------------------------------------------------------------------------------------------


def form_text(form: FormData, name: str) -> str:
    """A text field of the form ('' when absent or a file)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def uploads(form: FormData, name: str) -> list[UploadFile]:
    """The files chosen in a file input (a browser sends one empty part when none was chosen)."""
    return [item for item in form.getlist(name) if isinstance(item, UploadFile) and item.filename]


def closes_form(handler: Callable[..., Awaitable[Response]]) -> Callable[..., Awaitable[Response]]:
    """For a POST handler: the form's uploaded files (temporary files) are closed when it returns, whatever
    happened."""

    @functools.wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return await handler(request, *args, **kwargs)
        finally:
            await request.close()

    return wrapper


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run store and engine work off the event loop (both are synchronous and thread-safe)."""
    return await run_in_threadpool(function, *args, **kwargs)


def attachment(data: bytes, file_name: str, media_type: str) -> Response:
    """A download named ``file_name`` (RFC 6266: an ASCII fallback and the UTF-8 name)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in file_name) or "download"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
