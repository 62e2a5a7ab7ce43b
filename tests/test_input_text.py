"""Typed text: every text field of a case refuses what a document cannot hold (control characters that YAML and
JSON escapes let in: "\\b", ESC, U+FFFE, lone surrogates) and what shows nothing (zero-width characters only), each
as a located problem — never a DOCX that breaks later, blaming a plugin."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from jubao import Case, CaseFileError
from jubao.loading import parse_case, parse_case_text
from tests.input_cases import put, rich, text_paths

TEXT_PATHS = text_paths()
NOT_IN_XML = ["\x08", "\x1b[31m", "\x00", "\x0b", "\ufffe", "\uffff", "\ud800", "\udfff", "\x7f", "\x9b"]
INVISIBLE = ["\u200b\u200b", "\u200b \u200d", "\ufeff", "\u2060", "\u3164", "\u200e\u200f", "\u00ad"]


def _only_problem(data: dict[str, Any]) -> Any:
    source = json.dumps(data, indent=1)  # ASCII: every character travels as a JSON escape, as a user may write it
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(source, fmt="json")
    (problem,) = caught.value.problems
    return problem


def test_every_text_field_is_covered() -> None:
    assert len(TEXT_PATHS) == 29  # a new text field gets these checks by its type; this list must follow it


@pytest.mark.parametrize("loc", TEXT_PATHS, ids=lambda loc: ".".join(map(str, loc)))
@pytest.mark.parametrize("bad", NOT_IN_XML, ids=lambda s: f"U+{ord(s[0]):04X}")
def test_control_characters_are_a_located_problem_in_every_text_field(loc: tuple[Any, ...], bad: str) -> None:
    data = rich()
    put(data, loc, "示例" + bad + "文字")
    problem = _only_problem(data)
    surrogate = "\ud800" <= bad[0] <= "\udfff"  # the JSON reader may refuse it first (code lone_surrogate)
    assert problem.code in (("control_character", "lone_surrogate") if surrogate else ("control_character",))
    assert problem.loc == loc
    assert problem.line is not None
    assert problem.column is not None
    for lang in ("zh", "en"):
        message = problem.message(lang)
        assert "示例" not in message
        assert bad not in message


@pytest.mark.parametrize("bad", NOT_IN_XML, ids=lambda s: f"U+{ord(s[0]):04X}")
def test_control_characters_in_data_built_in_python_are_a_problem_too(bad: str) -> None:
    data = rich()
    data["incidents"][0]["note"] = "示例" + bad + "文字"
    with pytest.raises(CaseFileError) as caught:
        parse_case(data)
    (problem,) = caught.value.problems
    assert problem.path == "incidents[0].note"
    if "\ud800" <= bad[0] <= "\udfff":  # pydantic refuses a string that is no Unicode (code lone_surrogate)
        assert problem.code in ("control_character", "lone_surrogate")
    else:
        assert (problem.code, problem.params["hint"]) == ("control_character", "remove_control_character")


@pytest.mark.parametrize("loc", TEXT_PATHS, ids=lambda loc: ".".join(map(str, loc)))
@pytest.mark.parametrize("bad", INVISIBLE, ids=lambda s: f"U+{ord(s[0]):04X}")
def test_text_of_invisible_characters_only_is_a_located_problem(loc: tuple[Any, ...], bad: str) -> None:
    data = rich()
    put(data, loc, bad)
    problem = _only_problem(data)
    assert (problem.code, problem.loc) == ("invisible_text", loc)
    assert problem.line is not None


def test_tabs_line_breaks_and_joined_emoji_stay_text() -> None:
    data = rich()
    data["incidents"][0]["note"] = "第一行\n第二行\t（制表符）\r\n👨\u200d👩\u200d👧 黄\u200b丽"
    data["reporter"]["name"] = "黄丽"
    case = parse_case(data)
    assert case.incidents[0].note is not None
    assert "\t" in case.incidents[0].note


def test_a_case_with_a_control_character_in_a_note_is_refused_before_any_document(tmp_path: Any) -> None:
    from click.testing import CliRunner  # noqa: PLC0415

    from jubao.cli.main import cli  # noqa: PLC0415

    data = rich()
    data["incidents"][0]["note"] = "说：\x08还钱"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--lang", "en", "documents", str(path), "--out", str(out)])
    assert result.exit_code == 2  # before: exit 1, "every DOCX channel failed", a plugin blamed
    assert "incidents[0].note" in result.stderr
    assert "control characters" in result.stderr
    assert not out.exists()


def _fits_in_xml(text: str) -> bool:
    try:
        etree.Element("t").text = text
    except ValueError:
        return False
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loc=st.sampled_from(TEXT_PATHS), text=st.text(max_size=12))
@example(loc=("reporter", "name"), text="\x08")
@example(loc=("incidents", 0, "note"), text="\ufffe")
def test_any_text_in_any_text_field_is_a_problem_or_text_a_document_can_hold(loc: tuple[Any, ...], text: str) -> None:
    data = rich()
    put(data, loc, text)
    try:
        case = parse_case_text(json.dumps(data), fmt="json")
    except CaseFileError as error:
        problems = error.problems
    else:
        problems = []
    if problems:
        assert all(problem.loc[: len(loc)] == loc for problem in problems), problems
        return
    value = _value(case, loc)
    if value is None:  # a word for "not known" (?, 不清楚 …) in a field that may be left out: left out
        return
    assert _fits_in_xml(value)  # DOCX (lxml) takes it
    assert value.strip("\u200b\u200c\u200d\u2060\ufeff \t\r\n")  # something visible


def _value(case: Case, loc: tuple[Any, ...]) -> str | None:
    node: Any = case
    for part in loc:
        if node is None:
            return None
        node = node[part] if isinstance(part, int) else getattr(node, part)
    assert node is None or isinstance(node, str)
    return node
