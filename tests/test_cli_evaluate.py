"""jubao evaluate / explain as a user sees them: Chinese by default, English on request, JSON for tools."""

from __future__ import annotations

import itertools
import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from jubao.cli.main import cli
from tests.conftest import DATA, EXAMPLES, REPO, example_cases

CREDIT = str(EXAMPLES / "credit-card-employer.yaml")


def test_evaluate_prints_a_chinese_analysis(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evaluate", CREDIT, "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("【分类】", "【严重程度】S3", "【法律定性】", "【推荐渠道】"):
        assert heading in out
    assert "国家金融监督管理总局" in out
    assert "\n  1. 放贷机构/催收委托方自身投诉渠道\n" in out
    assert "《中华人民共和国治安管理处罚法》（2025 年修订）第五十条第一款第（五）项［二手资料］" in out
    assert "《中华人民共和国治安管理处罚法》（2025 年修订）第五十条第二款［二手资料］" in out  # the no-contact order
    assert "不构成法律意见" in out
    assert out.index("1. 放贷机构") < out.index("2. 公安机关") < out.index("3. 12378")


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


# --- issue 12 item 6: output a victim can read ----------------------------------------------------------------------


def _rule_ids() -> set[str]:
    from jubao.plugins import load_plugins  # noqa: PLC0415 - only these tests need the rule set

    return {rule.id for rule in load_plugins().ruleset.rules}


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_default_output_hides_rule_ids_and_strata(path: Path, runner: CliRunner) -> None:
    ids = _rule_ids()
    for command in ("evaluate", "plan"):
        out = runner.invoke(cli, [command, str(path), "--today" if command == "evaluate" else "--as-of",
                                  "2026-11-23"]).stdout  # fmt: skip
        shown = [rule for rule in ids if rule in out]
        assert not shown, (command, shown)
        assert not re.search(r"\[[a-z_]+(\.[a-z0-9_]+)+\]", out), command  # no [route.x.y]-like id at all
        assert "层" not in out
        assert "stratum" not in out
    # they stay where people look for them on purpose
    data = json.loads(runner.invoke(cli, ["evaluate", str(path), "--today", "2026-11-23", "--json"]).stdout)
    assert all(reason["rule"] in ids for route in data["routes"] for reason in route["reasons"])
    explained = runner.invoke(cli, ["explain", str(path), "--today", "2026-11-23"]).stdout
    assert re.search(r"\[route\.[a-z0-9_.]+\]", explained)
    assert "(第 0 层)" in explained


def _route_lines(out: str) -> list[tuple[int, str, bool]]:
    section = out.split("【推荐渠道】", 1)[1].split("\n\n", 1)[0]
    lines = re.findall(r"^  (\d+)\. (.+)$", section, re.M)
    return [(int(n), rest.removesuffix("（可同时进行）"), rest.endswith("（可同时进行）")) for n, rest in lines]


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_route_numbers_are_consecutive_and_parallel_routes_say_so(path: Path, runner: CliRunner) -> None:
    out = runner.invoke(cli, ["evaluate", str(path), "--today", "2026-11-23"]).stdout
    routes = _route_lines(out)
    numbers = [n for n, _, _ in routes]
    assert numbers[0] == 1
    assert all(b - a in (0, 1) for a, b in itertools.pairwise(numbers)), numbers
    for number, name, parallel in routes:
        assert parallel == (numbers.count(number) > 1), (number, name)
    # the same numbers as jubao plan gives its steps
    plan = runner.invoke(cli, ["plan", str(path), "--as-of", "2026-11-23"]).stdout
    steps = re.findall(r"^第 (\d+) 步  (.+)$", plan, re.M)[1:]
    assert [(int(n), name.removesuffix("（可同时进行）")) for n, name in steps] == [
        (n, name.split("（投诉")[0].split("（举报")[0]) for n, name, _ in routes
    ]


def test_route_numbers_agree_with_the_document_index(runner: CliRunner, tmp_path: Path) -> None:
    out = runner.invoke(cli, ["evaluate", CREDIT, "--today", "2026-11-23"]).stdout
    result = runner.invoke(cli, ["documents", CREDIT, "--out", str(tmp_path / "set"), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    index = (tmp_path / "set" / "index.md").read_text(encoding="utf-8")
    in_index = {name: int(n) for name, n in re.findall(r"^\d+\. (.+?)（[a-z0-9_]+）：建议顺序第(\d+)步$", index, re.M)}
    routes = {name.split("（投诉")[0]: n for n, name, _ in _route_lines(out)}
    assert in_index == routes


@pytest.mark.parametrize("command", ["evaluate", "plan"])
def test_output_ends_with_the_next_step_and_the_command_for_its_documents(
    command: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    case = "examples/credit-card-employer.yaml"
    out = runner.invoke(cli, [command, case, "--today" if command == "evaluate" else "--as-of", "2026-11-23"]).stdout
    last = out.rstrip("\n").splitlines()[-1]
    # step 1 (the lender) was filed on 2026-11-20: the next thing to do is step 2, 12321
    assert last.startswith("下一步：第 2 步 12321 网络不良与垃圾信息举报受理中心，建议在 2026年11月30日 前提交；")
    assert last.endswith("生成文书：jubao documents examples/credit-card-employer.yaml --channel miit_12321 "
                         "--out 材料-miit_12321")  # fmt: skip
    # and the command does what it says
    args = shlex.split(last.split("生成文书：", 1)[1])
    assert args[:2] == ["jubao", "documents"]
    assert args[-2] == "--out"
    target = tmp_path / "out"
    result = runner.invoke(cli, [*args[1:-2], "--out", str(target), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert any(p.name.startswith("miit_12321") or p.parent.name == "miit_12321" for p in target.rglob("*.md"))


def test_english_output_ends_with_the_next_step_too(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["--lang", "en", "evaluate", CREDIT, "--today", "2026-11-23"]).stdout
    last = out.rstrip("\n").splitlines()[-1]
    assert last.startswith("Next step: step 2, 12321")
    assert "jubao documents" in last
    assert "--channel miit_12321" in last
