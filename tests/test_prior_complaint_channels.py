"""Issue 11 item 11: a prior complaint naming a channel id no installed plugin knows (``nfra12378``) is a located
error in ``jubao validate`` and in every command that evaluates the case, with the known ids and the nearest —
never silently ignored (it would start no clock and change no route)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from jubao import CaseFileError, load_case
from jubao.case import Case
from jubao.case_checks import catalogue_channel_ids, channel_problems, known_without_plugins
from jubao.cli.main import cli
from jubao.engine import Engine
from jubao.plugins import load_plugins
from jubao.ruleset import RuleSetError, RuleSource, bundled_source, load_ruleset
from jubao_rules import rules_root
from tests.conftest import EXAMPLES

TYPO = """\
reporter:
  role: borrower
  name: 示例
  phone: 138 0000 0901
  region: {province: 湖北}
lender:
  name: 示例银行股份有限公司
  kind: bank
incidents:
  - time: 2026-11-01 10:00
    medium: call
    from_number: 170 0000 0911
    target: {kind: borrower}
prior_complaints:
  - channel: lender_complaint
    filed_on: 2026-11-02
  - channel: nfra12378
    filed_on: 2026-11-03
"""
TYPO_LINE = 17  # the line of "channel: nfra12378"


@pytest.fixture
def typo(tmp_path: Path) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(TYPO, encoding="utf-8")
    return path


def test_validate_names_the_place_the_known_ids_and_the_nearest(runner: CliRunner, typo: Path) -> None:
    result = runner.invoke(cli, ["validate", str(typo)])
    assert result.exit_code == 2
    line = next(line for line in result.output.splitlines() if "prior_complaints[1].channel" in line)
    assert f"{typo}:{TYPO_LINE}:5: prior_complaints[1].channel:" in line
    assert "不是已安装的渠道编号" in line
    assert "nfra_12378, nifa" in line  # the known ids, sorted
    assert "是不是想写 nfra_12378？" in line


def test_validate_json_reports_the_problem_with_its_code(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "--json", "-"], input=TYPO)
    assert result.exit_code == 2
    report = json.loads(result.output)
    problem = report["files"][0]["problems"][0]
    assert (problem["code"], problem["path"], problem["line"]) == ("unknown_channel", "prior_complaints[1].channel", 17)
    assert problem["severity"] == "error"


@pytest.mark.parametrize(
    "command",
    [["evaluate"], ["explain"], ["plan"], ["documents", "--out", "OUT"]],
    ids=["evaluate", "explain", "plan", "documents"],
)
def test_commands_that_evaluate_stop_with_the_located_problem(
    runner: CliRunner, typo: Path, tmp_path: Path, command: list[str]
) -> None:
    args = [str(tmp_path / "out") if arg == "OUT" else arg for arg in command]
    result = runner.invoke(cli, ["--lang", "en", *args, str(typo)])
    assert result.exit_code == 2, result.output
    assert f"{typo}:{TYPO_LINE}:5: prior_complaints[1].channel: not the id of an installed channel" in result.output
    assert "did you mean nfra_12378?" in result.output
    assert not (tmp_path / "out").exists()


def test_stdin_cases_are_located_too(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["evaluate", "-"], input=TYPO)
    assert result.exit_code == 2
    assert f":{TYPO_LINE}:5: prior_complaints[1].channel:" in result.output


def test_a_known_channel_passes(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["validate", str(EXAMPLES / "credit-card-employer.yaml")]).exit_code == 0
    assert runner.invoke(cli, ["validate", "-"], input=TYPO.replace("nfra12378", "nfra_12378")).exit_code == 0


def test_engine_evaluate_refuses_the_case_with_the_same_problem(engine: Engine) -> None:
    data = load_case(EXAMPLES / "contact-harassed.yaml").model_dump(mode="json", exclude_none=True)
    data["prior_complaints"] = [{"channel": "nfra12378", "filed_on": "2026-11-01"}]
    with pytest.raises(CaseFileError) as raised:
        engine.evaluate(data)
    [problem] = raised.value.problems
    assert (problem.code, problem.path) == ("unknown_channel", "prior_complaints[0].channel")
    assert problem.params["suggestion"] == "nfra_12378"
    assert "nfra_12378" in problem.params["known"]


def test_channels_registered_by_plugins_and_the_catalogue_are_known(engine: Engine) -> None:
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    assert channel_problems(case, engine.ruleset.channels) == []
    data = case.model_dump(mode="json", exclude_none=True)
    data["prior_complaints"] = [{"channel": "credit_china", "filed_on": "2026-11-01"}]  # known, not routable
    assert channel_problems(Case.model_validate(data), engine.ruleset.channels) == []
    data["prior_complaints"] = [{"channel": "gd_12345", "filed_on": "2026-11-01"}]  # a plugin not installed here
    [problem] = channel_problems(Case.model_validate(data), engine.ruleset.channels)
    assert "suggestion" not in problem.params  # nothing close: no guess


def test_ids_in_jubao_s_catalogue_are_known_whatever_plugins_are_installed(engine: Engine, tmp_path: Path) -> None:
    """``jubao validate`` answers for an id in jubao's own catalogue without loading a plugin: such an id is known
    with every set of plugins (none at all included), because a plugin's rules cannot replace the catalogue."""
    listed = catalogue_channel_ids()
    assert listed is not None
    assert {"lender_complaint", "nfra_12378", "police", "court_civil"} <= listed
    assert listed <= set(engine.ruleset.channels)
    assert listed == set(load_ruleset([bundled_source()]).channels)
    assert listed <= set(load_plugins(entry_points_group=None).ruleset.channels)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "catalogue.yaml").write_bytes((rules_root() / "catalogue.yaml").read_bytes())
    with pytest.raises(RuleSetError) as raised:
        load_ruleset([bundled_source(), RuleSource("plugin", rules)])
    assert [problem.code for problem in raised.value.problems] == ["catalogue_not_first"]


