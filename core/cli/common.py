"""Helpers shared by CLI commands: loading a case or stopping with its problems, dates, the engine."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from jubao.cli.state import CliState, state
from jubao.cli.terminal import echo
from jubao.types import EARLIEST_DATE, LATEST_DATE

if TYPE_CHECKING:
    from jubao.case import Case
    from jubao.fileio import NotARegularFile
    from jubao.problems import Problem

# The case model (pydantic) and the loaders are imported where a case is read: a command that only needs an exit
# code or a date option from here, and every command's `--help`, starts without them.

EXIT_INVALID = 2
EXIT_FAILED = 1

EARLIEST_DAY = EARLIEST_DATE
"""The earliest date a date option takes: no case holds an earlier date."""

LATEST_DAY = LATEST_DATE
"""The latest date a date option takes (``--as-of 9999-12-31`` was an internal error)."""


def problem_line(source: str, problem: Problem, lang: str) -> str:
    """``file:line:col: field.path: message`` — the compiler-style line editors can jump to (indented)."""
    return "  " + problem.describe(source, lang)  # type: ignore[arg-type]


def read_case(
    source: str, current: CliState, *, check_channels: bool = True, stdin_text: str | bytes | None = None
) -> Case:
    """Load ``source`` (a path or ``-``) or print every problem and exit 2. With ``check_channels`` (commands that
    evaluate a case), a prior complaint naming a channel no installed plugin knows is such a problem too, and the
    case's warnings (``jubao.case_warnings``: likely slips) are printed on stderr, one line each, before carrying
    on. ``stdin_text``: for ``-``, standard input already read (``jubao evaluate`` reads ahead to tell one case
    from JSON Lines)."""
    from jubao.case_warnings import located_warnings  # noqa: PLC0415 - see the imports at the top
    from jubao.loading import CaseFileError, load_case, parse_case_text  # noqa: PLC0415

    text: str | None = None
    try:
        if source == "-":
            raw = read_stdin(current) if stdin_text is None else stdin_text
            case = parse_case_text(raw, source=current.t("cli.stdin_name"))  # JSON or YAML: auto
            text = raw if isinstance(raw, str) else raw.decode("utf-8-sig")  # it parsed: it is UTF-8
        else:
            case = load_case(Path(source))
    except CaseFileError as exc:
        stop(exc.source, exc.problems, current)
    if check_channels:
        problems = plugin_problems(case, source, current, text)
        if problems:
            stop(current.t("cli.stdin_name") if source == "-" else source, problems, current)
        name = current.t("cli.stdin_name") if source == "-" else source
        for warning in located_warnings(case, text if text is not None else case_text(source)):
            echo("! " + warning.describe(name, current.lang), err=True)
    return case


def read_stdin(current: CliState) -> bytes | str:
    """A case on standard input: at most ``jubao.loading.MAX_CASE_BYTES`` (bytes, from the binary stream when there
    is one: decoded as UTF-8 by the loader), or ``CaseFileError`` (``file_too_large``) once more has arrived —
    without reading further. Without a cap, 200 MB on a pipe was read whole (and parsed) before anything was said."""
    from jubao.bounded import TooLargeError, read_stream  # noqa: PLC0415 - see the imports at the top
    from jubao.loading import MAX_CASE_BYTES, CaseFileError, file_problem  # noqa: PLC0415

    try:
        return read_stream(getattr(sys.stdin, "buffer", sys.stdin), MAX_CASE_BYTES)
    except TooLargeError as exc:
        raise CaseFileError(current.t("cli.stdin_name"), [file_problem(exc)]) from None


def case_text(source: str) -> str | None:
    """The text of the case file at ``source`` (to locate problems found after loading it), or ``None``."""
    if source == "-":
        return None
    from jubao.loading import CaseFileError, read_case_bytes  # noqa: PLC0415 - see the imports at the top

    try:
        return read_case_bytes(source).decode("utf-8-sig")
    except (CaseFileError, UnicodeDecodeError):  # read a moment ago; if it changed since, show the field path only
        return None


def plugin_problems(case: Case, source: str, current: CliState, text: str | None = None) -> list[Problem]:
    """What the installed plugins find wrong with a valid case (``jubao.case_checks``), located in its file
    (``text``: the case text when it came from stdin; a file is read again).

    What the plugins are asked about is the channel of each prior complaint, and only for an id jubao's own
    catalogue does not list (a third-party channel, or a typo): for a case without such an id ``jubao validate``
    does not load (or report) the plugins at all — it starts in a third less time, and a command that needs the
    plugins loads them anyway."""
    if not case.prior_complaints:
        return []
    from jubao.case_checks import channel_problems, known_without_plugins, locate  # noqa: PLC0415 - see the top

    if known_without_plugins(case):  # every id is in jubao's own catalogue: known with any set of plugins
        return []
    problems = channel_problems(case, current.plugins().ruleset.channels)
    if not problems:
        return []
    if text is None:
        text = case_text(source)
    return locate(problems, text) if text is not None else problems


def refuse_destination(current: CliState, option: str, path: Path, error: NotARegularFile) -> NoReturn:
    """Stop (exit 2): the file an option names is a link, pipe, device or folder — replacing it would replace that
    node itself (as root, ``/dev/full``); nothing was written."""
    key = "output.symlink" if error.kind == "symlink" else "output.not_a_file"
    echo("✗ " + current.t(key, option=option, path=str(path), kind=current.t(f"output.kind.{error.kind}")), err=True)
    raise click.exceptions.Exit(EXIT_INVALID) from None


def stop(source: str, problems: list[Problem], current: CliState) -> NoReturn:
    """Print ``source``'s problems on stderr, one ``file:line:col: path: message`` line each, and exit 2."""
    echo("✗ " + current.t("cli.file_bad", path=source, count=len(problems)), err=True)
    for problem in problems:
        echo(problem_line(source, problem, current.lang), err=True)
    raise click.exceptions.Exit(EXIT_INVALID) from None


class _DayInRange(click.ParamType):  # type: ignore[type-arg]
    """A date option that takes only dates from ``EARLIEST_DAY`` to ``LATEST_DAY`` (a usage error otherwise)."""

    def in_range(self, day: date, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            earliest, latest = EARLIEST_DAY.isoformat(), LATEST_DAY.isoformat()
            self.fail(state().t("cli.date_out_of_range", earliest=earliest, latest=latest), param, ctx)
        return day


class DateParam(_DayInRange):
    """A calendar date written YYYY-MM-DD, from ``EARLIEST_DAY`` to ``LATEST_DAY``."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return self.in_range(value, param, ctx)
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            self.fail(state().t("cli.bad_date", value=str(value)), param, ctx)
        return self.in_range(day, param, ctx)


class DayParam(_DayInRange):
    """A date: ``2026-11-20``, ``2026年11月20日`` or ``today`` / ``今天``, from ``EARLIEST_DAY`` to ``LATEST_DAY``."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return self.in_range(value, param, ctx)
        from jubao.case_edit import parse_day  # noqa: PLC0415 - the case editor (ruamel.yaml) only for a date given

        try:
            day = parse_day(str(value))
        except ValueError:
            self.fail(state().t("record.bad_date", value=str(value)), param, ctx)
        return self.in_range(day, param, ctx)
