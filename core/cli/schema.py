"""``jubao schema``: export JSON Schemas of jubao's formats for editors and other tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from jubao.case import case_json_schema
from jubao.cli.state import state
from jubao.fileio import write_text_atomic

EXIT_WRITE_FAILED = 1


@click.group()
def schema() -> None:
    """导出 JSON Schema / export JSON Schemas."""


@schema.command("case")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="写入文件（原子写入）而不是标准输出 / write to this file (atomically) instead of stdout.",
)
def case_schema(out: Path | None) -> None:
    """案件文件格式的 JSON Schema / the JSON Schema of case files."""
    text = json.dumps(case_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    current = state()
    try:
        write_text_atomic(out, text)
    except OSError as exc:
        click.echo(current.t("cli.write_failed", path=out, reason=exc.strerror or type(exc).__name__), err=True)
        raise click.exceptions.Exit(EXIT_WRITE_FAILED) from None
    click.echo(current.t("cli.schema_written", path=out), err=True)
