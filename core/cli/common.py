"""Helpers shared by CLI commands: loading a case or stopping with its problems, dates, the engine."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from jubao.cli.state import CliState, state

if TYPE_CHECKING:
    from jubao.case import Case
    from jubao.problems import Problem

# The case model (pydantic) and the loaders are imported where a case is read: a command that only needs an exit
# code or a date option from here, and every command's `--help`, starts without them.

EXIT_INVALID = 2
EXIT_FAILED = 1


def problem_line(source: str, problem: Problem, lang: str) -> str:
    """``file:line:col: field.path: message`` — the compiler-style line editors can jump to (indented)."""
    return "  " + problem.describe(source, lang)  # type: ignore[arg-type]


def read_case(source: str, current: CliState, *, check_channels: bool = True, stdin_text: str | None = None) -> Case:
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
            text = sys.stdin.read() if stdin_text is None else stdin_text
            case = parse_case_text(text, source=current.t("cli.stdin_name"))  # JSON or YAML: auto
        else:
            case = load_case(Path(source))
    except CaseFileError as exc:
        _stop(exc.source, exc.problems, current)
    if check_channels:
        problems = plugin_problems(case, source, current, text)
        if problems:
            _stop(current.t("cli.stdin_name") if source == "-" else source, problems, current)
        name = current.t("cli.stdin_name") if source == "-" else source
        for warning in located_warnings(case, text if text is not None else case_text(source)):
            click.echo("! " + warning.describe(name, current.lang), err=True)
    return case


def case_text(source: str) -> str | None:
    """The text of the case file at ``source`` (to locate problems found after loading it), or ``None``."""
    if source == "-":
        return None
    try:
        return Path(source).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):  # read a moment ago; if it changed since, show the field path only
        return None


def plugin_problems(case: Case, source: str, current: CliState, text: str | None = None) -> list[Problem]:
    """What the installed plugins find wrong with a valid case (``jubao.case_checks``), located in its file
    (``text``: the case text when it came from stdin; a file is read again)."""
    from jubao.case_checks import channel_problems, locate  # noqa: PLC0415 - see the imports at the top

    problems = channel_problems(case, current.plugins().ruleset.channels)
    if not problems:
        return []
    if text is None:
        text = case_text(source)
    return locate(problems, text) if text is not None else problems


def _stop(source: str, problems: list[Problem], current: CliState) -> NoReturn:
    click.echo("✗ " + current.t("cli.file_bad", path=source, count=len(problems)), err=True)
    for problem in problems:
        click.echo(problem_line(source, problem, current.lang), err=True)
    raise click.exceptions.Exit(EXIT_INVALID) from None


class DateParam(click.ParamType):  # type: ignore[type-arg]
    """A calendar date written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date like 2026-11-23", param, ctx)


class DayParam(click.ParamType):  # type: ignore[type-arg]
    """A date: ``2026-11-20``, ``2026年11月20日`` or ``today`` / ``今天``."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        from jubao.case_edit import parse_day  # noqa: PLC0415 - the case editor (ruamel.yaml) only for a date given

        try:
            return parse_day(str(value))
        except ValueError:
            self.fail(state().t("record.bad_date", value=str(value)), param, ctx)
