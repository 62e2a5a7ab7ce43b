"""Load a case from a file (YAML or JSON) or from already-parsed data, reporting every problem found.

``load_case`` is what the CLI and embedders call: it either returns a valid ``Case`` or raises
``CaseFileError`` holding *all* problems, each with its field path and, for files, line and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jubao.case import Case
from jubao.problems import Problem, problems_from_validation_error
from jubao.sourcemap import SourceDocument, SourceError, parse_json, parse_yaml

MAX_CASE_BYTES = 10 * 1024 * 1024
"""A case with thousands of incidents is well under 1 MiB; anything above this is not a case file."""

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)


class CaseFileError(Exception):
    """A case could not be loaded. ``problems`` lists every problem; ``source`` names the file (or ``<data>``)."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        super().__init__(f"{source}: {len(problems)} problem(s)")
        self.source = source
        self.problems = problems


def parse_case(data: Any, *, source: str = "<data>") -> Case:
    """Validate already-parsed data (e.g. a dict from another tool) as a case."""
    return _validate(SourceDocument(data=data), source)


def parse_case_text(text: str, *, fmt: str, source: str = "<text>") -> Case:
    """Parse and validate case text; ``fmt`` is ``"yaml"`` or ``"json"``."""
    try:
        document = parse_json(text) if fmt == "json" else parse_yaml(text)
    except SourceError as exc:
        raise CaseFileError(source, [_source_problem(exc)]) from None
    return _validate(document, source)


def load_case(path: str | Path) -> Case:
    """Read and validate the case file at ``path`` (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    source = str(path)
    fmt = detect_format(path)
    if fmt is None:
        raise CaseFileError(source, [Problem(code="unsupported_extension", params={"suffix": path.suffix or "—"})])
    try:
        if path.stat().st_size > MAX_CASE_BYTES:
            raise CaseFileError(source, [Problem(code="file_too_large", params={"limit_mib": "10"})])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseFileError(source, [Problem(code="file_not_found")]) from None
    except IsADirectoryError:
        raise CaseFileError(source, [Problem(code="is_a_directory")]) from None
    except OSError as exc:
        raise CaseFileError(source, [Problem(code="file_unreadable", params={"reason": exc.strerror or ""})]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseFileError(source, [Problem(code="not_utf8", line=line)]) from None
    return parse_case_text(text, fmt=fmt, source=source)


def detect_format(path: Path) -> str | None:
    """``"yaml"``, ``"json"`` or ``None`` from the file name."""
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix in JSON_SUFFIXES:
        return "json"
    return None


def _validate(document: SourceDocument, source: str) -> Case:
    if document.data is None:
        raise CaseFileError(source, [Problem(code="empty_file")])
    try:
        return Case.model_validate(document.data)
    except ValidationError as exc:
        problems = []
        for problem in problems_from_validation_error(exc, Case):
            position = document.position_of(problem.loc)
            problems.append(problem.located(*position) if position else problem)
        raise CaseFileError(source, problems) from None
    except RecursionError:
        raise CaseFileError(source, [Problem(code="too_deep")]) from None


def _source_problem(exc: SourceError) -> Problem:
    return Problem(code=exc.code, line=exc.line, column=exc.column, params=exc.params)
