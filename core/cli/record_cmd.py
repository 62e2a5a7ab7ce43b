"""``jubao filed`` and ``jubao replied``: record in the case file that a complaint was filed or answered.

The case file is updated in place (``jubao.case_edit``): only the lines that record the event change; the user's
comments and layout stay as they were. The channel id is checked against the installed channels first, the result
is validated with jubao's case model, and the file is written atomically — on any error nothing is written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from jubao.case import Case
from jubao.case_edit import Edit, EditError, add_filing, record_reply, unknown_channel
from jubao.cli.common import EXIT_FAILED, EXIT_INVALID, DayParam, read_case
from jubao.cli.params import PathParam
from jubao.cli.state import CliState, state
from jubao.cli.terminal import echo
from jubao.fileio import write_text_atomic
from jubao.loading import CaseFileError, read_case_bytes


def _day(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


_ON_HELP = "日期：2026-11-20、2026年11月20日 或 今天 / the date: 2026-11-20, 2026年11月20日 or today."


@click.command()
@click.argument("case", type=PathParam(path_type=str))
@click.argument("channel")
@click.option("--on", "on", required=True, type=DayParam(), help="提交的" + _ON_HELP)
@click.option("--ref", "reference", metavar="NUMBER",
              help="工单号、受理编号或回执号 / the reference number you were given.")  # fmt: skip
def filed(case: str, channel: str, on: date, reference: str | None) -> None:
    """记下已向某个渠道提交了投诉或举报（更新案件文件）/ record that you filed with a channel."""
    current = state()
    path, text, loaded = _open(case, current)
    _check_channel(loaded, channel, current)
    try:
        edit = add_filing(text, channel=channel, filed_on=on, reference_number=reference, source=case)
    except (EditError, CaseFileError) as error:
        _refuse(error, current, case=case)
    _write(path, text, edit, current)
    name = _channel_name(channel, current)
    number = current.t("record.reference", number=reference) if reference else ""
    echo("✓ " + current.t("record.filed", date=_day(on, current.lang), name=name, channel=channel,
                                reference=number))  # fmt: skip
    _updated(case, edit, current)
    echo("  " + current.t("record.filed_next", case=case, channel=channel))


@click.command()
@click.argument("case", type=PathParam(path_type=str))
@click.argument("channel")
@click.option("--on", "on", required=True, type=DayParam(), help="收到答复的" + _ON_HELP)
@click.option("--summary", metavar="TEXT", help="答复的主要内容 / what the reply said.")
def replied(case: str, channel: str, on: date, summary: str | None) -> None:
    """记下某个渠道已经答复（更新最近一次尚未答复的投诉）/ record a channel's reply to your latest complaint."""
    current = state()
    path, text, loaded = _open(case, current)
    _check_channel(loaded, channel, current)
    try:
        edit = record_reply(text, channel=channel, reply_on=on, summary=summary, source=case)
    except (EditError, CaseFileError) as error:
        _refuse(error, current, case=case)
    _write(path, text, edit, current)
    prior = edit.case.prior_complaints[edit.index]
    number = current.t("record.reference", number=prior.reference_number) if prior.reference_number else ""
    echo("✓ " + current.t("record.replied", date=_day(on, current.lang), name=_channel_name(channel, current),
                                channel=channel, filed=_day(prior.filed_on, current.lang),
                                reference=number))  # fmt: skip
    _updated(case, edit, current)
    echo("  " + current.t("record.replied_next", case=case))


def _open(case: str, current: CliState) -> tuple[Path, str, Case]:
    """The case file's path, text and case; stops (exit 2) if it is stdin, unreadable or invalid now."""
    if case == "-":
        echo("✗ " + current.t("record.error.stdin"), err=True)
        raise click.exceptions.Exit(EXIT_INVALID)
    loaded = read_case(case, current, check_channels=False)  # prints every problem and exits 2 if invalid
    path = Path(case)
    try:
        text = read_case_bytes(path).decode("utf-8")  # a byte-order mark stays in the text and is written back
    except (CaseFileError, OSError, UnicodeDecodeError) as error:  # read a moment ago; changed since
        reason = error.strerror if isinstance(error, OSError) else "UTF-8" if isinstance(error, UnicodeError) else ""
        echo("✗ " + current.t("cli.write_failed", path=case, reason=reason or ""), err=True)
        raise click.exceptions.Exit(EXIT_INVALID) from None
    return path, text, loaded


def _check_channel(case: Case, channel: str, current: CliState) -> None:
    """Stop (exit 2) if ``channel`` is not an installed channel's id, naming the nearest one."""
    plugins = current.plugins()
    problem = unknown_channel(case, channel, plugins.ruleset.channels)
    if problem is None:
        return
    if "suggestion" not in problem.params:  # a Chinese name, or part of one: 公安, 银保监
        named = [cid for cid, c in plugins.channels.items() if channel and channel in (c.name.zh + c.name.en)]
        if len(named) == 1:
            problem = problem.model_copy(update={"params": {**problem.params, "suggestion": named[0]}})
    echo("✗ " + current.t("record.error.unknown_channel", channel=channel,
                                detail=problem.message(current.lang)), err=True)  # fmt: skip
    echo("  " + current.t("record.nothing_written"), err=True)
    raise click.exceptions.Exit(EXIT_INVALID)


def _refuse(error: EditError | CaseFileError, current: CliState, *, case: str) -> NoReturn:
    if isinstance(error, EditError):
        echo("✗ " + current.t(f"record.error.{error.code}", case=case, **error.params), err=True)
    else:  # the edit would make the file invalid (a date in the future, a summary too long …)
        echo("✗ " + current.t("record.error.invalid_result"), err=True)
        for problem in error.problems:
            echo(f"  {problem.path}: {problem.message(current.lang)}", err=True)
    echo("  " + current.t("record.nothing_written"), err=True)
    raise click.exceptions.Exit(EXIT_INVALID)


def _write(path: Path, read: str, edit: Edit, current: CliState) -> None:
    """Write the edited case over the file — unless the file is no longer the text the edit was made from: an
    editor saved it while jubao loaded its plugins, say. Writing then would silently undo that save."""
    try:
        now = read_case_bytes(path).decode("utf-8")
    except (CaseFileError, OSError, UnicodeDecodeError):
        now = None
    if now != read:
        echo("✗ " + current.t("record.error.changed_meanwhile", case=str(path)), err=True)
        echo("  " + current.t("record.nothing_written"), err=True)
        raise click.exceptions.Exit(EXIT_FAILED)
    try:
        write_text_atomic(path.resolve(), edit.text)  # through a link, the file it points to
    except OSError as error:
        echo("✗ " + current.t("cli.write_failed", path=str(path), reason=error.strerror or ""), err=True)
        raise click.exceptions.Exit(EXIT_FAILED) from None


def _updated(case: str, edit: Edit, current: CliState) -> None:
    first, last = edit.lines
    lines = f"{first}" if first == last else f"{first}–{last}"
    echo("  " + current.t("record.updated", path=case, lines=lines))


def _channel_name(channel: str, current: CliState) -> str:
    found = current.plugins().channels.get(channel)
    return found.name.get(current.lang) if found else channel
