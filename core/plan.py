"""The plan: the routed channels in order, each with what to file, the dates its declared deadlines give, and
what to do when a date passes.

Inputs are the case, its evaluation and the channels' declared deadlines (data with their basis). A deadline
with a ``clock`` jubao can date gets a real date from ``jubao.counting`` on the official calendar:

* ``filed`` — from the prior complaint's ``filed_on`` when the case records one; otherwise the plan shows the
  dates *if filed on the plan's date* (marked as such) so the victim sees what filing today sets in motion;
* ``reply`` — from the prior complaint's ``reply_on``;
* ``last_act`` — from the end of the conduct (limitation periods and the 治安 six-month window).
* ``carrier`` — from the complaint to the telecom carrier (``carrier_complaints``; if none, as if made on the plan's
  date): the carrier's period before 12300 takes an appeal. The channel's ``filed`` dates then start no earlier
  than the day the appeal becomes possible; once the carrier has answered, its period is not dated.

A deadline that does not bind in the case (``Deadline.applies_to``: the 15/30/60-day complaint clock binds banks and
insurers answering their own consumers — not a microlender, a guarantor or a borrower's contact) is not dated; the
step lists it with what holds instead (``PlanStep.not_binding``). Once the channel has replied, the deadlines its
filing started are answered (``PlanDate.answered``) and never shown as passed.

Every date carries its legal basis (the deadline's citations plus the counting rules applied), whether it is
provisional (a year whose holiday arrangement is unpublished) and whether it has passed on the plan's date.
The plan is a pure function of its inputs and the viewing date (``--as-of``): complaints filed after that date
are ignored, so a plan can be shown as it stood on any day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from importlib.resources import files
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jubao.case import Case, PriorComplaint
from jubao.channel import Channel, Clock, Deadline, TimeUnit
from jubao.counting import Counted, add_days, add_hours, add_months, add_working_days, months_before
from jubao.documents_api import Document
from jubao.evaluation import Evaluation
from jubao.features import carrier_appeal, conduct_end
from jubao.plugins import PluginSet, build_documents
from jubao.rules import Citation, Text
from jubao.sourcemap import parse_trusted_yaml
from jubao.types import CASE_TIMEZONE, EARLIEST_DATE, LATEST_DATE

PLAN_FORMAT: Literal["jubao.plan/1"] = "jubao.plan/1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanDate(_Frozen):
    """One dated deadline."""

    channel: str
    deadline: str
    """The deadline's id in the channel's declaration."""
    label: Text
    starts: Text
    event: Clock
    event_date: date
    assumed: bool
    """True when the event has not happened: the date is what filing on the plan's date would set."""
    length: int
    unit: TimeUnit
    end: date
    """The last day (for hour periods, the day the hours run out)."""
    end_time: datetime | None = None
    """For hour periods: the moment they run out (Beijing time)."""
    latest: date | None = None
    """With every declared extension, the latest the deadline can move to."""
    moved_from: date | None = None
    """The nominal last day, when it fell on a rest day and moved."""
    provisional: bool
    passed: bool
    """The last day is before the plan's date and no reply answered it."""
    answered: bool = False
    """The channel replied to the filing that started this deadline: it is met, whatever the date."""
    answered_on: date | None = None
    """When that reply came, if the case gives the date."""
    on_expiry: Text
    basis: tuple[Citation, ...]
    counting: tuple[str, ...]
    """Statute-library ids of the counting rules applied."""


class PreservationWindow(_Frozen):
    id: str
    label: Text
    months: int
    """How long the records stay available (a record of day *d* can be had until *d* plus this many months)."""
    earliest: date
    """The oldest date still inside the window on the plan's date."""
    advice: Text
    basis: tuple[Citation, ...]


