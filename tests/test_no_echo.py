"""No value echoed (issue 15): a problem names its place (file, line, column, field path) and its kind, never text
from the case — not an unknown key (``李小红 13912345678: 朋友`` is a key), not a YAML tag or anchor, not a character
that could not be read — in the CLI (Chinese and English, text and ``--json``), in ``str``/``repr`` of the Python
API's ``CaseFileError`` and in the HTTP API's problems. And every message is complete: no ``{placeholder}`` is ever
shown, whatever code and parameters a problem has."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jubao.i18n
from jubao.cli.main import cli
from jubao.i18n import LANGS, catalog
from jubao.loading import CaseFileError, parse_case, parse_case_text
from jubao.problems import Problem
from jubao.sourcemap import SYNTAX_KINDS
from tests.conftest import MINIMAL_CASE

SECRET = "13912345678"
NAME = "李小红"
KEY = f"{NAME} {SECRET}"
"""A key that is someone's name and phone number: the kind of text a key in a case file can be."""

UNKNOWN_KEY_YAML = MINIMAL_CASE.replace("  name: 示例银行\n", f"  name: 示例银行\n  {KEY}: 朋友\n")
UNKNOWN_KEY_LINE = UNKNOWN_KEY_YAML.splitlines().index(f"  {KEY}: 朋友") + 1


def _problems(text: str, fmt: str = "auto") -> CaseFileError:
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(text, fmt=fmt)  # type: ignore[arg-type]
    return caught.value


def _everything_shown(error: CaseFileError) -> str:
    """All a person or a log could see of ``error``: str, repr, and each problem's path, loc, messages, dump."""
    parts = [str(error), repr(error)]
    for problem in error.problems:
        parts += [problem.path, repr(problem.loc), repr(problem), str(problem), problem.model_dump_json()]
        parts += [problem.describe("case.yaml", lang) for lang in LANGS]
    return "\n".join(parts)


def _assert_nothing_echoed(shown: str, *secrets: str) -> None:
    for secret in (SECRET, NAME, *secrets):
        assert secret not in shown, f"{secret!r} echoed:\n{shown}"


# --- unknown keys -----------------------------------------------------------------------------------------------------


def test_an_unknown_key_is_reported_by_the_mapping_that_holds_it_never_by_its_text() -> None:
    error = _problems(UNKNOWN_KEY_YAML)
    (problem,) = error.problems
    assert (problem.code, problem.loc, problem.path) == ("unknown_field", ("lender",), "lender")
    assert "name" in problem.message("en")  # the fields that are allowed there, by their (English) names
    _assert_nothing_echoed(_everything_shown(error))


def test_an_unknown_key_in_json_and_in_data_is_not_echoed_either() -> None:
    data = yaml.safe_load(MINIMAL_CASE)
    data["incidents"][0][KEY] = "朋友"
    data[f"{SECRET}"] = 1
    _assert_nothing_echoed(_everything_shown(_problems(json.dumps(data, ensure_ascii=False), "json")))
    with pytest.raises(CaseFileError) as caught:
        parse_case(data)
    _assert_nothing_echoed(_everything_shown(caught.value))
    assert {p.path for p in caught.value.problems} == {"incidents[0]", ""}


def test_an_unknown_key_is_placed_at_its_own_line_and_column() -> None:
    """The position is the key's own (``Problem.at`` locates it), not the line of the mapping that holds it."""
    (problem,) = _problems(UNKNOWN_KEY_YAML).problems
    assert (problem.line, problem.column) == (UNKNOWN_KEY_LINE, 3)


def test_a_misspelt_key_still_gets_its_suggestion() -> None:
    (problem,) = _problems(MINIMAL_CASE.replace("  kind: bank\n", "  kind: bank\n  nmae: x\n")).problems
    assert problem.path == "lender"
    assert problem.params["suggestion"] == "name"
    assert "did you mean name?" in problem.message("en")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("as_json", [False, True])
