"""``jubao plan``: the ordered steps across the routed channels, with real dates, triggers and the law behind them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from jubao.cli.common import EXIT_FAILED, EXIT_INVALID, DateParam, read_case, refuse_destination
from jubao.cli.params import PathParam
from jubao.cli.state import CliState, state
from jubao.cli.terminal import echo, echo_json
from jubao.fileio import DestinationExists, NotARegularFile, write_output_file
from jubao.ics import is_unchanged_jubao_calendar, plan_events, plan_to_ics
from jubao.next_steps import NextSteps, build_next, next_step_line
from jubao.plan import Plan, PlanDate, build_plan
from jubao.statutes import StatuteError, bundled_statutes


@click.command()
@click.argument("case", type=PathParam(path_type=str))
@click.option("--as-of", "as_of", type=DateParam(),
              help="显示在这一天看到的计划（默认：今天）/ show the plan as it stood on this date.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / JSON output (format jubao.plan/1).")
@click.option("--explain", is_flag=True, help="每个日期的法律依据和计算规则 / the basis and counting of each date.")
@click.option("--ics", "ics", type=PathParam(path_type=Path),
              help="写出日历文件（.ics；只覆盖 jubao 上次写出且没有改动过的日历）/ write an iCalendar file (replacing "
                   "only a calendar jubao wrote that is unchanged).")  # fmt: skip
@click.option("--force", is_flag=True, help="覆盖已有的 --ics 文件，不管是谁写的 / overwrite an existing --ics file.")
def plan(case: str, *, as_of: date | None, as_json: bool, explain: bool, ics: Path | None, force: bool) -> None:
    """行动计划：先后步骤、期限和逾期后的下一步 / the plan: ordered steps, dates, and what to do when they pass."""
    from jubao.engine import Engine  # noqa: PLC0415 - the engine when the command runs, not for its `--help`

    current = state()
    loaded = read_case(case, current)
    if as_of is not None:  # the plan as it stood then: complaints filed later had not been filed
        earlier = tuple(p for p in loaded.prior_complaints if p.filed_on <= as_of)
        loaded = loaded.model_copy(update={"prior_complaints": earlier})
    plugins = current.plugins()
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(loaded, today=as_of)
        parameters = engine.ruleset.parameters
    result = build_plan(loaded, evaluation, plugins, as_of=as_of)
    steps = build_next(loaded, evaluation, result, plugins.channels, parameters)
    names = {cid: channel.name.zh for cid, channel in plugins.channels.items()}
    if ics is not None:
        try:
            write_output_file(ics, plan_to_ics(result, names, steps), force=force,
                              replaceable=is_unchanged_jubao_calendar)  # fmt: skip
        except NotARegularFile as error:  # a link, FIFO or device: replacing it would replace the node itself
            refuse_destination(current, "--ics", ics, error)
        except DestinationExists:  # the case file itself, another calendar, a calendar she edited …
            echo("✗ " + current.t("plan.ics_exists", path=str(ics)), err=True)
            raise click.exceptions.Exit(EXIT_INVALID) from None
        except OSError as error:
            echo("✗ " + current.t("cli.write_failed", path=str(ics), reason=error.strerror or ""), err=True)
            raise click.exceptions.Exit(EXIT_FAILED) from None
    if as_json:
        echo_json(result.model_dump_json(indent=2))
    else:
        for line in render_plan(result, current, explain=explain, next_steps=steps, case_path=case):
            echo(line)
    if ics is not None:
        count = len(plan_events(result, names, steps))
        echo(current.t("plan.ics_written", path=str(ics), count=count), err=as_json)
    current.report_plugin_warnings()


def _day(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def _flags(item: PlanDate, current: CliState) -> str:
    lang = current.lang
    flags = ""
    if item.unit.value == "hours" and item.end_time is not None:
        flags += current.t("plan.hours", date=_day(item.end_time.date(), lang))
    if item.moved_from is not None:
        flags += current.t("plan.moved", date=_day(item.moved_from, lang))
    if item.latest is not None:
        flags += current.t("plan.latest", date=_day(item.latest, lang))
    if item.assumed:
        flags += current.t("plan.if_filed", date=_day(item.event_date, lang))
    if item.provisional:
        flags += current.t("plan.provisional_flag")
    if item.answered:
        flags += (current.t("plan.answered", date=_day(item.answered_on, lang)) if item.answered_on
                  else current.t("plan.answered_undated"))  # fmt: skip
    elif item.passed:
        flags += current.t("plan.passed")
    return flags


def _explain(item: PlanDate, current: CliState) -> list[str]:
    basis = "；".join(f"{c.instrument}{c.article or ''}［{current.t('status.' + c.status.value)}］" for c in item.basis)
    rules = []
    for provision_id in item.counting:
        try:
            rules.append(bundled_statutes().on(provision_id, item.event_date).reference())
        except StatuteError:
            rules.append(provision_id)
    starts = item.starts.get(current.lang)
    return [
        "      " + current.t("plan.rule", label=item.label.get(current.lang),
                             rule=current.t("plan.rule_length", starts=starts, length=item.length,
                                            unit=current.t("unit." + item.unit.value))),
        "      " + current.t("plan.basis", basis=basis),
        "      " + current.t("plan.counting", rules="、".join(dict.fromkeys(rules))),
    ]  # fmt: skip


def render_plan(result: Plan, current: CliState, *, explain: bool = False, next_steps: NextSteps | None = None,
                case_path: str = "") -> list[str]:  # fmt: skip
    """The plan as text; with ``next_steps``, ending with the single next step and the command that writes its
    documents (``case_path``: the case file as the user named it)."""
    lang = current.lang
    lines = [
        current.t("plan.title", date=_day(result.as_of, lang)),
        current.t("plan.conduct_end", date=_day(result.conduct_end, lang)),
        "",
        current.t("plan.step0"),
    ]
    for window in result.preservation:
        status = current.t("status." + window.basis[0].status.value) if window.basis else ""
        text = current.t("plan.window", label=window.label.get(lang), date=_day(window.earliest, lang),
                         advice=window.advice.get(lang))  # fmt: skip
        lines.append(f"  · {text}［{status}］")
    names = {step.channel: step.name.get(lang) for step in result.steps}
    for item in result.limitations:
        channel = names.get(item.channel, item.channel)
        label, day = item.label.get(lang), _day(item.end, lang)
        line = current.t("plan.limitation", channel=channel, label=label, date=day, flags=_flags(item, current))
        lines.append(f"  · {line}")
        if explain:
            lines += _explain(item, current)
    for step in result.steps:
        parallel = current.t("plan.parallel") if step.parallel else ""
        lines += ["", current.t("plan.step", order=step.step, name=step.name.get(lang)) + parallel]
        reference = current.t("plan.reference", number=step.reference_number) if step.reference_number else ""
        if step.status == "to_file":
            lines.append("  " + current.t("plan.status_to_file"))
        else:
            key = "plan.status_replied" if step.status == "replied" else "plan.status_filed"
            lines.append("  " + current.t(key, date=_day(step.filed_on or result.as_of, lang), reference=reference))
        if step.documents:
            lines.append("  " + current.t("plan.documents", titles="、".join(dict.fromkeys(step.documents))))
        else:
            lines.append("  " + current.t("plan.no_documents"))
        for item in step.dates:
            date_text = _day(item.end, lang)
            if item.unit.value == "hours" and item.end_time is not None:
                date_text = current.t("plan.within_hours", hours=item.length)
            lines.append("  · " + current.t("plan.date_line", label=item.label.get(lang), date=date_text,
                                            flags=_flags(item, current)))  # fmt: skip
            filed = step.status == "filed" and item.event.value == "filed"
            carrier = item.event.value == "carrier" and not item.assumed  # a complaint to the carrier is recorded
            if (filed or carrier) and item.unit.value != "hours":
                lines.append("    " + current.t("plan.trigger", date=date_text, action=item.on_expiry.get(lang)))
            if explain:
                lines += _explain(item, current)
        for deadline in step.not_binding:  # e.g. no statutory reply deadline for this kind of institution
            otherwise = deadline.applies_to.otherwise.get(lang) if deadline.applies_to else ""
            lines.append("  · " + current.t("plan.not_binding", label=deadline.label.get(lang), otherwise=otherwise))
            if explain and deadline.applies_to:
                basis = "；".join(f"{c.instrument}{c.article or ''}［{current.t('status.' + c.status.value)}］"
                                 for c in deadline.applies_to.basis)  # fmt: skip
                lines.append("      " + current.t("plan.basis", basis=basis))
        if step.undated and not explain:
            lines.append("  · " + current.t("plan.more_rules", count=len(step.undated)))
        for deadline in step.undated if explain else ():
            rule = (
                current.t("plan.rule_length", starts=deadline.starts.get(lang), length=deadline.length,
                          unit=current.t("unit." + deadline.unit.value))
                if deadline.length is not None and deadline.unit is not None
                else current.t("plan.rule_no_length", starts=deadline.starts.get(lang))
            )  # fmt: skip
            lines.append("  · " + current.t("plan.rule", label=deadline.label.get(lang), rule=rule))
    if result.provisional:
        lines += ["", current.t("plan.provisional")]
    last = next_step_line(next_steps, case_path, lang) if next_steps is not None else None
    if last is not None:
        lines += ["", last]
    return lines
