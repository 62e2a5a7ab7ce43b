"""Load a case from a file, from YAML or JSON text, or from already-parsed data, reporting every problem found.

* ``load_case(path)``: a ``.yaml``, ``.yml`` or ``.json`` file;
* ``parse_case_text(text, fmt="auto")``: YAML or JSON text (``str``, or UTF-8 ``bytes``);
* ``parse_case(data)``: a dict (any mapping) that another tool built or parsed.

Each returns a valid ``Case`` or raises ``CaseFileError`` holding *all* problems, each with its field path and,
where there is text, its line and column. ``as_case`` is what ``Engine.evaluate`` does with its argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import ValidationError

from jubao.case import Case
from jubao.problems import Problem, problems_from_validation_error
from jubao.sourcemap import SourceDocument, SourceError, parse_json, parse_yaml

MAX_CASE_BYTES = 10 * 1024 * 1024
"""A case with thousands of incidents is well under 1 MiB; anything above this is not a case file."""

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)

TextFormat = Literal["auto", "yaml", "json"]
"""How ``parse_case_text`` reads text: ``"auto"`` is JSON when the text starts with ``{`` or ``[``, else YAML."""

MAX_PROBLEMS_IN_MESSAGE = 100
"""``str(CaseFileError)`` lists at most this many problems (``problems`` always holds them all)."""


class CaseFileError(Exception):
    """A case could not be loaded. ``problems`` lists every problem; ``source`` names the file (or ``<data>``).

    ``str()`` gives a summary line, then one line per problem, ``source:line:col: field.path: message`` in English —
    the place and what is wrong, never the rejected value (case files hold other people's data). For another
    language use ``problem.describe(error.source, "zh")`` or ``problem.message("zh")``.
    """

    def __init__(self, source: str, problems: list[Problem]) -> None:
        super().__init__(source, problems)
        self.source = source
        self.problems = problems

    def __str__(self) -> str:
        lines = [f"{self.source}: {len(self.problems)} problem(s)"]
        lines += ["  " + problem.describe(self.source) for problem in self.problems[:MAX_PROBLEMS_IN_MESSAGE]]
        if len(self.problems) > MAX_PROBLEMS_IN_MESSAGE:
            lines.append(f"  … {len(self.problems) - MAX_PROBLEMS_IN_MESSAGE} more (see .problems)")
        return "\n".join(lines)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. raised in a ProcessPoolExecutor worker
        return (type(self), (self.source, self.problems))


class NotACaseError(CaseFileError, TypeError):
    """Something that is neither a ``Case`` nor a mapping was given where a case is expected.

    A ``CaseFileError`` (one problem, code ``not_a_case``, naming the type given) and also a ``TypeError``.
    """


def parse_case(data: Any, *, source: str = "<data>") -> Case:
    """Validate already-parsed data (e.g. a dict from another tool or a web request) as a case.

    Problems carry field paths but no line numbers (there is no text). ``source`` names the data in messages.
    """
    return _validated(SourceDocument(data=data), source)


def parse_case_text(text: str | bytes, *, fmt: TextFormat = "auto", source: str = "<text>") -> Case:
    """Parse and validate case text: YAML (``fmt="yaml"``), JSON (``fmt="json"``) or either (``"auto"``, the
    default: JSON if the text starts with ``{`` or ``[``, else YAML — JSON is valid YAML, but the JSON reader is
    stricter and its errors clearer). ``bytes`` must be UTF-8 (a byte-order mark is allowed).

    Problems carry line and column. ``source`` names the text in messages (e.g. the name of an upload).
    """
    if fmt not in get_args(TextFormat):
        raise ValueError(f"fmt must be 'auto', 'yaml' or 'json', not {fmt!r}")
    if isinstance(text, bytes | bytearray):
        text = _decode(bytes(text), source)
    elif not isinstance(text, str):
        raise TypeError(f"parse_case_text expects str or bytes, not {_type_name(text)}; for a dict use parse_case")
    text = text.removeprefix("\ufeff")
    if fmt == "auto":
        fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    try:
        document = parse_json(text) if fmt == "json" else parse_yaml(text)
    except SourceError as exc:
        raise CaseFileError(source, [_source_problem(exc)]) from None
    return _validate(document, source)


def load_case(path: str | Path) -> Case:
    """Read and validate the case file at ``path`` (``.yaml``, ``.yml`` or ``.json``; at most 10 MiB)."""
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
    return parse_case_text(_decode(raw, source), fmt=fmt, source=source)


def as_case(value: object, *, source: str = "<data>") -> Case:
    """``value`` itself if it is a ``Case``; a mapping validated with ``parse_case``; anything else (a path, text,
    a list, ``None`` …) raises ``NotACaseError``, which names the type given and says what is expected."""
    if isinstance(value, Case):
        return value
    if isinstance(value, Mapping):
        return parse_case(value, source=source)
    raise NotACaseError(source, [Problem(code="not_a_case", params={"given": _type_name(value)})])


def detect_format(path: Path) -> Literal["yaml", "json"] | None:
    """``"yaml"``, ``"json"`` or ``None`` from the file name."""
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix in JSON_SUFFIXES:
        return "json"
    return None


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseFileError(source, [Problem(code="not_utf8", line=line)]) from None


def _validate(document: SourceDocument, source: str) -> Case:
    if document.data is None:
        raise CaseFileError(source, [Problem(code="empty_file")])
    return _validated(document, source)


def _validated(document: SourceDocument, source: str) -> Case:
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


def _type_name(value: object) -> str:
    """The type of ``value`` (never the value: it may be personal data), e.g. ``str`` or ``pathlib.PosixPath``."""
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
