"""The case list and the case page: what the engine says about a case, this week's steps, the plan, what is
missing, the documents, recording filings and replies, evidence files, export, editing and deleting.

Every view is computed from the stored case text (the source of truth) when the page is shown, so recording a
filing moves the plan the next time the page loads — which is right after the form (post/redirect/get).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from jubao.case import Case
from jubao.case_edit import parse_day
from jubao.documents import DocumentsError
from jubao.i18n import Lang
from jubao.loading import CaseFileError
from jubao.problems import Problem
from jubao.store import Store, StoredCase, StoreError
from jubao.vocabulary import EvidenceKind
from jubao.web.page_interview import can_rerun, draft_rows
from jubao.web.page_support import (
    attachment,
    china_today,
    closes_form,
    flash,
    form_text,
    in_thread,
    lang_of,
    not_found,
    redirect,
    render,
    tr,
    uploads,
)
from jubao.web.page_views import evaluation_view, missing_view, plan_view, week_view
from jubao.web.security import check_csrf
from jubao.web.service import Service

router = APIRouter(include_in_schema=False)

MAX_REFERENCE = 200
MAX_SUMMARY = 2000
MAX_DESCRIPTION = 500


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def problem_rows(problems: list[Problem], lang: Lang) -> list[dict[str, Any]]:
    """Problems as the pages list them: line (and column) when known, the field path, the message — never the
    value that was written (it may be personal data)."""
    return [
        {"line": p.line, "column": p.column, "path": p.path, "message": p.message(lang),
         "warning": p.severity == "warning"}
        for p in problems
    ]  # fmt: skip


def short_id(case_id: str) -> str:
    return case_id[:8]


# --- the case list and import ------------------------------------------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    return _home(request)


def _home(request: Request, *, status: int = 200, problems: list[dict[str, Any]] | None = None,
          import_error: str | None = None) -> Response:  # fmt: skip
    store = _store(request)
    cases = store.list_cases()
    drafts = draft_rows(store.list_drafts(), lang_of(request))
    return render(request, "home.html", status=status, cases=cases, drafts=drafts, problems=problems or [],
                  import_error=import_error)  # fmt: skip


@router.post("/import")
@closes_form
async def import_case(request: Request) -> Response:
    """A YAML or JSON case file uploaded: stored as it is (byte for byte) if it is a valid case; otherwise its
    problems, located, and nothing stored."""
    await check_csrf(request)
    form = await request.form()
    chosen = uploads(form, "file")
    lang = lang_of(request)
    if not chosen:
        return await in_thread(_home, request, status=422, import_error=tr("page.home.import_none", lang))
    upload = chosen[0]
    name = (upload.filename or "").lower()
    if not name.endswith((".yaml", ".yml", ".json")):
        return await in_thread(_home, request, status=422, import_error=tr("page.home.import_type", lang))
    data = await upload.read()
    return await in_thread(_import, request, data)


def _import(request: Request, data: bytes) -> Response:
    lang = lang_of(request)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _home(request, status=422, problems=problem_rows([Problem(code="not_utf8")], lang))
    try:
        stored = _store(request).create_case(text, source="<upload>")
    except CaseFileError as error:
        return _home(request, status=422, problems=problem_rows(error.problems, lang))
    flash(request, tr("page.home.imported", lang))
    return redirect(f"/cases/{stored.id}")


# --- the case page -----------------------------------------------------------------------------------------------


def _get(request: Request, case_id: str) -> StoredCase | None:
    try:
        return _store(request).get_case(case_id)
    except StoreError as error:
        if error.code == "not_found":
            return None
        raise


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: str) -> Response:
    stored = _get(request, case_id)
    if stored is None:
        return not_found(request)
    return _case_page(request, stored)


def _case_page(request: Request, stored: StoredCase, *, status: int = 200, errors: dict[str, str] | None = None,
               form: dict[str, str] | None = None) -> Response:  # fmt: skip
    lang = lang_of(request)
    store, service = _store(request), _service(request)
    case = service.parse_text(stored.text, source="<case>")
    assessment = service.assess(case)
    names = {cid: channel.name.get(lang) for cid, channel in service.channels.items()}
    routed = [(route.channel, route.name.get(lang)) for route in assessment.evaluation.routes]
    filings = store.filings(stored.id)
    unanswered = list(dict.fromkeys(f.channel for f in filings if not f.reply_received))
    evidence = store.evidence_files(stored.id)
    items = {item.id: item for item in case.evidence}
    return render(
        request,
        "case.html",
        status=status,
        case=stored,
        short_id=short_id(stored.id),
        evaluation=evaluation_view(assessment.evaluation, lang),
        week=week_view(assessment.next_steps, lang),
        plan=plan_view(assessment.plan, lang),
        missing=missing_view(assessment.missing, names, lang),
        rerun=can_rerun(stored),
        routed=routed,
        reply_channels=[(cid, names.get(cid, cid)) for cid in unanswered],
        filings=[
            {
                "name": names.get(f.channel, f.channel),
                "filed_on": f.filed_on,
                "reference": f.reference_number,
                "reply_on": f.reply_on,
                "replied": f.reply_received,
            }
            for f in filings
        ],
        evidence=[
            {
                "id": e.id,
                "evidence_id": e.evidence_id,
                "name": e.file_name,
                "sha256": e.sha256,
                "size": e.size,
                "received_at": e.received_at,
                "description": items[e.evidence_id].description if e.named_by(case) else "",
                "detached": not e.named_by(case),
            }
            for e in evidence
        ],
        evidence_kinds=[(kind.value, tr(f"vocab.EvidenceKind.{kind.value}", lang)) for kind in EvidenceKind],
        today=china_today().isoformat(),
        errors=errors or {},
        form=form or {},
        title=case.title or stored.title,
    )


async def _case_form(request: Request, case_id: str) -> tuple[FormData, StoredCase | None]:
    """The form (its CSRF token already checked) and the case it is about (``None``: no such case)."""
    form = await request.form()
    stored = await in_thread(_get, request, case_id)
    return form, stored


def _day_field(form: FormData, name: str) -> date | None:
    text = form_text(form, name).strip()
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError:
        return None


@router.post("/cases/{case_id}/filings")
@closes_form
async def record_filing(request: Request, case_id: str) -> Response:
    """记录提交: the channel, the day and the receipt number go into the case's ``prior_complaints``."""
    await check_csrf(request)
    form, stored = await _case_form(request, case_id)
    if stored is None:
        return await in_thread(not_found, request)
    return await in_thread(_record_filing, request, stored, form)


