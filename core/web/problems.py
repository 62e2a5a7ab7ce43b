"""Errors as JSON problems (RFC 9457 ``application/problem+json``) with field paths — never a stack trace, never a
value from the case (``Problem.message`` names the place and what is wrong, not what was written)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from jubao.i18n import Lang
from jubao.loading import CaseFileError
from jubao.problems import Problem

PROBLEM_JSON = "application/problem+json"


def problem_dict(problem: Problem, lang: Lang) -> dict[str, Any]:
    return {
        "code": problem.code,
        "path": problem.path,
        "loc": list(problem.loc),
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity.value,
        "message": problem.message(lang),
    }


def problem_response(
    status: int, code: str, title: str, *, detail: str | None = None, problems: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:  # fmt: skip
    body: dict[str, Any] = {"type": f"https://jubao.invalid/problems/{code}", "title": title, "status": status,
                            "code": code}  # fmt: skip
    if detail:
        body["detail"] = detail
    if problems is not None:
        body["problems"] = problems
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def case_problems_response(error: CaseFileError, lang: Lang, *, status: int = 422) -> JSONResponse:
    """The case is not valid: every problem, located (field path; line and column for text)."""
    return problem_response(
        status,
        "invalid_case",
        "The case is not valid" if lang == "en" else "案件内容有问题",
        problems=[problem_dict(p, lang) for p in error.problems],
    )
