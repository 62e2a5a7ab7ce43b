"""The official working-day calendar of mainland China: weekends, statutory holidays and 调休 working weekends.

Which days are working days is decided each year by the State Council's holiday arrangement (国务院办公厅关于
某年部分节假日安排的通知), including Saturdays or Sundays that become working days (调休). jubao takes the
published arrangements from the ``chinesecalendar`` package (maintained since 2017, updated within days of each
notice; no network access). For a year whose arrangement is not published yet, days are computed from weekends
and the fixed-date holidays in ``rules/calendar/provisional.yaml`` only and every such day is marked
**provisional** — a deadline in such a year may move when the notice comes out, and jubao says so rather than
being silently wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

import chinese_calendar
from chinese_calendar import constants as published
from pydantic import BaseModel, ConfigDict, Field

from jubao.rules import Citation
from jubao.sourcemap import parse_trusted_yaml

FIRST_PUBLISHED_YEAR: int = min(published.holidays).year
LAST_PUBLISHED_YEAR: int = max(day.year for day in (*published.holidays, *published.workdays))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FixedHoliday(_Model):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    name: str


class ProvisionalRules(_Model):
    source: Citation
    fixed_holidays: list[FixedHoliday]


@dataclass(frozen=True)
class Day:
    """What the calendar says about one date."""

    date: date
    working: bool
    holiday: str | None
    """The holiday's name when it is a statutory holiday (or 调休 working day for one)."""
    adjusted: bool
    """A weekend day made a working day (调休上班)."""
    provisional: bool
    """The year's official arrangement is not published: only weekends and fixed-date holidays are known."""


@cache
def provisional_rules() -> ProvisionalRules:
    text = (files("jubao_rules") / "calendar" / "provisional.yaml").read_text(encoding="utf-8")
    return ProvisionalRules.model_validate(parse_trusted_yaml(text).data)


def is_published(year: int) -> bool:
    """Whether the official arrangement for ``year`` is known to jubao's calendar data."""
    return FIRST_PUBLISHED_YEAR <= year <= LAST_PUBLISHED_YEAR


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def day_info(day: date) -> Day:
    """Working day or not, and why. Cheap and pure; safe from many threads."""
    if is_published(day.year):
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        is_holiday = bool(is_holiday)
        label = _HOLIDAY_NAMES.get(name, name) if name else None
        weekend = day.weekday() >= 5
        working = not is_holiday
        return Day(day, working, label, adjusted=weekend and working, provisional=False)
    fixed = {(h.month, h.day): h.name for h in provisional_rules().fixed_holidays}
    name = fixed.get((day.month, day.day))
    working = day.weekday() < 5 and name is None
    return Day(day, working, name, adjusted=False, provisional=True)


def is_working_day(day: date) -> bool:
    return day_info(day).working
