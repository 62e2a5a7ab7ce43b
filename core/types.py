"""Annotated field types shared by the case format (and later by rules and channels).

Each type validates *and* normalises, and raises ``PydanticCustomError`` with a ``jubao_*`` error type so that
``jubao.problems`` can turn it into a stable code and a translated message. Messages never contain the
rejected value: case files hold other people's names and numbers.
"""

from __future__ import annotations

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

FUTURE_SLACK = timedelta(days=1)
"""Tolerance for "in the future" so that a reporter in another timezone is not rejected at midnight."""


def _phone(value: Any) -> str:
    try:
        return normalise_phone(value)
    except PhoneNumberError as exc:
        raise PydanticCustomError(
            "jubao_phone",
            "not a valid phone number ({reason}); write it as 13800000001, +86 138 0000 0001 or 010-5555 0123",
            {"reason": str(exc)},
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
    _check_date_range(value.astimezone(CASE_TIMEZONE).date())
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

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""Names, numbers and labels: one line, never empty."""

LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
"""Free-text notes and descriptions."""

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

Count = Annotated[int, Field(ge=0, le=10_000_000)]
PositiveCount = Annotated[int, Field(ge=1, le=10_000_000)]
PastDate = Annotated[date, AfterValidator(_past_date)]
PastDatetime = Annotated[datetime, AfterValidator(_past_datetime)]