class PlanStep(_Frozen):
    order: int
    """The step's position: 1, 2, 3 … (one per routed channel)."""
    step: int
    """The step number people see: 1, 2, 3 … without gaps, shared by routes of equal priority (they can run in
    parallel), as the document set's index numbers them."""
    parallel: bool = False
    """Another routed channel shares this step number: the two can be pursued at the same time."""
    priority: int
    channel: str
    name: Text
    status: Literal["to_file", "filed", "replied"]
    filed_on: date | None = None
    reference_number: str | None = None
    documents: tuple[str, ...]
    """Titles of the documents ``jubao documents`` writes for this channel."""
    dates: tuple[PlanDate, ...]
    undated: tuple[Deadline, ...]
    """Deadlines whose start jubao cannot know (acceptance, a judgment served …), shown as rules."""
    not_binding: tuple[Deadline, ...] = ()
    """Deadlines the channel declares that do not bind in this case (``Deadline.applies_to``); each one's
    ``applies_to.otherwise`` says what holds instead (e.g. no statutory reply deadline found)."""


class Plan(_Frozen):
    format: Literal["jubao.plan/1"] = PLAN_FORMAT
    as_of: date
    """The day the plan is viewed from."""
    ruleset_version: str
    conduct_end: date
    preservation: tuple[PreservationWindow, ...]
    limitations: tuple[PlanDate, ...]
    """Windows counted from the end of the conduct (治安 six months, civil limitation …), soonest first."""
    steps: tuple[PlanStep, ...]
    provisional: bool = Field(description="some date falls in a year whose holiday arrangement is unpublished")

    def all_dates(self) -> list[PlanDate]:
        return [*self.limitations, *(d for step in self.steps for d in step.dates)]


class _Window(_Frozen):
    id: str
    label: Text
    months: int
    advice: Text
    basis: list[Citation]


class _Preservation(_Frozen):
    windows: list[_Window]


@cache
def _preservation_windows() -> _Preservation:
    text = (files("jubao_rules") / "calendar" / "preservation.yaml").read_text(encoding="utf-8")
    return _Preservation.model_validate(parse_trusted_yaml(text).data)


def count(deadline: Deadline, start: date) -> Counted:
    """The deadline's last day counted from ``start`` with the rule its unit calls for."""
    if deadline.length is None or deadline.unit is None:
        raise ValueError(f"deadline {deadline.id} has no length to count")
    length, unit = deadline.length, deadline.unit
    if unit is TimeUnit.WORKING_DAYS:
        return add_working_days(start, length)
    if unit is TimeUnit.MONTHS:
        return add_months(start, length, roll=deadline.roll)
    if unit is TimeUnit.YEARS:
        return add_months(start, 12 * length, roll=deadline.roll)
    if unit is TimeUnit.HOURS:
        return add_days(start, 0, roll=False)
    return add_days(start, length, roll=deadline.roll)


def _extended(deadline: Deadline, start: date) -> date | None:
    if not deadline.extensions or deadline.length is None or deadline.unit is None:
        return None
    if any(extension.unit is not deadline.unit for extension in deadline.extensions):
        return None
    total = deadline.length + sum(extension.length for extension in deadline.extensions)
    return count(deadline.model_copy(update={"length": total}), start).end


def date_deadline(channel: Channel, deadline: Deadline, event_date: date, *, assumed: bool, as_of: date,
                  event: Clock, at: datetime | None = None) -> PlanDate:  # fmt: skip
    """One declared deadline as a dated step, with its basis and the counting rules applied."""
    if deadline.length is None or deadline.unit is None:
        raise ValueError(f"deadline {deadline.id} has no length to count")
    counted = count(deadline, event_date)
    end_time = None
    end = counted.end
    if deadline.unit is TimeUnit.HOURS:
        moment = at or datetime.combine(event_date, time(9, 0), CASE_TIMEZONE)
        end_time = add_hours(moment, deadline.length)
        end = end_time.date()
    return PlanDate(
        channel=channel.id,
        deadline=deadline.id,
        label=deadline.label,
        starts=deadline.starts,
        event=event,
        event_date=event_date,
        assumed=assumed,
        length=deadline.length,
        unit=deadline.unit,
        end=end,
        end_time=end_time,
        latest=_extended(deadline, event_date),
        moved_from=counted.nominal_end if counted.moved else None,
        provisional=counted.provisional,
        passed=end < as_of,
        on_expiry=deadline.on_expiry,
        basis=tuple(deadline.basis),
        counting=counted.basis,
    )