def test_the_cli_never_echoes_an_unknown_key(tmp_path: Path, lang: str, as_json: bool) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(UNKNOWN_KEY_YAML, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", lang, "validate", *(["--json"] if as_json else []), str(path)])
    assert result.exit_code == 2
    _assert_nothing_echoed(result.output + result.stderr)
    assert f"case.yaml:{UNKNOWN_KEY_LINE}:3: lender:" in (result.output + result.stderr) or as_json
    if as_json:
        (problem,) = json.loads(result.stdout)["files"][0]["problems"]
        assert (problem["path"], problem["loc"], problem["code"]) == ("lender", ["lender"], "unknown_field")


def test_the_http_api_never_echoes_an_unknown_key_or_a_tag(tmp_path: Path) -> None:
    from starlette.testclient import TestClient  # noqa: PLC0415 - the web app only for this test

    from jubao.web.app import create_app  # noqa: PLC0415
    from jubao.web.settings import WebSettings  # noqa: PLC0415

    app = create_app(WebSettings(data_dir=tmp_path / "data"))
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            for body in (UNKNOWN_KEY_YAML, MINIMAL_CASE.replace("name: 测试人", f"name: !x{SECRET} 测试人")):
                for lang in LANGS:
                    response = client.post(
                        "/api/v1/validate",
                        content=body.encode(),
                        headers={"Content-Type": "application/yaml", "Accept-Language": lang},
                    )
                    assert response.status_code == 200
                    assert response.json()["valid"] is False
                    _assert_nothing_echoed(response.text)
    finally:
        app.state.store.close()
        app.state.service.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=12),
    where=st.sampled_from(["", "reporter", "lender", "incidents.0", "incidents.0.target"]),
    fmt=st.sampled_from(["yaml", "json"]),
)
def test_no_unknown_key_is_ever_echoed(key: str, where: str, fmt: str) -> None:
    """Whatever the key (with a phone number in it, so that it is recognisable), wherever it is."""
    marked = f"{key}{SECRET}"
    data: Any = yaml.safe_load(MINIMAL_CASE)
    target = data
    for part in where.split(".") if where else []:
        target = target[int(part)] if part.isdigit() else target[part]
    target[marked] = "x"
    text = json.dumps(data, ensure_ascii=False) if fmt == "json" else yaml.safe_dump(data, allow_unicode=True)
    error = _problems(text, fmt)
    assert [p.code for p in error.problems] == ["unknown_field"]
    assert SECRET not in _everything_shown(error)


# --- tags, anchors, unreadable text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        f"!x{SECRET} 测试人",  # a local tag
        f"!{NAME}{SECRET} 测试人",  # a tag of characters a tag cannot have
        f"!!python/object:x{SECRET} {{}}",  # a Python tag
        f"!<tag:x{SECRET}> 测试人",  # a verbatim tag
        f"!x{SECRET}!y 测试人",  # an undefined tag handle
        f"&{NAME}{SECRET} 测试人",  # an anchor of characters an anchor cannot have
        f'"{NAME}\\q{SECRET}"',  # an unknown escape
        f"!!binary {NAME}{SECRET}",  # not base64
        f"!!int {SECRET}x",  # not what its tag says
    ],
)
def test_yaml_errors_name_the_kind_of_mistake_never_the_text(written: str) -> None:
    error = _problems(MINIMAL_CASE.replace("name: 测试人", f"name: {written}"))
    _assert_nothing_echoed(_everything_shown(error), "python/object", "\\q")
    (problem,) = error.problems
    assert problem.code == "yaml_syntax"
    assert (problem.line, problem.column) != (None, None)
    assert problem.params["what"] in SYNTAX_KINDS
    assert problem.params["what"] != "other"


def test_a_duplicate_anchor_is_not_named() -> None:
    text = MINIMAL_CASE.replace("name: 测试人", f"name: &a{SECRET} 测试人").replace(
        "name: 示例银行", f"name: &a{SECRET} 示例银行"
    )
    error = _problems(text)
    assert [(p.code, p.params.get("what")) for p in error.problems] == [("yaml_syntax", "anchor")]
    _assert_nothing_echoed(_everything_shown(error))


def test_a_tag_reads_as_a_tag_problem_in_both_languages() -> None:
    (problem,) = _problems(MINIMAL_CASE.replace("name: 测试人", f"name: !x{SECRET} 测试人")).problems
    assert "tag" in problem.message("en")
    assert "标签" in problem.message("zh")


# --- every message complete ----------------------------------------------------------------------------------------

RAW_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_.\[\]]*\}")
MISSING = "\ue001MISSING\ue001"


