"""``create_app(settings)``: the ASGI application ``jubao serve`` runs.

FastAPI (on Starlette) was chosen for its pydantic v2 models — the same ones the engine returns, so the OpenAPI
schema describes exactly the JSON jubao already documents — and its upkeep; uvicorn serves it. One ``Service``
(engine and plugins) and one ``Store`` are built at start and shared by every request; both are thread-safe, and
FastAPI runs the synchronous handlers in its thread pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from importlib.resources import files

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from jubao import __version__
from jubao.i18n import Lang
from jubao.store import Store
from jubao.web import api, pages
from jubao.web.i18n import request_lang, wt
from jubao.web.page_support import not_found as not_found_page
from jubao.web.problems import problem_response
from jubao.web.security import BodyTooLarge, CsrfError, Guard, Sessions
from jubao.web.service import Service
from jubao.web.settings import WebSettings

API_PREFIX = "/api/v1"


def create_app(settings: WebSettings, *, store: Store | None = None, service: Service | None = None) -> FastAPI:
    """The app; ``store``/``service`` are opened from ``settings`` when not given (tests may pass their own)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_store:
            app.state.store.close()
        if owns_service:
            app.state.service.close()

    owns_store, owns_service = store is None, service is None
    app = FastAPI(
        title="jubao",
        version=__version__,
        summary="Classify and route reports of abusive debt collection (催收爆通讯录); cases kept locally.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.sessions = Sessions()
    app.state.store = store if store is not None else Store.open(settings.db_url, data_dir=settings.data_dir)
    app.state.service = service if service is not None else Service()

    app.include_router(api.router, prefix=API_PREFIX)
    app.include_router(pages.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(files("jubao.web").joinpath("static"))), name="static")
    _error_handlers(app)
    app.add_middleware(Guard, settings=settings, sessions=app.state.sessions)
    return app


def _error_handlers(app: FastAPI) -> None:
    def lang_of(request: Request) -> Lang:
        return request_lang(request, request.app.state.settings.lang)

    async def csrf(request: Request, error: Exception) -> Response:
        message = wt("security.csrf", request_lang(request, request.app.state.settings.lang))
        if request.url.path.startswith("/api/"):
            return problem_response(403, "csrf", message)
        return HTMLResponse(f"<!doctype html><meta charset=utf-8><p>{message}</p>", status_code=403)

    async def too_large(request: Request, error: Exception) -> Response:
        settings: WebSettings = request.app.state.settings
        lang = request_lang(request, settings.lang)
        return problem_response(413, "too_large", wt("security.too_large", lang, limit="?"))

    async def invalid_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        lang = lang_of(request)
        problems = [
            {
                "code": str(item.get("type", "invalid")),
                "path": _path(item.get("loc", ())),
                "loc": list(item.get("loc", ())),
                "message": str(item.get("msg", "")),
            }
            for item in error.errors()
        ]
        title = "请求内容有问题" if lang == "zh" else "The request is not valid"
        return problem_response(422, "invalid_request", title, problems=problems)

    async def not_found(request: Request, error: Exception) -> Response:
        """Unknown addresses: a JSON problem under /api/, the page otherwise (never FastAPI's bare JSON)."""
        assert isinstance(error, StarletteHTTPException)
        if error.status_code != 404:  # 405 and the like: the standard phrase, and the headers (Allow) kept
            return problem_response(error.status_code, "http_error", HTTPStatus(error.status_code).phrase,
                                    headers=dict(error.headers or {}))  # fmt: skip
        if request.url.path.startswith("/api/"):
            return problem_response(404, "not_found", wt("security.not_found", lang_of(request)))
        return not_found_page(request)

    app.add_exception_handler(StarletteHTTPException, not_found)
    app.add_exception_handler(CsrfError, csrf)
    app.add_exception_handler(BodyTooLarge, too_large)
    app.add_exception_handler(RequestValidationError, invalid_request)


def _path(loc: object) -> str:
    parts = list(loc) if isinstance(loc, (list, tuple)) else []
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