def _answered(dated: PlanDate, prior: PriorComplaint) -> PlanDate:
    """A deadline started by a filing the channel has replied to: answered, so never shown as passed."""
    return dated.model_copy(update={"answered": True, "answered_on": prior.reply_on, "passed": False})


def _prior(case: Case, channel_id: str, as_of: date) -> PriorComplaint | None:
    """The latest complaint to this channel filed on or before ``as_of`` (later ones did not exist yet)."""
    filed = [p for p in case.prior_complaints if p.channel == channel_id and p.filed_on <= as_of]
    return max(filed, key=lambda p: p.filed_on) if filed else None


def _carrier_clock(case: Case, channel: Channel, view: date) -> tuple[dict[str, PlanDate], date]:
    """The channel's ``carrier`` deadlines, dated from the complaint to the carrier that decides (as if made on
    ``view`` when the case records none), and the first day the channel can take the appeal (``view`` at the
    earliest). A carrier that answered has stopped its period: the appeal is open from the answer, and the period
    is not dated (an answer received is never shown as a deadline passed)."""
    dated: dict[str, PlanDate] = {}
    opens = view
    for deadline in channel.deadlines:
        if deadline.clock is not Clock.CARRIER or deadline.length is None or deadline.unit is None:
            continue
        appeal = carrier_appeal(case, today=view, reply_days=deadline.length)
        if appeal.status == "replied":
            opens = max(opens, appeal.opens_on or view)
            continue
        made = appeal.complaint
        start = made.filed_on if made is not None else view
        item = date_deadline(channel, deadline, start, assumed=made is None, as_of=view, event=Clock.CARRIER)
        dated[deadline.id] = item
        opens = max(opens, next_day(item.end))
    return dated, opens


def step_numbers(priorities: list[int]) -> list[int]:
    """Each route's step number: its priority's rank among the distinct priorities (1, 2, 2, 3 … for priorities
    1, 2, 2, 5): consecutive, shared by routes that can run in parallel."""
    ranks = {priority: rank for rank, priority in enumerate(sorted(set(priorities)), start=1)}
    return [ranks[priority] for priority in priorities]