def _record_filing(request: Request, stored: StoredCase, form: FormData) -> Response:
    lang = lang_of(request)
    channel = form_text(form, "channel")
    filed_on = _day_field(form, "filed_on")
    reference = " ".join(form_text(form, "reference_number").split())
    values = {"filing_channel": channel, "filed_on": form_text(form, "filed_on"), "reference_number": reference}
    if channel not in _service(request).channels:
        return _case_page(request, stored, status=422, errors={"filing": tr("page.record.bad_channel", lang)},
                          form=values)  # fmt: skip
    if filed_on is None:
        return _case_page(request, stored, status=422, errors={"filing": tr("page.record.bad_date", lang)},
                          form=values)  # fmt: skip
    if filed_on > china_today():
        return _case_page(request, stored, status=422, errors={"filing": tr("page.record.future", lang)},
                          form=values)  # fmt: skip
    if len(reference) > MAX_REFERENCE:
        return _case_page(request, stored, status=422, errors={"filing": tr("page.record.too_long", lang)},
                          form=values)  # fmt: skip
    try:
        _store(request).record_filing(stored.id, channel=channel, filed_on=filed_on,
                                      reference_number=reference or None)  # fmt: skip
    except (StoreError, CaseFileError) as error:
        return _case_page(request, stored, status=422, errors={"filing": _edit_error(error, lang)}, form=values)
    name = _service(request).channels[channel].name.get(lang)
    flash(request, tr("page.record.filed", lang, name=name, date=_day(filed_on, lang)))
    return redirect(f"/cases/{stored.id}#plan")


@router.post("/cases/{case_id}/replies")
@closes_form
async def record_reply(request: Request, case_id: str) -> Response:
    """记录答复: the latest unanswered filing to the channel is marked answered on that day."""
    await check_csrf(request)
    form, stored = await _case_form(request, case_id)
    if stored is None:
        return await in_thread(not_found, request)
    return await in_thread(_record_reply, request, stored, form)


