"""Evaluate many cases: in this process or across worker processes, results in input order (``evaluate_many``).

What a case may be (each item of ``cases``):

* a path (``pathlib.Path``, or a ``str`` without a line break that does not start with ``{``): a ``.yaml``,
  ``.yml`` or ``.json`` case file; a ``.jsonl`` file holds one case (a JSON object) per line; a directory stands
  for its ``*.yaml``, ``*.yml`` and ``*.json`` files, sorted by name (not its subdirectories);
* case text (a ``str`` with a line break or starting with ``{``, or UTF-8 ``bytes``): YAML or JSON;
* a mapping (e.g. a ``dict`` another tool built), or a ``Case``.

``cases`` itself may also be one open JSON Lines stream (a text or binary file object: ``sys.stdin``, ``open(…)``):
one case object per line, blank lines skipped, read as it goes (a stream of any length is never held in memory).

Every case gives one ``BatchResult``, in input order: its ``index`` (counting cases from 0: each line of a JSON
Lines input is one), where it came from, and either its evaluation — the ``jubao.evaluation/1`` JSON, exactly what
``jubao evaluate --json`` gives for that case — or its problems (codes, field paths, lines and columns: never a
value from the case). A bad case does not stop the others unless ``fail_fast`` is given.

With ``jobs`` > 1 the cases are evaluated by that many worker processes, each with its own ``Engine`` (built once,
by the pool's initializer), in chunks of cases so that what a case costs to send and receive stays small. Workers
are started with "forkserver" where the platform has it, else "spawn": never plain fork, which durable_rules' C
state and threads do not survive. Workers load the installed plugins (entry points) minus ``disabled_plugins``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, TypeAlias

from jubao.bounded import LineTooLong, bounded_lines, open_regular_stream
from jubao.case import Case
from jubao.case_checks import channel_problems, locate
from jubao.case_warnings import case_warnings
from jubao.i18n import Lang
from jubao.loading import (
    JSON_SUFFIXES,
    MAX_CASE_BYTES,
    YAML_SUFFIXES,
    CaseFileError,
    as_case,
    file_problem,
    load_case,
    parse_case_text,
    read_case_bytes,
)
from jubao.problems import Problem
from jubao.types import CASE_TIMEZONE

if TYPE_CHECKING:
    from jubao.engine import Engine
    from jubao.evaluation import Evaluation

CaseInput: TypeAlias = "str | os.PathLike[str] | bytes | Mapping[str, Any] | Case"
"""One item of ``evaluate_many``'s ``cases``: a path, case text, a mapping or a ``Case``."""

JSONL_SUFFIX = ".jsonl"
CASE_FILE_SUFFIXES = (*YAML_SUFFIXES, *JSON_SUFFIXES)
"""What a directory contributes: its files with these suffixes."""

DEFAULT_CHUNK_SIZE = 16
"""Cases sent to a worker at once: a chunk of cases costs about 100 ms to evaluate and a few hundred µs to send."""

_PENDING_CHUNKS_PER_JOB = 3
"""Chunks in flight per worker: enough to keep every worker busy, few enough that a long stream is never read
far ahead of what has been written."""


