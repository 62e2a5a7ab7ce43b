"""``jubao documents`` (draft every filing for a case) and ``jubao evidence verify`` (are the files unchanged?)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jubao.cli.common import EXIT_FAILED, EXIT_INVALID, DateParam, read_case
from jubao.cli.params import PathParam
from jubao.cli.state import CliState, state
from jubao.cli.terminal import echo
from jubao.evidence import Change, ManifestError, read_manifest, recorded_in_case, recorded_in_manifest, verify

if TYPE_CHECKING:
    from jubao.documents import DocumentSet, WriteOutcome


WRITE_FAILURES = frozenset({"cannot_write"})
"""``DocumentsError`` codes that are not the person's input but the set could not be written (a full disk, a folder
that refuses files): exit 1, as every command that cannot write its output (docs/cli.md, exit status); the other
codes ask for a change to the command (exit 2; ``out_busy``, another run writing the same folder, among them)."""


@click.command()
@click.argument("case", type=PathParam(path_type=str))
@click.option("--out", "out", required=True, type=PathParam(path_type=Path),
              help="输出文件夹（不存在则新建；之前生成的材料如果您改动过，新材料写在旁边带日期的文件夹）/ "
                   "output folder (an earlier set you changed is kept; the new one goes beside it).")  # fmt: skip
@click.option("--channel", "channels", multiple=True, metavar="ID",
              help="只生成这个渠道（可多次使用；默认：所有推荐渠道）/ only this channel (repeatable).")  # fmt: skip
@click.option("--format", "formats", multiple=True, metavar="FORMAT",
              help="只生成这种格式：docx、md、txt、json（可多次使用）/ only this format (repeatable).")  # fmt: skip
@click.option("--today", type=DateParam(), help="文书落款日期（默认：今天）/ the date the documents carry.")
@click.option("--force", is_flag=True,
              help="即使旧材料被改动过也替换它（改动过的文件移到“保留的文件-日期”，添加的文件留在原处）/ replace an "
                   "earlier set even if you changed it (your files are kept inside it).")  # fmt: skip
def documents(case: str, out: Path, *, channels: tuple[str, ...], formats: tuple[str, ...], today: date | None,
              force: bool) -> None:  # fmt: skip
    """为推荐的每个渠道生成文书，并附证据清单和目录 / draft the documents for every routed channel."""
    # Imported here, not at the top: `jubao evidence verify` (and `--help`) need neither the engine nor the drafting.
    from jubao.documents import DocumentsError, build_document_set, write_document_set  # noqa: PLC0415
    from jubao.drafting import TemplateError  # noqa: PLC0415
    from jubao.engine import Engine  # noqa: PLC0415
    from jubao.features import conduct_end  # noqa: PLC0415

    current = state()
    loaded = read_case(case, current)
    if today is not None and today < conduct_end(loaded):  # a filing dated before what it reports: no such filing
        echo("✗ " + current.t("documents.error.today_before_conduct", today=today.isoformat(),
                                last=conduct_end(loaded).isoformat()), err=True)  # fmt: skip
        raise click.exceptions.Exit(EXIT_INVALID)
    plugins = current.plugins()
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(loaded, today=today)
    base_dir = Path(case).parent if case != "-" else Path.cwd()
    try:
        document_set = build_document_set(
            loaded, evaluation, plugins, base_dir=base_dir, channels=list(channels) or None,
            formats=list(formats) or None,
        )  # fmt: skip
        outcome = write_document_set(document_set, out, force=force)
    except DocumentsError as error:
        echo("✗ " + current.t(f"documents.error.{error.code}", **error.params), err=True)
        failed = error.code in WRITE_FAILURES  # the request was fine; the disk or another run was not
        raise click.exceptions.Exit(EXIT_FAILED if failed else EXIT_INVALID) from None
    except TemplateError as error:
        echo("✗ " + current.t("documents.template_error", detail=str(error)), err=True)
        raise click.exceptions.Exit(EXIT_FAILED) from None
    if outcome.recovered:
        echo("· " + current.t("documents.recovered", count=outcome.recovered))
    _report_earlier_set(outcome, out, current)
    _report(document_set, outcome.path, current)
    _report_kept(outcome, current)
    _report_rescued(outcome, current)
    current.report_plugin_warnings()
    if any(c.error for c in document_set.channels):
        raise click.exceptions.Exit(EXIT_FAILED)


MAX_LISTED = 20
"""Files listed per kind when an earlier set was changed; the rest are counted."""


def _listing(paths: tuple[str, ...] | list[str], key: str, current: CliState) -> list[str]:
    if not paths:
        return []
    lines = ["    " + current.t(key, count=len(paths))]
    lines += [f"      {path}" for path in paths[:MAX_LISTED]]
    if len(paths) > MAX_LISTED:
        lines.append("      " + current.t("documents.regen.more", count=len(paths) - MAX_LISTED))
    return lines


def _report_earlier_set(outcome: WriteOutcome, out: Path, current: CliState) -> None:
    """Before the usual report: why the earlier set was left alone (``beside``) or what replacing it did."""
    if outcome.action == "replaced":
        echo("· " + current.t("documents.regen.replaced", path=str(out)))
        return
    if outcome.action not in ("beside", "forced"):
        return
    changes = outcome.changes
    key = "documents.regen.kept_folder" if outcome.action == "beside" else "documents.regen.forced"
    if not changes:  # nothing changed, but the case's evidence files are in it
        key = "documents.regen.kept_evidence"
    echo("! " + current.t(key, path=str(out)))
    for line in [
        *_listing(changes.changed, "documents.regen.changed", current),
        *_listing(changes.added, "documents.regen.added", current),
        *_listing(changes.missing, "documents.regen.missing", current),
        *_listing(changes.unreadable, "documents.regen.unreadable", current),
        *_listing(changes.evidence, "documents.regen.evidence", current),
    ]:
        echo(line)


def _report_kept(outcome: WriteOutcome, current: CliState) -> None:
    """After the usual report: where the user's files are now, and how to replace the earlier set."""
    from jubao.documents import KEPT_FOLDER  # noqa: PLC0415 - loaded already by `documents`

    if outcome.action == "beside":
        echo("! " + current.t("documents.regen.beside", path=str(outcome.path)))
        echo("  " + current.t("documents.regen.force_hint", kept=KEPT_FOLDER))
    elif outcome.action == "forced":
        moved = [(old, new) for old, new in outcome.kept if old != new]
        stayed = [old for old, new in outcome.kept if old == new]
        if moved:
            echo("! " + current.t("documents.regen.moved", count=len(moved)))
            for old, new in moved[:MAX_LISTED]:
                echo(f"      {old} → {outcome.path / new}")
            if len(moved) > MAX_LISTED:
                echo("      " + current.t("documents.regen.more", count=len(moved) - MAX_LISTED))
        if stayed:
            echo("  " + current.t("documents.regen.stayed", count=len(stayed)))
        if outcome.changes.missing:
            echo("  " + current.t("documents.regen.recreated", count=len(outcome.changes.missing)))


