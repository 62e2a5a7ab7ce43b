"""The guided interview on the web: the questions of ``questions.yaml`` (``jubao.interview``), one per screen, with
"不知道 / 跳过", "上一步", a review screen where each answer can be changed, and "保存案件".

State lives in the store's draft: its answers map a step's key (``reporter.name``, ``episode[0].time``) to the
answer as the person gave it (``jubao.interview.logic.Raw``), in the order given. Every request rebuilds the
``Interview`` and replays the saved answers through it (``replay``): the step it stops at is the one to show, and
the answers it used, in order, are the review list. So the logic is exactly ``jubao new``'s — branching, parsing,
evidence fingerprints, the case it builds — and a draft can be left and taken up again on another day.

A draft may also complete an existing case (the missing-field links of the case page): it holds the case's id and
revision and the question to ask (``_focus``); the other questions the re-run would ask are passed over, as if
skipped, and the answers are written into the case file with only the changed lines differing (``render_existing``),
refused if someone changed the case meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from jubao.case_edit import EditError
from jubao.drafting import zh_phone
from jubao.i18n import Lang
from jubao.interview.definition import load_definition
from jubao.interview.logic import Draft, Edit, Interview, Raw, Step
from jubao.interview.parsing import AnswerError
from jubao.interview.writer import render_existing, render_new
from jubao.loading import CaseFileError, parse_case_text
from jubao.problems import Problem
from jubao.sourcemap import SourceError, parse_yaml
from jubao.store import DraftSummary, Store, StoredCase, StoreError
from jubao.web.i18n import wt
from jubao.web.page_support import (
    china_today,
    closes_form,
    flash,
    form_text,
    in_thread,
    is_local_path,
    lang_of,
    not_found,
    redirect,
    render,
    tr,
    uploads,
)
from jubao.web.security import check_csrf

router = APIRouter(include_in_schema=False)

META_PREFIX = "_"
"""Draft keys that are not answers (step keys never start with it)."""
CASE_KEY, REVISION_KEY, FOCUS_KEY = "_case", "_revision", "_focus"
PREVIOUS = "_previous:"
"""``_previous:<key>``: an answer taken back with "上一步", filled in when the question is shown again."""
MAX_STEPS = 5000
"""A replay never takes more steps than this (a block's items are bounded by the answers; this is a backstop)."""
LONG_TEXT = 300
"""Text questions allowing more characters than this get a text area."""


# --- replaying the saved answers -----------------------------------------------------------------------------------


@dataclass
class Replay:
    interview: Interview
    step: Step | None = None
    """The step to show (``None``: every question is answered — the review)."""
    error: AnswerError | None = None
    """Why the answer given (or saved) for ``step`` cannot be used."""
    given: Raw = None
    """What the person gave for ``step`` (shown again in the form)."""
    answered: list[tuple[Step, Raw]] = field(default_factory=list)
    """The steps answered so far, in the interview's order (the review list)."""
    applied: bool = False
    """Whether the new answer (``override``) was taken."""
    message: str | None = None
    """A problem with ``step``'s answer that is no ``AnswerError`` (an upload the store refused)."""


def replay(
    interview: Interview,
    answers: Mapping[str, Any],
    *,
    override: tuple[str, Callable[[Step], Raw]] | None = None,
    stop_at: str | None = None,
) -> Replay:
    """Walk the interview with the saved answers until a question has none. ``override``: the key of the step just
    answered and how to read its answer from the form (used instead of the saved one); ``stop_at``: stop at this
    key even if it has an answer (to ask it again)."""
    result = Replay(interview=interview)
    rerun = bool(answers.get(CASE_KEY))
    focus = answers.get(FOCUS_KEY)
    for _ in range(MAX_STEPS):
        step = interview.next_step()
        if step is None:
            return result
        if override is not None and step.key == override[0]:
            raw = override[1](step)
            if not _take(result, step, raw):
                return result
            result.applied = True
            continue
        if step.key == stop_at:
            result.step, result.given = step, answers.get(step.key)
            return result
        if step.key in answers:
            if not _take(result, step, answers[step.key]):
                return result
            continue
        if rerun and step.skippable and step.problem is None and (step.kind == "file_list" or step.key != focus):
            interview.answer(step, None)  # a re-run asks only its question: the others stay as the file has them
            continue
        result.step, result.given = step, answers.get(PREVIOUS + step.key)
        return result
    return result


def _take(result: Replay, step: Step, raw: Raw) -> bool:
    try:
        result.interview.answer(step, raw)
    except AnswerError as error:
        result.step, result.error, result.given = step, error, raw
        return False
    result.answered.append((step, raw))
    return True


def settled(interview: Interview, step: Step, raw: Raw) -> Raw:
    """The answer to save: dates as the interview understood them (``昨天`` must not move a day when the draft
    is replayed tomorrow), a time of day left out again when none was given; otherwise as given."""
    if raw is None or step.kind not in ("date", "datetime") or step.problem is not None:
        return raw
    value = interview.answers.get(step.key)
    if not isinstance(value, str):
        return raw
    return value[:10] if step.key in interview.guessed_times else value


def new_interview(draft_dir: Path, existing: Mapping[str, Any] | None = None,
                  problems: list[Problem] | None = None) -> Interview:  # fmt: skip
    """The interview for a draft: files are named relative to the draft's folder, which becomes the case's."""
    return Interview(
        today=china_today(),
        cwd=draft_dir,
        case_dir=draft_dir,
        existing=existing,
        problems=problems or [],
    )


# --- the draft and the case it completes ------------------------------------------------------------------------


@dataclass
class Loaded:
    draft_id: str
    answers: dict[str, Any]
    draft_dir: Path
    case: StoredCase | None
    existing: dict[str, Any] | None
    problems: list[Problem]

    def interview(self) -> Interview:
        return new_interview(self.draft_dir, self.existing, self.problems)

    @property
    def case_id(self) -> str | None:
        return self.case.id if self.case is not None else None


def _load(store: Store, draft_id: str) -> Loaded:
    """The draft, and for a re-run the case as it is now (``StoreError`` ``not_found`` if either is gone)."""
    _, answers = store.get_draft(draft_id)
    draft_dir = store.draft_dir(draft_id)
    case_id = answers.get(CASE_KEY)
    if not isinstance(case_id, str) or not case_id:
        return Loaded(draft_id, dict(answers), draft_dir, None, None, [])
    stored = store.get_case(case_id)
    data, problems = existing_data(stored.text)
    return Loaded(draft_id, dict(answers), draft_dir, stored, data, problems)


def existing_data(text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A stored case's data as ``Interview(existing=…)`` wants it, and its problems (``None``: not a YAML mapping)."""
    problems: list[Problem] = []
    try:
        parse_case_text(text, source="<case>")
    except CaseFileError as error:
        problems = error.problems
    try:
        data = parse_yaml(text.removeprefix("\ufeff")).data
    except SourceError:
        return None, problems
    return (data, problems) if isinstance(data, dict) else (None, problems)


def can_rerun(stored: StoredCase) -> bool:
    """Whether the interview can complete this case: only a YAML file can be edited line by line."""
    return stored.fmt == "yaml" and existing_data(stored.text)[0] is not None


# --- what the person sees ------------------------------------------------------------------------------------------


def _error_text(error: AnswerError, lang: Lang) -> str:
    """The interview's own message (``interview.error.<code>``), unless the web words it differently (a message
    that talks about the terminal, such as dragging a file into the window)."""
    key = f"page.interview.error.{error.code}"
    text = wt(key, lang, **error.params)
    return text if text != key else tr(f"interview.error.{error.code}", lang, **error.params)


def step_view(step: Step, lang: Lang, *, given: Raw = None, error: str | None = None, change: bool = False,
              can_back: bool = False, rerun: bool = False, answered: int = 0) -> dict[str, Any]:  # fmt: skip
    """The form for one step: which widget, its options, what is filled in, which buttons."""
    definition = load_definition()
    titles = {section.id: section.title(lang) for section in definition.sections}
    kind = step.kind
    widget = {
        "choice": "radio",
        "multi_choice": "checkbox",
        "yes_no": "yes_no",
        "phone_list": "textarea",
        "file_list": "file",
    }.get(kind, "text")
    if widget == "text" and step.question.max_length > LONG_TEXT:
        widget = "textarea"
    value = ""
    values: list[str] = []
    files: list[str] = []
    if isinstance(given, list):
        values = [str(v) for v in given]
        files = [Path(v).name for v in values] if kind == "file_list" else []
    elif isinstance(given, bool):
        value = "yes" if given else "no"
    elif isinstance(given, str):
        value = given
    if widget == "radio" and not value and step.default is not None:
        value = step.default
    help_text = tr("page.interview.file_help", lang) if kind == "file_list" else step.help(lang)
    return {
        "key": step.key,
        "kind": kind,
        "widget": widget,
        "input_type": {"phone": "tel"}.get(kind, "text"),
        "inputmode": {"number": "numeric", "phone": "tel"}.get(kind),
        "ask": step.ask(lang),
        "help": help_text,
        "section": titles.get(_section(step), ""),
        "choices": [(c.value, c.label(lang)) for c in step.choices],
        "skippable": step.skippable,
        "fix": step.problem is not None,
        "default": step.default if widget == "text" else None,
        "value": value,
        "values": values,
        "files": files,
        "error": error,
        "change": change,
        "can_back": can_back and not change,
        "answered": answered,
        "rerun": rerun,
    }


def _section(step: Step) -> str:
    """The step's section: its own, or (inside a block: ``episode[0].time``) its block's."""
    if step.question.section:
        return step.question.section
    block = step.key.split("[", 1)[0] if "[" in step.key else ""
    try:
        return load_definition().question(block).section or "" if block else ""
    except KeyError:
        return ""


def _phone(number: object) -> str:
    """``+8613800000123`` as people write it (``138 0000 0123``)."""
    try:
        return zh_phone(str(number))
    except Exception:  # a number the drafting cannot format is shown as stored
        return str(number)


def readable(interview: Interview, step: Step, raw: Raw, lang: Lang) -> str:
    """An answer as the interview understood it: labels for choices, 是/否, file names, dates as stored (a fix
    step's answer, which the interview keeps as an edit, as it was given)."""
    value = interview.answers.get(step.key)
    if step.problem is not None:
        if isinstance(raw, bool):
            return tr("interview.yes" if raw else "interview.no", lang)
        return tr("page.interview.fixed_delete", lang) if raw is None or not str(raw).strip() else str(raw)
    if value is None:
        return tr("page.interview.skipped", lang)
    if value == "unknown" and step.question.skip == "unknown":
        return tr("page.interview.unknown", lang)
    labels = {c.value: c.label(lang) for c in step.choices}
    sep = tr("page.list_separator", lang)
    if step.kind == "yes_no":
        return tr("interview.yes" if value else "interview.no", lang)
    if step.kind == "choice":
        return labels.get(str(value), str(value))
    if step.kind == "multi_choice" and isinstance(value, list):
        return sep.join(labels.get(str(v), str(v)) for v in value)
    if step.kind == "phone":
        return _phone(value)
    if step.kind == "phone_list" and isinstance(value, list):
        return sep.join(_phone(v) for v in value)
    if step.kind == "file_list" and isinstance(value, list):
        return sep.join(str(item.get("name", "")) if isinstance(item, dict) else str(item) for item in value)
    if isinstance(value, list):
        return sep.join(map(str, value))
    return str(value)


def _problems(problems: tuple[Problem, ...] | list[Problem], lang: Lang) -> list[dict[str, Any]]:
    return [{"path": p.path, "line": p.line, "message": p.message(lang)} for p in problems]


def _page(request: Request, loaded: Loaded, result: Replay, *, status: int = 200, change: bool = False,
          save_error: str | None = None, problems: list[dict[str, Any]] | None = None) -> Response:  # fmt: skip
    lang = lang_of(request)
    rerun = loaded.case is not None
    base = {"draft_id": loaded.draft_id, "case_id": loaded.case_id, "rerun": rerun,
            "case_title": loaded.case.title if loaded.case else None}  # fmt: skip
    if result.step is not None:
        error = _error_text(result.error, lang) if result.error is not None else result.message
        can_back = any(step.key in loaded.answers for step, _ in result.answered)
        view = step_view(result.step, lang, given=result.given, error=error, change=change, can_back=can_back,
                         rerun=rerun, answered=len(result.answered))  # fmt: skip
        return render(request, "interview_step.html", status=status, step=view, **base)
    draft = result.interview.build()
    rows = [
        {"index": index, "ask": step.ask(lang), "answer": readable(result.interview, step, raw, lang)}
        for index, (step, raw) in enumerate(result.answered)
    ]
    focus = loaded.answers.get(FOCUS_KEY)
    focus_missed = rerun and bool(focus) and focus not in {step.key for step, _ in result.answered}
    return render(
        request,
        "interview_review.html",
        status=status,
        rows=rows,
        problems=problems if problems is not None else _problems(draft.problems, lang),
        save_error=save_error,
        focus_missed=focus_missed,
        can_back=bool(rows),
        **base,
    )


# --- routes --------------------------------------------------------------------------------------------------------


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@router.post("/interview/new")
@closes_form
async def start(request: Request) -> Response:
    await check_csrf(request)
    draft_id = await in_thread(_store(request).create_draft, lang=lang_of(request))
    return redirect(f"/interview/{draft_id}")


@router.post("/cases/{case_id}/fill")
@closes_form
async def fill(request: Request, case_id: str) -> Response:
    """Start a re-run of the case's interview that asks one question (a missing-field link of the case page)."""
    await check_csrf(request)
    form = await request.form()
    question = form_text(form, "question")
    return await in_thread(_fill, request, case_id, question)


def _fill(request: Request, case_id: str, question: str) -> Response:
    store = _store(request)
    try:
        stored = store.get_case(case_id)
    except StoreError:
        return not_found(request)
    known = {q.id for q in load_definition().questions if q.kind != "block"}
    if question not in known or not can_rerun(stored):
        return redirect(f"/cases/{case_id}/edit")
    started = {CASE_KEY: stored.id, REVISION_KEY: str(stored.revision), FOCUS_KEY: question}
    draft_id = _same_rerun(store, started)
    if draft_id is None:
        draft_id = store.create_draft(lang=lang_of(request), case_id=stored.id)
        store.save_draft(draft_id, started)
    return redirect(f"/interview/{draft_id}")


def _same_rerun(store: Store, started: Mapping[str, str]) -> str | None:
    """The draft an earlier click on the same link started, for the case as it is now (answered or not): the
    person is taken back to it rather than given a second one in the list of unfinished cases."""
    same = (d for d in store.list_drafts() if all(d.answers.get(key) == value for key, value in started.items()))
    return next((draft.id for draft in same if draft.case_id == started[CASE_KEY]), None)


@router.get("/interview/{draft_id}")
def show(request: Request, draft_id: str) -> Response:
    try:
        loaded = _load(_store(request), draft_id)
    except StoreError:
        return not_found(request)
    return _page(request, loaded, replay(loaded.interview(), loaded.answers))


@router.get("/interview/{draft_id}/change/{index}")
def change(request: Request, draft_id: str, index: str) -> Response:
    """Ask an answered question again (from the review), with the current answer filled in."""
    try:
        loaded = _load(_store(request), draft_id)
    except StoreError:
        return not_found(request)
    answered = replay(loaded.interview(), loaded.answers).answered
    if not index.isdigit() or not int(index) < len(answered):
        return not_found(request)
    key = answered[int(index)][0].key
    result = replay(loaded.interview(), loaded.answers, stop_at=key)
    if result.step is None or result.step.key != key:
        return redirect(f"/interview/{draft_id}")
    return _page(request, loaded, result, change=True)


@router.post("/interview/{draft_id}")
@closes_form
async def answer(request: Request, draft_id: str) -> Response:
    await check_csrf(request)
    form = await request.form()
    return await in_thread(_answer, request, draft_id, form, [])


@router.post("/interview/{draft_id}/evidence")
@closes_form
async def answer_files(request: Request, draft_id: str) -> Response:
    """A file-list step: the files chosen are kept in the draft's folder (SHA-256 on arrival) and the step is
    answered with their paths there (``evidence/<name>``, which the case file then names)."""
    await check_csrf(request)
    form = await request.form()
    return await in_thread(_receive_files, request, draft_id, form)


def _receive_files(request: Request, draft_id: str, form: FormData) -> Response:
    store = _store(request)
    lang = lang_of(request)
    chosen = uploads(form, "files")
    paths: list[str] = []
    if form_text(form, "action") == "next" and chosen:
        limit = request.app.state.settings.max_upload_bytes
        try:
            for upload in chosen:
                kept = store.add_draft_file(draft_id, file_name=upload.filename or "", data=upload.file,
                                            max_bytes=limit)  # fmt: skip
                paths.append(kept.path)
        except StoreError as error:
            if error.code == "not_found":
                return not_found(request)
            message = tr(f"page.store.{error.code}", lang, limit=_mib(limit))
            return _answer(request, draft_id, form, [], upload_error=message)
    return _answer(request, draft_id, form, paths)


def _mib(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def _raw_of(form: FormData, files: list[str], saved: Any) -> Callable[[Step], Raw]:
    """How to read the answer to a step from the form, by the button pressed and the step's kind (``saved``: its
    answer so far — files already given stay when none are chosen again)."""
    action = form_text(form, "action")

    def read(step: Step) -> Raw:
        if action == "skip":
            return None
        if action in ("yes", "no"):
            return action == "yes"
        if step.kind == "multi_choice":
            chosen = [v for v in form.getlist("values") if isinstance(v, str)]
            return chosen or None
        if step.kind == "file_list":
            kept = saved if isinstance(saved, list) and all(isinstance(v, str) for v in saved) else None
            return files or kept
        if step.kind == "choice":
            return form_text(form, "value") or None
        if step.kind == "yes_no":
            return None
        return form_text(form, "value").replace("\r\n", "\n")

    return read


def _answer(request: Request, draft_id: str, form: FormData, files: list[str], *,
            upload_error: str | None = None) -> Response:  # fmt: skip
    store = _store(request)
    try:
        loaded = _load(store, draft_id)
    except StoreError:
        return not_found(request)
    key = form_text(form, "key")
    changing = form_text(form, "change") == "1"
    if form_text(form, "action") == "back":
        answered = replay(loaded.interview(), loaded.answers).answered
        saved = [step.key for step, _ in answered if step.key in loaded.answers]
        if saved:
            loaded.answers[PREVIOUS + saved[-1]] = loaded.answers.pop(saved[-1])
            store.save_draft(draft_id, loaded.answers)
        return redirect(f"/interview/{draft_id}")
    if upload_error is not None:
        result = replay(loaded.interview(), loaded.answers, stop_at=key)
        if result.step is None or result.step.key != key:
            return redirect(f"/interview/{draft_id}")
        result.message = upload_error
        return _page(request, loaded, result, status=422, change=changing)
    reader = _raw_of(form, files, loaded.answers.get(key))
    result = replay(loaded.interview(), loaded.answers, override=(key, reader))
    if not result.applied:
        if result.step is not None and result.step.key == key and result.error is not None:
            return _page(request, loaded, result, status=422, change=changing)
        return redirect(f"/interview/{draft_id}")  # an old form (the page was open twice): show where things are
    step, raw = next((s, r) for s, r in result.answered if s.key == key)
    new_raw = settled(result.interview, step, raw)
    before = loaded.answers.get(key, loaded.answers.pop(PREVIOUS + key, _ABSENT))
    loaded.answers[key] = new_raw
    if before is not _ABSENT and before != new_raw:
        _forget_dependants(loaded.answers, key)
    store.save_draft(draft_id, loaded.answers)
    return redirect(f"/interview/{draft_id}")


_ABSENT: Any = object()


def _forget_dependants(answers: dict[str, Any], key: str) -> None:
    """A list that makes a block's items changed (whom they contacted, which files): the items' answers no longer
    belong to the same things, so they are asked again."""
    for question in load_definition().questions:
        if question.kind == "block" and question.for_each == key:
            for name in [k for k in answers if k.startswith(f"{question.id}[")]:
                del answers[name]


@router.post("/interview/{draft_id}/save")
@closes_form
async def save(request: Request, draft_id: str) -> Response:
    await check_csrf(request)
    return await in_thread(_save, request, draft_id)


def _save(request: Request, draft_id: str) -> Response:
    store = _store(request)
    lang = lang_of(request)
    try:
        loaded = _load(store, draft_id)
    except StoreError:
        return not_found(request)
    result = replay(loaded.interview(), loaded.answers)
    if result.step is not None:
        return redirect(f"/interview/{draft_id}")
    draft = result.interview.build()
    if draft.problems:
        return _page(request, loaded, result, status=422)
    definition = load_definition()
    try:
        if loaded.case is None:
            text = render_new(draft.edits, definition)
            parse_case_text(text, fmt="yaml", source="<draft>")  # exactly what will be stored
            stored = store.finish_draft(draft_id, text)
            flash(request, tr("page.interview.saved", lang))
        else:
            stored = _save_rerun(store, loaded, draft)
            store.delete_draft(draft_id)
            flash(request, tr("page.interview.updated", lang))
    except CaseFileError as error:
        return _page(request, loaded, result, status=422, save_error=tr("page.interview.internal_invalid", lang),
                     problems=_problems(error.problems, lang))  # fmt: skip
    except (EditError, TypeError):
        return _page(request, loaded, result, status=422, save_error=tr("page.interview.internal_invalid", lang))
    except StoreError as error:
        if error.code == "conflict":
            return _page(request, loaded, result, status=409, save_error=tr("page.interview.conflict", lang))
        if error.code == "not_found":
            return not_found(request)
        raise
    for note in draft.notes if loaded.case is None else ():  # a re-run adds no files (notes would be about others)
        flash(request, tr(f"interview.note.{note.code}", lang, **note.params), "info")
    return redirect(f"/cases/{stored.id}")


def _save_rerun(store: Store, loaded: Loaded, draft: Draft) -> StoredCase:
    """Write the answers into the case file (only the changed lines), if the case is as it was when the draft began."""
    assert loaded.case is not None
    edits = [edit for edit in draft.edits if not _no_change(loaded.existing or {}, edit)]
    if not edits:
        return loaded.case
    text = render_existing(loaded.case.text, edits, load_definition(), source="<case>")
    parse_case_text(text, source="<case>")
    expected = loaded.answers.get(REVISION_KEY)
    revision = int(expected) if isinstance(expected, str) and expected.isdigit() else None
    return store.replace_case(loaded.case.id, text, expected_revision=revision)


def _no_change(data: Mapping[str, Any], edit: Edit) -> bool:
    """An edit that sets a field to what it already is (a question passed over in a re-run)."""
    if edit.op != "set":
        return False
    current: Any = data
    for part in edit.loc:
        if isinstance(part, int):
            if not isinstance(current, list) or not -len(current) <= part < len(current):
                return False
        elif not isinstance(current, Mapping) or part not in current:
            return False
        current = current[part]
    return bool(current == edit.value)


@router.get("/interview/{draft_id}/discard")
def discard_page(request: Request, draft_id: str) -> Response:
    """Asked before a draft is discarded from the list of unfinished ones (a click there is easily a slip)."""
    try:
        _, answers = _store(request).get_draft(draft_id)
    except StoreError:
        return not_found(request)
    return render(request, "discard.html", draft_id=draft_id, answered=answered_count(answers))


@router.post("/interview/{draft_id}/discard")
@closes_form
async def discard(request: Request, draft_id: str) -> Response:
    await check_csrf(request)
    form = await request.form()
    return await in_thread(_discard, request, draft_id, form_text(form, "next"))


def _discard(request: Request, draft_id: str, back: str) -> Response:
    """Delete the draft and its files; back to ``back`` (a path of this site, from the list of drafts), else to
    the case it was completing, else home."""
    store = _store(request)
    try:
        _, answers = store.get_draft(draft_id)
        store.delete_draft(draft_id)
    except StoreError:
        return not_found(request)
    flash(request, tr("page.interview.discarded", lang_of(request)), "info")
    if is_local_path(back):
        return redirect(back)
    case_id = answers.get(CASE_KEY)
    return redirect(f"/cases/{case_id}" if isinstance(case_id, str) and case_id else "/")


# --- the list of unfinished drafts (home page) ---------------------------------------------------------------------

LABEL_KEYS = ("lender.name", "lender.app_name")
"""The answers that name a new case's draft in the list, as its case will be titled (``Store``'s default title)."""


def answered_count(answers: Mapping[str, Any]) -> int:
    """How many questions a draft has answers for (its bookkeeping keys start with ``META_PREFIX``)."""
    return sum(1 for key in answers if not key.startswith(META_PREFIX))


def draft_rows(drafts: list[DraftSummary], lang: Lang) -> list[dict[str, Any]]:
    """The unfinished drafts as the home page lists them: what each is (the case it completes, else the lender
    named so far), how far it got and when it was last changed."""
    rows = []
    for draft in drafts:
        if draft.case_title is not None:
            label = wt("page.interview.rerun_of", lang, title=draft.case_title)
        else:
            named = [draft.answers.get(key) for key in LABEL_KEYS]
            label = next((value.strip() for value in named if isinstance(value, str) and value.strip()),
                         wt("page.home.draft_unnamed", lang))  # fmt: skip
        rows.append({"id": draft.id, "label": label, "answered": answered_count(draft.answers),
                     "updated_at": draft.updated_at})  # fmt: skip
    return rows