@dataclasses.dataclass(frozen=True)
class BatchResult:
    """What became of one case of ``evaluate_many``.

    ``index``: the case's position among all cases (from 0, in input order); ``source``: where it came from (a
    path, a stream's name, ``<text>`` or ``<data>``); ``line``: for a case read from JSON Lines, its line there.
    ``evaluation_json``: the evaluation as compact JSON (``jubao.evaluation/1``, the same value as
    ``jubao evaluate --json``), or ``None`` when the case has ``problems``. ``warnings``: likely slips in a valid
    case (``jubao validate`` lists the same). Problems and warnings carry codes, field paths, lines and columns
    (for JSON Lines, the line in the stream) — never a value from the case.
    """

    index: int
    source: str
    evaluation_json: str | None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    line: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the case was evaluated (it had no problems)."""
        return self.evaluation_json is not None

    @property
    def location(self) -> str:
        """``source``, with ``:line`` for a case read from JSON Lines (``cases.jsonl:17``)."""
        return self.source if self.line is None else f"{self.source}:{self.line}"

    @cached_property
    def evaluation(self) -> dict[str, Any] | None:
        """The evaluation as JSON data (``json.loads`` of ``evaluation_json``), or ``None``."""
        return None if self.evaluation_json is None else json.loads(self.evaluation_json)

    def to_evaluation(self) -> Evaluation | None:
        """The evaluation as an ``Evaluation`` model (read back from its JSON), or ``None``."""
        from jubao.evaluation import Evaluation  # noqa: PLC0415 - only callers who want the model pay for it

        return None if self.evaluation_json is None else Evaluation.model_validate_json(self.evaluation_json)

    def json_line(self, lang: Lang = "en") -> str:
        """This result as one line of JSON (no newline): ``{"index", "source", "ok", "evaluation"}`` or, for a bad
        case, ``{"index", "source", "ok", "problems"}`` — what ``jubao evaluate`` writes for each case of a batch.
        A problem is ``{"code", "severity", "path", "loc", "line", "column", "message"}`` (``message`` in
        ``lang``); ``source`` is ``location``."""
        head = f'{{"index":{self.index},"source":{json.dumps(self.location, ensure_ascii=False)},'
        if self.evaluation_json is not None:
            return head + f'"ok":true,"evaluation":{self.evaluation_json}}}'
        problems = [problem_json(problem, lang) for problem in self.problems]
        return head + '"ok":false,"problems":' + json.dumps(problems, ensure_ascii=False, separators=(",", ":")) + "}"


def problem_json(problem: Problem, lang: Lang = "en") -> dict[str, Any]:
    """One problem as JSON data, the same keys as ``jubao validate --json`` gives it."""
    return {
        "code": problem.code,
        "severity": problem.severity.value,
        "path": problem.path,
        "loc": list(problem.loc),
        "line": problem.line,
        "column": problem.column,
        "message": problem.message(lang),
    }


# --- work items ----------------------------------------------------------------------------------------------------

_Kind = Literal["path", "text", "data", "case", "unreadable"]


@dataclasses.dataclass(frozen=True, slots=True)
class _Item:
    """One case to evaluate, as it travels to a worker (a path, not the file's bytes: the worker reads it)."""

    index: int
    kind: _Kind
    payload: Any
    source: str
    line: int | None = None


@dataclasses.dataclass(frozen=True)
class JsonLines:
    """A JSON Lines input with a name for messages: ``lines`` (an open stream or any iterable of ``str`` or
    ``bytes`` lines), ``name`` (shown as ``name:line``), ``first_line`` (the number of the first line).

    A stream is read line by line, each line to at most ``MAX_CASE_BYTES`` + 1 (a longer one is skipped to its end
    and reported as ``line_too_long``: never held whole). ``jubao.bounded.LINE_TOO_LONG`` among the lines stands
    for such a line already skipped by whoever read the stream."""

    lines: Iterable[str | bytes | LineTooLong]
    name: str = "<stream>"
    first_line: int = 1


def _is_stream(value: object) -> bool:
    return hasattr(value, "read") and hasattr(value, "readline")


def _stream_name(stream: object) -> str:
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) else "<stream>"


def _looks_like_text(value: str) -> bool:
    return "\n" in value or "\r" in value or value.lstrip()[:1] == "{"


def directory_cases(path: Path) -> list[Path]:
    """The case files of a directory: its ``*.yaml``, ``*.yml`` and ``*.json`` files, sorted by name."""
    return sorted(
        (child for child in path.iterdir() if child.suffix.lower() in CASE_FILE_SUFFIXES and child.is_file()),
        key=lambda child: child.name,
    )