def _record_reply(request: Request, stored: StoredCase, form: FormData) -> Response:
    lang = lang_of(request)
    channel = form_text(form, "channel")
    reply_on = _day_field(form, "reply_on")
    summary = form_text(form, "summary").replace("\r\n", "\n").strip()
    values = {"reply_channel": channel, "reply_on": form_text(form, "reply_on"), "summary": summary}
    error = None
    if channel not in _service(request).channels:
        error = tr("page.record.bad_channel", lang)
    elif reply_on is None:
        error = tr("page.record.bad_date", lang)
    elif reply_on > china_today():
        error = tr("page.record.future", lang)
    elif len(summary) > MAX_SUMMARY:
        error = tr("page.record.too_long", lang)
    if error is None:
        assert reply_on is not None
        try:
            _store(request).record_reply(stored.id, channel=channel, reply_on=reply_on, summary=summary or None)
        except (StoreError, CaseFileError) as refused:
            error = _edit_error(refused, lang)
    if error is not None:
        return _case_page(request, stored, status=422, errors={"reply": error}, form=values)
    assert reply_on is not None
    name = _service(request).channels[channel].name.get(lang)
    flash(request, tr("page.record.replied", lang, name=name, date=_day(reply_on, lang)))
    return redirect(f"/cases/{stored.id}#plan")


def _day(day: date, lang: Lang) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def _edit_error(error: StoreError | CaseFileError, lang: Lang) -> str:
    """Why a filing or reply could not be recorded, in words (never the case's values)."""
    if isinstance(error, CaseFileError):
        messages = "；".join(f"{p.path}：{p.message(lang)}" if p.path else p.message(lang) for p in error.problems)
        return tr("page.record.invalid", lang, problems=messages)
    if error.code == "edit_failed":
        code = str(error.params.get("code", ""))
        return tr(f"page.record.error.{code}", lang)
    if error.code == "not_found":
        return tr("page.not_found.text", lang)
    return tr("page.record.failed", lang)


# --- evidence --------------------------------------------------------------------------------------------------


@router.post("/cases/{case_id}/evidence")
@closes_form
async def add_evidence(request: Request, case_id: str) -> Response:
    """An evidence file: kept beside the case, its SHA-256 computed as it arrives and written into the case."""
    await check_csrf(request)
    form, stored = await _case_form(request, case_id)
    if stored is None:
        return await in_thread(not_found, request)
    return await in_thread(_add_evidence, request, stored, form)


def _add_evidence(request: Request, stored: StoredCase, form: FormData) -> Response:
    lang = lang_of(request)
    chosen = uploads(form, "file")
    kind = form_text(form, "kind")
    description = " ".join(form_text(form, "description").split())
    values = {"kind": kind, "description": description}
    kinds = {k.value for k in EvidenceKind}
    error = None
    if not chosen:
        error = tr("page.evidence.none", lang)
    elif kind not in kinds:
        error = tr("page.evidence.bad_kind", lang)
    elif len(description) > MAX_DESCRIPTION:
        error = tr("page.record.too_long", lang)
    if error is None:
        upload = chosen[0]
        label = description or tr(f"vocab.EvidenceKind.{kind}", lang)
        limit = request.app.state.settings.max_upload_bytes
        try:
            _, kept = _store(request).add_evidence(stored.id, file_name=upload.filename or "", data=upload.file,
                                                   kind=kind, description=label, max_bytes=limit,
                                                   today=china_today())  # fmt: skip
        except StoreError as refused:
            error = tr(f"page.store.{refused.code}", lang, limit=_size(limit))
        except CaseFileError as refused:
            error = _edit_error(refused, lang)
        else:
            flash(request, tr("page.evidence.received", lang, id=kept.evidence_id, sha256=kept.sha256))
            return redirect(f"/cases/{stored.id}#evidence")
    return _case_page(request, stored, status=422, errors={"evidence": error}, form=values)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


