"""``jubao schema``: export JSON Schemas of jubao's formats for editors and other tools."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from jubao.case import case_json_schema
from jubao.cli.common import refuse_destination
from jubao.cli.params import PathParam
from jubao.cli.state import state
from jubao.cli.terminal import echo_json
from jubao.evaluation import evaluation_json_schema, trace_json_schema
from jubao.fileio import DestinationExists, NotARegularFile, write_output_file

EXIT_WRITE_FAILED = 1
EXIT_REFUSED = 2

SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "case": case_json_schema,
    "evaluation": evaluation_json_schema,
    "trace": trace_json_schema,
}
"""What ``jubao schema NAME`` can print: the case file format, ``jubao.evaluation/1`` and ``jubao.trace/1``."""


@click.command()
@click.argument("name", type=click.Choice(list(SCHEMAS)), metavar="NAME")
@click.option(
    "--out",
    "out",
    type=PathParam(dir_okay=False, path_type=Path),
    help="写入文件（原子写入；只覆盖 jubao 的同名 JSON Schema）而不是标准输出 / write to this file (atomically; "
    "replacing only jubao's schema of the same name) instead of stdout.",
)
@click.option("--force", is_flag=True, help="覆盖已有的 --out 文件，不管是什么 / overwrite an existing --out file.")
def schema(name: str, out: Path | None, force: bool) -> None:
    """导出 JSON Schema / export a JSON Schema (draft 2020-12).

    \b
    case        案件文件格式 / case files
    evaluation  jubao evaluate --json 的输出（jubao.evaluation/1）/ the output of jubao evaluate --json
    trace       jubao explain --json 的输出（jubao.trace/1）/ the output of jubao explain --json
    """
    document = SCHEMAS[name]()
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if out is None:
        echo_json(text.removesuffix("\n"))  # writable in any terminal's encoding, losslessly
        return
    current = state()
    try:
        write_output_file(out, text.encode("utf-8"), force=force, replaceable=_same_schema(document["$id"]))
    except NotARegularFile as error:
        refuse_destination(current, "--out", out, error)
    except DestinationExists:
        click.echo("✗ " + current.t("cli.schema_exists", path=out), err=True)
        raise click.exceptions.Exit(EXIT_REFUSED) from None
    except OSError as exc:
        click.echo(current.t("cli.write_failed", path=out, reason=exc.strerror or type(exc).__name__), err=True)
        raise click.exceptions.Exit(EXIT_WRITE_FAILED) from None
    click.echo(current.t("cli.schema_written", path=out), err=True)


def _same_schema(schema_id: str) -> Callable[[bytes], bool]:
    """Whether an existing file is jubao's JSON Schema of the same format (any version of it: ``$id`` is
    ``urn:jubao:schema:NAME:N``): regenerating it after an upgrade replaces it; any other file is kept."""
    prefix = schema_id.rsplit(":", 1)[0] + ":"

    def replaceable(existing: bytes) -> bool:
        try:
            document = json.loads(existing)
        except ValueError:
            return False
        return isinstance(document, dict) and str(document.get("$id", "")).startswith(prefix)

    return replaceable
