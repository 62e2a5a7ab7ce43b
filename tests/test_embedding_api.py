"""The embedding API as docs/embedding.md promises it: ``severity.code`` in the JSON, JSON Schemas of the outputs,
``CaseFileError`` messages that list every problem without echoing values, loading a case from a path, text or a
dict, and ``Engine.evaluate``/``explain`` taking a mapping (and refusing anything else clearly)."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from jubao.case import Case
from jubao.cli.main import cli
from jubao.engine import Engine
from jubao.evaluation import Evaluation, Trace, evaluation_json_schema, trace_json_schema
from jubao.i18n import LANGS, has
from jubao.loading import (
    MAX_PROBLEMS_IN_MESSAGE,
    CaseFileError,
    NotACaseError,
    load_case,
    parse_case,
    parse_case_text,
)
from jubao.sourcemap import parse_yaml
from tests.conftest import EXAMPLES, MINIMAL_CASE, example_cases
from tests.test_privacy import SECRET_CASE, SECRETS

TODAY = date(2026, 11, 23)
CREDIT = EXAMPLES / "credit-card-employer.yaml"


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with Engine() as shared:
        yield shared


def _problems(error: CaseFileError) -> list[tuple[str, str]]:
    return [(problem.code, problem.path) for problem in error.problems]


# --- 1. severity.code is part of the JSON --------------------------------------------------------------------


def test_severity_code_is_in_the_json_of_every_example(engine: Engine) -> None:
    for path in example_cases():
        result = engine.evaluate(load_case(path), today=TODAY)  # built with fast_construct (no validation)
        dumped = result.model_dump(mode="json")
        assert dumped["severity"]["code"] == f"S{result.severity.level}" == result.severity.code, path.name
        assert json.loads(result.model_dump_json())["severity"] == dumped["severity"]
        validated = Evaluation.model_validate_json(result.model_dump_json())  # the JSON reads back as a model
        assert validated == result
        assert validated.model_dump(mode="json") == dumped
    assert set(dumped["severity"]) == {"level", "label", "reasons", "code"}  # `code` is the only addition


def test_severity_code_is_in_the_trace_json(engine: Engine) -> None:
    trace = engine.explain(load_case(CREDIT), today=TODAY)
    assert json.loads(trace.model_dump_json())["evaluation"]["severity"]["code"] == "S3"
    assert Trace.model_validate_json(trace.model_dump_json()).model_dump(mode="json") == trace.model_dump(mode="json")


# --- 2. jubao schema case|evaluation|trace -------------------------------------------------------------------


def _schema(runner: CliRunner, name: str) -> dict[str, Any]:
    result = runner.invoke(cli, ["schema", name])
    assert result.exit_code == 0, result.output
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize(("name", "title"), [("case", "Case"), ("evaluation", "Evaluation"), ("trace", "Trace")])
def test_each_schema_is_a_valid_json_schema(runner: CliRunner, name: str, title: str) -> None:
    schema = _schema(runner, name)
    _validator(schema)
    assert schema["title"] == title
    assert schema["$id"] == f"urn:jubao:schema:{name}:1"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_real_evaluate_and_explain_output_validates_against_its_schema(runner: CliRunner) -> None:
    outputs = {}
    for command, name in (("evaluate", "evaluation"), ("explain", "trace")):
        result = runner.invoke(cli, [command, str(CREDIT), "--json", "--today", "2026-11-23"])
        assert result.exit_code == 0, result.output
        outputs[name] = json.loads(result.stdout)
    validators = {name: _validator(_schema(runner, name)) for name in outputs}
    for name, output in outputs.items():
        assert [error.message for error in validators[name].iter_errors(output)] == [], name
    # The schemas are not vacuous: each names its format, and severity.code is required and S0–S4.
    assert not validators["trace"].is_valid(outputs["evaluation"])
    assert not validators["evaluation"].is_valid(outputs["trace"])
    evaluation = outputs["evaluation"]
    assert evaluation["severity"]["code"] == "S3"
    without_code = copy.deepcopy(evaluation)
    del without_code["severity"]["code"]
    assert not validators["evaluation"].is_valid(without_code)
    wrong_code = copy.deepcopy(evaluation)
    wrong_code["severity"]["code"] = "S9"
    assert not validators["evaluation"].is_valid(wrong_code)
    bad_date = copy.deepcopy(evaluation)
    bad_date["as_of"] = "16/10/2026"
    assert not validators["evaluation"].is_valid(bad_date)


def test_every_example_output_validates_and_fills_every_required_key(engine: Engine) -> None:
    validators = {"evaluation": _validator(evaluation_json_schema()), "trace": _validator(trace_json_schema())}
    for path in example_cases():
        case = load_case(path)
        trace = json.loads(engine.explain(case, today=TODAY).model_dump_json())
        for name, output in (("evaluation", trace["evaluation"]), ("trace", trace)):
            assert [error.message for error in validators[name].iter_errors(output)] == [], (path.name, name)
    schema = trace_json_schema()
    for definition in [schema, *schema["$defs"].values()]:  # every key jubao writes is promised, defaults too
        assert definition.get("required", []) == list(definition.get("properties", {}))
    assert "note" in schema["$defs"]["WhyNot"]["required"]
    assert "version" in schema["$defs"]["Citation"]["required"]


@pytest.mark.parametrize("name", ["evaluation", "trace"])
def test_schema_out_writes_the_same_schema_atomically(runner: CliRunner, tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.schema.json"
    older = json.loads(runner.invoke(cli, ["schema", name]).stdout)  # jubao's schema of that name, as an older
    older["$id"] = older["$id"].rsplit(":", 1)[0] + ":0"  # version wrote it: regenerating replaces it
    out.write_text(json.dumps(older), encoding="utf-8")
    result = runner.invoke(cli, ["schema", name, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert str(out) in result.stderr
    assert out.read_text(encoding="utf-8") == runner.invoke(cli, ["schema", name]).stdout
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind
    missing = tmp_path / "no" / "such" / "dir" / "x.json"
    failed = runner.invoke(cli, ["schema", name, "--out", str(missing)])
    assert failed.exit_code == 1
    assert "无法写入" in failed.stderr
    assert "Traceback" not in failed.output
    assert not missing.parent.exists()


@pytest.mark.parametrize("name", ["case", "evaluation"])
def test_schema_out_never_replaces_a_file_that_is_not_that_schema(runner: CliRunner, tmp_path: Path, name: str) -> None:
    """``--out`` pointed by mistake at the case file, notes or another format's schema: refused, the file as it
    was; ``--force`` is the person saying the file may go."""
    other = "trace" if name != "trace" else "case"
    for content in ("reporter:\n  name: 林小雨\n", "my notes\n", runner.invoke(cli, ["schema", other]).stdout):
        out = tmp_path / "target.json"
        out.write_text(content, encoding="utf-8")
        refused = runner.invoke(cli, ["schema", name, "--out", str(out)])
        assert refused.exit_code == 2
        said = f"✗ {out} 已经存在，而且不是 jubao 的同一种 JSON Schema；为避免覆盖您的文件，没有写入。"
        assert said in refused.stderr
        assert out.read_text(encoding="utf-8") == content
        assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind
    forced = runner.invoke(cli, ["schema", name, "--out", str(out), "--force"])
    assert forced.exit_code == 0
    assert out.read_text(encoding="utf-8") == runner.invoke(cli, ["schema", name]).stdout


def test_unknown_schema_name_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema", "evaluations"])
    assert result.exit_code == 2
    assert "'evaluations' is not one of 'case', 'evaluation', 'trace'" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    missing = runner.invoke(cli, ["schema"])
    assert missing.exit_code == 2
    assert "Missing argument 'NAME'" in missing.stderr


# --- 3. str(CaseFileError) lists the problems, never the values -----------------------------------------------


def _secret_error(how: str, write: Any) -> CaseFileError:
    loaders: dict[str, Callable[[], Case]] = {
        "text": lambda: parse_case_text(SECRET_CASE),
        "dict": lambda: parse_case(yaml.safe_load(SECRET_CASE)),
        "file": lambda: load_case(write("secret.yaml", SECRET_CASE)),
    }
    with pytest.raises(CaseFileError) as info:
        loaders[how]()
    return info.value


@pytest.mark.parametrize("how", ["text", "dict", "file"])
def test_error_message_lists_every_problem_without_values(
    how: str, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUBAO_LANG", "zh")  # str() is English whatever the CLI language
    error = _secret_error(how, write)
    message = str(error)
    lines = message.splitlines()
    assert lines[0] == f"{error.source}: 6 problem(s)"
    assert len(lines) == 1 + len(error.problems) == 7
    assert lines[1:] == ["  " + problem.describe(error.source) for problem in error.problems]
    expected_name_line = {
        "text": "  <text>:3:3: reporter.name: should be text",
        "dict": "  <data>: reporter.name: should be text",
        "file": f"  {error.source}:3:3: reporter.name: should be text",
    }[how]
    assert expected_name_line in lines
    assert any(line.endswith("incidents[0].from_number: not a valid phone number; write it like 13800000001, "
                             "+86 138 0000 0001, 010-5555 0123 or 95188") for line in lines)  # fmt: skip
    for secret in SECRETS:
        assert secret not in message, secret
        assert secret not in repr(error), secret
    assert len(error.problems) == 6  # .problems and .source are kept
    assert error.source == {"text": "<text>", "dict": "<data>", "file": str(write("secret.yaml", SECRET_CASE))}[how]


def test_problem_describe_is_what_the_cli_prints(runner: CliRunner, write: Any) -> None:
    path = write("secret.yaml", SECRET_CASE)
    error = _secret_error("file", write)
    result = runner.invoke(cli, ["--lang", "en", "validate", str(path)])
    assert result.exit_code == 2
    assert str(error).splitlines()[1:] == result.stderr.splitlines()[1:]
    assert error.problems[0].describe(error.source, "zh") == f"{path}:3:3: reporter.name: 应为文字"


def test_a_long_list_of_problems_is_cut_in_the_message_not_in_problems() -> None:
    data = yaml.safe_load(MINIMAL_CASE)
    data["incidents"] = [{"time": "not a time", "medium": "call", "target": {"kind": "borrower"}}] * 150
    with pytest.raises(CaseFileError) as info:
        parse_case(data)
    error = info.value
    assert len(error.problems) == 150
    lines = str(error).splitlines()
    assert lines[0] == "<data>: 150 problem(s)"
    assert len(lines) == 1 + MAX_PROBLEMS_IN_MESSAGE + 1
    assert lines[-1] == f"  … {150 - MAX_PROBLEMS_IN_MESSAGE} more (see .problems)"


def test_case_file_error_survives_pickling(write: Any) -> None:
    """Raised in a ProcessPoolExecutor worker, it must reach the parent intact."""
    error = _secret_error("file", write)
    copied = pickle.loads(pickle.dumps(error))
    assert type(copied) is CaseFileError
    assert (copied.source, copied.problems, str(copied)) == (error.source, error.problems, str(error))
    not_a_case = pickle.loads(pickle.dumps(NotACaseError("<data>", error.problems[:1])))
    assert type(not_a_case) is NotACaseError
    assert not_a_case.problems == error.problems[:1]


# --- 4. loading from a path, text (YAML/JSON, auto-detected) or a dict ------------------------------------------


def test_a_case_loads_the_same_from_a_path_text_bytes_and_a_dict() -> None:
    case = load_case(CREDIT)
    assert load_case(str(CREDIT)) == case
    text = CREDIT.read_text(encoding="utf-8")
    json_text = case.model_dump_json(indent=2)
    assert parse_case_text(text) == case  # auto: YAML
    assert parse_case_text(text, fmt="yaml") == case
    assert parse_case_text(json_text) == case  # auto: JSON
    assert parse_case_text(json_text, fmt="json") == case
    assert parse_case_text(text.encode("utf-8")) == case
    assert parse_case_text("\ufeff" + json_text) == case  # a byte-order mark is dropped, even before JSON
    assert parse_case_text(b"\xef\xbb\xbf" + json_text.encode("utf-8")) == case
    assert parse_case(json.loads(json_text)) == case
    assert parse_case(parse_yaml(text).data) == case
    assert parse_case(MappingProxyType(json.loads(json_text))) == case


def test_auto_reads_text_starting_with_a_brace_as_json() -> None:
    with pytest.raises(CaseFileError) as info:
        parse_case_text('\n  {"reporter": {"role": "borrower",}}')  # a trailing comma: YAML would accept it
    (problem,) = info.value.problems
    assert (problem.code, problem.line) == ("json_syntax", 2)
    with pytest.raises(CaseFileError) as info:
        parse_case_text('{"reporter": NaN}')
    assert info.value.problems[0].code == "json_not_finite"
    with pytest.raises(CaseFileError) as info:
        parse_case_text('{"reporter": NaN}', fmt="yaml")  # the caller can force YAML
    assert info.value.problems[0].code != "json_not_finite"


def test_json_text_problems_have_line_and_column() -> None:
    data = yaml.safe_load(MINIMAL_CASE)
    data["reporter"]["phone"] = "12"
    with pytest.raises(CaseFileError) as info:
        parse_case_text(json.dumps(data, ensure_ascii=False, indent=2), source="upload.json")
    (problem,) = info.value.problems
    assert (problem.code, problem.path, problem.line, problem.column) == ("invalid_phone", "reporter.phone", 5, 5)
    assert str(info.value).splitlines()[1].startswith("  upload.json:5:5: reporter.phone: not a valid phone number")


def test_text_that_is_not_utf8_or_not_yaml_is_reported() -> None:
    with pytest.raises(CaseFileError) as info:
        parse_case_text(MINIMAL_CASE.encode("utf-8") + b"\n\xff\n")
    assert [(p.code, p.line) for p in info.value.problems] == [("not_utf8", 14)]
    with pytest.raises(CaseFileError) as info:
        parse_case_text("reporter: [unclosed\n")
    assert info.value.problems[0].code == "yaml_syntax"
    with pytest.raises(CaseFileError) as info:
        parse_case_text("   \n# nothing\n")
    assert _problems(info.value) == [("empty_file", "")]


def test_data_that_is_not_a_mapping_is_reported_as_such() -> None:
    for data in (None, [1], "reporter: x", 3):
        with pytest.raises(CaseFileError) as info:
            parse_case(data)
        assert _problems(info.value) == [("not_a_mapping", "")], data


def test_wrong_arguments_to_parse_case_text_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="fmt must be 'auto', 'yaml' or 'json', not 'toml'"):
        parse_case_text(MINIMAL_CASE, fmt="toml")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expects str or bytes, not dict; for a dict use parse_case"):
        parse_case_text({"reporter": {}})  # type: ignore[arg-type]


# --- 5. Engine.evaluate / explain take a Case or a mapping -----------------------------------------------------


def test_evaluate_and_explain_accept_a_mapping(engine: Engine) -> None:
    case = load_case(CREDIT)
    data = parse_yaml(CREDIT.read_text(encoding="utf-8")).data
    assert isinstance(data, dict)
    expected = engine.evaluate(case, today=TODAY)
    assert engine.evaluate(data, today=TODAY) == expected
    assert engine.evaluate(MappingProxyType(data), today=TODAY) == expected
    assert engine.explain(data, today=TODAY) == engine.explain(case, today=TODAY)


def test_an_invalid_mapping_raises_case_file_error_with_every_problem(engine: Engine) -> None:
    for method in (engine.evaluate, engine.explain):
        with pytest.raises(CaseFileError) as info:
            method({"reporter": {"role": "borrower"}}, today=TODAY)
        assert not isinstance(info.value, NotACaseError)
        problems = _problems(info.value)
        assert ("missing_field", "reporter.name") in problems
        assert ("missing_field", "lender") in problems
        assert info.value.source == "<data>"


@pytest.mark.parametrize(
    ("value", "given"),
    [
        (str(CREDIT), "str"),
        (CREDIT, f"{type(CREDIT).__module__}.{type(CREDIT).__qualname__}"),  # pathlib.PosixPath
        (CREDIT.read_bytes(), "bytes"),
        (None, "NoneType"),
        ([{"reporter": {}}], "list"),
        (42, "int"),
    ],
)
def test_anything_else_is_refused_clearly(engine: Engine, value: object, given: str) -> None:
    for method in (engine.evaluate, engine.explain):
        with pytest.raises(NotACaseError) as info:
            method(value, today=TODAY)  # type: ignore[arg-type]
        error = info.value
        assert isinstance(error, TypeError)
        assert isinstance(error, CaseFileError)
        assert _problems(error) == [("not_a_case", "")]
        message = str(error)
        assert f"not a case (got {given}); expected a jubao.Case or a mapping of case fields" in message
        assert "load_case(path)" in message
        assert "parse_case_text(text)" in message
        assert "王晓明" not in message
        if isinstance(value, str):
            assert value not in message  # a path or text is never echoed
    assert error.problems[0].message("zh").startswith(f"不是案件（收到的是 {given}）；应为 jubao.Case")
    assert engine.evaluate(load_case(CREDIT), today=TODAY).severity.code == "S3"  # the engine still works


@pytest.mark.parametrize("lang", LANGS)
def test_not_a_case_has_a_message_in_every_language(lang: str) -> None:
    assert has("problem.not_a_case", lang)  # type: ignore[arg-type]