def _items(cases: Iterable[Any]) -> Generator[_Item, None, None]:
    """Number the cases of ``cases`` (expanding directories and JSON Lines), lazily."""
    index = itertools.count()
    for value in cases:
        if isinstance(value, JsonLines):
            yield from _jsonl_items(value, index)
        elif _is_stream(value):
            yield from _jsonl_items(JsonLines(value, _stream_name(value)), index)
        elif isinstance(value, Case):
            yield _Item(next(index), "case", value, "<data>")
        elif isinstance(value, Mapping):
            yield _Item(next(index), "data", value, "<data>")
        elif isinstance(value, bytes | bytearray):
            yield _Item(next(index), "text", bytes(value), "<text>")
        elif isinstance(value, str) and _looks_like_text(value):
            yield _Item(next(index), "text", value, "<text>")
        elif isinstance(value, str | os.PathLike):
            path = Path(value)
            if path.is_dir():
                for child in directory_cases(path):
                    yield _Item(next(index), "path", str(child), str(child))
            elif path.suffix.lower() == JSONL_SUFFIX:
                try:
                    handle = open_regular_stream(path)  # a FIFO or device is refused, not waited on
                except OSError as exc:
                    yield _Item(next(index), "unreadable", file_problem(exc), str(path))
                    continue
                with handle:
                    yield from _jsonl_items(JsonLines(handle, str(path)), index)
            else:
                yield _Item(next(index), "path", str(path), str(path))
        else:  # a list, None, a number …: the worker reports it as not a case (code not_a_case)
            yield _Item(next(index), "data", value, "<data>")


_LINE_TOO_LONG = Problem(code="line_too_long", params={"limit_mib": str(MAX_CASE_BYTES >> 20)})


def _jsonl_items(source: JsonLines, index: Iterator[int]) -> Iterator[_Item]:
    lines = source.lines
    if _is_stream(lines):
        lines = bounded_lines(lines, MAX_CASE_BYTES)  # type: ignore[arg-type]
    for number, line in enumerate(lines, start=source.first_line):
        if isinstance(line, LineTooLong) or len(line) > MAX_CASE_BYTES:
            yield _Item(next(index), "unreadable", _LINE_TOO_LONG, source.name, number)
            continue
        if not line.strip():
            continue
        text = line
        if number == source.first_line:  # a byte-order mark starts the stream, not the case
            text = line.removeprefix(b"\xef\xbb\xbf") if isinstance(line, bytes) else line.removeprefix("\ufeff")
        yield _Item(next(index), "text", text, source.name, number)


# --- evaluating one case (in this process or a worker) -------------------------------------------------------------


def _load(item: _Item) -> Case:
    if item.kind == "unreadable":
        raise CaseFileError(item.source, [item.payload])
    if item.kind == "path":
        return load_case(item.payload)
    if item.kind == "text":
        fmt: Literal["auto", "json"] = "json" if item.line is not None else "auto"
        return parse_case_text(item.payload, fmt=fmt, source=item.source)
    return as_case(item.payload, source=item.source)  # a Case as it is; a mapping validated; else not_a_case


def _text(item: _Item) -> str | None:
    """The case's text, to locate what is found after loading it (a file is read again: only then)."""
    try:
        if item.kind == "path":
            return read_case_bytes(item.payload).decode("utf-8-sig")
        if item.kind == "text":
            return item.payload.decode("utf-8-sig") if isinstance(item.payload, bytes) else item.payload
    except (CaseFileError, UnicodeDecodeError):  # a file read a moment ago that changed since: field paths only
        return None
    return None


def _in_stream(problems: Iterable[Problem], line: int | None) -> tuple[Problem, ...]:
    """Problems of a JSON Lines case, placed on its line of the stream (the case is that one line)."""
    if line is None:
        return tuple(problems)
    return tuple(problem.located(line, problem.column if problem.line is not None else None) for problem in problems)


def _evaluate_item(engine: Engine, item: _Item, as_of: date | None, today: date) -> BatchResult:
    def bad(problems: Iterable[Problem]) -> BatchResult:
        return BatchResult(item.index, item.source, None, _in_stream(problems, item.line), line=item.line)

    try:
        case = _load(item)
    except CaseFileError as exc:
        return bad(exc.problems)
    problems = channel_problems(case, engine.ruleset.channels)
    warnings = case_warnings(case)
    text = _text(item) if problems or warnings else None
    if problems:
        return bad(locate(problems, text) if text is not None else problems)
    if warnings and text is not None:
        warnings = locate(warnings, text)
    try:
        evaluation = engine.evaluate(case, as_of=as_of, today=today)
    except CaseFileError as exc:  # a plugin's own check (the engine repeats the channel check above)
        return bad(exc.problems)
    return BatchResult(
        item.index, item.source, evaluation.model_dump_json(), (), _in_stream(warnings, item.line), line=item.line
    )


