"""Load a case from a file, from YAML or JSON text, or from already-parsed data, reporting every problem found.

* ``load_case(path)``: a ``.yaml``, ``.yml`` or ``.json`` file;
* ``parse_case_text(text, fmt="auto")``: YAML or JSON text (``str``, or UTF-8 ``bytes``);
* ``parse_case(data)``: a dict (any mapping) that another tool built or parsed.

Each returns a valid ``Case`` or raises ``CaseFileError`` holding *all* problems, each with its field path and,
where there is text, its line and column. ``as_case`` is what ``Engine.evaluate`` does with its argument.
Lines and columns cost a second, slower reading of the text, done only when there is a problem to place
(``jubao.sourcemap``): a valid case is read once, by libyaml or ``json``.

All three first make the input meaning-safe (``normalise_case_data``): a closed-vocabulary field may hold the value's
Chinese label or an everyday word (同事, 录音, 网络小贷, 领导 → ``employer``; see ``jubao.vocabulary.lookup`` and
vocabulary_aliases.yaml), stored as the English value; and "不清楚/不知道/未知/不详" in a field that may be left out
means it is left out (a lender is never called 不清楚). Values are replaced in place, so every problem keeps the
line and column of what was written.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, StringConstraints, ValidationError

from jubao.bounded import NotRegularFileError, TooLargeError, read_regular
from jubao.case import (
    MAX_CONTACTS,
    MAX_EVIDENCE,
    MAX_INCIDENTS,
    Case,
    FundingInstitution,
    OriginalCreditor,
    Reporter,
)
from jubao.problems import Loc, Problem, problems_from_validation_error
from jubao.sourcemap import SourceDocument, SourceError, parse_json, parse_yaml
from jubao.types import LongText
from jubao.vocabulary import is_unknown_word, lookup, suggest

MAX_CASE_BYTES = 10 * 1024 * 1024
"""The largest case file (or case on standard input, or line of JSON Lines) read: 10 MiB. A case with thousands of
incidents is well under 1 MiB, and one at every list limit of ``jubao.case`` (10,000 incidents …) written plainly
is a few MiB; anything above this is not a case file (a video, a disk image, ``/dev/zero``), and reading no more
than this keeps memory and time bounded whatever the path names."""

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
    """Read and validate the case file at ``path`` (``.yaml``, ``.yml`` or ``.json``; at most 10 MiB).

    Only a regular file is read (a link to one is fine): a FIFO, socket or device is refused (``not_a_regular_file``)
    without waiting for it, and no more than ``MAX_CASE_BYTES`` + 1 bytes are read (``file_too_large``).
    """
    path = Path(path)
    source = str(path)
    fmt = detect_format(path)
    if fmt is None:
        raise CaseFileError(source, [Problem(code="unsupported_extension", params={"suffix": path.suffix or "—"})])
    try:
        raw = read_regular(path, MAX_CASE_BYTES)  # a FIFO, device or endless pseudo-file is refused, never waited on
    except (OSError, TooLargeError) as exc:
        raise CaseFileError(source, [file_problem(exc)]) from None
    return parse_case_text(_decode(raw, source), fmt=fmt, source=source)


def read_case_bytes(path: str | Path) -> bytes:
    """The bytes of the case file at ``path`` as ``load_case`` reads them (a regular file of at most
    ``MAX_CASE_BYTES``), or ``CaseFileError`` with the one problem: for reading a file again, e.g. to place a problem
    found after loading it."""
    try:
        return read_regular(path, MAX_CASE_BYTES)
    except (OSError, TooLargeError) as exc:
        raise CaseFileError(str(path), [file_problem(exc)]) from None


def file_problem(exc: OSError | TooLargeError) -> Problem:
    """Why an input file could not be read, as a problem (code and parameters; never the file's content)."""
    if isinstance(exc, TooLargeError):
        return Problem(code="file_too_large", params={"limit_mib": _mib(exc.limit)})
    if isinstance(exc, FileNotFoundError):
        return Problem(code="file_not_found")
    if isinstance(exc, IsADirectoryError):
        return Problem(code="is_a_directory")
    if isinstance(exc, NotRegularFileError):
        return Problem(code="not_a_regular_file")
    return Problem(code="file_unreadable", params={"reason": exc.strerror or type(exc).__name__})


def _mib(limit: int) -> str:
    return f"{limit / (1 << 20):g}"


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


_LIST_LIMITS: tuple[tuple[Loc, int, str], ...] = (
    (("incidents",), MAX_INCIDENTS, "too_many_incidents"),
    (("contacts", "reached"), MAX_CONTACTS, "too_many_contacts"),
    (("evidence",), MAX_EVIDENCE, "too_many_evidence"),
)
"""The lists whose length decides the cost of everything after loading, checked before anything else is done."""


def _too_many(data: Any) -> list[Problem]:
    """Lists of the data longer than ``jubao.case`` allows (``too_many_items`` with a hint that says how to shorten
    them), found by looking at their length only: validating 100,000 incidents first would take minutes."""
    problems = []
    for loc, limit, hint in _LIST_LIMITS:
        value = data
        for key in loc:
            value = value.get(key) if isinstance(value, Mapping) else None
        if isinstance(value, list | tuple) and len(value) > limit:
            problems.append(Problem(code="too_many_items", loc=loc, params={"max_length": str(limit), "hint": hint}))
    return problems


def _validated(document: SourceDocument, source: str) -> Case:
    too_many = _too_many(document.data)
    if too_many:
        raise CaseFileError(source, _located(too_many, document))
    try:
        normalised = _normalised(document.data)
        case = Case.model_validate(normalised.data)
    except ValidationError as exc:
        problems = [
            _with_suggestion(problem, normalised)
            for problem in problems_from_validation_error(exc, Case)
            if problem.loc not in normalised.reported
        ]
        raise CaseFileError(source, _in_file_order(_located([*problems, *normalised.problems], document))) from None
    except RecursionError:
        raise CaseFileError(source, [Problem(code="too_deep")]) from None
    if normalised.problems:
        raise CaseFileError(source, _located(normalised.problems, document))
    return case


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems by line and column (unlocated ones last, in their order) once normalising added its own."""
    if not any(problem.code == UNKNOWN_NOT_ALLOWED for problem in problems):
        return problems  # validation's own order, as before
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.column or 0))


def _located(problems: list[Problem], document: SourceDocument) -> list[Problem]:
    return [problem.located_in(document) for problem in problems]  # at ``problem.at`` (an unknown key) if set


# --- Meaning-safe input ----------------------------------------------------------------------------------------------

UNKNOWN_NOT_ALLOWED = "unknown_not_allowed"
"""Problem code: "不清楚" (or another word for "not known") where something must be written."""

_REQUIRED_NAME_HINTS: dict[tuple[type[BaseModel], str], str] = {
    (Reporter, "name"): "unknown_reporter_name",
    (FundingInstitution, "name"): "unknown_funder_name",
    (OriginalCreditor, "name"): "unknown_original_creditor_name",
}
"""Required fields where "not known" has a better answer than the generic one (``hint.*`` in the locale files)."""


@dataclass
class _Normalised:
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    """``unknown_not_allowed`` problems found while normalising."""
    reported: set[Loc] = field(default_factory=set)
    """Where those problems are: validation's own problem at the same place would only repeat it."""
    unresolved: dict[Loc, tuple[type[StrEnum], str]] = field(default_factory=dict)
    """Vocabulary fields holding text that is no accepted word (for a suggestion in the error)."""

    def reject(self, loc: Loc, hint: str) -> None:
        self.problems.append(Problem(code=UNKNOWN_NOT_ALLOWED, loc=loc, params={"hint": hint}))
        self.reported.add(loc)


@dataclass(frozen=True)
class _Slot:
    """What a field (or a list's items) holds: a closed vocabulary, a model, a list of something, or anything else."""

    kind: Literal["enum", "model", "list", "other"]
    enum: type[StrEnum] | None = None
    model: type[BaseModel] | None = None
    item: _Slot | None = None


@dataclass(frozen=True)
class _FieldInfo:
    slot: _Slot
    required: bool
    prose: bool
    """Free text (``LongText``): "不清楚" there is what the person wrote, not a missing answer."""


def normalise_case_data(data: Any) -> tuple[Any, list[Problem]]:
    """Case data made meaning-safe, without validating it: each closed-vocabulary value written as a Chinese label
    or alias becomes its English value; a word for "not known" (不清楚, 不知道, 未知, 不详, unknown …) in a field
    that may be left out is left out (in a vocabulary with an ``unknown`` value it is that value). Returns the new
    data (the input is not changed) and the problems found: "not known" where a value is required or as a list item
    (code ``unknown_not_allowed``, unlocated). Text that is no accepted word is left for validation to reject."""
    normalised = _normalised(data)
    return normalised.data, normalised.problems


def _normalised(data: Any) -> _Normalised:
    normalised = _Normalised()
    normalised.data = _normalise_model(data, Case, (), normalised)
    return normalised


def _normalise_model(data: Any, model: type[BaseModel], loc: Loc, out: _Normalised) -> Any:
    if not isinstance(data, Mapping):
        return data
    fields = _fields_of(model)
    result: dict[Any, Any] = {}
    for key, value in data.items():
        info = fields.get(key) if isinstance(key, str) else None
        if info is None:
            result[key] = value
            continue
        here = (*loc, key)
        vocabulary = info.slot.enum
        if is_unknown_word(value) and not info.prose and not (vocabulary and lookup(vocabulary, value)):
            if not info.required:
                continue  # "not known" = left out: the default applies
            hint = _REQUIRED_NAME_HINTS.get((model, key))
            if hint is None:
                has_other = vocabulary is not None and any(member.value == "other" for member in vocabulary)
                hint = "unknown_write_other" if has_other else "unknown_required"
            out.reject(here, hint)
            result[key] = value
            continue
        result[key] = _normalise_value(value, info.slot, here, out)
    return result


def _normalise_value(value: Any, slot: _Slot, loc: Loc, out: _Normalised) -> Any:
    if slot.kind == "enum" and slot.enum is not None:
        member = lookup(slot.enum, value)
        if member is not None:
            return member.value
        if isinstance(value, str):
            out.unresolved[loc] = (slot.enum, value)
        return value
    if slot.kind == "model" and slot.model is not None:
        return _normalise_model(value, slot.model, loc, out)
    if slot.kind == "list" and slot.item is not None and isinstance(value, list | tuple):
        items = []
        for index, item in enumerate(value):
            here = (*loc, index)
            vocabulary = slot.item.enum
            if is_unknown_word(item) and not (vocabulary and lookup(vocabulary, item)):
                out.reject(here, "unknown_list_item")  # dropping it would shift the places of the items after it
                items.append(item)
            else:
                items.append(_normalise_value(item, slot.item, here, out))
        return items
    return value


@cache
def _fields_of(model: type[BaseModel]) -> dict[str, _FieldInfo]:
    return {
        name: _FieldInfo(_slot_of(info.annotation), info.is_required(), _is_prose(info.annotation, info.metadata))
        for name, info in model.model_fields.items()
    }


def _slot_of(annotation: Any) -> _Slot:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _slot_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _slot_of(options[0]) if len(options) == 1 else _Slot("other")
    if origin in (tuple, list):
        items = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
        return _Slot("list", item=_slot_of(items[0])) if len(items) == 1 else _Slot("other")
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return _Slot("enum", enum=annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _Slot("model", model=annotation)
    return _Slot("other")


_PROSE_CONSTRAINTS = tuple(item for item in typing.get_args(LongText)[1:] if isinstance(item, StringConstraints))
"""What tells ``LongText`` from ``ShortText``: its length constraint (the character check is the same for both)."""


def _is_prose(annotation: Any, metadata: list[Any]) -> bool:
    """Whether a field is ``LongText`` (pydantic moves a bare ``Annotated``'s metadata into the field's)."""
    if any(item in _PROSE_CONSTRAINTS for item in metadata):
        return True
    return any(arg == LongText for arg in typing.get_args(annotation))


def _with_suggestion(problem: Problem, normalised: _Normalised) -> Problem:
    """An unknown vocabulary value written in Chinese gets the value it most likely meant (我的同事 → colleague)."""
    if problem.code != "unknown_value" or "suggestion" in problem.params or problem.loc not in normalised.unresolved:
        return problem
    vocabulary, text = normalised.unresolved[problem.loc]
    member = suggest(vocabulary, text)
    if member is None:
        return problem
    return problem.model_copy(update={"params": {**problem.params, "suggestion": member.value}})


def _source_problem(exc: SourceError) -> Problem:
    return Problem(code=exc.code, line=exc.line, column=exc.column, params=exc.params)


def _type_name(value: object) -> str:
    """The type of ``value`` (never the value: it may be personal data), e.g. ``str`` or ``pathlib.PosixPath``."""
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
