"""The official calendar and the counting rules, each against a worked example a lawyer can check by hand.

2026 arrangement (国务院办公厅 notice, via chinesecalendar): Spring Festival 2026-02-15 … 02-23 off, with
Saturdays 02-14 and 02-28 worked; National Day and Mid-autumn 2026-10-01 … 10-07 off, with Sunday 09-20 and
Saturday 10-10 worked. 2027's arrangement is not published: such dates are provisional.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jubao.calendar import LAST_PUBLISHED_YEAR, day_info, is_working_day
from jubao.counting import add_days, add_hours, add_months, add_working_days, add_years, months_before
from jubao.statutes import bundled_statutes


def test_2026_holidays_and_adjusted_working_weekends() -> None:
    assert not is_working_day(date(2026, 10, 1))
    assert day_info(date(2026, 10, 1)).holiday == "国庆节"
    assert not is_working_day(date(2026, 10, 7))
    assert is_working_day(date(2026, 10, 8))
    saturday = day_info(date(2026, 10, 10))
    assert saturday.working
    assert saturday.adjusted
    assert is_working_day(date(2026, 2, 14))  # 调休 Saturday before the Spring Festival
    assert not is_working_day(date(2026, 2, 17))  # 春节
    assert not is_working_day(date(2026, 11, 28))  # an ordinary Saturday
    assert not day_info(date(2026, 11, 23)).provisional


def test_an_unpublished_year_uses_weekends_and_fixed_date_holidays_and_says_so() -> None:
    assert LAST_PUBLISHED_YEAR == 2026
    new_year = day_info(date(2027, 1, 1))
    assert not new_year.working
    assert new_year.holiday == "元旦"
    assert new_year.provisional
    assert day_info(date(2027, 1, 4)).working  # a Monday
    assert not day_info(date(2027, 1, 9)).working  # a Saturday
    assert not day_info(date(2027, 10, 2)).working


def test_calendar_days_do_not_count_the_start_day() -> None:
    # A complaint received on Friday 2026-11-20: 15 days → Saturday 12-05 is a rest day → Monday 12-07.
    counted = add_days(date(2026, 11, 20), 15)
    assert counted.nominal_end == date(2026, 12, 5)
    assert counted.end == date(2026, 12, 7)
    assert counted.moved
    assert "civil_code.period_last_day_rest" in counted.basis
    assert not counted.provisional
    # received on Monday 2026-11-23: 15 days → Tuesday 12-08, no move
    plain = add_days(date(2026, 11, 23), 15)
    assert plain.end == date(2026, 12, 8)
    assert not plain.moved


def test_a_last_day_in_the_national_day_holiday_moves_to_the_first_working_day() -> None:
    # 7 days from 2026-09-24 → 10-01 (holiday) → the holiday runs to 10-07 → Thursday 10-08
    assert add_days(date(2026, 9, 24), 7).end == date(2026, 10, 8)


def test_a_last_day_on_an_adjusted_working_saturday_stays() -> None:
    # 7 days from 2026-10-03 → Saturday 10-10, a 调休 working day: the period ends that day
    counted = add_days(date(2026, 10, 3), 7)
    assert counted.end == date(2026, 10, 10)
    assert not counted.moved


def test_month_periods_end_on_the_corresponding_day_or_the_month_end() -> None:
    assert add_months(date(2026, 6, 16), 6, roll=False).end == date(2026, 12, 16)
    assert add_months(date(2026, 8, 31), 6, roll=False).end == date(2027, 2, 28)  # no 31 February
    assert add_months(date(2026, 1, 31), 1, roll=False).end == date(2026, 2, 28)
    # a 6-month 治安 window from 2026-10-16 ends 2027-04-16 (a Friday) — in an unpublished year: provisional
    window = add_months(date(2026, 10, 16), 6)
    assert window.end == date(2027, 4, 16)
    assert window.provisional


def test_three_year_limitation_crosses_into_provisional_years() -> None:
    counted = add_years(date(2026, 10, 16), 3)
    assert counted.nominal_end == date(2029, 10, 16)
    assert counted.provisional
    assert counted.basis[:2] == ("civil_code.period_start", "civil_code.period_months")


def test_working_days_skip_holidays_and_count_adjusted_weekends() -> None:
    # 7 working days (12315 acceptance) from Wednesday 2026-09-30: 10-08 (Thu), 10-09 (Fri), 10-10 (调休 Sat),
    # 10-12, 10-13, 10-14, 10-15 → Thursday 2026-10-15
    assert add_working_days(date(2026, 9, 30), 7).end == date(2026, 10, 15)
    # 5 working days (12300 acceptance) from Friday 2026-11-20 → Friday 11-27
    assert add_working_days(date(2026, 11, 20), 5).end == date(2026, 11, 27)
    # over the Spring Festival: from Friday 2026-02-13, 3 working days → 02-14 (调休 Sat), 02-24, 02-25
    assert add_working_days(date(2026, 2, 13), 3).end == date(2026, 2, 25)


def test_working_days_into_2027_are_provisional() -> None:
    counted = add_working_days(date(2026, 12, 28), 5)
    assert counted.end == date(2027, 1, 5)  # 12-29, 12-30, 12-31, (01-01 元旦), 01-04, 01-05
    assert counted.provisional


def test_hours_run_from_the_moment() -> None:
    filed = datetime(2026, 9, 30, 16, 0)
    assert add_hours(filed, 48) == datetime(2026, 10, 2, 16, 0)  # a 48-hour ruling does not wait for the holiday


def test_windows_before_a_day() -> None:
    assert months_before(date(2026, 11, 23), 6) == date(2026, 5, 23)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)


@pytest.mark.parametrize(
    "provision", ["civil_code.period_start", "civil_code.period_months", "civil_code.period_last_day_rest",
                  "civil_procedure.periods"],
)  # fmt: skip
def test_every_counting_rule_has_its_basis_in_the_statute_library(provision: str) -> None:
    version = bundled_statutes().on(provision, date(2026, 11, 23))
    assert version.article
    assert version.quote
