"""Problems found in a case file, and how they are located and explained.

A ``Problem`` carries a stable English ``code`` (for tools), the field path and the file position (for people),
and parameters for the translated message. Pydantic's own errors are mapped onto our codes here so that the
CLI never shows pydantic's wording, never a traceback, and never the rejected value (it may be personal data).

Nor a key that is not part of the format: a key is text the person wrote (``李小红 13912345678: 朋友`` is a
key), so an unknown key is reported at the mapping that holds it — its field path — and at its own line and
column, never by its text (``Problem.at`` keeps where it is, for locating, and is never shown).
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jubao.i18n import Lang, has, placeholders, t, template

Loc = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Problem(BaseModel):
    """One thing wrong (or worth a warning) in one file."""

    model_config = ConfigDict(frozen=True)

    code: str
    """Stable snake_case code, e.g. ``invalid_phone``; documented in docs/cli.md."""
    loc: Loc = ()
    """Field path as a tuple, e.g. ``("incidents", 0, "from_number")``; empty for the whole file."""
    line: int | None = None
    """1-based line in the file, when known."""
    column: int | None = None
    """1-based column in the file, when known."""
    severity: Severity = Severity.ERROR
    params: dict[str, str] = {}
    """Values for the message template. Never personal data."""
    detail: str | None = None
    """English fallback text for codes without a template."""
    at: Loc | None = Field(default=None, exclude=True, repr=False)
    """Where in the document the problem is, when that is not ``loc`` itself: an unknown key's own place (``loc``
    is the mapping holding it). It holds the key as written, so it is for locating only — never shown, dumped or
    in ``repr``. Look positions up with ``problem.at or problem.loc``."""

    @property
    def path(self) -> str:
        """The field path written as ``incidents[0].from_number``."""
        return format_loc(self.loc)

    def message(self, lang: Lang) -> str:
        """The explanation in ``lang``: what is wrong and how to fix it. Always complete: a problem whose
        parameters do not fill its message (a duplicate key in JSON has no "first on line") uses the message's
        ``problem_plain`` form."""
        key = f"problem.{self.code}"
        params: dict[str, str] = dict(self.params)
        what = params.get("what")
        if what:  # the kind of a syntax error, in words (never the text that was read)
            params["detail"] = t(f"problem_detail.{what}", lang, **self.params)
        params.setdefault("detail", self.detail or self.code)
        if has(key, lang) or has(key, "en"):
            if not placeholders(template(key, lang) or "") <= params.keys() and (
                has(f"problem_plain.{self.code}", lang) or has(f"problem_plain.{self.code}", "en")
            ):
                key = f"problem_plain.{self.code}"
            text = t(key, lang, **params)
        else:
            text = t("problem.invalid", lang, detail=self.detail or self.code)
        hint = self.params.get("hint")
        if hint:
            text += t("problem.hint_separator", lang) + t(f"hint.{hint}", lang)
        suggestion = self.params.get("suggestion")
        if suggestion:
            text += t("problem.did_you_mean", lang, suggestion=suggestion)
        return text

    def describe(self, source: str, lang: Lang = "en") -> str:
        """``source:line:col: field.path: message`` — the compiler-style line editors can jump to.

        Names the place and what is wrong, never the rejected value (case files hold other people's data). This is
        how the CLI and ``str(CaseFileError)`` show problems.
        """
        where = source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message(lang)}"

    def located(self, line: int | None, column: int | None) -> Problem:
        return self.model_copy(update={"line": line, "column": column})

    def located_in(self, document: _Positions) -> Problem:
        """This problem at its position in ``document`` (a ``SourceDocument``), if the document has one for it."""
        position = document.position_of(self.at or self.loc)
        return self.located(*position) if position else self


class _Positions(typing.Protocol):
    def position_of(self, loc: Loc, /) -> tuple[int, int] | None: ...


def format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_CODE_BY_PYDANTIC_TYPE: dict[str, str] = {
    "missing": "missing_field",
    "extra_forbidden": "unknown_field",
    "enum": "unknown_value",
    "literal_error": "unknown_value",
    "string_type": "not_text",
    "string_too_short": "empty_text",
    "string_too_long": "text_too_long",
    "string_pattern_mismatch": "bad_format",
    "string_unicode": "lone_surrogate",
    "int_type": "not_an_integer",
    "int_parsing": "not_an_integer",
    "int_from_float": "not_an_integer",
    "bool_type": "not_a_boolean",
    "bool_parsing": "not_a_boolean",
    "decimal_type": "not_a_number",
    "decimal_parsing": "not_a_number",
    "float_type": "not_a_number",
    "float_parsing": "not_a_number",
    "finite_number": "not_a_number",
    "decimal_max_places": "too_many_decimals",
    "decimal_max_digits": "out_of_range",
    "decimal_whole_digits": "out_of_range",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "too_short": "too_few_items",
    "too_long": "too_many_items",
    "model_type": "not_a_mapping",
    "model_attributes_type": "not_a_mapping",
    "dict_type": "not_a_mapping",
    "tuple_type": "not_a_list",
    "list_type": "not_a_list",
    "date_type": "invalid_date",
    "date_parsing": "invalid_date",
    "date_from_datetime_parsing": "invalid_date",
    "date_from_datetime_inexact": "invalid_date",
    "datetime_type": "invalid_datetime",
    "datetime_parsing": "invalid_datetime",
    "datetime_from_date_parsing": "invalid_datetime",
    "datetime_object_invalid": "invalid_datetime",
    "jubao_phone": "invalid_phone",
    "jubao_province": "invalid_province",
    "jubao_id_number": "invalid_id_number",
    "jubao_credit_code": "invalid_credit_code",
    "jubao_date_too_early": "date_too_early",
    "jubao_date_in_future": "date_in_future",
}

_BOUND_KEYS = ("gt", "ge", "lt", "le", "max_length", "min_length", "decimal_places", "max_digits", "pattern")


def problems_from_validation_error(error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` raised while validating ``model`` into problems, in input order."""
    problems: list[Problem] = []
    for item in error.errors(include_url=False, include_context=True, include_input=True):
        loc: Loc = tuple(item["loc"])
        ctx: Mapping[str, Any] = item.get("ctx") or {}
        kind = item["type"]
        if kind == "jubao_consistency":
            for sub in ctx.get("problems", []):
                problems.append(Problem(code=sub["code"], loc=(*loc, *sub["loc"]), params={"hint": sub["hint"]}))
            continue
        code = _CODE_BY_PYDANTIC_TYPE.get(kind, "invalid")
        params = {key: str(ctx[key]) for key in _BOUND_KEYS if key in ctx}
        if "reason" in ctx:
            params["reason"] = str(ctx["reason"])
        if code == "unknown_value":
            params.update(_enum_params(ctx, item.get("input")))
        elif code == "unknown_field" and loc:
            # Reported at the mapping that holds the key, never by the key's text (``at`` locates it).
            suggestion = _closest(str(loc[-1]), field_names_at(model, loc[:-1]))
            if suggestion:
                params["suggestion"] = suggestion
            params["allowed"] = ", ".join(field_names_at(model, loc[:-1]))
            problems.append(Problem(code=code, loc=loc[:-1], at=loc, params=params, detail=item["msg"]))
            continue
        elif code == "out_of_range":
            params["bound"] = _describe_bound(ctx)
        problems.append(Problem(code=code, loc=loc, params=params, detail=item["msg"]))
    return _drop_consequential(problems)


def _drop_consequential(problems: list[Problem]) -> list[Problem]:
    """Drop a list-length problem caused only by its items being invalid (pydantic counts valid items)."""

    def has_item_problem(loc: Loc) -> bool:
        return any(len(where) > len(loc) and where[: len(loc)] == loc for where in (o.at or o.loc for o in problems))

    return [p for p in problems if not (p.code == "too_few_items" and has_item_problem(p.loc))]


def _enum_params(ctx: Mapping[str, Any], raw: object) -> dict[str, str]:
    expected = str(ctx.get("expected", ""))
    choices = [part.strip(" '") for part in expected.replace(" or ", ", ").split(",") if part.strip(" '")]
    params = {"expected": ", ".join(choices)}
    if isinstance(raw, str):
        suggestion = _closest(raw, choices)
        if suggestion:
            params["suggestion"] = suggestion
    return params


def _describe_bound(ctx: Mapping[str, Any]) -> str:
    for key, symbol in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
        if key in ctx:
            return f"{symbol} {ctx[key]}"
    if "max_digits" in ctx:
        return f"≤ {ctx['max_digits']} digits"
    return ""


def _closest(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def field_names_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the model found by walking ``loc`` from ``model`` (empty if it leads elsewhere)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = _inner_model(current.model_fields[part].annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """Unwrap ``X | None``, ``tuple[X, ...]`` and ``Annotated[X, …]`` down to a model class if there is one."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_model(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, tuple, list):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
        return None
    return annotation
