"""The HTTP API under ``/api/v1`` (docs/api-http.md; the schema: ``/api/v1/openapi.json``, docs/openapi.json).

For tools that embed jubao from another language. The engine endpoints take a case in the body and keep nothing:
``POST /validate``, ``/evaluate``, ``/explain``, ``/plan``, ``/documents``; ``GET /channels`` lists the installed
channels. The case store's endpoints are in ``jubao.web.api_cases``. Every answer is the engine's own versioned
JSON (``jubao.evaluation/1``, ``jubao.trace/1``, ``jubao.plan/1``, ``jubao.next/1``) or a small documented model
(``jubao.web.api_models``); every error is a JSON problem (``jubao.web.api_common``).

A case in a body is read by its ``Content-Type``: ``application/json`` — the body is the case (a JSON object, as a
``.json`` case file); ``application/yaml``, ``application/x-yaml`` or ``text/yaml`` — the body is a YAML case
file. Either way its problems are located by line and column in the body, and field path.

One ``Service`` (engine and plugins) serves every request; the handlers are synchronous and run in the server's
thread pool.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from jubao.evaluation import Evaluation, Trace
from jubao.loading import CaseFileError
from jubao.plan import Plan
from jubao.web import api_cases
from jubao.web.api_common import (
    ANY,
    CASE_TYPES,
    JSON,
    ZIP,
    ApiLang,
    ApiRoute,
    AsOf,
    Channels,
    RawBody,
    ServiceDep,
    accepts,
    api_lang,
    body_format,
    model_response,
    problem_responses,
    read_case,
    zip_documents,
    zip_response,
)
from jubao.web.api_models import CASE_SCHEMA, ChannelInfo, ChannelList, ProblemItem, ValidationResult
from jubao.web.i18n import wt
from jubao.web.problems import problem_dict, problem_response

router = APIRouter(route_class=ApiRoute)

CASE_REF = {"$ref": "#/components/schemas/Case"}
CaseBody = Annotated[
    Any,
    Body(
        media_type=JSON,
        description="The case: a JSON object (the case file format, docs/case-format.md), or a "
        "YAML case file with a YAML content type.",
    ),
    CASE_SCHEMA,
]
"""The body, documented as a case; the endpoint reads the bytes itself (``RawBody``) to locate problems."""
YAML_CASE = {"requestBody": {"content": {kind: {"schema": CASE_REF} for kind in CASE_TYPES if kind != JSON}}}
TAG = "engine"


@router.post(
    "/validate",
    operation_id="validateCase",
    tags=[TAG],
    summary="Check a case: every problem, located",
    description="The checks of `jubao validate`: the case format, prior complaints naming installed channels, and "
    "warnings for likely slips. Always 200 when the body could be read: `valid` says whether the case is valid. "
    "Problems carry the field path and, in the body, the line and column; never the rejected value.",
    response_model=ValidationResult,
    responses=problem_responses(413, 415),
    openapi_extra={"requestBody": {"required": True, "content": {kind: {"schema": CASE_REF} for kind in CASE_TYPES}}},
)
@accepts(*CASE_TYPES)
def validate(*, request: Request, raw: RawBody, service: ServiceDep, lang: ApiLang) -> Response:
    fmt = body_format(request)
    try:
        _, warnings = read_case(service, raw, fmt)
    except CaseFileError as error:
        problems = [ProblemItem.model_validate(problem_dict(p, lang)) for p in error.problems]
        return model_response(ValidationResult(valid=False, format=fmt, problems=problems, warnings=[]))
    found = [ProblemItem.model_validate(problem_dict(p, lang)) for p in warnings]
    return model_response(ValidationResult(valid=True, format=fmt, problems=[], warnings=found))


@router.post(
    "/evaluate",
    operation_id="evaluateCase",
    tags=[TAG],
    summary="Classify and route a case (jubao.evaluation/1)",
    description="Exactly what `jubao evaluate --json` prints. An invalid case is 422 with every problem located.",
    response_model=Evaluation,
    responses=problem_responses(413, 415, 422),
    openapi_extra=YAML_CASE,
)
@accepts(*CASE_TYPES, case_body=True)
def evaluate(*, case: CaseBody, request: Request, raw: RawBody, service: ServiceDep, as_of: AsOf = None) -> Response:
    del case  # read from the bytes, to locate problems
    loaded, _ = read_case(service, raw, body_format(request))
    return model_response(service.evaluate(loaded, as_of=as_of))


@router.post(
    "/explain",
    operation_id="explainCase",
    tags=[TAG],
    summary="The rules behind an evaluation, and why other channels were not chosen (jubao.trace/1)",
    description="Exactly what `jubao explain --json` prints.",
    response_model=Trace,
    responses=problem_responses(413, 415, 422),
    openapi_extra=YAML_CASE,
)
@accepts(*CASE_TYPES, case_body=True)
def explain(*, case: CaseBody, request: Request, raw: RawBody, service: ServiceDep, as_of: AsOf = None) -> Response:
    del case
    loaded, _ = read_case(service, raw, body_format(request))
    return model_response(service.explain(loaded, as_of=as_of))


@router.post(
    "/plan",
    operation_id="planCase",
    tags=[TAG],
    summary="The plan: ordered steps, dates and what to do when they pass (jubao.plan/1)",
    description="Exactly what `jubao plan --json` prints (with `as_of`: `jubao plan --as-of`).",
    response_model=Plan,
    responses=problem_responses(413, 415, 422),
    openapi_extra=YAML_CASE,
)
@accepts(*CASE_TYPES, case_body=True)
def plan(*, case: CaseBody, request: Request, raw: RawBody, service: ServiceDep, as_of: AsOf = None) -> Response:
    del case
    loaded, _ = read_case(service, raw, body_format(request))
    return model_response(service.plan(loaded, as_of=as_of, with_documents=True))


@router.post(
    "/documents",
    operation_id="caseDocuments",
    tags=[TAG],
    summary="Draft the documents as one zip",
    description="The files `jubao documents` writes (filings per channel, guides, the evidence list, `index.md`), "
    "as a zip. Evidence files are not read: the case's evidence paths are listed, not fingerprinted.",
    response_class=Response,
    responses={
        200: {"description": "The documents.", "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}}},
        **problem_responses(413, 415, 422),
    },
    openapi_extra=YAML_CASE,
)
@accepts(*CASE_TYPES, case_body=True)
def documents(
    *, case: CaseBody, request: Request, raw: RawBody, service: ServiceDep, lang: ApiLang, channel: Channels = None
) -> Response:
    del case
    loaded, _ = read_case(service, raw, body_format(request))
    with tempfile.TemporaryDirectory(prefix="jubao-api-") as empty:
        data = zip_documents(service, loaded, Path(empty), channel, lang)
    return zip_response(data, "jubao-documents.zip")


@router.get(
    "/channels",
    operation_id="listChannels",
    tags=[TAG],
    summary="The installed reporting channels",
    response_model=ChannelList,
)
def channels(service: ServiceDep) -> Response:
    found = service.channels
    return model_response(ChannelList(channels=[ChannelInfo.of(found[cid]) for cid in sorted(found)]))


# The case store, then anything else under /api/v1: a problem, not the framework's {"detail": …}.
router.include_router(api_cases.router)

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@router.api_route("/{rest:path}", methods=_ALL_METHODS, include_in_schema=False)
@accepts(*ANY)
async def no_such_endpoint(request: Request, rest: str) -> Response:
    lang = api_lang(request)
    path = "/" + rest
    allowed = {
        method
        for route in (*router.routes, *api_cases.router.routes)
        if isinstance(route, APIRoute) and route.endpoint is not no_such_endpoint and route.path_regex.match(path)
        for method in route.methods or ()
    }
    if allowed:
        shown = ", ".join(sorted(allowed))
        return problem_response(
            405, "method_not_allowed", wt("api.method_not_allowed", lang, allowed=shown), headers={"Allow": shown}
        )
    return problem_response(404, "not_found", wt("api.not_found_endpoint", lang))
