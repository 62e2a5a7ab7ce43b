"""``jubao facts list`` and ``jubao statutes list``: what a rule or template author looks up."""

from __future__ import annotations

import json

from click.testing import CliRunner

from jubao.cli.main import cli


def test_statutes_list_shows_the_version_in_force_on_the_day(runner: CliRunner) -> None:
    def on(day: str) -> dict[str, dict[str, str | None]]:
        result = runner.invoke(cli, ["statutes", "list", "--json", "--on", day])
        assert result.exit_code == 0
        return {row["id"]: row for row in json.loads(result.stdout)["provisions"]}

    before, after = on("2025-06-01"), on("2026-06-01")
    assert before["public_order.harassment"]["reference"] == "《中华人民共和国治安管理处罚法》第四十二条第（五）项"
    assert after["public_order.harassment"]["reference"] == "《中华人民共和国治安管理处罚法》第五十条第一款第（五）项"
    assert before["public_order.no_contact_order"]["reference"] is None  # the no-contact order came with the 2025 law
    text = runner.invoke(cli, ["statutes", "list", "--on", "2025-06-01"]).stdout
    assert "public_order.no_contact_order  （该日无生效版本）" in text


def test_facts_list_names_each_facts_kind_and_type(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--lang", "en", "facts", "list", "--json"])
    assert result.exit_code == 0
    facts = {row["name"]: row for row in json.loads(result.stdout)["facts"]}
    assert facts["mediums"]["kind"] == "feature"
    assert facts["mediums"]["type"] == "set"
    assert "wechat" in facts["mediums"]["values"]
    assert facts["severity"]["kind"] == "derived"
    assert {row["plugin"] for row in facts.values()} == {"jubao"}  # no third-party plugin in this environment
    assert "feature (computed from the case)" in runner.invoke(cli, ["--lang", "en", "facts", "list"]).stdout