@router.get("/cases/{case_id}/evidence/{file_id}")
def evidence_file(request: Request, case_id: str, file_id: str) -> Response:
    store = _store(request)
    try:
        path = store.evidence_path(case_id, file_id)
        name = next(e.file_name for e in store.evidence_files(case_id) if e.id == file_id)
    except (StoreError, StopIteration):
        return not_found(request)
    if not path.is_file():
        return not_found(request)
    return FileResponse(path, filename=name, media_type="application/octet-stream")


@router.get("/cases/{case_id}/evidence/{file_id}/delete")
def evidence_delete_page(request: Request, case_id: str, file_id: str) -> Response:
    """Asked before a kept copy is deleted; offered only for a copy the case file no longer names."""
    stored = _get(request, case_id)
    kept = _kept(request, case_id, file_id) if stored is not None else None
    if stored is None or kept is None:
        return not_found(request)
    return render(request, "evidence_delete.html", case=stored, file=kept, title=stored.title)


@router.post("/cases/{case_id}/evidence/{file_id}/delete")
@closes_form
async def evidence_delete(request: Request, case_id: str, file_id: str) -> Response:
    """Delete the copy (after the confirmation page, like deleting a case)."""
    await check_csrf(request)
    form = await request.form()
    if form_text(form, "confirm") != "yes":
        return redirect(f"/cases/{case_id}/evidence/{file_id}/delete")
    return await in_thread(_evidence_delete, request, case_id, file_id)


def _evidence_delete(request: Request, case_id: str, file_id: str) -> Response:
    lang = lang_of(request)
    try:
        _store(request).delete_evidence_file(case_id, file_id)
    except StoreError as refused:
        if refused.code == "not_found":
            return not_found(request)
        flash(request, tr(f"page.store.{refused.code}", lang, id=refused.params.get("evidence_id", "")), "error")
    else:
        flash(request, tr("page.evidence.deleted", lang))
    return redirect(f"/cases/{case_id}#evidence")


def _kept(request: Request, case_id: str, file_id: str) -> Any:
    try:
        return next((e for e in _store(request).evidence_files(case_id) if e.id == file_id), None)
    except StoreError:
        return None


# --- documents ---------------------------------------------------------------------------------------------------


def _document_set(request: Request, stored: StoredCase) -> Any:
    service = _service(request)
    case: Case = service.parse_text(stored.text, source="<case>")
    return service.document_set(case, base_dir=_store(request).case_dir(stored.id))


@router.get("/cases/{case_id}/documents")
def documents(request: Request, case_id: str) -> Response:
    """Each routed channel's documents, each file downloadable on its own (named by channel and kind of
    document, as in the zip — never by a person's name), and the files that belong to the whole set."""
    stored = _get(request, case_id)
    if stored is None:
        return not_found(request)
    lang = lang_of(request)
    try:
        document_set = _document_set(request, stored)
    except DocumentsError:
        return render(request, "documents.html", case=stored, channels=[], others=[], title=stored.title)
    index = {planned.path: number for number, planned in enumerate(document_set.files)}
    sizes = {planned.path: len(planned.data) for planned in document_set.files}
    listed: set[str] = set()
    channels = []
    for channel in document_set.channels:
        entries = []
        for document in channel.documents:
            links = [_file_link(path, index, sizes) for path in document.files if path in index]
            listed.update(document.files)
            entries.append({"title": document.title, "files": links})
        channels.append({"name": channel.name.get(lang), "documents": entries})
    others = [_file_link(p.path, index, sizes) for p in document_set.files if p.path not in listed]
    return render(request, "documents.html", case=stored, channels=channels, others=others, title=stored.title)


def _file_link(path: str, index: dict[str, int], sizes: dict[str, int]) -> dict[str, Any]:
    return {"index": index[path], "path": path, "kind": Path(path).suffix.lstrip(".").upper() or "—",
            "kb": round(sizes[path] / 1024, 1)}  # fmt: skip


@router.get("/cases/{case_id}/documents.zip")
def documents_zip(request: Request, case_id: str) -> Response:
    stored = _get(request, case_id)
    if stored is None:
        return not_found(request)
    data = _service(request).zip_bytes(_document_set(request, stored))
    return attachment(data, f"jubao-documents-{short_id(stored.id)}.zip", "application/zip")