def build_plan(case: Case, evaluation: Evaluation, plugins: PluginSet, *, as_of: date | None = None,
               with_documents: bool = True) -> Plan:  # fmt: skip
    """The plan as it stands on ``as_of`` (default: the evaluation's ``today``). ``with_documents=False`` leaves
    each step's document titles out (a channel that builds its documents in code is drafted to list them)."""
    view = as_of or evaluation.today
    if not EARLIEST_DATE <= view <= LATEST_DATE:  # deadlines counted from it would leave the calendar
        raise ValueError(f"as_of must be a day from {EARLIEST_DATE} to {LATEST_DATE}")
    last_act = conduct_end(case)
    steps = []
    limitations: dict[tuple[str, str], PlanDate] = {}
    numbers = step_numbers([route.priority for route in evaluation.routes])
    shared = {number for number in numbers if numbers.count(number) > 1}
    for order, (route, number) in enumerate(zip(evaluation.routes, numbers, strict=True), start=1):
        channel = plugins.channels.get(route.channel)
        if channel is None:
            steps.append(PlanStep(order=order, step=number, parallel=number in shared, priority=route.priority,
                                  channel=route.channel, name=route.name, status="to_file", documents=(), dates=(),
                                  undated=()))  # fmt: skip
            continue
        prior = _prior(case, channel.id, view)
        replied = prior is not None and prior.reply_received and (prior.reply_on is None or prior.reply_on <= view)
        dates, undated, not_binding = [], [], []
        carrier_dates, opens = _carrier_clock(case, channel, view)
        for deadline in channel.deadlines:
            if not deadline.binds(case):  # e.g. the consumer-complaint clock for a microlender or a contact
                not_binding.append(deadline)
                continue
            if deadline.length is None or deadline.clock is None:
                undated.append(deadline)
                continue
            if deadline.clock is Clock.LAST_ACT:
                dated = date_deadline(channel, deadline, last_act, assumed=False, as_of=view, event=Clock.LAST_ACT)
                limitations.setdefault((channel.id, deadline.id), dated)
            elif deadline.clock is Clock.CARRIER:
                carrier_date = carrier_dates.get(deadline.id)
                if carrier_date is None:  # the carrier has answered: its period no longer runs
                    undated.append(deadline)
                else:
                    dates.append(carrier_date)
            elif deadline.clock is Clock.FILED:
                start = prior.filed_on if prior else max(view, opens)  # not before the channel can take it
                dated = date_deadline(channel, deadline, start, assumed=prior is None, as_of=view, event=Clock.FILED)
                dates.append(_answered(dated, prior) if replied and prior is not None else dated)
            elif deadline.clock is Clock.REPLY and replied and prior is not None and prior.reply_on is not None:
                dates.append(date_deadline(channel, deadline, prior.reply_on, assumed=False, as_of=view,
                                           event=Clock.REPLY))  # fmt: skip
            else:
                undated.append(deadline)
        titles = _titles(plugins, channel.id, case, evaluation) if with_documents else ()
        steps.append(
            PlanStep(
                order=order,
                step=number,
                parallel=number in shared,
                priority=route.priority,
                channel=channel.id,
                name=channel.name,
                status="replied" if replied else "filed" if prior else "to_file",
                filed_on=prior.filed_on if prior else None,
                reference_number=prior.reference_number if prior else None,
                documents=titles,
                dates=tuple(dates),
                undated=tuple(undated),
                not_binding=tuple(not_binding),
            )
        )
    if with_documents and plugins._discovery is not None:
        plugins._discovery.save()  # the template titles read for the first time, for the next plan
    preservation = tuple(
        PreservationWindow(
            id=w.id,
            label=w.label,
            months=w.months,
            earliest=months_before(view, w.months),
            advice=w.advice,
            basis=tuple(w.basis),
        )
        for w in _preservation_windows().windows
    )
    ordered_limits = tuple(sorted(limitations.values(), key=lambda d: d.end))
    all_dates = [*ordered_limits, *(d for step in steps for d in step.dates)]
    return Plan(
        as_of=view,
        ruleset_version=evaluation.ruleset_version,
        conduct_end=last_act,
        preservation=preservation,
        limitations=ordered_limits,
        steps=tuple(steps),
        provisional=any(d.provisional for d in all_dates),
    )


def _titles(plugins: PluginSet, channel_id: str, case: Case, evaluation: Evaluation) -> tuple[str, ...]:
    """The titles of the documents ``jubao documents`` writes for the channel, its guide aside (the guide is read,
    not filed): from the templates when the channel renders a fixed list of them (nothing is drafted), otherwise
    from drafting them."""
    from jubao.template_channel import document_titles  # noqa: PLC0415 - the drafting stack only when listing

    declared = document_titles(plugins, channel_id, case, evaluation)
    if declared is not None:
        return declared
    drafted = _filings(plugins, channel_id, case, evaluation)
    return tuple(document.title for document in drafted if document.purpose != "guide")


def _filings(plugins: PluginSet, channel_id: str, case: Case, evaluation: Evaluation) -> list[Document]:
    """What the channel's plugin drafts, without the guide jubao adds (its title is not listed)."""
    try:
        return list(build_documents(plugins, channel_id, case, evaluation, guide=False))
    except Exception:  # a plugin's drafting bug must not hide the dates; jubao documents reports it
        return []


def next_day(day: date) -> date:
    return day + timedelta(days=1)
