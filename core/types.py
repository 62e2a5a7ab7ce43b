"""Annotated field types shared by the case format (and later by rules and channels).

Each type validates *and* normalises, and raises ``PydanticCustomError`` with a ``jubao_*`` error type so that
``jubao.problems`` can turn it into a stable code and a translated message. Messages never contain the
rejected value: case files hold other people's names and numbers.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from jubao.identifiers import credit_code_problem, resident_id_problem
from jubao.phones import PhoneNumberError, normalise_phone
from jubao.regions import RegionError, normalise_province

CASE_TIMEZONE = ZoneInfo("Asia/Shanghai")
"""Naive times in a case are read as Beijing time: that is how victims and every Chinese office write them."""

EARLIEST_DATE = date(2000, 1, 1)
"""Anything earlier is almost certainly a typo; online lending and its collection practices postdate it."""

LATEST_DATE = date(2099, 12, 31)
"""The latest day a plan may be viewed on (``--as-of``, ``build_plan(as_of=…)``): far beyond any real "today", and far
from the calendar's end (9999-12-31) that deadlines counted years ahead would run into."""

FUTURE_SLACK = timedelta(days=1)
"""Tolerance for "in the future" so that a reporter in another timezone is not rejected at midnight."""


def field_problem(code: str, hint: str) -> PydanticCustomError:
    """An error for a field's validator to raise: problem ``code`` at the field's path, with ``hint.<hint>`` (in the
    locale files) saying how to fix it. Carried the way ``jubao.case`` carries its cross-field problems
    (``jubao_consistency``), so that ``jubao.problems`` gives it that code, its own message and the hint."""
    return PydanticCustomError(
        "jubao_consistency",
        "{summary}",
        {"summary": f"{code} ({hint})", "problems": [{"loc": [], "code": code, "hint": hint}]},
    )


_PHONE_PROBLEMS = {
    "masked": ("masked_phone", "phone_write_full"),
    "letters": ("phone_has_letters", "phone_write_full"),
    "extension": ("phone_extension", "phone_extension_elsewhere"),
    "digits": ("phone_bad_digits", "phone_plain_digits"),
}
"""Phone problems with their own message: the number would otherwise be guessed (a mask read as digits), cut (an
extension dropped) or read from digits nobody in China writes."""


def _phone(value: Any) -> str:
    try:
        return normalise_phone(value)
    except PhoneNumberError as exc:
        if exc.kind in _PHONE_PROBLEMS:
            raise field_problem(*_PHONE_PROBLEMS[exc.kind]) from exc
        raise PydanticCustomError(
            "jubao_phone",
            "not a valid phone number ({reason}); write it as 13800000001, +86 138 0000 0001 or 010-5555 0123",
            {"reason": exc.kind},
        ) from exc


