"""``jubao evaluate`` and ``jubao explain``: classify and route a case; show the rules behind it.

``jubao evaluate`` also evaluates many cases at once (``jubao.batch``): several files, a directory, a ``.jsonl``
file or JSON Lines on standard input; it then writes JSON Lines, one result per case, in input order.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from jubao.cli.common import EXIT_FAILED, EXIT_INVALID, DateParam, problem_line, read_case, stop
from jubao.cli.params import PathParam
from jubao.cli.state import CliState, state
from jubao.cli.terminal import echo, echo_json

if TYPE_CHECKING:
    from jubao.batch import BatchResult
    from jubao.bounded import LineTooLong

AS_OF_HELP = (
    "适用哪一天的法律（默认：最后一次催收行为的日期）/ whose law applies (default: day of the latest incident)."
)
TODAY_HELP = "以哪一天为“今天”（默认：北京时间今天）/ the evaluation date (default: today in Beijing)."


@click.command()
@click.argument("cases", nargs=-1, required=True, type=PathParam(path_type=str), metavar="CASE…")
@click.option("--as-of", "as_of", type=DateParam(), help=AS_OF_HELP)
@click.option("--today", type=DateParam(), help=TODAY_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / JSON output (format jubao.evaluation/1).")
@click.option(
    "--jsonl",
    "as_jsonl",
    is_flag=True,
    help="每个案件输出一行 JSON（多个案件时默认如此）/ JSON Lines, one result per case (the default for many cases).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="同时运行的进程数，0 表示全部 CPU 核 / worker processes for many cases (0: one per core).",
)
@click.option("--fail-fast", is_flag=True, help="遇到第一个无效案件即停止 / stop at the first invalid case.")
def evaluate(
    cases: tuple[str, ...], *, as_of: date | None, today: date | None, as_json: bool, as_jsonl: bool, jobs: int,
    fail_fast: bool,
) -> None:  # fmt: skip
    """分类并推荐举报渠道 / classify a case and route it to channels.

    多个案件：几个文件、一个文件夹（其中的 .yaml、.yml、.json 文件，按文件名排序）、.jsonl 文件，或 - 从标准输入读
    JSON Lines（每行一个案件）；每个案件输出一行 JSON，顺序与输入相同。退出码：0 全部有效，2 有无效案件。

    Many cases: several files, a directory (its .yaml/.yml/.json files, sorted), .jsonl files, or - for JSON Lines
    on stdin (one case per line); writes JSON Lines in input order. Exit status 0 if all were valid, 2 if any was not.
    """
    current = state()
    if cases.count("-") > 1:
        raise click.UsageError(current.t("batch.stdin_twice"))
    stdin_text: bytes | None = None
    stdin_lines: Iterator[bytes | LineTooLong] | None = None
    if "-" in cases:
        if as_jsonl or len(cases) > 1:
            stdin_lines = _stdin_lines()
        else:
            stdin_text, stdin_lines = _read_ahead(current)
    single = (
        not as_jsonl
        and len(cases) == 1
        and stdin_lines is None
        and not (cases[0] != "-" and (Path(cases[0]).is_dir() or Path(cases[0]).suffix.lower() == ".jsonl"))
    )
    if single:
        _evaluate_one(cases[0], current, as_of=as_of, today=today, as_json=as_json, stdin_text=stdin_text)
        return
    _evaluate_many(cases, current, stdin_lines, as_of=as_of, today=today, jobs=jobs, fail_fast=fail_fast)


def _evaluate_one(
    case: str, current: CliState, *, as_of: date | None, today: date | None, as_json: bool, stdin_text: bytes | None
) -> None:
    """One case, as ``jubao evaluate`` has always shown it (text, or ``--json``)."""
    from jubao.cli.render import render_evaluation  # noqa: PLC0415 - the engine and all when the command runs
    from jubao.engine import Engine  # noqa: PLC0415
    from jubao.next_steps import build_next, next_step_line  # noqa: PLC0415
    from jubao.plan import build_plan  # noqa: PLC0415

    loaded = read_case(case, current, stdin_text=stdin_text)
    plugins = current.plugins()
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(loaded, as_of=as_of, today=today)
        parameters = engine.ruleset.parameters
    if as_json:
        echo_json(evaluation.model_dump_json(indent=2))
        return
    # The single next step, as jubao next and jubao plan see it on the evaluation's "today" (no drafting needed).
    plan = build_plan(loaded, evaluation, plugins, as_of=evaluation.today, with_documents=False)
    steps = build_next(loaded, evaluation, plan, plugins.channels, parameters)
    last = next_step_line(steps, case, current.lang)
    for line in render_evaluation(evaluation, current, title=loaded.title or case, next_line=last):
        echo(line)


def _stdin() -> IO[bytes]:
    """Standard input as bytes (the loader decodes UTF-8 and says so if it is not)."""
    return sys.stdin.buffer


def _stdin_lines() -> Iterator[bytes | LineTooLong]:
    """The lines of standard input, each read to at most ``MAX_CASE_BYTES`` + 1 bytes (``jubao.bounded``)."""
    from jubao.bounded import bounded_lines  # noqa: PLC0415 - only when reading standard input
    from jubao.loading import MAX_CASE_BYTES  # noqa: PLC0415

    return bounded_lines(_stdin(), MAX_CASE_BYTES)  # type: ignore[return-value]


def _read_ahead(current: CliState) -> tuple[bytes | None, Iterator[bytes | LineTooLong] | None]:
    """Tell one case on standard input from JSON Lines, reading no further than needed: JSON Lines when the first
    line that is not blank is a whole JSON object and another line follows (then the lines, none lost); otherwise
    one YAML or JSON case (then its whole text). Nothing is read past ``MAX_CASE_BYTES`` for one case or one line:
    a case larger than that stops the command (exit 2, ``file_too_large``)."""
    from jubao.bounded import LineTooLong, TooLargeError, read_stream  # noqa: PLC0415 - only for standard input
    from jubao.loading import MAX_CASE_BYTES, file_problem  # noqa: PLC0415

    head: list[bytes | LineTooLong] = []
    objects = 0
    lines = _stdin_lines()
    try:
        for line in lines:
            head.append(line)
            if isinstance(line, LineTooLong):
                if objects == 0:  # one case (or a first line) larger than any case
                    raise TooLargeError(MAX_CASE_BYTES)
            elif not line.strip():
                continue
            elif objects == 0 and not _is_json_object(line):
                read = b"".join(part for part in head if isinstance(part, bytes))
                return read + _rest(read_stream(_stdin(), MAX_CASE_BYTES - len(read))), None
            objects += 1
            if objects == 2:
                return None, itertools.chain(head, lines)
    except TooLargeError as exc:
        stop(current.t("cli.stdin_name"), [file_problem(exc)], current)
    return b"".join(part for part in head if isinstance(part, bytes)), None


def _rest(data: bytes | str) -> bytes:
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _is_json_object(line: str | bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _evaluate_many(
    cases: tuple[str, ...],
    current: CliState,
    stdin_lines: Iterator[bytes | LineTooLong] | None,
    *,
    as_of: date | None,
    today: date | None,
    jobs: int,
    fail_fast: bool,
) -> None:
    """Many cases: one line of JSON per case on stdout, in input order; problems and warnings on stderr."""
    from jubao.batch import (  # noqa: PLC0415 - only a batch needs it
        JSONL_SUFFIX,
        JsonLines,
        WorkerLost,
        available_cores,
        directory_cases,
        evaluate_many,
    )

    stdin_name = current.t("cli.stdin_name")
    inputs: list[Any] = []
    total: int | None = 0
    for source in cases:
        path = Path(source)
        if source == "-":
            inputs.append(JsonLines(stdin_lines or _stdin_lines(), stdin_name))
            total = None
        elif path.is_dir():
            found = directory_cases(path)
            if not found:
                echo("! " + current.t("batch.empty_directory", path=source), err=True)
            inputs += found
            total = None if total is None else total + len(found)
        else:
            inputs.append(path)
            if path.suffix.lower() == JSONL_SUFFIX:
                total = None
            elif total is not None:
                total += 1
    workers = jobs or available_cores()
    plugins = current.plugins()  # skipped plugins are reported once, here, and workers load the same set
    engine = None
    if workers == 1:
        from jubao.engine import Engine  # noqa: PLC0415

        engine = Engine(plugins=plugins)
    counts = {"ok": 0, "bad": 0}
    stopped = False
    results = evaluate_many(
        inputs,
        jobs=workers,
        as_of=as_of,
        today=today,
        fail_fast=fail_fast,
        engine=engine,
        disabled_plugins=current.disabled_plugins,
        strict_plugins=current.strict_plugins or None,
    )
    try:
        with _progress(current, total) as advance:
            for result in results:
                echo_json(result.json_line(current.lang))
                counts["ok" if result.ok else "bad"] += 1
                _report(result, current, clear=advance is not None)
                if advance is not None:
                    advance()
                stopped = fail_fast and not result.ok
    except WorkerLost as lost:
        # Not the case's fault and usually not jubao's: a worker was killed (most often for memory). Say which
        # results are good and what to do, instead of "internal error".
        how = current.t("batch.worker_signal", signal=lost.signal) if lost.signal else ""
        echo("✗ " + current.t("batch.worker_lost", how=how, done=lost.completed), err=True)
        raise click.exceptions.Exit(EXIT_FAILED) from None
    finally:
        results.close()
        if engine is not None:
            engine.close()
    total_done = counts["ok"] + counts["bad"]
    echo(current.t("batch.summary", total=total_done, ok=counts["ok"], bad=counts["bad"]), err=True)
    if stopped:
        echo(current.t("batch.stopped"), err=True)
    if counts["bad"]:
        raise click.exceptions.Exit(EXIT_INVALID)


def _report(result: BatchResult, current: CliState, *, clear: bool) -> None:
    """A bad case's problems, a good one's warnings: on stderr, as for one case (``file:line:col: path: message``)."""
    if result.ok and not result.warnings:
        return
    prefix = "\r\x1b[K" if clear else ""  # over the progress bar, which draws itself again below
    if not result.ok:
        echo(prefix + "✗ " + current.t("cli.file_bad", path=result.location, count=len(result.problems)),
                   err=True)  # fmt: skip
        for problem in result.problems:
            echo(problem_line(result.source, problem, current.lang), err=True)
        return
    for warning in result.warnings:
        echo(prefix + "! " + warning.describe(result.source, current.lang), err=True)
        prefix = ""


@contextlib.contextmanager
def _progress(current: CliState, total: int | None) -> Iterator[Any]:
    """A progress bar on stderr when stderr is a terminal (nothing at all when it is piped or redirected)."""
    stderr = sys.stderr
    if not _is_terminal(stderr):
        yield None
        return
    unknown = itertools.repeat(None) if total is None else None  # a stream: the count so far, no bar to fill
    with click.progressbar(unknown, length=total, label=current.t("batch.progress"), file=stderr, show_pos=True) as bar:
        yield lambda: bar.update(1)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@click.command()
@click.argument("case", type=PathParam(path_type=str))
@click.option("--as-of", "as_of", type=DateParam(), help=AS_OF_HELP)
@click.option("--today", type=DateParam(), help=TODAY_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / JSON output (format jubao.trace/1).")
def explain(case: str, as_of: date | None, today: date | None, as_json: bool) -> None:
    """列出触发的规则及依据；对未推荐的渠道说明原因 / the rules that fired, and why-not for the other channels."""
    from jubao.cli.render import render_trace  # noqa: PLC0415 - the engine when the command runs, not for `--help`
    from jubao.engine import Engine  # noqa: PLC0415

    current = state()
    loaded = read_case(case, current)
    with Engine(plugins=current.plugins()) as engine:
        trace = engine.explain(loaded, as_of=as_of, today=today)
    if as_json:
        echo_json(trace.model_dump_json(indent=2))
        return
    for line in render_trace(trace, current):
        echo(line)
