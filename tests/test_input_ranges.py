"""Every value range is checked: counts, dates, datetimes with any offset, date options. Whatever value is written,
the answer is a valid case or located problems (exit 2) — never an internal error (exit 1)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jubao import Case, CaseFileError
from jubao.cli.main import cli
from jubao.loading import parse_case, parse_case_text
from tests.conftest import EXAMPLES
from tests.input_cases import put, rich

CASE = str(EXAMPLES / "night-calls-borrower-only.yaml")
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _case_or_problems(data: dict[str, Any]) -> Case | list[Any]:
    """The case, or its problems; anything but a ``CaseFileError`` fails the test."""
    try:
        return parse_case(data)
    except CaseFileError as error:
        problems = list(error.problems)
    assert problems
    for problem in problems:
        assert problem.code != "invalid", problem  # "invalid" says nothing of what to do
        assert problem.message("zh")
        assert problem.message("en")
    return problems


# --- what the issue found -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_datetimes_at_the_ends_of_the_calendar_are_located_problems(written: str) -> None:
    text = Path(CASE).read_text(encoding="utf-8").replace("time: 2026-11-15 22:45", f"time: {written}")
    with pytest.raises(CaseFileError) as caught:  # before: OverflowError (exit 1)
        parse_case_text(text, fmt="yaml")
    (problem,) = caught.value.problems
    assert problem.path == "incidents[0].time"
    assert problem.code == ("date_too_early" if written.startswith("0001") else "date_in_future")
    assert problem.line == 17


@pytest.mark.parametrize("written", ['"' + "9" * 5000 + '"', '"-' + "9" * 5000 + '"', "1.0e+300", "-1.0e+300"])
def test_a_count_of_thousands_of_digits_is_out_of_range_not_invalid(written: str) -> None:
    text = Path(CASE).read_text(encoding="utf-8").replace("count: 3", f"count: {written}")
    with pytest.raises(CaseFileError) as caught:  # before: code "invalid", with a raw "{detail}" in the message
        parse_case_text(text, fmt="yaml")
    (problem,) = caught.value.problems
    assert (problem.path, problem.code, problem.line) == ("incidents[1].count", "out_of_range", 26)
    assert problem.params["bound"] in ("≤ 10000000", "≥ 1")


def test_a_count_of_thousands_of_digits_never_stops_a_command() -> None:
    text = Path(CASE).read_text(encoding="utf-8").replace("count: 3", "count: " + "9" * 5000)
    for command in ("validate", "evaluate", "plan", "next"):
        result = CliRunner().invoke(cli, [command, "-"], input=text)
        assert result.exit_code == 2, (command, result.output)


@pytest.mark.parametrize("command", ["plan", "evaluate", "explain", "next"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_date_options_outside_their_range_are_usage_errors(command: str, day: str) -> None:
    result = CliRunner().invoke(cli, ["--lang", "en", command, CASE, "--as-of", day])
    assert result.exit_code == 2, result.output  # before: plan --as-of 0001-01-01 | 9999-12-31 → exit 1
    assert "between 2000-01-01 and 2099-12-31" in result.stderr


@pytest.mark.parametrize("option", ["--as-of", "--today"])
@pytest.mark.parametrize("day", ["2000-01-01", "2099-12-31"])
def test_date_options_at_the_ends_of_their_range_work(option: str, day: str) -> None:
    result = CliRunner().invoke(cli, ["evaluate", CASE, option, day, "--json"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("day", ["2000-01-01", "2099-12-31"])
def test_a_plan_at_the_ends_of_the_range_works(day: str) -> None:
    result = CliRunner().invoke(cli, ["plan", CASE, "--as-of", day, "--json"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(2100, 1, 1), date(9999, 12, 31)])
def test_the_python_api_refuses_a_plan_outside_the_range_in_words(day: date) -> None:
    """``build_plan(as_of=date(9999, 12, 31))`` raised OverflowError from deep in the date arithmetic (and 0001-01-01
    a ValueError about year 0): one ``ValueError`` naming the range instead."""
    from jubao import Engine, load_case, load_plugins  # noqa: PLC0415
    from jubao.plan import build_plan  # noqa: PLC0415

    case = load_case(CASE)
    evaluation = Engine().evaluate(case, today=date(2026, 11, 29))
    with pytest.raises(ValueError, match="2000-01-01 to 2099-12-31"):
        build_plan(case, evaluation, load_plugins(), as_of=day)


def test_the_range_of_date_options_is_that_of_case_dates() -> None:
    from jubao.cli.common import EARLIEST_DAY  # noqa: PLC0415
    from jubao.types import EARLIEST_DATE  # noqa: PLC0415

    assert EARLIEST_DAY == EARLIEST_DATE


# --- any value in any typed field -----------------------------------------------------------------------------------

COUNT_FIELDS = [
    ("incidents", 0, "count"),
    ("debt", "overdue_days"),
    ("debt", "term_days"),
    ("contacts", "harvested_list_size"),
]
DATE_FIELDS = [
    ("debt", "loan_date"),
    ("lender", "acquired_on"),
    ("evidence", 0, "collected_on"),
    ("prior_complaints", 0, "filed_on"),
    ("carrier_complaints", 0, "reply_on"),
]
DATETIME_FIELDS = [("incidents", 0, "time"), ("incidents", 0, "until")]
MONEY_FIELDS = [("debt", "principal"), ("lender", "total_cost"), ("lender", "annual_rate_percent")]

offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
datetimes = st.one_of(
    st.datetimes(),
    st.datetimes(timezones=offsets),
    st.sampled_from([datetime.min, datetime.max]).flatmap(
        lambda end: offsets.map(lambda tz: end.replace(tzinfo=tz))  # the ends of the calendar, any offset
    ),
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**5000), max_value=10**5000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(alphabet="0123456789-+.e ", max_size=60),
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),
)


def _written(value: Any) -> str:
    """A number as text in a file, however long (``str`` refuses integers over 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 14_000:
        return ("-" if value < 0 else "") + "9" * 4500
    return str(value)


def _as_text(value: Any) -> Any:
    """How the value might be written in a file (ISO text for dates, text for numbers)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@PROPERTY
@given(loc=st.sampled_from(COUNT_FIELDS + MONEY_FIELDS), value=numbers, written=st.booleans())
@example(loc=("incidents", 0, "count"), value="9" * 5000, written=False)
@example(loc=("incidents", 0, "count"), value=10**5000, written=False)
def test_any_number_in_a_number_field(loc: tuple[Any, ...], value: Any, written: bool) -> None:
    data = rich()
    put(data, loc, _written(value) if written and value is not None else value)
    _case_or_problems(data)


@PROPERTY
@given(loc=st.sampled_from(DATE_FIELDS), value=st.dates() | datetimes, written=st.booleans())
def test_any_date_in_a_date_field(loc: tuple[Any, ...], value: Any, written: bool) -> None:
    data = rich()
    if loc[0] == "carrier_complaints":
        data["carrier_complaints"][0]["reply_received"] = True
    put(data, loc, _as_text(value) if written else value)
    _case_or_problems(data)


@PROPERTY
@given(loc=st.sampled_from(DATETIME_FIELDS), value=datetimes | st.dates(), written=st.booleans())
@example(loc=("incidents", 0, "time"), value=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), written=True)
@example(
    loc=("incidents", 0, "time"),
    value=datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12))),
    written=True,
)
@example(
    loc=("incidents", 0, "until"), value=datetime.max.replace(tzinfo=timezone(timedelta(hours=-23))), written=False
)
def test_any_datetime_in_a_datetime_field(loc: tuple[Any, ...], value: Any, written: bool) -> None:
    data = rich()
    put(data, loc, _as_text(value) if written else value)
    _case_or_problems(data)


@PROPERTY
@given(value=datetimes)
def test_any_datetime_in_json_text(value: datetime) -> None:
    data = rich()
    data["incidents"][0]["time"] = value.isoformat()
    try:
        parse_case_text(json.dumps(data), fmt="json")
    except CaseFileError as error:
        problems = error.problems
    else:
        return
    assert all(problem.line is not None for problem in problems)


def test_documents_dated_before_the_conduct_they_report_are_refused_in_words(tmp_path: Path) -> None:
    """``documents --today 2000-01-01`` blamed three plugins (a law cited was not yet in force on that day) and
    exited 1: the date itself is the problem, and the person is told so (exit 2, nothing written)."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--lang", "en", "documents", CASE, "--today", "2000-01-01", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "before the latest incident" in result.stderr
    assert not out.exists()
