"""What every endpoint of the HTTP API shares: the route class that checks content types and turns refusals into
JSON problems, the language of messages, reading a case from a request body, and the documented error answers.

Errors are ``application/problem+json`` (``jubao.web.problems``): an ``ApiError`` raised anywhere in an endpoint or
its dependencies, a ``StoreError``, a ``CaseFileError`` (every problem, located) or a malformed JSON body becomes
one. Anything else is the guard's 500 (its type only: never a trace).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from jubao.case import Case
from jubao.case_checks import channel_problems, locate
from jubao.case_edit import unknown_channel
from jubao.case_warnings import located_warnings
from jubao.documents import DocumentsError
from jubao.i18n import LANGS, Lang
from jubao.loading import CaseFileError, parse_case_text
from jubao.problems import Problem
from jubao.store import Store, StoreError
from jubao.web.i18n import LANG_COOKIE, wt
from jubao.web.problems import PROBLEM_JSON, case_problems_response, problem_dict, problem_response
from jubao.web.service import Service
from jubao.web.settings import WebSettings

JSON = "application/json"
YAML_TYPES = ("application/yaml", "text/yaml", "application/x-yaml")
CASE_TYPES = (JSON, *YAML_TYPES)
MULTIPART = "multipart/form-data"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", MULTIPART, "text/plain"})
"""What an HTML form can send from any web page without asking first (no CORS preflight)."""
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANY = ("*/*",)
"""``accepts(*ANY)``: no check (the catch-all that answers 404)."""
ZIP = "application/zip"
BOM = "\ufeff".encode()
PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}

F = TypeVar("F", bound=Callable[..., Any])


class ApiError(Exception):
    """Refuse the request with a problem (``status``, stable ``code``, a translated ``title``)."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        *,
        problems: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.title, self.problems, self.headers = status, code, title, problems, headers

    def response(self) -> Response:
        return problem_response(self.status, self.code, self.title, problems=self.problems, headers=self.headers)


# --- language -------------------------------------------------------------------------------------------------------


def api_lang(request: Request) -> Lang:
    """The ``jubao_lang`` cookie, else ``Accept-Language`` (its first language that is Chinese or English), else
    the server's language (``jubao --lang``; Chinese by default)."""
    chosen = request.cookies.get(LANG_COOKIE)
    for lang in LANGS:
        if chosen == lang:
            return lang
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";", 1)[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    settings: WebSettings = request.app.state.settings
    return settings.lang


# --- content types --------------------------------------------------------------------------------------------------

_ACCEPTS = "__jubao_accepts__"
_CASE_BODY = "__jubao_case_body__"


def accepts(*media_types: str, case_body: bool = False) -> Callable[[F], F]:
    """The request body's content types this endpoint takes (anything else is 415); ``case_body``: a JSON body is
    a case, so a syntax error in it is reported as the case's problem (line and column)."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _ACCEPTS, tuple(media_types))
        setattr(endpoint, _CASE_BODY, case_body)
        return endpoint

    return mark


def media_type(request: Request) -> str | None:
    """The body's media type without parameters, lower case (``application/json``), or ``None``."""
    value = request.headers.get("content-type")
    if not value:
        return None
    return value.split(";", 1)[0].strip().lower() or None


class ApiRoute(APIRoute):
    """An API route: checks the body's content type first (415), and answers every refusal as a JSON problem. Its
    name (for ``url_for``) is its operation id."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if kwargs.get("name") is None and kwargs.get("operation_id"):
            kwargs["name"] = kwargs["operation_id"]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        accepted: tuple[str, ...] | None = getattr(self.endpoint, _ACCEPTS, None)
        case_body: bool = getattr(self.endpoint, _CASE_BODY, False)

        async def guarded(request: Request) -> Response:
            lang = api_lang(request)
            if request.method in UNSAFE_METHODS:
                given = media_type(request)
                if accepted == ANY:
                    pass
                elif (given not in accepted) if accepted is not None else (given in FORM_TYPES):
                    shown = ", ".join(accepted) if accepted else "—"
                    return problem_response(
                        415,
                        "unsupported_media_type",
                        wt("api.unsupported_media_type", lang, given=given or "—", accepted=shown),
                    )
            if media_type(request) == JSON:
                await _without_bom(request)
            try:
                return await handler(request)
            except ApiError as error:
                return error.response()
            except StoreError as error:
                return store_problem(error, lang)
            except CaseFileError as error:
                return case_problems_response(error, lang)
            except HTTPException as error:  # e.g. a multipart body that cannot be parsed
                return problem_response(
                    error.status_code,
                    "invalid_request" if error.status_code == 400 else "error",
                    wt("api.invalid_request", lang),
                )
            except RequestValidationError as error:
                malformed = _malformed_json(error)
                if malformed is None:
                    raise
                return await _malformed_answer(request, malformed, lang, case_body=case_body)

        return guarded


async def _without_bom(request: Request) -> None:
    """A JSON body may start with a UTF-8 byte-order mark, as jubao's case files may (the framework's JSON reader
    refuses one): drop it before the body is read as JSON."""
    body = await request.body()
    if body.startswith(BOM):
        request._body = body[len(BOM) :]  # the body as every later reader of this request sees it


def _malformed_json(error: RequestValidationError) -> int | None:
    """The character offset of a JSON syntax error FastAPI met reading the body, if that is what this is."""
    for item in error.errors():
        if item.get("type") == "json_invalid":
            loc = item.get("loc", ())
            return loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
    return None


async def _malformed_answer(request: Request, offset: int, lang: Lang, *, case_body: bool) -> Response:
    raw = await request.body()
    if case_body:  # the case's own problem, as `jubao validate` reports it
        try:
            parse_case_text(raw, fmt="json", source="<request>")
        except CaseFileError as error:
            return case_problems_response(error, lang)
    text = raw.decode("utf-8", errors="replace")
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    item = whole_body_item(
        "json_invalid", wt("api.malformed_json", lang, line=line, column=column), line=line, column=column
    )
    return problem_response(422, "invalid_request", wt("api.invalid_request", lang), problems=[item])


def whole_body_item(code: str, message: str, *, line: int | None = None, column: int | None = None) -> dict[str, Any]:
    """A problem with the body as a whole (no field path), in ``ProblemItem``'s shape."""
    return {
        "code": code,
        "path": "",
        "loc": [],
        "line": line,
        "column": column,
        "severity": "error",
        "message": message,
    }


