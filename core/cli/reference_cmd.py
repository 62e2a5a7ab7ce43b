"""``jubao facts list`` and ``jubao statutes list``: what rule and template authors can refer to.

A plugin's rules read facts by name and its templates cite provisions by id (``ctx.law("pipl.consent")``); these
listings are where an author finds the names, with the plugin that contributes each fact and the version of each
provision in force on a date.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from jubao.cli.common import DateParam
from jubao.cli.render import source_json
from jubao.cli.state import state
from jubao.cli.terminal import echo, echo_json


@click.group()
def facts() -> None:
    """规则可读取的事实 / facts rules can read."""


@facts.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def facts_list(as_json: bool) -> None:
    """列出所有事实（jubao 的和插件提供的）/ list every fact, jubao's and plugins'."""
    current = state()
    loaded = current.plugins()
    rows: list[dict[str, Any]] = [
        {
            "name": spec.name,
            "type": spec.type.value,
            "kind": "derived" if spec.derived else "feature",
            "plugin": loaded.feature_owner.get(spec.name, "jubao"),
            "values": spec.values,
            "description": spec.description.get(current.lang),
        }
        for spec in loaded.ruleset.facts.values()
    ]
    if as_json:
        echo_json(json.dumps({"facts": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        values = f" [{', '.join(row['values'])}]" if row["values"] else ""
        origin = "" if row["plugin"] == "jubao" else f"  ({current.t('facts.from_plugin', plugin=row['plugin'])})"
        echo(f"{row['name']}  {row['type']}{values}  {current.t('facts.' + row['kind'])}{origin}")
        echo(f"    {row['description']}")


@click.group()
def statutes() -> None:
    """法条库 / the statute library templates cite."""


@statutes.command("list")
@click.option("--on", "day", type=DateParam(), help="显示该日生效的版本（默认：今天）/ versions in force on this day.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def statutes_list(day: date | None, as_json: bool) -> None:
    """列出可在模板中引用的法条编号 / list the provision ids templates can cite (ctx.law(ID))."""
    from jubao.statutes import bundled_statutes  # noqa: PLC0415 - the library only for this command

    current = state()
    library = bundled_statutes()
    day = day or date.today()
    rows = []
    for provision_id in library.ids():
        provision = library.provision(provision_id)
        version = provision.on(day)
        rows.append(
            {
                "id": provision_id,
                "title": provision.title,
                "timing": provision.timing,
                "reference": version.reference() if version else None,
                "status": version.status.value if version else None,
                "sources": source_json(version.source) if version else [],
            }
        )
    if as_json:
        echo_json(json.dumps({"on": day.isoformat(), "provisions": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        reference = row["reference"] or current.t("statutes.not_in_force")
        echo(f"{row['id']}  {reference}  [{row['status'] or '-'}]  {row['title']}")
