"""``jubao due [DIR]``: every upcoming and overdue deadline across the case files in a folder, soonest first.

The dates are the plan's (``jubao.plan.build_plan``: the channels' declared deadlines counted on the official
calendar from the complaints, replies and conduct each case records); nothing is recomputed here. Listed: each
dated deadline that has started — not the dates a filing *would* set (``assumed``), not those the channel has
already answered, and not a time bar for a channel the case records a filing with before it ran out (filing in
time is what the bar asks for). A file that is not a valid case is skipped with a one-line note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jubao.case_checks import channel_problems
from jubao.cli.common import EXIT_INVALID, DayParam
from jubao.cli.params import PathParam
from jubao.cli.state import CliState, state
from jubao.cli.terminal import echo
from jubao.loading import JSON_SUFFIXES, YAML_SUFFIXES, CaseFileError, load_case
from jubao.plan import Plan, PlanDate, build_plan
from jubao.rules import Text

if TYPE_CHECKING:
    from jubao.engine import Engine
    from jubao.plugins import PluginSet

CASE_SUFFIXES = (*YAML_SUFFIXES, *JSON_SUFFIXES)


@dataclass(frozen=True)
class DueItem:
    file: str
    channel: str
    channel_name: Text
    deadline: PlanDate
    time_bar: bool
    """Counted from the end of the conduct (``Plan.limitations``): the last day to file, not an office's reply."""


@click.command()
@click.argument("folder", required=False, default=".", type=PathParam(path_type=Path))
@click.option("--as-of", "as_of", type=DayParam(),
              help="以这一天为“今天”（默认：今天）/ count days from this date (default: today).")  # fmt: skip
def due(folder: Path, as_of: date | None) -> None:
    """列出文件夹里所有案件的期限（已过期的和即将到期的，按日期先后）/ every deadline across a folder's cases."""
    from jubao.engine import Engine  # noqa: PLC0415 - the engine when the command runs, not for its `--help`

    current = state()
    if not folder.is_dir():
        echo("✗ " + current.t("due.not_a_folder", path=str(folder)), err=True)
        raise click.exceptions.Exit(EXIT_INVALID)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in CASE_SUFFIXES and p.is_file())
    plugins = current.plugins()
    items: list[DueItem] = []
    notes: list[str] = []
    view: date | None = as_of
    cases = 0
    with Engine(plugins=plugins) as engine:
        for path in files:
            try:
                plan = _plan(path, engine, plugins, as_of)
            except CaseFileError as error:
                key = "due.skipped_channel" if error.source == "channels" else "due.skipped_invalid"
                notes.append(current.t(key, file=path.name, count=len(error.problems)))
                continue
            except Exception as error:  # one odd file must not hide the others' deadlines
                notes.append(current.t("due.skipped_error", file=path.name, kind=type(error).__name__))
                continue
            cases += 1
            view = plan.as_of
            items += _items(path.name, plan)
    items.sort(key=lambda i: (i.deadline.end, i.deadline.end_time is not None, i.deadline.end_time, i.file,
                              i.channel, i.deadline.deadline))  # fmt: skip
    _render(items, notes, cases=cases, view=view, folder=folder, current=current)
    current.report_plugin_warnings()


def _plan(path: Path, engine: Engine, plugins: PluginSet, as_of: date | None) -> Plan:
    case = load_case(path)
    problems = channel_problems(case, plugins.ruleset.channels)
    if problems:
        raise CaseFileError("channels", problems)
    if as_of is not None:  # as it stood then: complaints filed later had not been filed (as ``jubao plan``)
        case = case.model_copy(update={"prior_complaints": tuple(p for p in case.prior_complaints
                                                                 if p.filed_on <= as_of)})  # fmt: skip
    evaluation = engine.evaluate(case, today=as_of)
    return build_plan(case, evaluation, plugins, as_of=as_of)


def _items(file: str, plan: Plan) -> list[DueItem]:
    steps = {step.channel: step for step in plan.steps}
    names = {step.channel: step.name for step in plan.steps}
    items = []
    for dated in plan.limitations:
        step = steps.get(dated.channel)
        if step is not None and step.filed_on is not None and step.filed_on <= dated.end:
            continue  # filed with that channel in time: the bar is met
        name = names.get(dated.channel, Text(zh=dated.channel, en=dated.channel))
        items.append(DueItem(file, dated.channel, name, dated, time_bar=True))
    for step in plan.steps:
        for dated in step.dates:
            if dated.assumed or dated.answered:
                continue
            items.append(DueItem(file, step.channel, step.name, dated, time_bar=False))
    return items


def _day(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def _render(items: list[DueItem], notes: list[str], *, cases: int, view: date | None, folder: Path,
            current: CliState) -> None:  # fmt: skip
    lang = current.lang
    if cases == 0:
        echo(current.t("due.no_cases", path=str(folder)))
    elif not items:
        echo(current.t("due.none", count=cases))
        echo("  " + current.t("due.none_hint"))
    else:
        today = view or items[0].deadline.end
        echo(current.t("due.title", date=_day(today, lang), count=cases, items=len(items)))
        for item in items:
            echo("")
            echo(_headline(item, today, current))
            echo("  " + current.t("due.channel", name=item.channel_name.get(lang), channel=item.channel))
            echo("  " + current.t("due.deadline", label=item.deadline.label.get(lang),
                                        start=_start(item, current)))  # fmt: skip
            echo("  " + _step(item, today, current))
    for note in notes:
        echo("· " + note, err=True)


def _headline(item: DueItem, today: date, current: CliState) -> str:
    dated = item.deadline
    when = _day(dated.end, current.lang)
    if dated.end_time is not None:
        when += f" {dated.end_time:%H:%M}"
    left = (dated.end - today).days
    status = (current.t("due.overdue", days=-left) if left < 0 else current.t("due.today") if left == 0
              else current.t("due.left", days=left))  # fmt: skip
    flags = ""
    if dated.latest is not None and dated.latest != dated.end:
        flags += current.t("due.latest", date=_day(dated.latest, current.lang))
    if dated.provisional:
        flags += current.t("due.provisional")
    return f"{when}  {status}{flags}  {item.file}"


def _start(item: DueItem, current: CliState) -> str:
    day = _day(item.deadline.event_date, current.lang)
    return current.t(f"due.start.{item.deadline.event.value}", date=day)


def _step(item: DueItem, today: date, current: CliState) -> str:
    dated = item.deadline
    passed = dated.end < today
    action = dated.on_expiry.get(current.lang)
    if item.time_bar:
        key = "due.step.time_bar_passed" if passed else "due.step.time_bar"
    elif dated.event.value == "reply":
        key = "due.step.yours_passed" if passed else "due.step.yours"
    else:
        key = "due.step.office_passed" if passed else "due.step.office"
    return current.t(key, name=item.channel_name.get(current.lang), label=dated.label.get(current.lang),
                     action=action)  # fmt: skip