@pytest.fixture
def missing_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A placeholder without a value shows as ``MISSING`` (normally ``…``), so that a test can see it."""
    monkeypatch.setattr(jubao.i18n, "MISSING_VALUE", MISSING)


def _assert_complete(problem: Problem) -> None:
    for lang in LANGS:
        message = problem.describe("case.yaml", lang)
        assert not RAW_PLACEHOLDER.search(message), (problem, message)
        assert MISSING not in message, (problem, message)


YAML_INPUTS = [
    "reporter: [1",  # flow
    'reporter: "x',  # unclosed quote
    "reporter:\n  role: borrower\n name: x\n",  # indentation
    "a: 1\n---\nb: 2\n",  # two documents
    "title: \x07\n",  # a control character
    "title: !x y\n",  # a tag
    "title: &a x\nb: &a y\n",  # an anchor defined twice
    "title: *a\n",  # an alias
    "? [a]\n: 1\n",  # a complex key
    "title: a\ntitle: b\n",  # a duplicate key
    "title: a: b\n",  # a colon in a value
    "title: |x\n  y\n",  # a block scalar header
    'title: "\\q"\n',  # an escape
    "%FOO x\n---\ntitle: a\n",  # a directive
    "title:\n\t- a\n",  # a tab
    "title: @a\n",  # a character that cannot start a value
    "<<: 1\n",  # a merge key
    "title: !!int x\n",  # a typed value
    f"title: {'9' * 5000}\n",  # a number too long
    "title: !!binary 李\n",  # not base64
    "a\nb: 1\n",  # a key without a colon
    "- a\nb: 1\n",  # a list where a mapping goes on
    "[" * 20000,  # too deep
    "",  # empty
    "- 1\n",  # not a mapping
]
JSON_INPUTS = [
    '{"title": "a", "title": "b"}',  # a duplicate key: located by re-reading
    '{\n\t"title": "a",\n\t"title": "b"\n}',  # the same, indented with tabs
    '{"title": "a", "title": "b", "x": "\\/"}',
    '{"title": "\\ud800"}',  # a lone surrogate
    '{"a": NaN}',
    '{"a": 1,}',
    '{"a" 1}',
    '{"a": 1 "b": 2}',
    '{"a": "x',
    '{"a": "\t"}',
    '{"a": "\\q"}',
    '{"a": 1} x',
    '{"a": ' + "9" * 5000 + "}",
    '{"a": tru}',
    "[" * 20000,
]


@pytest.mark.usefixtures("missing_marked")
@pytest.mark.parametrize(
    ("text", "fmt"),
    [*((text, "yaml") for text in YAML_INPUTS), *((text, "json") for text in JSON_INPUTS)],
    ids=lambda value: repr(value[:24]),
)
def test_every_source_problem_renders_completely(text: str, fmt: str) -> None:
    for problem in _problems(text, fmt).problems:
        _assert_complete(problem)


@pytest.mark.usefixtures("missing_marked")
def test_a_duplicate_json_key_names_the_line_of_the_first_or_no_line_at_all() -> None:
    (located,) = _problems('{\n  "title": "a",\n  "title": "b"\n}', "json").problems
    assert (located.code, located.line, located.params["first_line"]) == ("duplicate_key", 3, "2")
    assert "first on line 2" in located.message("en")
    unlocated = Problem(code="duplicate_key")  # when the text cannot be read back as YAML
    assert unlocated.message("en") == catalog("en")["problem_plain.duplicate_key"]
    _assert_complete(unlocated)


@pytest.mark.usefixtures("missing_marked")
def test_a_lone_surrogate_is_its_own_problem() -> None:
    for text in ('{"title": "\\ud800"}', 'title: "\\ud800"\n'):
        problem = next(p for p in _problems(text).problems if p.path == "title")
        assert problem.code == "lone_surrogate"
        _assert_complete(problem)


def _case_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MINIMAL_CASE)
    data["incidents"][0]["time"] = "2026-10-01T10:00:00"
    return data


def _changed(path: str, value: Any) -> dict[str, Any]:
    data = _case_data()
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


DATA_INPUTS: list[dict[str, Any]] = [
    _changed("reporter.phone", "12"),
    _changed("reporter.name", ""),
    _changed("reporter.name", 5),
    _changed("reporter.name", "测" * 10000),
    _changed("reporter.nmae", "x"),
    _changed("reporter.role", "boss"),
    _changed("reporter.region.province", "火星"),
    _changed("reporter.id_number", "123"),
    _changed("incidents.0.count", 0),
    _changed("incidents.0.count", "many"),
    _changed("incidents.0.count", 1.5),
    _changed("incidents.0.time", "2026-02-30 10:00"),
    _changed("incidents.0.time", "1999-01-01 10:00"),
    _changed("incidents.0.time", "2999-01-01 10:00"),
    _changed("incidents.0.answered", "perhaps"),
    _changed("incidents.0.evidence", ["E9"]),
    _changed("incidents", []),
    _changed("incidents", {"a": 1}),
    _changed("incidents.0", 5),
    _changed("reporter", "x"),
    _changed("reporter.relation_to_borrower", "friend"),
    _changed("lender.name", "不清楚"),
    _changed("debt", {"principal": -5, "overdue_days": 1.5}),
    _changed("debt", {"principal": "1.234"}),
    _changed("lender.credit_code", "123"),
    _changed("title", "\ud800"),
    _changed("title", "a\x07b"),
    _changed("reporter.name", "\u200b\u200b"),
    _changed("incidents", [_case_data()["incidents"][0]] * 20000),
]


@pytest.mark.usefixtures("missing_marked")
@pytest.mark.parametrize("data", DATA_INPUTS, ids=lambda data: str(len(json.dumps(data, ensure_ascii=False))))
def test_every_validation_problem_renders_completely(data: dict[str, Any]) -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case(data)
    for problem in caught.value.problems:
        _assert_complete(problem)


@pytest.mark.usefixtures("missing_marked")
def test_every_kind_of_syntax_error_has_a_complete_message() -> None:
    for what in SYNTAX_KINDS:
        code = "json_syntax" if what.startswith("json_") else "yaml_syntax"
        params = {"what": what, "detail": "x"} | ({"character": "U+0007"} if what == "bad_character" else {})
        problem = Problem(code=code, line=1, column=1, params=params)
        _assert_complete(problem)
        for lang in LANGS:
            assert f"problem_detail.{what}" in catalog(lang)
            assert problem.message(lang) != problem.message("en" if lang == "zh" else "zh")


@pytest.mark.usefixtures("missing_marked")
def test_an_unknown_channel_renders_completely() -> None:
    from jubao.case_checks import channel_problems  # noqa: PLC0415

    case = parse_case(_changed("prior_complaints", [{"channel": "polise", "filed_on": "2026-10-02"}]))
    (problem,) = channel_problems(case, ["police", "nfra_12378"])
    assert problem.code == "unknown_channel"
    _assert_complete(problem)


WARNINGS_CASE = """\
reporter:
  role: borrower
  name: 测试人
  phone: 138 0000 0001
  region: {province: 广东省}
