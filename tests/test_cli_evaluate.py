"""jubao evaluate / explain as a user sees them: Chinese by default, English on request, JSON for tools."""

from __future__ import annotations

import json

from click.testing import CliRunner

from jubao.cli.main import cli
from tests.conftest import DATA, EXAMPLES

CREDIT = str(EXAMPLES / "credit-card-employer.yaml")


def test_evaluate_prints_a_chinese_analysis(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evaluate", CREDIT, "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("【分类】", "【严重程度】S3", "【法律定性】", "【推荐渠道】"):
        assert heading in out
    assert "国家金融监督管理总局" in out
    assert "1. 放贷机构/催收委托方自身投诉渠道  [lender_complaint]" in out
    assert "《中华人民共和国治安管理处罚法》（2025 年修订）第五十条第一款第（五）项［二手资料］" in out
    assert "《中华人民共和国治安管理处罚法》（2025 年修订）第五十条第二款［二手资料］" in out  # the no-contact order
    assert "不构成法律意见" in out
    assert out.index("[lender_complaint]") < out.index("[police]") < out.index("[nfra_12378]")


def test_unverified_law_is_marked(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evaluate", str(EXAMPLES / "unlicensed-714-threats.yaml"), "--today", "2026-11-23"])
    assert result.exit_code == 0
    assert "据信为第五十条第一款第（一）项（未核实）［未核实］" in result.stdout


def test_evaluate_in_english(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--lang", "en", "evaluate", CREDIT, "--today", "2026-11-23"])
    assert result.exit_code == 0
    assert "[Recommended channels]" in result.stdout
    assert "NFRA and its local offices" in result.stdout
    assert "【" not in result.stdout


def test_evaluate_json_is_the_evaluation(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evaluate", CREDIT, "--today", "2026-11-23", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["format"] == "jubao.evaluation/1"
    assert data["as_of"] == "2026-10-16"
    assert data["severity"]["level"] == 3
    assert [route["channel"] for route in data["routes"]][:2] == ["lender_complaint", "miit_12321"]
    assert len(data["ruleset_hash"]) == 64


def test_as_of_changes_the_law_applied(runner: CliRunner) -> None:
    case = str(EXAMPLES / "unlicensed-714-threats.yaml")
    old = runner.invoke(cli, ["evaluate", case, "--as-of", "2025-12-21", "--today", "2026-11-23"])
    assert "第四十二条第（五）项" in old.stdout
    assert "第五十条第一款第（五）项" not in old.stdout


def test_explain_shows_matches_and_why_not(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["explain", CREDIT, "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "【触发的规则】" in out
    assert "✓ relations_reached 应包含 employer（实际：colleague, employer）" in out
    assert "[route.cac_12377.app] 未满足：lender_has_app 应等于 是（实际：否）" in out
    assert "信用中国是公共信用信息公示平台" in out


def test_explain_json_is_a_versioned_trace(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["explain", CREDIT, "--today", "2026-11-23", "--json"])
    data = json.loads(result.stdout)
    assert data["format"] == "jubao.trace/1"
    why_not = {entry["channel"]: entry for entry in data["why_not"]}
    assert set(why_not) >= {"cac_12377", "credit_china", "nifa"}
    assert why_not["cac_12377"]["rules"][0]["failed"][0]["fact"] == "lender_has_app"
    fired = data["evaluation"]["fired"]
    assert all(item["matched"] for item in fired)


def test_invalid_case_exits_2_with_problems(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evaluate", str(DATA / "invalid" / "many-problems.yaml")])
    assert result.exit_code == 2
    assert "reporter.phone" in result.stderr
    assert "Traceback" not in result.output


def test_bad_date_option_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evaluate", CREDIT, "--as-of", "2026-02-30"])
    assert result.exit_code == 2
    assert "2026-02-30" in result.stderr