def _province(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("jubao_province", "province must be text such as 广东省", {"reason": "type"})
    try:
        return normalise_province(value)
    except RegionError as exc:
        raise PydanticCustomError(
            "jubao_province",
            "not a mainland province-level division ({reason}); write e.g. 广东省 or 北京市",
            {"reason": str(exc)},
        ) from exc


def _resident_id(value: str) -> str:
    value = value.upper()
    reason = resident_id_problem(value)
    if reason:
        raise PydanticCustomError("jubao_id_number", "not a valid resident ID number: {reason}", {"reason": reason})
    return value


def _credit_code(value: str) -> str:
    value = value.upper()
    reason = credit_code_problem(value)
    if reason:
        raise PydanticCustomError(
            "jubao_credit_code", "not a valid unified social credit code: {reason}", {"reason": reason}
        )
    return value


def _check_date_range(day: date) -> None:
    if day < EARLIEST_DATE:
        raise PydanticCustomError(
            "jubao_date_too_early",
            "date is before {earliest} (typo in the year?)",
            {"earliest": str(EARLIEST_DATE)},
        )
    today = datetime.now(CASE_TIMEZONE).date()
    if day > today + FUTURE_SLACK:
        raise PydanticCustomError("jubao_date_in_future", "date is in the future (typo in the year?)", {})


def _past_date(value: date) -> date:
    _check_date_range(value)
    return value


def _past_datetime(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=CASE_TIMEZONE)
    try:
        local = value.astimezone(CASE_TIMEZONE)
    except OverflowError:  # within a day of 0001-01-01 or 9999-12-31, the ends of the calendar: its own date will do
        local = value
    _check_date_range(local.date())
    if value > datetime.now(UTC) + FUTURE_SLACK:
        raise PydanticCustomError("jubao_date_in_future", "date is in the future (typo in the year?)", {})
    return value


Phone = Annotated[
    str,
    BeforeValidator(_phone),
    WithJsonSchema(
        {
            "type": ["string", "integer"],
            "description": "Phone number; normalised to E.164 (+86…), or digits for short/service numbers "
            "(95xxx, 12321) and SMS ports (106…).",
            "examples": ["13800000001", "+86 138 0000 0001", "010-5555 0123", "95188"],
        }
    ),
]
Province = Annotated[
    str,
    BeforeValidator(_province),
    WithJsonSchema(
        {
            "type": "string",
            "description": "Mainland province-level division; short names (广东, 北京) are normalised.",
            "examples": ["广东省", "北京市", "广西"],
        }
    ),
]
ResidentId = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_resident_id)]
CreditCode = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_credit_code)]

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters a document cannot hold: the C0 controls but tab and line ends, DEL and the C1 controls (among them
the terminal's escape sequences), lone surrogate halves, and U+FFFE/U+FFFF. XML 1.0 — and so every DOCX — forbids
all but DEL and C1 (which no real text holds either); YAML and JSON escapes (``"\\b"``, ``"\\u001b"``) let them in."""

_INVISIBLE = re.compile(
    r"[\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e0fff]*"
)
"""Text of these only shows nothing: spaces of every width, zero-width and joining characters, direction marks,
variation selectors, Hangul fillers, the braille blank. A name of them looks filled in and says nothing."""


def _plain_text(value: str) -> str:
    """Text a document can carry and a reader can see: no control characters, not only invisible characters."""
    if _NOT_XML.search(value):
        raise field_problem("control_character", "remove_control_character")
    if _INVISIBLE.fullmatch(value):
        raise field_problem("invisible_text", "write_visible_text")
    return value


_TEXT = AfterValidator(_plain_text)

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), _TEXT]
"""Names, numbers and labels: one line, never empty, nothing invisible or unprintable."""

LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), _TEXT]
"""Free-text notes and descriptions (the same characters as ``ShortText``; tabs and line breaks are fine)."""

Sha256 = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=64, max_length=64, pattern=r"^[0-9a-fA-F]{64}$"),
]
"""A SHA-256 digest in hex (as ``jubao documents`` prints it in the 证据清单)."""

Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$"),
]
"""An id used to refer to an item from elsewhere in the case (``E1``, ``c-boss``). ASCII so it can't hold a name."""

ChannelId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
"""A channel id such as ``lender_complaint`` or ``nfra_12378`` (stable snake_case)."""

Money = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), max_digits=15, decimal_places=2)]
"""An amount in yuan (CNY), at most two decimals."""

RatePercent = Annotated[Decimal, Field(ge=0, le=100000, decimal_places=4)]
"""An annualised rate in percent (36 means 36 %). 714-style loans reach thousands of percent."""

MAX_COUNT = 10_000_000
"""The largest count, day number or group size: far beyond any real case (a call a minute for 19 years)."""

_MAX_INTEGER_TEXT = 40
"""Integer text longer than this is out of range whatever its digits; pydantic would refuse it anyway (after
4,300 digits, as "invalid"), and the user should hear what is wrong: it is too large."""


def _beyond_integers(value: Any) -> bool | None:
    """``True`` for a number too large to be read as an integer, ``False`` for one too small, else ``None``."""
    if isinstance(value, str):
        text = value.strip()
        return None if len(text) <= _MAX_INTEGER_TEXT else not text.startswith("-")
    if isinstance(value, float | Decimal):
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            return None  # pydantic says it: not a finite number
        number = float(value)  # a Decimal beyond float's range is ±inf here: beyond integers all the same
        if abs(number) > 2**53:
            return number > 0
    return None


def _within(ge: int, le: int) -> BeforeValidator:
    """Refuse, as out of range, integers too large to parse or convert (a 5,000-digit count, 1e300): pydantic's own
    errors for them say "invalid" and not what to do. Reported as pydantic reports a bound (``greater_than_equal`` /
    ``less_than_equal``), so the problem is ``out_of_range`` with the bound."""

    def check(value: Any) -> Any:
        too_large = _beyond_integers(value)
        if too_large is True:
            raise PydanticCustomError("less_than_equal", "Input should be less than or equal to {le}", {"le": le})
        if too_large is False:
            raise PydanticCustomError("greater_than_equal", "Input should be greater than or equal to {ge}", {"ge": ge})
        return value

    return BeforeValidator(check)


Count = Annotated[int, Field(ge=0, le=MAX_COUNT), _within(0, MAX_COUNT)]  # the check runs first; the bounds stay
PositiveCount = Annotated[int, Field(ge=1, le=MAX_COUNT), _within(1, MAX_COUNT)]  # in the JSON Schema
PastDate = Annotated[date, AfterValidator(_past_date)]
PastDatetime = Annotated[datetime, AfterValidator(_past_datetime)]