@pytest.mark.parametrize(
    ("channels", "without_plugins"),
    [
        (["lender_complaint", "nfra_12378"], True),
        (["credit_china"], True),  # in the catalogue, though nothing routes to it
        (["lender_complaint", "nfra12378"], False),  # a typo: the plugins are asked, and it is an error
        (["gd_12345"], False),  # a third-party plugin's channel
    ],
)
def test_validate_asks_the_plugins_only_about_ids_the_catalogue_does_not_list(
    channels: list[str], without_plugins: bool, engine: Engine
) -> None:
    data = load_case(EXAMPLES / "contact-harassed.yaml").model_dump(mode="json", exclude_none=True)
    data["prior_complaints"] = [{"channel": channel, "filed_on": "2026-11-01"} for channel in channels]
    case = Case.model_validate(data)
    assert known_without_plugins(case) is without_plugins
    if without_plugins:  # the same answer the plugins give
        assert channel_problems(case, engine.ruleset.channels) == []


def test_a_third_party_channel_is_known_once_its_plugin_is_installed(
    runner: CliRunner, guangdong: Callable[[bool], Path], tmp_path: Path
) -> None:
    """An id jubao's catalogue does not list is checked against the installed plugins: an error until the plugin
    registering it is installed."""
    case = tmp_path / "gd.yaml"
    case.write_text(TYPO.replace("nfra12378", "gd_12345"), encoding="utf-8")
    guangdong(False)
    assert runner.invoke(cli, ["--lang", "en", "validate", str(case)]).exit_code == 2
    guangdong(True)
    result = runner.invoke(cli, ["--lang", "en", "validate", str(case)])
    assert result.exit_code == 0, result.output


def test_every_example_gets_the_same_answer_without_plugins(engine: Engine) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        case = load_case(path)
        if known_without_plugins(case):
            assert channel_problems(case, engine.ruleset.channels) == [], path.name