@router.get("/cases/{case_id}/documents/{index}")
def document_file(request: Request, case_id: str, index: str) -> Response:
    stored = _get(request, case_id)
    if stored is None or not index.isdigit():
        return not_found(request)
    files = _document_set(request, stored).files
    if not int(index) < len(files):
        return not_found(request)
    planned = files[int(index)]
    return attachment(planned.data, planned.path.replace("/", "-"), _media_type(planned.path))


def _media_type(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return {
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".md": "text/markdown; charset=utf-8",
        ".json": "application/json",
        ".txt": "text/plain; charset=utf-8",
        ".ics": "text/calendar; charset=utf-8",
    }.get(suffix, "application/octet-stream")


# --- export, edit, delete --------------------------------------------------------------------------------------


@router.get("/cases/{case_id}/export")
def export(request: Request, case_id: str) -> Response:
    """The case file exactly as stored (what was imported, with every change since)."""
    stored = _get(request, case_id)
    if stored is None:
        return not_found(request)
    suffix = "json" if stored.fmt == "json" else "yaml"
    media = "application/json" if suffix == "json" else "application/yaml"
    return attachment(stored.text.encode("utf-8"), f"case-{short_id(stored.id)}.{suffix}", media)


@router.get("/cases/{case_id}/edit")
def edit_page(request: Request, case_id: str) -> Response:
    stored = _get(request, case_id)
    if stored is None:
        return not_found(request)
    return render(request, "edit.html", case=stored, text=stored.text, revision=stored.revision, problems=[],
                  error=None, title=stored.title)  # fmt: skip


@router.post("/cases/{case_id}/edit")
@closes_form
async def edit_save(request: Request, case_id: str) -> Response:
    """The case file's text, as edited in the page: saved if valid and nobody changed the case meanwhile."""
    await check_csrf(request)
    form, stored = await _case_form(request, case_id)
    if stored is None:
        return await in_thread(not_found, request)
    return await in_thread(_edit_save, request, stored, form)


def _edit_save(request: Request, stored: StoredCase, form: FormData) -> Response:
    lang = lang_of(request)
    text = form_text(form, "text").replace("\r\n", "\n")  # browsers send a text area's lines ending in CR LF
    revision_text = form_text(form, "revision")
    revision = int(revision_text) if revision_text.isdigit() else None

    def again(status: int, *, problems: list[dict[str, Any]] | None = None, error: str | None = None) -> Response:
        return render(request, "edit.html", status=status, case=stored, text=text, revision=revision or 0,
                      problems=problems or [], error=error, title=stored.title)  # fmt: skip

    if revision is None:
        return again(422, error=tr("page.edit.no_revision", lang))
    if text == stored.text:
        flash(request, tr("page.edit.unchanged", lang), "info")
        return redirect(f"/cases/{stored.id}")
    try:
        _store(request).replace_case(stored.id, text, expected_revision=revision)
    except CaseFileError as error:
        return again(422, problems=problem_rows(error.problems, lang))
    except StoreError as error:
        if error.code == "conflict":
            return again(409, error=tr("page.edit.conflict", lang))
        if error.code == "not_found":
            return not_found(request)
        raise
    flash(request, tr("page.edit.saved", lang))
    return redirect(f"/cases/{stored.id}")


@router.get("/cases/{case_id}/delete")
def delete_page(request: Request, case_id: str) -> Response:
    stored = _get(request, case_id)
    if stored is None:
        return not_found(request)
    count = len(_store(request).evidence_files(case_id))
    return render(request, "delete.html", case=stored, evidence_count=count, title=stored.title)


@router.post("/cases/{case_id}/delete")
@closes_form
async def delete(request: Request, case_id: str) -> Response:
    """Delete the case, its filings and its evidence copies (after the confirmation page)."""
    await check_csrf(request)
    form, stored = await _case_form(request, case_id)
    if stored is None:
        return await in_thread(not_found, request)
    if form_text(form, "confirm") != "yes":
        return redirect(f"/cases/{case_id}/delete")
    try:
        await in_thread(_store(request).delete_case, stored.id)
    except StoreError:
        return await in_thread(not_found, request)
    flash(request, tr("page.delete.done", lang_of(request)))
    return redirect("/")
