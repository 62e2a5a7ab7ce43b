"""``jubao validate``: check case files and list every problem with its file, line and field path.

Besides errors it lists warnings (``jubao.case_warnings``): a valid case that probably does not say what its writer
meant (``count`` read as people, a manager filed as a colleague, an unknown lender kind …). They do not make a file
invalid unless ``--strict`` is given, which reports them as errors (exit 2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from jubao.case import Case
from jubao.case_warnings import as_errors, located_warnings
from jubao.cli.common import EXIT_INVALID, case_text, plugin_problems, problem_line, read_stdin
from jubao.cli.params import PathParam
from jubao.cli.state import CliState, state
from jubao.cli.terminal import echo, echo_json
from jubao.loading import CaseFileError, load_case, parse_case_text
from jubao.problems import Problem

JSON_FORMAT = "jubao.validate/1"


@dataclass(frozen=True)
class Outcome:
    source: str
    case: Case | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()


@click.command()
@click.argument("cases", nargs=-1, type=PathParam(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（键名为英文，稳定）/ machine-readable JSON output.")
@click.option("--strict", is_flag=True, help="提醒也按错误处理（退出码 2）/ treat warnings as errors (exit 2).")
def validate(cases: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """校验案件文件（YAML 或 JSON；- 表示标准输入）/ validate case files (YAML or JSON; - for stdin).

    Besides the format, checks what depends on the installed plugins: every prior complaint's channel id must be
    known. Lists warnings for likely slips (they are errors with --strict). Exit status: 0 if every file is valid,
    2 if any is not.
    """
    current = state()
    if not cases:
        raise click.UsageError(current.t("cli.no_input"))
    outcomes = [_check(source, current, strict=strict) for source in cases]
    if as_json:
        echo_json(json.dumps(_as_json(outcomes, current), ensure_ascii=False, indent=2))
    else:
        _print_human(outcomes, current)
    if any(outcome.problems for outcome in outcomes):
        raise click.exceptions.Exit(EXIT_INVALID)


def _check(source: str, current: CliState, *, strict: bool = False) -> Outcome:
    text: str | None = None
    try:
        if source == "-":
            name = current.t("cli.stdin_name")
            raw = read_stdin(current)  # at most MAX_CASE_BYTES, else file_too_large
            case = parse_case_text(raw, source=name)  # JSON or YAML: auto
            text = raw if isinstance(raw, str) else raw.decode("utf-8-sig")  # it parsed: it is UTF-8
        else:
            name = source
            case = load_case(Path(source))
    except CaseFileError as exc:
        return Outcome(exc.source, None, tuple(exc.problems))
    # What the case model cannot know alone: the channel ids the installed plugins declare.
    problems = plugin_problems(case, source, current, text)
    if problems:
        return Outcome(name, None, tuple(problems))
    warnings = located_warnings(case, text if text is not None else case_text(source))
    if strict and warnings:
        return Outcome(name, None, tuple(as_errors(warnings)))
    return Outcome(name, case, (), tuple(warnings))


def _print_human(outcomes: list[Outcome], current: CliState) -> None:
    for outcome in outcomes:
        if outcome.case is not None:
            case = outcome.case
            echo(
                "✓ "
                + current.t(
                    "cli.file_ok",
                    path=outcome.source,
                    incidents=len(case.incidents),
                    contacts=len(case.contacts.reached),
                    evidence=len(case.evidence),
                )
            )
            if outcome.warnings:
                echo("! " + current.t("cli.file_warnings", path=outcome.source, count=len(outcome.warnings)), err=True)
                for warning in outcome.warnings:
                    echo(problem_line(outcome.source, warning, current.lang), err=True)
            continue
        echo("✗ " + current.t("cli.file_bad", path=outcome.source, count=len(outcome.problems)), err=True)
        for problem in outcome.problems:
            echo(problem_line(outcome.source, problem, current.lang), err=True)
    if len(outcomes) > 1:
        bad = sum(1 for outcome in outcomes if outcome.problems)
        echo(current.t("cli.summary", total=len(outcomes), ok=len(outcomes) - bad, bad=bad))


def _as_json(outcomes: list[Outcome], current: CliState) -> dict[str, object]:
    return {
        "format": JSON_FORMAT,
        "valid": not any(outcome.problems for outcome in outcomes),
        "files": [
            {
                "source": outcome.source,
                "valid": not outcome.problems,
                "problems": [
                    {
                        "code": problem.code,
                        "severity": problem.severity.value,
                        "path": problem.path,
                        "loc": list(problem.loc),
                        "line": problem.line,
                        "column": problem.column,
                        "message": problem.message(current.lang),
                    }
                    for problem in (*outcome.problems, *outcome.warnings)
                ],
            }
            for outcome in outcomes
        ],
    }
