"""``jubao plugins``, ``jubao channels list|show`` and ``jubao plugin new``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from jubao.cli.params import PathParam
from jubao.cli.render import source_json, source_lines
from jubao.cli.state import CliState, state
from jubao.cli.terminal import echo, echo_json


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def plugins(as_json: bool) -> None:
    """列出已加载的插件 / list loaded plugins (name, version, hooks, channels)."""
    current = state()
    loaded = current.plugins()
    rows: list[dict[str, Any]] = [
        {
            "name": info.name,
            "version": info.version,
            "distribution": info.distribution,
            "hooks": list(info.hooks),
            "channels": sorted(cid for cid, owner in loaded.channel_owner.items() if owner == info.name),
            "formats": sorted(fid for fid, owner in loaded.format_owner.items() if owner == info.name),
        }
        for info in loaded.plugins
    ]
    if as_json:
        errors = [{"plugin": e.plugin, "error": e.message} for e in loaded.errors]
        echo_json(json.dumps({"plugins": rows, "errors": errors}, ensure_ascii=False, indent=2))
        return
    if not rows:
        echo(current.t("plugins.none"))
    for row in rows:
        echo(f"{row['name']} {row['version'] or ''}  ({row['distribution'] or '-'})")
        echo(f"    {current.t('plugins.hooks')}{', '.join(row['hooks']) or '-'}")
        if row["channels"]:
            echo(f"    {current.t('plugins.channels')}{', '.join(row['channels'])}")
        if row["formats"]:
            echo(f"    {current.t('plugins.formats')}{', '.join(row['formats'])}")


@click.group()
def channels() -> None:
    """举报渠道 / reporting channels."""


def _known(current: CliState) -> tuple[Any, Any]:
    loaded = current.plugins()
    return loaded, loaded.ruleset


@channels.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def list_channels(as_json: bool) -> None:
    """列出所有渠道 / list every channel jubao knows (from its rules and from plugins)."""
    current = state()
    loaded, ruleset = _known(current)
    rows = [
        {
            "id": cid,
            "name": channel.label.model_dump(),
            "routable": channel.routable,
            "adapter": loaded.channel_owner.get(cid),
        }
        for cid, channel in ruleset.channels.items()
    ]
    if as_json:
        echo_json(json.dumps({"channels": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        owner = row["adapter"] or current.t("channels.no_adapter")
        flag = "" if row["routable"] else current.t("channels.not_a_channel")
        echo(f"{row['id']:<24} {row['name'][current.lang]}{flag}  [{owner}]")


@channels.command("show")
@click.argument("channel_id")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def show_channel(channel_id: str, as_json: bool) -> None:
    """显示一个渠道：所需材料、期限、文书格式、来源与核实情况 / show one channel in full."""
    current = state()
    loaded, ruleset = _known(current)
    adapter = loaded.channels.get(channel_id)
    declared = ruleset.channels.get(channel_id)
    if adapter is None and declared is None:
        echo(current.t("channels.unknown", id=channel_id, known=", ".join(ruleset.channels)), err=True)
        raise click.exceptions.Exit(2)
    if as_json:
        data: dict[str, Any] = {"id": channel_id, "adapter": loaded.channel_owner.get(channel_id)}
        if declared is not None:
            data["routable"] = declared.routable
            data["why_not"] = declared.why_not.model_dump() if declared.why_not else None
        data["channel"] = adapter.model_dump(mode="json") if adapter is not None else None
        if adapter is not None:
            data["sources"] = _channel_sources(adapter)
        echo_json(json.dumps(data, ensure_ascii=False, indent=2))
        return
    lang = current.lang
    if adapter is None:
        assert declared is not None
        echo(f"{declared.name.get(lang)}  [{channel_id}]")
        if declared.why_not is not None:
            echo(declared.why_not.get(lang))
        else:
            echo(current.t("channels.no_adapter_long"))
        return
    _print_channel(adapter, loaded.channel_owner[channel_id], current)


def _channel_sources(channel: Any) -> dict[str, Any]:
    """Every source id the channel's provenance and deadline bases name, as its public entry (for ``--json``)."""
    named: dict[str, Any] = {}
    texts = [*channel.provenance.sources, *(c.source for d in channel.deadlines for c in d.basis if c.source)]
    for text in texts:
        for item in source_json(text):
            if isinstance(item, dict):
                named[item["id"]] = item
    return named


