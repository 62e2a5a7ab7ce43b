"""Counting legal periods: from a start date and a declared length to the last day, with the rule applied.

The rules, each with its basis in the statute library (``rules/statutes``):

* **days, months, years** — the start day is not counted (民法典 Art. 201, 民诉法 Art. 85); a month or year
  period ends on the corresponding day of the final month, or on its last day where there is none (Art. 202);
  a last day that is a rest day moves to the next working day (Art. 203, 民诉法 Art. 85);
* **working days** (工作日) — counted on the official calendar, weekends and holidays skipped and 调休 working
  weekends counted; the start day is not counted;
* **hours** — from the moment given, without moving (民法典 Art. 201 para. 2);
* **windows before an event** — the earliest date still inside a window that ends on a given day (e.g. call
  records kept about six months).

Whether a rest day is one a period cannot end on is taken from the official calendar (``jubao.calendar``):
weekends and statutory holidays are, a 调休 working Saturday is not. Every result says whether it touched a
year whose holiday arrangement is not published yet (``provisional``).
"""

from __future__ import annotations

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jubao.calendar import day_info

START_NOT_COUNTED = "civil_code.period_start"
MONTH_END = "civil_code.period_months"
REST_DAY_MOVES = "civil_code.period_last_day_rest"
PROCEDURE_PERIODS = "civil_procedure.periods"


@dataclass(frozen=True)
class Counted:
    """The last day of a period and how it was found."""

    start: date
    nominal_end: date
    """The last day before any move off a rest day."""
    end: date
    """The last day to act (inclusive)."""
    provisional: bool
    """A day in a year whose official holiday arrangement is unpublished was used."""
    basis: tuple[str, ...]
    """Provision ids (statute library) of the counting rules applied."""

    @property
    def moved(self) -> bool:
        return self.end != self.nominal_end


def _roll_forward(day: date) -> tuple[date, bool]:
    provisional = False
    info = day_info(day)
    while not info.working:
        provisional |= info.provisional
        day += timedelta(days=1)
        info = day_info(day)
    return day, provisional | info.provisional


def _finish(start: date, nominal: date, rules: tuple[str, ...], roll: bool) -> Counted:
    if not roll:
        return Counted(start, nominal, nominal, day_info(nominal).provisional, rules)
    end, provisional = _roll_forward(nominal)
    basis = (*rules, REST_DAY_MOVES, PROCEDURE_PERIODS) if end != nominal else (*rules, PROCEDURE_PERIODS)
    return Counted(start, nominal, end, provisional, basis)


def add_days(start: date, days: int, *, roll: bool = True) -> Counted:
    """``days`` calendar days after ``start`` (which is not counted)."""
    return _finish(start, start + timedelta(days=days), (START_NOT_COUNTED,), roll)


def add_months(start: date, months: int, *, roll: bool = True) -> Counted:
    """``months`` after ``start``: the corresponding day, or the month's last day where there is none."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, gregorian.monthrange(year, month)[1])
    return _finish(start, date(year, month, day), (START_NOT_COUNTED, MONTH_END), roll)


def add_years(start: date, years: int, *, roll: bool = True) -> Counted:
    return add_months(start, 12 * years, roll=roll)


def add_working_days(start: date, days: int) -> Counted:
    """``days`` working days after ``start``, on the official calendar (调休 weekends count, holidays do not)."""
    day, counted, provisional = start, 0, False
    while counted < days:
        day += timedelta(days=1)
        info = day_info(day)
        provisional |= info.provisional
        counted += info.working
    return Counted(start, day, day, provisional, (START_NOT_COUNTED,))


def add_hours(start: datetime, hours: int) -> datetime:
    """``hours`` after the moment ``start`` (hour periods run from the moment, and do not move)."""
    return start + timedelta(hours=hours)


def months_before(day: date, months: int) -> date:
    """The first day still inside a window of ``months`` that ends on ``day`` (e.g. call records kept ~6 months)."""
    month_index = day.month - 1 - months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))
