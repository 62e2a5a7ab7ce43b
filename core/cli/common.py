"""Helpers shared by CLI commands: loading a case or stopping with its problems, dates, the engine."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from jubao.case import Case
from jubao.cli.state import CliState
from jubao.loading import CaseFileError, load_case, parse_case_text
from jubao.problems import Problem

EXIT_INVALID = 2
EXIT_FAILED = 1


def problem_line(source: str, problem: Problem, lang: str) -> str:
    """``file:line:col: field.path: message`` — the compiler-style line editors can jump to (indented)."""
    return "  " + problem.describe(source, lang)  # type: ignore[arg-type]


def read_case(source: str, current: CliState) -> Case:
    """Load ``source`` (a path or ``-``) or print every problem and exit 2."""
    try:
        if source == "-":
            return parse_case_text(sys.stdin.read(), source=current.t("cli.stdin_name"))  # JSON or YAML: auto
        return load_case(Path(source))
    except CaseFileError as exc:
        click.echo("✗ " + current.t("cli.file_bad", path=exc.source, count=len(exc.problems)), err=True)
        for problem in exc.problems:
            click.echo(problem_line(exc.source, problem, current.lang), err=True)
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
