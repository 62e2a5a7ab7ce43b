"""``jubao next``: 这周要做的事 — the plan's steps in order, each with where, how and by when (``jubao.next_steps``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from jubao.cli.common import EXIT_FAILED, EXIT_INVALID, DateParam, read_case, refuse_destination
from jubao.cli.params import PathParam
from jubao.cli.state import CliState, state
from jubao.cli.terminal import echo
from jubao.fileio import DestinationExists, NotARegularFile, write_output_file
from jubao.next_steps import NextPage, build_next
from jubao.plan import build_plan

FORMATS = ("text", "md", "docx")


@click.command("next")
@click.argument("case", type=PathParam(path_type=str))
@click.option("--as-of", "--today", "as_of", type=DateParam(),
              help="以哪一天为“今天”（默认：北京时间今天）/ the day to plan from (default: today).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text：在终端显示；md、docx：可打印的文件 / text on the terminal, or a printable file.")  # fmt: skip
@click.option("--out", type=PathParam(path_type=Path),
              help="写入这个文件（不覆盖已有文件）/ write to this file (never over an existing one).")  # fmt: skip
@click.option("--force", is_flag=True, help="覆盖已有的 --out 文件 / overwrite an existing --out file.")
def next_command(case: str, as_of: date | None, fmt: str, out: Path | None, force: bool) -> None:
    """这周要做的事：每一步向哪里、怎样提交，带什么，留什么凭证，哪天前提交 / what to do this week."""
    from jubao.engine import Engine  # noqa: PLC0415 - the engine when the command runs, not for its `--help`

    current = state()
    if fmt == "docx" and out is None:
        raise click.UsageError(current.t("next.need_out"))
    if out is not None and out.exists() and not force:
        _fail(current, current.t("next.exists", path=str(out)), EXIT_INVALID)
    loaded = read_case(case, current)
    if as_of is not None:  # as it stood then: complaints filed later had not been filed (as in jubao plan)
        loaded = loaded.model_copy(update={"prior_complaints": tuple(p for p in loaded.prior_complaints
                                                                     if p.filed_on <= as_of)})  # fmt: skip
    plugins = current.plugins()
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(loaded, today=as_of)
        parameters = engine.ruleset.parameters
    plan = build_plan(loaded, evaluation, plugins, as_of=as_of)
    result = build_next(loaded, evaluation, plan, plugins.channels, parameters)
    page = NextPage(result, case, current.lang, title=loaded.title)
    if fmt == "text":
        data = ("\n".join(page.lines()) + "\n").encode("utf-8")
    else:
        data = plugins.formats[fmt].write(page.document())
    if out is None:
        echo(data.decode("utf-8"), nl=False)
    else:
        _write(out, data, force=force, current=current)
        echo("✓ " + current.t("next.written", path=str(out)), err=True)
    current.report_plugin_warnings()


def _fail(current: CliState, message: str, code: int) -> NoReturn:
    echo("✗ " + message, err=True)
    raise click.exceptions.Exit(code)


def _write(path: Path, data: bytes, *, force: bool, current: CliState) -> None:
    """Write ``data`` to ``path`` atomically: a whole file or none. Without ``force`` an existing file is never
    replaced, even one created a moment ago by someone else (``jubao.fileio.write_output_file``)."""
    try:
        write_output_file(path, data, force=force)
    except NotARegularFile as error:  # a link, pipe or device is not replaced by the file (nor written through)
        refuse_destination(current, "--out", path, error)
    except DestinationExists:
        _fail(current, current.t("next.exists", path=str(path)), EXIT_INVALID)
    except OSError as error:
        _fail(current, current.t("cli.write_failed", path=str(path), reason=error.strerror or ""), EXIT_FAILED)