def _print_channel(channel: Any, owner: str, current: CliState) -> None:
    t, lang = current.t, current.lang
    echo(f"{channel.name.get(lang)}  [{channel.id}]  ({t('channels.provided_by', plugin=owner)})")
    echo(f"{t('channels.authority')}{channel.authority.get(lang)}")
    echo(t("channels.accepts"))
    for item in channel.scope.accepts:
        echo(f"  · {item.get(lang)}")
    if channel.scope.refuses:
        echo(t("channels.refuses"))
        for item in channel.scope.refuses:
            echo(f"  · {item.get(lang)}")
    echo(t("channels.filing"))
    for method in channel.filing:
        hours = f"（{method.hours.get(lang)}）" if method.hours else ""
        echo(f"  · {method.kind.value}: {method.address or '-'}{hours} ［{t('status.' + method.status.value)}］")
    if channel.required_fields:
        echo(t("channels.fields"))
        for item in channel.required_fields:
            echo(f"  · {item.label.get(lang)}  ({item.path})")
    echo(t("channels.deadlines"))
    if not channel.deadlines:
        echo("  · " + t("channels.no_deadline"))
    for deadline in channel.deadlines:
        length = (
            f"{deadline.length} {t('unit.' + deadline.unit.value)}"
            if deadline.length and deadline.unit
            else t("channels.no_number")
        )
        basis = "；".join(f"{c.instrument}{c.article or ''}［{t('status.' + c.status.value)}］" for c in deadline.basis)
        echo(f"  · {deadline.label.get(lang)}: {length} — {deadline.starts.get(lang)}  {t('eval.basis')}{basis}")
        for extension in deadline.extensions:
            more = f"+{extension.length} {t('unit.' + extension.unit.value)}"
            echo(f"      {t('channels.extension')}{more}（{extension.condition.get(lang)}）")
        for citation in deadline.basis:
            if citation.note:
                echo(f"      {t('channels.note')}{citation.note}")
    if channel.formats:
        echo(f"{t('channels.formats')}{', '.join(channel.formats)}")
    prov = channel.provenance
    echo(t("channels.provenance", date=prov.last_verified.isoformat(), status=t("status." + prov.status.value)))
    for entry in prov.sources:
        for line in source_lines(entry, current):
            echo(line)


@click.group()
def plugin() -> None:
    """插件开发 / for plugin authors."""


@plugin.command("new")
@click.argument("name")
@click.option("--dir", "directory", type=PathParam(file_okay=False, path_type=Path), default=None,
              help="在此已有目录下创建（默认：当前目录）/ existing parent directory (default: current).")  # fmt: skip
def new_plugin(name: str, directory: Path | None) -> None:
    """创建一个可直接安装的插件项目 / create a ready-to-install plugin project.

    NAME is the distribution name, e.g. jubao-hotline-12345 (lower case, digits, - or _). The project is
    written to DIR/NAME, which must not exist; nothing is ever overwritten.
    """
    from jubao.cli.common import EXIT_FAILED, EXIT_INVALID  # noqa: PLC0415 - only this command needs these
    from jubao.scaffold import ScaffoldError, create_plugin  # noqa: PLC0415

    current = state()
    try:
        target = create_plugin(name, directory or Path.cwd())
    except ScaffoldError as exc:
        if exc.code == "bad_name":
            raise click.BadParameter(current.t("plugins.bad_name", name=name), param_hint="NAME") from None
        echo("✗ " + current.t(f"plugins.scaffold.{exc.code}", **exc.params), err=True)
        failed = exc.code == "cannot_write"  # a full disk or a folder refusing files: output not written (exit 1)
        raise click.exceptions.Exit(EXIT_FAILED if failed else EXIT_INVALID) from None
    echo(current.t("plugins.created", path=target))