_WORKER_ENGINE: Engine | None = None


def _start_worker(disabled: tuple[str, ...], strict: bool | None, parent: int) -> None:
    """Pool initializer: one engine per worker process, for all its chunks. Ctrl-C is the parent's to handle (it
    stops the pool); a worker would only print a traceback. A worker whose parent was killed outright (it could not
    stop the pool) ends itself within a second instead of waiting for work forever."""
    global _WORKER_ENGINE  # noqa: PLW0603 - one engine per worker process is the point
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.name == "posix":  # os.kill(pid, 0) is a harmless probe there (on Windows it would end the process)
        threading.Thread(target=_exit_with, args=(parent,), name="jubao-batch-parent", daemon=True).start()
    from jubao.engine import Engine  # noqa: PLC0415 - durable_rules is imported in the worker, after it started
    from jubao.plugins import load_plugins  # noqa: PLC0415

    _WORKER_ENGINE = Engine(plugins=load_plugins(disabled=disabled, strict=strict))


def _exit_with(parent: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except OSError:  # it exists (owned by someone else: the pid was reused, or permissions differ)
            continue


def _evaluate_chunk(items: list[_Item], as_of: date | None, today: date) -> list[BatchResult]:
    engine = _WORKER_ENGINE
    if engine is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("worker started without its engine")
    return [_evaluate_item(engine, item, as_of, today) for item in items]


# --- the public function -------------------------------------------------------------------------------------------


def evaluate_many(
    cases: Iterable[CaseInput] | IO[str] | IO[bytes] | str | os.PathLike[str],
    *,
    jobs: int = 1,
    as_of: date | None = None,
    today: date | None = None,
    fail_fast: bool = False,
    engine: Engine | None = None,
    disabled_plugins: Iterable[str] = (),
    strict_plugins: bool | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Generator[BatchResult, None, None]:
    """Evaluate every case of ``cases`` and yield a ``BatchResult`` for each, in input order (see the module
    docstring for what a case may be). Lazy: cases are read and evaluated as results are taken.

    ``jobs``: worker processes (1: in this process; 0: one per available core). ``as_of``, ``today``: as for
    ``Engine.evaluate``; ``today`` defaults to today in Beijing, taken once for the whole batch. ``fail_fast``:
    stop after the first case with problems (its result is the last one yielded). ``engine``: evaluate with this
    engine (``jobs=1`` only; it is not closed); otherwise an engine is built from the installed plugins minus
    ``disabled_plugins`` (``strict_plugins``: as for ``load_plugins``). ``chunk_size``: cases sent to a worker at
    once. An error that is not a problem of the case (a bug) is raised, and stops the batch; so does a worker
    process that ends while evaluating (killed, e.g. by the out-of-memory killer, or crashed): ``WorkerLost``, with
    how many results were yielded before it (``completed``).
    """
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (all cores) or more, not {jobs}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    workers = jobs or available_cores()
    if engine is not None and workers > 1:
        raise ValueError("engine= needs jobs=1: each worker process builds its own engine")
    if isinstance(cases, str | os.PathLike) or _is_stream(cases):
        cases = [cases]  # type: ignore[list-item]
    sized = _known_count(cases)
    if sized is not None:
        workers = min(workers, max(1, -(-sized // chunk_size)))
    day = today or datetime.now(CASE_TIMEZONE).date()
    items = _items(cases)
    disabled = tuple(disabled_plugins)
    if workers <= 1:
        return _in_process(
            items, engine=engine, as_of=as_of, today=day, fail_fast=fail_fast, disabled=disabled, strict=strict_plugins
        )
    return _in_workers(
        items, workers=workers, chunk_size=chunk_size, as_of=as_of, today=day, fail_fast=fail_fast, disabled=disabled,
        strict=strict_plugins,
    )  # fmt: skip


def available_cores() -> int:
    """The cores this process may use (its CPU affinity where the platform says; else all)."""
    counter: Callable[[], int | None] | None = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _known_count(cases: object) -> int | None:
    """How many cases, when that is known without reading anything (a list of cases that are no directories or
    JSON Lines)."""
    if not isinstance(cases, list | tuple):
        return None
    for value in cases:
        if isinstance(value, JsonLines) or _is_stream(value):
            return None
        if isinstance(value, str | os.PathLike) and not (isinstance(value, str) and _looks_like_text(value)):
            path = Path(value)
            if path.suffix.lower() == JSONL_SUFFIX or path.is_dir():
                return None
    return len(cases)


def _in_process(
    items: Generator[_Item, None, None],
    *,
    engine: Engine | None,
    as_of: date | None,
    today: date,
    fail_fast: bool,
    disabled: tuple[str, ...],
    strict: bool | None,
) -> Generator[BatchResult, None, None]:
    own: Engine | None = None
    try:
        for item in items:
            if engine is None:
                from jubao.engine import Engine  # noqa: PLC0415 - durable_rules only once there is a case
                from jubao.plugins import load_plugins  # noqa: PLC0415

                engine = own = Engine(plugins=load_plugins(disabled=disabled, strict=strict))
            result = _evaluate_item(engine, item, as_of, today)
            yield result
            if fail_fast and not result.ok:
                return
    finally:
        items.close()
        if own is not None:
            own.close()


class WorkerLost(RuntimeError):
    """A worker process of ``evaluate_many(jobs=N)`` ended while evaluating: killed (on Linux the out-of-memory
    killer sends ``SIGKILL``) or crashed. The batch stops; the ``completed`` results yielded before are whole and
    in input order, the cases after them were not evaluated. ``signal`` is the signal that ended the worker when it
    is known (``"SIGKILL"``), else ``None``."""

    def __init__(self, completed: int, signal_name: str | None) -> None:
        self.completed = completed
        self.signal = signal_name
        how = f" by {signal_name}" if signal_name else ""
        super().__init__(f"a worker process ended{how} after {completed} results; the rest were not evaluated")


def _lost_worker_signal(pool: ProcessPoolExecutor) -> str | None:
    """The signal that ended a worker of a broken pool, best effort (the executor does not say which one died)."""
    names = []
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        code = getattr(process, "exitcode", None)
        if isinstance(code, int) and code < 0:
            with contextlib.suppress(ValueError):
                names.append(signal.Signals(-code).name)
    # The executor ends the other workers with SIGTERM once one has died: that one's signal is the other kind.
    return next((name for name in names if name != "SIGTERM"), names[0] if names else None)


def start_method() -> str:
    """How worker processes are started: "forkserver" where the platform has it, else "spawn" (never fork)."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _in_workers(
    items: Generator[_Item, None, None],
    *,
    workers: int,
    chunk_size: int,
    as_of: date | None,
    today: date,
    fail_fast: bool,
    disabled: tuple[str, ...],
    strict: bool | None,
) -> Generator[BatchResult, None, None]:
    chunks = iter(lambda: list(itertools.islice(items, chunk_size)), [])
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(start_method()),
        initializer=_start_worker,
        initargs=(disabled, strict, os.getpid()),
    )
    pending: deque[Future[list[BatchResult]]] = deque()
    completed = 0
    broken = False

    def submit(chunk: list[_Item]) -> None:
        nonlocal broken
        try:
            pending.append(pool.submit(_evaluate_chunk, chunk, as_of, today))
        except BrokenProcessPool:  # a worker died: what was evaluated already is still given, then WorkerLost
            broken = True

    try:
        for chunk in itertools.islice(chunks, workers * _PENDING_CHUNKS_PER_JOB):
            submit(chunk)
            if broken:
                break
        while pending:
            try:
                results = pending.popleft().result()
            except BrokenProcessPool:
                raise WorkerLost(completed, _lost_worker_signal(pool)) from None
            following = None if broken else next(chunks, None)
            if following is not None:
                submit(following)
            for result in results:
                completed += 1
                yield result
                if fail_fast and not result.ok:
                    return
        if broken:
            raise WorkerLost(completed, _lost_worker_signal(pool))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        items.close()