# --- errors ---------------------------------------------------------------------------------------------------------

_EDIT_CODES = frozenset(
    {"no_filing", "all_answered", "reply_before_filing", "not_a_mapping", "not_a_list", "cannot_read"}
)


def store_problem(error: StoreError, lang: Lang) -> Response:
    """A ``StoreError`` as a problem: 404, 409 (``conflict``, ``in_use``), 413, 422, 503 or 507 (``disk_full``)
    (never the driver's message: it may quote SQL)."""
    params = error.params
    if error.code == "not_found":
        key = "api.not_found_evidence" if params.get("kind") == "evidence file" else "api.not_found_case"
        return problem_response(404, "not_found", wt(key, lang))
    if error.code == "conflict":
        return problem_response(
            409,
            "conflict",
            wt("api.conflict", lang, current=params.get("current", "?"), expected=params.get("expected", "?")),
        )
    if error.code == "in_use":
        return problem_response(409, "in_use", wt("api.evidence_in_use", lang, id=params.get("evidence_id", "?")))
    if error.code == "too_large":
        limit = params.get("limit")
        shown = f"{int(limit) // (1024 * 1024)} MiB" if isinstance(limit, int) else "?"
        return problem_response(413, "too_large", wt("security.too_large", lang, limit=shown))
    if error.code == "bad_file":
        return problem_response(422, "bad_file", wt("api.bad_file", lang))
    if error.code == "edit_failed":
        code = str(params.get("code", ""))
        inner = params.get("params") or {}
        text = wt(f"api.edit.{code}", lang, **inner) if code in _EDIT_CODES else wt("api.edit.other", lang, code=code)
        return problem_response(422, "edit_failed", text, problems=[whole_body_item(code or "edit_failed", text)])
    if error.code == "disk_full":
        return problem_response(507, "disk_full", wt("api.disk_full", lang))
    if error.code == "cannot_write":
        return problem_response(503, "cannot_write", wt("api.cannot_write", lang, reason=params.get("reason", "?")))
    return problem_response(503, "unavailable", wt("api.unavailable", lang))


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem answers an endpoint can give (422 always: a parameter or body that is not
    valid is a problem too, never the framework's own error format)."""
    described = {
        400: "The request cannot be used (e.g. a malformed If-Match).",
        404: "No such case (or evidence file).",
        409: "The case changed since the revision you edited (or, deleting an evidence file, the case file still "
        "names it).",
        413: "The body is larger than the server's limit.",
        415: "The body's content type is not one this endpoint takes.",
        422: "The case, or the request, is not valid: every problem, located.",
        503: "The database (or the data directory) cannot be used right now; nothing was changed.",
        507: "There is no space left to store it (the disk, a disk quota, or the database's size limit); nothing "
        "was changed. Freeing space helps; trying again as it is does not.",
    }
    store = {507} if 503 in statuses else set()  # an endpoint that uses the store can meet a full disk
    return {
        status: {"description": described[status], "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}
        for status in sorted({*statuses, 422, *store})
    }


# --- reading cases --------------------------------------------------------------------------------------------------


def body_format(request: Request) -> Literal["yaml", "json"]:
    return "json" if media_type(request) == JSON else "yaml"


def read_case(
    service: Service, raw: str | bytes, fmt: Literal["yaml", "json"], *, source: str = "<request>"
) -> tuple[Case, list[Problem]]:
    """The case in ``raw`` and its warnings; ``CaseFileError`` with every problem located (the format's, then — as
    ``jubao validate`` and ``jubao evaluate`` check — prior complaints naming a channel no installed plugin has)."""
    case = parse_case_text(raw, fmt=fmt, source=source)
    text = raw if isinstance(raw, str) else raw.decode("utf-8-sig", errors="replace")
    problems = channel_problems(case, service.plugins.ruleset.channels)
    if problems:
        raise CaseFileError(source, locate(problems, text))
    return case, located_warnings(case, text)


def check_channel(service: Service, case: Case, channel: str, lang: Lang) -> None:
    """Refuse (422) a channel id that names no installed channel, with ``jubao.case_edit``'s located problem."""
    problem = unknown_channel(case, channel, service.plugins.ruleset.channels)
    if problem is not None:
        item = problem_dict(problem.model_copy(update={"loc": ("channel",)}), lang)
        raise ApiError(422, "invalid_channel", wt("api.invalid_channel", lang), problems=[item])


# --- dependencies ---------------------------------------------------------------------------------------------------


async def _raw_body(request: Request) -> bytes:
    return await request.body()


async def _lang(request: Request) -> Lang:
    return api_lang(request)


async def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def _settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


RawBody = Annotated[bytes, Depends(_raw_body)]
ApiLang = Annotated[Lang, Depends(_lang)]
ServiceDep = Annotated[Service, Depends(_service)]
StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[WebSettings, Depends(_settings)]
AsOf = Annotated[
    date | None,
    Query(
        description="The day to evaluate and plan on (YYYY-MM-DD; default: today in Beijing). Complaints filed "
        "after it are left out, as `jubao plan --as-of` does."
    ),
]

Channels = Annotated[
    list[str] | None,
    Query(alias="channel", description="Only these channels (repeat the parameter); default: every routed one."),
]


def model_response(model: BaseModel, *, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``model`` as JSON, exactly its ``model_dump(mode="json")`` (no second validation on the way out)."""
    return Response(model.model_dump_json(), status_code=status, media_type=JSON, headers=headers)


def zip_documents(service: Service, case: Case, base_dir: Path, channels: list[str] | None, lang: Lang) -> bytes:
    """The document set as zip bytes; 422 ``unknown_channel`` for a channel id no plugin has."""
    try:
        document_set = service.document_set(case, base_dir=base_dir, channels=channels or None)
    except DocumentsError as error:
        if error.code != "unknown_channel":
            raise
        message = wt(
            "api.unknown_channel",
            lang,
            channel=str(error.params.get("channel", "")),
            known=str(error.params.get("known", "")),
        )
        raise ApiError(422, "unknown_channel", message) from None
    return service.zip_bytes(document_set)


def zip_response(data: bytes, name: str) -> Response:
    return Response(data, media_type=ZIP, headers={"Content-Disposition": f'attachment; filename="{name}"'})
