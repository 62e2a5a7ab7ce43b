"""``jubao evaluate`` and ``jubao explain``: classify and route a case; show the rules behind it."""

from __future__ import annotations

from datetime import date

import click

from jubao.cli.common import DateParam, read_case
from jubao.cli.render import render_evaluation, render_trace
from jubao.cli.state import state
from jubao.engine import Engine
from jubao.next_steps import build_next, next_step_line
from jubao.plan import build_plan

AS_OF_HELP = (
    "适用哪一天的法律（默认：最后一次催收行为的日期）/ whose law applies (default: day of the latest incident)."
)
TODAY_HELP = "以哪一天为“今天”（默认：北京时间今天）/ the evaluation date (default: today in Beijing)."


@click.command()
@click.argument("case", type=click.Path(path_type=str))
@click.option("--as-of", "as_of", type=DateParam(), help=AS_OF_HELP)
@click.option("--today", type=DateParam(), help=TODAY_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / JSON output (format jubao.evaluation/1).")
def evaluate(case: str, as_of: date | None, today: date | None, as_json: bool) -> None:
    """分类并推荐举报渠道 / classify a case and route it to channels."""
    current = state()
    loaded = read_case(case, current)
    plugins = current.plugins()
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(loaded, as_of=as_of, today=today)
        parameters = engine.ruleset.parameters
    if as_json:
        click.echo(evaluation.model_dump_json(indent=2))
        return
    # The single next step, as jubao next and jubao plan see it on the evaluation's "today" (no drafting needed).
    plan = build_plan(loaded, evaluation, plugins, as_of=evaluation.today, with_documents=False)
    steps = build_next(loaded, evaluation, plan, plugins.channels, parameters)
    last = next_step_line(steps, case, current.lang)
    for line in render_evaluation(evaluation, current, title=loaded.title or case, next_line=last):
        click.echo(line)


@click.command()
@click.argument("case", type=click.Path(path_type=str))
@click.option("--as-of", "as_of", type=DateParam(), help=AS_OF_HELP)
@click.option("--today", type=DateParam(), help=TODAY_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / JSON output (format jubao.trace/1).")
def explain(case: str, as_of: date | None, today: date | None, as_json: bool) -> None:
    """列出触发的规则及依据；对未推荐的渠道说明原因 / the rules that fired, and why-not for the other channels."""
    current = state()
    loaded = read_case(case, current)
    with Engine(plugins=current.plugins()) as engine:
        trace = engine.explain(loaded, as_of=as_of, today=today)
    if as_json:
        click.echo(trace.model_dump_json(indent=2))
        return
    for line in render_trace(trace, current):
        click.echo(line)
