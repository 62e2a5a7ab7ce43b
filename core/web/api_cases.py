"""The case store over HTTP (``/api/v1/cases``): create, read, replace, delete and export cases; their evaluation,
plan, next steps and documents; filings, replies and evidence files. ``jubao.store`` keeps them; the case file's
text is the source of truth and is exported byte for byte.

A case's text comes as the body: ``application/yaml`` (or ``text/yaml``, ``application/x-yaml``) — the YAML case
file itself; ``application/json`` — ``{"text": "<the case file, YAML or JSON>", "title": "…"}``. A replacement
(``PUT``) names the revision it was made from in ``If-Match`` (or ``"revision"`` in the JSON body); a stale one is
409. Case ids are random (uuid4 hex) and URLs carry nothing else about a case.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Header, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from jubao.case import Case
from jubao.case_edit import china_today
from jubao.evaluation import Evaluation
from jubao.i18n import Lang
from jubao.loading import CaseFileError, parse_case_text
from jubao.next_steps import NextSteps, build_next
from jubao.plan import Plan, build_plan
from jubao.store import Store, StoredCase
from jubao.vocabulary import EvidenceKind
from jubao.web.api_common import (
    CASE_TYPES,
    JSON,
    MULTIPART,
    YAML_TYPES,
    ZIP,
    ApiError,
    ApiLang,
    ApiRoute,
    AsOf,
    Channels,
    RawBody,
    ServiceDep,
    SettingsDep,
    StoreDep,
    accepts,
    check_channel,
    media_type,
    model_response,
    problem_responses,
    read_case,
    zip_documents,
    zip_response,
)
from jubao.web.api_models import (
    TEXT_SCHEMA,
    CaseDetail,
    CaseFilings,
    CaseList,
    CaseSummaryOut,
    CaseTextIn,
    EvidenceAdded,
    EvidenceFileOut,
    EvidenceList,
    Filing,
    FilingIn,
    ProblemDetails,
    ReplyIn,
)
from jubao.web.i18n import wt
from jubao.web.problems import PROBLEM_JSON, problem_dict
from jubao.web.service import Service

router = APIRouter(route_class=ApiRoute, prefix="/cases")

TAG = "cases"
CaseId = Annotated[str, PathParam(description="The case's id (32 hex digits).")]
TextBody = Annotated[
    Any,
    Body(media_type=JSON, description='`{"text": …}` as JSON, or the YAML case file itself with a YAML content type.'),
    TEXT_SCHEMA,
]
TEXT_EXTRA = {
    "requestBody": {
        "content": {kind: {"schema": {"type": "string", "description": "A YAML case file."}} for kind in YAML_TYPES}
    }
}
FileId = Annotated[str, PathParam(description="The evidence file's id.")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='The revision you edited, e.g. `"3"`.')]
ETAG = {"ETag": {"description": 'The case\'s revision, e.g. `"3"` (for `If-Match`).', "schema": {"type": "string"}}}
BINARY = {"schema": {"type": "string", "format": "binary"}}


class _ProblemMedia(Response):
    """``DELETE``'s response class (its success has no body): FastAPI documents a response ``model`` under the
    route's media type, so its 404 puts ``ProblemDetails`` into ``components/schemas`` under
    ``application/problem+json`` — every other route refers to it there (``problem_responses``)."""

    media_type = PROBLEM_JSON


# --- the cases ------------------------------------------------------------------------------------------------------


@router.get(
    "",
    operation_id="listCases",
    tags=[TAG],
    summary="Every stored case (newest change first)",
    response_model=CaseList,
    responses=problem_responses(503),
)
def list_cases(store: StoreDep) -> Response:
    return model_response(CaseList(cases=[CaseSummaryOut.of(item) for item in store.list_cases()]))


@router.post(
    "",
    operation_id="createCase",
    tags=[TAG],
    summary="Store a new case from its case file's text",
    description="The text is kept byte for byte (comments, layout) and must be a valid case (422 with every "
    "problem located otherwise). The answer's `Location` is the new case.",
    status_code=201,
    response_model=CaseDetail,
    responses={
        201: {"headers": {"Location": {"description": "The new case.", "schema": {"type": "string"}}, **ETAG}},
        **problem_responses(413, 415, 422, 503),
    },
    openapi_extra=TEXT_EXTRA,
)
@accepts(*CASE_TYPES)
def create_case(*, body: TextBody, request: Request, raw: RawBody, store: StoreDep, service: ServiceDep) -> Response:
    text, title, _ = _text_of(request, body, raw)
    _check(service, text)
    stored = store.create_case(text, title=title)
    location = str(request.url_for("getCase", case_id=stored.id).path)
    return model_response(_detail(store, stored), status=201, headers={"Location": location, **_etag(stored)})


@router.get(
    "/{case_id}",
    operation_id="getCase",
    name="getCase",
    tags=[TAG],
    summary="A stored case: its text, revision, filings and evidence files",
    response_model=CaseDetail,
    responses={200: {"headers": ETAG}, **problem_responses(404, 503)},
)
def get_case(case_id: CaseId, store: StoreDep) -> Response:
    stored = store.get_case(case_id)
    return model_response(_detail(store, stored), headers=_etag(stored))


@router.put(
    "/{case_id}",
    operation_id="replaceCase",
    tags=[TAG],
    summary="Replace a case's text",
    description="Give the revision you edited in `If-Match` (or `revision` in the JSON body): if the case has "
    "changed since, 409 and nothing is changed. Without one, the text is replaced whatever happened since.",
    response_model=CaseDetail,
    responses={200: {"headers": ETAG}, **problem_responses(400, 404, 409, 413, 415, 422, 503)},
    openapi_extra=TEXT_EXTRA,
)
@accepts(*CASE_TYPES)
def replace_case(
    *,
    case_id: CaseId,
    body: TextBody,
    request: Request,
    raw: RawBody,
    store: StoreDep,
    service: ServiceDep,
    lang: ApiLang,
    if_match: IfMatch = None,
) -> Response:
    text, title, revision = _text_of(request, body, raw)
    expected = _revision(if_match, lang)
    if expected is not None and revision is not None and expected != revision:
        raise ApiError(400, "revision_mismatch", wt("api.revision_mismatch", lang))
    store.get_case(case_id)  # 404 before 422
    _check(service, text)
    stored = store.replace_case(
        case_id, text, expected_revision=expected if expected is not None else revision, title=title
    )
    return model_response(_detail(store, stored), headers=_etag(stored))


@router.delete(
    "/{case_id}",
    operation_id="deleteCase",
    tags=[TAG],
    summary="Delete a case with its filings and evidence copies",
    status_code=204,
    response_class=_ProblemMedia,
    responses={404: {"model": ProblemDetails, "description": "No such case."}, **problem_responses(503)},
)
def delete_case(case_id: CaseId, store: StoreDep) -> Response:
    store.delete_case(case_id)
    return Response(status_code=204)


@router.get(
    "/{case_id}/export",
    operation_id="exportCase",
    tags=[TAG],
    summary="The case file, byte for byte",
    description="As a download: `case-<first 8 characters of the id>.yaml` (or `.json`).",
    response_class=Response,
    responses={
        200: {"description": "The case file.", "content": {"text/yaml": BINARY, JSON: BINARY}},
        **problem_responses(404, 503),
    },
)
def export_case(case_id: CaseId, store: StoreDep) -> Response:
    stored = store.get_case(case_id)
    kind = "text/yaml; charset=utf-8" if stored.fmt == "yaml" else JSON
    name = f"case-{stored.id[:8]}.{stored.fmt}"
    return Response(
        stored.text.encode("utf-8"),
        media_type=kind,
        headers={"Content-Disposition": f'attachment; filename="{name}"', **_etag(stored)},
    )


# --- what the engine says of a stored case ----------------------------------------------------------------------


@router.get(
    "/{case_id}/evaluation",
    operation_id="evaluateStoredCase",
    tags=[TAG],
    summary="The stored case's evaluation (jubao.evaluation/1)",
    response_model=Evaluation,
    responses=problem_responses(404, 422, 503),
)
def stored_evaluation(*, case_id: CaseId, store: StoreDep, service: ServiceDep, as_of: AsOf = None) -> Response:
    case = _stored_case(store, service, case_id)
    return model_response(service.evaluate(case, as_of=as_of))


@router.get(
    "/{case_id}/plan",
    operation_id="planStoredCase",
    tags=[TAG],
    summary="The stored case's plan (jubao.plan/1): filings recorded move it",
    response_model=Plan,
    responses=problem_responses(404, 422, 503),
)
def stored_plan(*, case_id: CaseId, store: StoreDep, service: ServiceDep, as_of: AsOf = None) -> Response:
    case = _stored_case(store, service, case_id)
    return model_response(service.plan(case, as_of=as_of, with_documents=True))


@router.get(
    "/{case_id}/next",
    operation_id="nextStepsOfStoredCase",
    tags=[TAG],
    summary="This week's steps for the stored case (jubao.next/1, as `jubao next`)",
    response_model=NextSteps,
    responses=problem_responses(404, 422, 503),
)
def stored_next(*, case_id: CaseId, store: StoreDep, service: ServiceDep, as_of: AsOf = None) -> Response:
    case = _stored_case(store, service, case_id)
    if as_of is not None:  # as it stood then: complaints filed later had not been filed (as jubao next)
        case = case.model_copy(
            update={"prior_complaints": tuple(p for p in case.prior_complaints if p.filed_on <= as_of)}
        )
    evaluation = service.engine.evaluate(case, today=as_of)
    plan = build_plan(case, evaluation, service.plugins, as_of=as_of)
    steps = build_next(case, evaluation, plan, service.plugins.channels, service.engine.ruleset.parameters)
    return model_response(steps)


@router.get(
    "/{case_id}/documents.zip",
    operation_id="storedCaseDocuments",
    tags=[TAG],
    summary="The stored case's documents as one zip",
    description="As `POST /documents`; the evidence files kept for the case are fingerprinted in the evidence list.",
    response_class=Response,
    responses={200: {"description": "The documents.", "content": {ZIP: BINARY}}, **problem_responses(404, 422, 503)},
)
def stored_documents(
    *, case_id: CaseId, store: StoreDep, service: ServiceDep, lang: ApiLang, channel: Channels = None
) -> Response:
    case = _stored_case(store, service, case_id)
    data = zip_documents(service, case, store.case_dir(case_id), channel, lang)
    return zip_response(data, f"case-{case_id[:8]}-documents.zip")


# --- filings and replies ------------------------------------------------------------------------------------------


@router.get(
    "/{case_id}/filings",
    operation_id="listFilings",
    tags=[TAG],
    summary="The complaints the case records as filed",
    response_model=CaseFilings,
    responses=problem_responses(404, 503),
)
def list_filings(case_id: CaseId, store: StoreDep) -> Response:
    stored = store.get_case(case_id)
    return model_response(_filings(store, stored))


@router.post(
    "/{case_id}/filings",
    operation_id="recordFiling",
    tags=[TAG],
    summary="Record a complaint you filed (with its receipt number): the plan moves",
    description="Appended to the case's `prior_complaints` (the text's comments and layout are kept). An unknown "
    "channel id is 422 with the nearest installed one suggested.",
    status_code=201,
    response_model=CaseFilings,
    responses=problem_responses(404, 413, 415, 422, 503),
)
@accepts(JSON)
def record_filing(
    *, case_id: CaseId, filing: FilingIn, request: Request, store: StoreDep, service: ServiceDep, lang: ApiLang
) -> Response:
    _check_channel(store, service, case_id, filing.channel, lang)
    stored = _edited(
        lang,
        lambda: store.record_filing(
            case_id, channel=filing.channel, filed_on=filing.filed_on, reference_number=filing.reference_number
        ),
    )
    location = str(request.url_for("listFilings", case_id=case_id).path)
    return model_response(_filings(store, stored), status=201, headers={"Location": location})


@router.post(
    "/{case_id}/replies",
    operation_id="recordReply",
    tags=[TAG],
    summary="Record a channel's reply to your latest unanswered complaint to it",
    response_model=CaseFilings,
    responses=problem_responses(404, 413, 415, 422, 503),
)
@accepts(JSON)
def record_reply(*, case_id: CaseId, reply: ReplyIn, store: StoreDep, service: ServiceDep, lang: ApiLang) -> Response:
    _check_channel(store, service, case_id, reply.channel, lang)
    stored = _edited(
        lang, lambda: store.record_reply(case_id, channel=reply.channel, reply_on=reply.reply_on, summary=reply.summary)
    )
    return model_response(_filings(store, stored))


# --- evidence files -----------------------------------------------------------------------------------------------


@router.get(
    "/{case_id}/evidence",
    operation_id="listEvidenceFiles",
    tags=[TAG],
    summary="The evidence files kept for the case",
    response_model=EvidenceList,
    responses=problem_responses(404, 503),
)
def list_evidence(case_id: CaseId, store: StoreDep) -> Response:
    return model_response(EvidenceList(evidence=[EvidenceFileOut.of(f) for f in store.evidence_files(case_id)]))


@router.post(
    "/{case_id}/evidence",
    operation_id="addEvidenceFile",
    tags=[TAG],
    summary="Upload an evidence file: kept, fingerprinted (SHA-256) and added to the case's evidence list",
    description="`multipart/form-data` with `file`, `kind` and `description`. The case gets an evidence item "
    "(`E<n>`, the kind, the description, `path: evidence/<name>`, today's date and the SHA-256).",
    status_code=201,
    response_model=EvidenceAdded,
    responses=problem_responses(404, 413, 415, 422, 503),
)
@accepts(MULTIPART)
def add_evidence(
    *,
    case_id: CaseId,
    file: Annotated[UploadFile, File(description="The evidence file (a screenshot, a recording …).")],
    kind: Annotated[EvidenceKind, Form(description="What it is.")],
    description: Annotated[str, Form(min_length=1, max_length=2000, description="What it shows, in a sentence.")],
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
) -> Response:
    stored, item = store.add_evidence(
        case_id,
        file_name=file.filename or "",
        data=file.file,
        kind=kind.value,
        description=description,
        max_bytes=settings.max_upload_bytes,
        today=china_today(),
    )
    location = str(request.url_for("getEvidenceFile", case_id=case_id, file_id=item.id).path)
    answer = EvidenceAdded(id=stored.id, revision=stored.revision, file=EvidenceFileOut.of(item))
    return model_response(answer, status=201, headers={"Location": location})


@router.delete(
    "/{case_id}/evidence/{file_id}",
    operation_id="deleteEvidenceFile",
    tags=[TAG],
    summary="Delete a kept evidence file the case file no longer names",
    description="For a copy whose evidence item was edited out of the case file (an upload of the wrong file). "
    "While the case file still names it (an item with its id whose `path` is this file) the answer is 409 "
    "`in_use`: remove the item first (`PUT`), so that no document cites a file that is gone.",
    status_code=204,
    response_class=_ProblemMedia,
    responses=problem_responses(404, 409, 503),
)
def delete_evidence(*, case_id: CaseId, file_id: FileId, store: StoreDep) -> Response:
    store.delete_evidence_file(case_id, file_id)
    return Response(status_code=204)


@router.get(
    "/{case_id}/evidence/{file_id}",
    operation_id="getEvidenceFile",
    tags=[TAG],
    summary="An evidence file, as it was received",
    response_class=Response,
    responses={
        200: {"description": "The file (always as a download).", "content": {"application/octet-stream": BINARY}},
        **problem_responses(404, 503),
    },
)
def get_evidence(*, case_id: CaseId, file_id: FileId, store: StoreDep) -> Response:
    path = store.evidence_path(case_id, file_id)
    item = next(f for f in store.evidence_files(case_id) if f.id == file_id)
    return FileResponse(
        path, media_type="application/octet-stream", filename=item.file_name, content_disposition_type="attachment"
    )


# --- helpers ----------------------------------------------------------------------------------------------------


def _text_of(request: Request, body: Any, raw: bytes) -> tuple[str, str | None, int | None]:
    """The case text, title and revision a body gives (JSON ``{"text": …}`` or YAML text)."""
    if media_type(request) == JSON:
        try:
            given = CaseTextIn.model_validate(body)
        except ValidationError as error:
            raise RequestValidationError(
                [{**item, "loc": ("body", *item["loc"])} for item in error.errors(include_input=False)]
            ) from None
        return given.text, given.title, given.revision
    try:
        return raw.decode("utf-8"), None, None  # a byte-order mark stays: the text round-trips byte for byte
    except UnicodeDecodeError:
        parse_case_text(raw, source="<request>")  # raises the located encoding problem
        raise  # pragma: no cover - parse_case_text refused it above


def _check(service: Service, text: str) -> None:
    """The text must be a case the engine can evaluate (422 with every problem located)."""
    read_case(
        service, text, "json" if text.removeprefix("\ufeff").lstrip()[:1] in ("{", "[") else "yaml", source="<case>"
    )


def _stored_case(store: Store, service: Service, case_id: str) -> Case:
    stored = store.get_case(case_id)
    case, _ = read_case(service, stored.text, stored.fmt, source="<case>")
    return case


def _check_channel(store: Store, service: Service, case_id: str, channel: str, lang: Lang) -> None:
    check_channel(service, _stored_case(store, service, case_id), channel, lang)


def _edited(lang: Lang, edit: Any) -> StoredCase:
    """Run a store edit; a result that would be invalid is 422 with its problems (nothing changed)."""
    try:
        stored: StoredCase = edit()
    except CaseFileError as error:
        raise ApiError(
            422, "invalid_case", wt("api.invalid_edit", lang), problems=[problem_dict(p, lang) for p in error.problems]
        ) from None
    return stored


def _detail(store: Store, stored: StoredCase) -> CaseDetail:
    return CaseDetail.build(stored, store.filings(stored.id), store.evidence_files(stored.id))


def _filings(store: Store, stored: StoredCase) -> CaseFilings:
    rows = store.filings(stored.id)
    return CaseFilings(id=stored.id, revision=stored.revision, filings=[Filing.of(row) for row in rows])


def _etag(stored: StoredCase) -> dict[str, str]:
    return {"ETag": f'"{stored.revision}"'}


def _revision(if_match: str | None, lang: Lang) -> int | None:
    """The revision ``If-Match`` names (``"3"``, ``W/"3"`` or ``3``); ``*`` or none: ``None``."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 9:
        raise ApiError(400, "bad_if_match", wt("api.bad_if_match", lang))
    return int(value)