lender:
  name: 某某网络小额贷款有限公司
  kind: unknown
contacts:
  reached:
    - {id: C1, relation: colleague, name: 王经理, phone: 138 0000 0002}
    - {id: C2, relation: friend, phone: 138 0000 0002}
incidents:
  - time: 2026-10-01 10:00
    medium: call
    target: {kind: contact, relation: family}
    count: 5
  - time: 2026-10-01 11:00
    medium: wechat
    target: {kind: group}
    count: 3
"""


@pytest.mark.usefixtures("missing_marked")
def test_every_warning_renders_completely() -> None:
    from jubao.case_warnings import located_warnings  # noqa: PLC0415

    warnings = located_warnings(parse_case_text(WARNINGS_CASE), WARNINGS_CASE)
    assert {w.code for w in warnings} >= {"count_is_times", "group_count_is_times", "kind_from_name",
                                         "same_phone_twice", "manager_as_colleague"}  # fmt: skip
    for warning in warnings:
        _assert_complete(warning)


def test_t_never_shows_a_raw_placeholder() -> None:
    assert jubao.i18n.t("problem.unknown_field", "en") == "unknown field name (allowed: …)"
    assert "{kind: group" in jubao.i18n.t("problem.count_is_times", "en", relation="x", count=3)  # {{ }} in YAML
    assert jubao.i18n.t("problem.unknown_field", "en", allowed="{allowed}") == "unknown field name (allowed: {allowed})"


def test_the_interview_removes_the_unknown_key_not_the_mapping_holding_it(tmp_path: Path) -> None:
    """``jubao new`` on a file with an unknown key asks to delete it: the key (``Problem.at``), never the whole
    mapping its problem is reported by, and it asks without naming the key."""
    from jubao.interview.logic import Interview  # noqa: PLC0415
    from jubao.sourcemap import parse_yaml  # noqa: PLC0415
    from tests.test_interview import TODAY  # noqa: PLC0415

    source = (Path(__file__).parent.parent / "examples" / "contact-harassed.yaml").read_text(encoding="utf-8")
    data = parse_yaml(source.replace("  kind: loan_platform\n", f"  kind: loan_platform\n  {KEY}: 朋友\n")).data
    interview = Interview(today=TODAY, cwd=tmp_path, case_dir=tmp_path, existing=data)
    asked: list[str] = []
    while (step := interview.next_step()) is not None and len(asked) < 200:
        asked.append(step.key)
        if step.problem is not None:
            _assert_nothing_echoed(step.question.ask.zh + step.question.ask.en)
            interview.answer(step, True)
        else:
            interview.answer(step, None)
    assert any(key.startswith("fix") for key in asked)
    draft = interview.build()
    assert KEY not in draft.data["lender"]
    assert draft.data["lender"]["app_name"] == "示例易贷"
    assert draft.valid, draft.problems