def _report_rescued(outcome: WriteOutcome, current: CliState) -> None:
    """Files that were not in the earlier set when it was checked (saved into it while jubao was writing, or left
    in an interrupted run's folder): moved, never deleted — say where they are."""
    if not outcome.rescued:
        return
    echo("! " + current.t("documents.regen.rescued", count=len(outcome.rescued), path=str(outcome.path)))
    for old, new in outcome.rescued[:MAX_LISTED]:
        echo(f"      {old} → {outcome.path / new}")
    if len(outcome.rescued) > MAX_LISTED:
        echo("      " + current.t("documents.regen.more", count=len(outcome.rescued) - MAX_LISTED))


def _report(document_set: DocumentSet, out: Path, current: CliState) -> None:
    from jubao.documents import missing_files  # noqa: PLC0415 - loaded already by `documents`

    echo("✓ " + current.t("documents.written", count=len(document_set.files), path=str(out)))
    for c in document_set.channels:
        name = c.name.get(current.lang)
        if not c.has_adapter:
            echo(f"  · {name} ({c.channel}): " + current.t("documents.no_adapter"))
            continue
        if c.error:
            echo(f"  ✗ {name} ({c.channel}): " + current.t("documents.plugin_failed", detail=c.error))
            continue
        routed = "" if c.routed else " " + current.t("documents.not_routed")
        echo(f"  · {name} ({c.channel}){routed}")
        for d in c.documents:
            blanks = " " + current.t("documents.blanks", count=len(d.blanks)) if d.blanks else ""
            echo(f"      {', '.join(d.files)}{blanks}")
        for title in c.no_format:
            echo("      " + current.t("documents.no_format", title=title))
        for m in c.missing:
            echo("      " + current.t("documents.missing", path=m.path, label=m.label.get(current.lang)))
    for fp in missing_files(document_set):
        echo("  ! " + current.t("documents.evidence_missing", number=fp.number, id=fp.id, path=fp.path or ""))
    if document_set.blanks():
        echo(current.t("documents.blanks_hint", index=str(out / "index.md")))


@click.group()
def evidence() -> None:
    """证据文件：核对是否被改动 / evidence files: check they are unchanged."""


@evidence.command("verify")
@click.argument("case", type=PathParam(path_type=str))
@click.option("--manifest", type=PathParam(path_type=Path),
              help="jubao documents 写出的 evidence.json（默认：核对案件文件中记录的 sha256）/ the evidence.json "
                   "a document set recorded (default: the sha256 values in the case).")  # fmt: skip
def verify_command(case: str, manifest: Path | None) -> None:
    """重新计算证据文件的 SHA-256 并报告变化 / re-hash evidence files and report changes."""
    current = state()
    loaded = read_case(case, current, check_channels=False)  # only the evidence matters here
    if manifest is not None:
        try:
            recorded = recorded_in_manifest(read_manifest(manifest))
        except ManifestError as error:
            echo("✗ " + error.message(current.lang), err=True)
            raise click.exceptions.Exit(EXIT_INVALID) from None
    else:
        recorded = recorded_in_case(loaded)
    base_dir = Path(case).parent if case != "-" else Path.cwd()
    results = verify(loaded, base_dir, recorded)
    problems = 0
    for item in results:
        label = (
            f"证据{item.number}"
            if current.lang == "zh" and item.number
            else (f"E#{item.number}" if item.number else "")
        )
        line = current.t(f"evidence.{item.change.value}", label=label, id=item.id, path=item.path or "")
        bad = item.change in (Change.CHANGED, Change.MISSING, Change.REMOVED)
        problems += bad
        echo(("✗ " if bad else "✓ " if item.change is Change.UNCHANGED else "· ") + line)
    echo(current.t("evidence.summary", total=len(results), problems=problems))
    if not recorded:
        echo(current.t("evidence.nothing_recorded"), err=True)
        raise click.exceptions.Exit(EXIT_INVALID)
    if problems:
        raise click.exceptions.Exit(EXIT_FAILED)
