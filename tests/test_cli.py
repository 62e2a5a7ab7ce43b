"""The CLI as users meet it: exit codes, Chinese by default, English on request, JSON for tools, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from jubao import __version__
from jubao.cli.main import cli
from jubao.sourcemap import parse_yaml
from tests.conftest import DATA, EXAMPLES, MINIMAL_CASE, example_cases

MANY = DATA / "invalid" / "many-problems.yaml"

# (line, field path, code) of every mistake marked "<-" in many-problems.yaml
MANY_EXPECTED = {
    (5, "reporter.phone", "invalid_phone"),
    (11, "incidents[0].time", "invalid_datetime"),
    (14, "incidents[0].behaviours[0]", "unknown_value"),
    (15, "incidents[0].count", "out_of_range"),
    (17, "incidents[1].medium", "unknown_value"),
    (19, "incidents[1]", "unknown_field"),  # an unknown key: at its line, by the mapping holding it
}


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"jubao {__version__}"


def test_valid_examples_exit_0_with_chinese_summary(runner: CliRunner) -> None:
    paths = [str(p) for p in example_cases()]
    result = runner.invoke(cli, ["validate", *paths])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("：有效") == len(paths)
    assert f"共 {len(paths)} 个文件：{len(paths)} 个有效，0 个无效。" in result.stdout


def test_every_problem_is_listed_with_file_line_and_path(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(MANY)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert len(lines) == len(MANY_EXPECTED)
    for line_no, path, _ in MANY_EXPECTED:
        assert any(f"many-problems.yaml:{line_no}:" in line and f" {path}:" in line for line in lines), path
    assert "不是有效的电话号码" in result.stderr
    assert "是不是想写 debt_disclosure？" in result.stderr


def test_json_output_has_stable_english_keys(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "--json", str(MANY), str(EXAMPLES / "credit-card-employer.yaml")])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["format"] == "jubao.validate/1"
    assert report["valid"] is False
    bad, good = report["files"]
    assert good["valid"] is True
    assert good["problems"] == []
    assert {(p["line"], p["path"], p["code"]) for p in bad["problems"]} == MANY_EXPECTED
    assert set(bad["problems"][0]) == {"code", "severity", "path", "loc", "line", "column", "message"}


@pytest.mark.parametrize("how", ["option", "env"])
def test_english_output_on_request(runner: CliRunner, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["validate", str(MANY)]
    if how == "option":
        args = ["--lang", "en", *args]
    else:
        monkeypatch.setenv("JUBAO_LANG", "en")
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "not a valid phone number" in result.stderr
    assert "电话" not in result.stderr


def test_invalid_language_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--lang", "fr", "validate", str(MANY)])
    assert result.exit_code == 2
    assert "fr" in result.stderr


def test_missing_file_is_reported_not_crashed(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(tmp_path / "nope.yaml"), str(EXAMPLES / "credit-card-employer.yaml")])
    assert result.exit_code == 2
    assert "找不到这个文件" in result.stderr
    assert "：有效" in result.stdout  # the other file is still checked


def test_no_arguments_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "没有给出案件文件" in result.stderr


def test_stdin_is_accepted(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "-"], input=MINIMAL_CASE)
    assert result.exit_code == 0
    assert "<标准输入>：有效" in result.stdout


def test_schema_is_valid_json_schema_and_accepts_the_examples(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema", "case"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in example_cases():
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else parse_yaml(text).data
        errors = [e.message for e in validator.iter_errors(_jsonable(data))]
        assert errors == [], path.name
    unknown_key = yaml.safe_load(MINIMAL_CASE) | {"colour": "red"}
    assert not validator.is_valid(_jsonable(unknown_key))


def _jsonable(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def test_schema_out_writes_atomically_and_reports_failure(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "case.schema.json"
    result = runner.invoke(cli, ["schema", "case", "--out", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "Case"
    missing_dir = tmp_path / "no" / "such" / "dir" / "x.json"
    result = runner.invoke(cli, ["schema", "case", "--out", str(missing_dir)])
    assert result.exit_code == 1
    assert "无法写入" in result.stderr
    assert "Traceback" not in result.output
    assert not missing_dir.parent.exists()


def test_unexpected_errors_are_one_sentence_unless_debug(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_: Any) -> None:
        raise RuntimeError("secret 13800000001")

    monkeypatch.setattr("jubao.cli.validate.load_case", boom)
    args = ["validate", str(EXAMPLES / "credit-card-employer.yaml")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "jubao 内部出错（RuntimeError）" in result.stderr
    assert "13800000001" not in result.output
    assert "Traceback" not in result.output
    debug = runner.invoke(cli, ["--debug", *args])
    assert isinstance(debug.exception, RuntimeError)


def test_yaml_syntax_error_is_located_without_traceback(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(DATA / "invalid" / "syntax-error.yaml")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "syntax-error.yaml:4:" in result.stderr
    assert "YAML 语法错误" in result.stderr


_CARD = str(EXAMPLES / "credit-card-employer.yaml")


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", ""],
        ["evaluate", _CARD, ""],
        ["validate", ""],
        ["plan", ""],
        ["plan", _CARD, "--ics", ""],
        ["next", _CARD, "--out", ""],
        ["documents", _CARD, "--out", ""],
        ["explain", ""],
        ["due", ""],
        ["filed", "", "police", "--on", "2026-11-20"],
        ["schema", "case", "--out", ""],
    ],
    ids=lambda args: " ".join(repr(a) if not a else a.rsplit("/", 1)[-1] for a in args),
)
def test_an_empty_path_is_a_usage_error_not_the_current_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """``jubao evaluate "$CASE"`` with ``CASE`` unset evaluated every case in the current folder (an empty path is
    the current folder), ``due ''`` listed them and ``--out ''`` named the folder she is in. Now: exit 2, saying
    the path is empty, and nothing read or written."""
    (tmp_path / "other-case.yaml").write_text(MINIMAL_CASE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "路径是空的（''）；请写出文件或文件夹的路径。在脚本里，这通常是变量没有赋值" in result.stderr
    assert "other-case.yaml" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-case.yaml"]
