"""Fast loading (issue 14, item 3): a valid case is read by libyaml (or ``json``) without positions, and positions are
computed only when there is a problem to report — by the same position-tracking reader as before, so every problem
keeps its line and column. What a document means is the same either way (hypothesis compares the two readers), and
loading stays linear in incidents and light in memory."""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jubao import CaseFileError, sourcemap
from jubao.case_warnings import located_warnings
from jubao.loading import parse_case_text
from jubao.sourcemap import SourceDocument, SourceError, parse_json, parse_yaml
from tests.conftest import EXAMPLES

needs_libyaml = pytest.mark.skipif(not sourcemap.FAST_YAML, reason="PyYAML without libyaml ≥ 0.2.6: no fast path")

EXAMPLE = (EXAMPLES / "credit-card-employer.yaml").read_text(encoding="utf-8")
JSON_EXAMPLE = (EXAMPLES / "guarantee-company-visit.json").read_text(encoding="utf-8")


def case_text(incidents: int, fmt: str = "yaml") -> str:
    """The credit-card example with ``incidents`` incidents (its four, repeated)."""
    head, _, rest = EXAMPLE.partition("incidents:\n")
    block, _, tail = rest.partition("evidence:\n")
    items = ["  - time:" + item for item in block.split("  - time:")[1:]]
    text = head + "incidents:\n" + "".join(items[i % len(items)] for i in range(incidents)) + "evidence:\n" + tail
    if fmt == "json":
        return json.dumps(parse_yaml(text).data, ensure_ascii=False, indent=2)
    return text


@contextmanager
def slow_reader() -> Iterator[None]:
    """Cases read as before this change: PyYAML's position-tracking composer for every YAML file."""
    with mock.patch.object(sourcemap, "FAST_YAML", False):
        yield


def outcome(read: Callable[[], SourceDocument]) -> tuple[Any, ...]:
    """What a reader gives, comparable across readers: the data (``repr`` tells 1, 1.0 and True apart) and every
    position, or the error with its place."""
    try:
        document = read()
    except SourceError as exc:
        return ("error", exc.code, exc.line, exc.column, exc.params)
    return ("data", repr(document.data), document.positions)


def case_outcome(text: str, fmt: str) -> tuple[Any, ...]:
    try:
        case = parse_case_text(text, fmt=fmt)  # type: ignore[arg-type]
    except CaseFileError as exc:
        return tuple((p.code, p.loc, p.line, p.column, sorted(p.params.items())) for p in exc.problems)
    return ("case", case.model_dump_json())


# --- the fast path is taken, and positions come when needed --------------------------------------------------------


@needs_libyaml
@pytest.mark.parametrize(("text", "fmt"), [(EXAMPLE, "yaml"), (JSON_EXAMPLE, "json"), (case_text(50), "yaml")])
def test_a_valid_file_is_read_without_the_position_composer(text: str, fmt: str) -> None:
    with (
        mock.patch.object(sourcemap, "_parse_yaml_located", wraps=sourcemap._parse_yaml_located) as composer,
        mock.patch.object(sourcemap, "_index", wraps=sourcemap._index) as index,
    ):
        case = parse_case_text(text, fmt=fmt)  # type: ignore[arg-type]
    assert case.incidents
    assert composer.call_count == 0
    assert index.call_count == 0


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_problem_still_gets_its_line_and_column(fmt: str) -> None:
    text = case_text(30, fmt).replace("excessive_frequency", "too_often", 1)
    with (
        mock.patch.object(sourcemap, "_positions_of", wraps=sourcemap._positions_of) as locating,
        mock.patch.object(sourcemap, "_parse_yaml_located", wraps=sourcemap._parse_yaml_located) as composer,
        pytest.raises(CaseFileError) as caught,
    ):
        parse_case_text(text, fmt=fmt)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert problem.loc == ("incidents", 0, "behaviours", 0)
    written = '"too_often"' if fmt == "json" else "too_often"
    line = next(i for i, row in enumerate(text.splitlines(), 1) if written in row)
    assert (problem.line, problem.column) == (line, text.splitlines()[line - 1].index(written) + 1)
    if sourcemap.FAST_YAML:  # located once, from libyaml's events: the slow composer is not needed
        assert (locating.call_count, composer.call_count) == (1, 0)
    else:  # the slow reader read the YAML with its positions (JSON: located by it once)
        assert (locating.call_count, composer.call_count) == (0, 1) if fmt == "yaml" else (1, 1)


def test_positions_are_computed_once_and_only_when_asked_for() -> None:
    document = parse_yaml("a: 1\nb:\n  - x\n")
    assert document.located is not sourcemap.FAST_YAML
    with mock.patch.object(sourcemap, "_positions_of", wraps=sourcemap._positions_of) as locating:
        assert document.position_of(("b", 0, "c")) == (3, 5)
        assert document.position_of(("a",)) == (1, 1)
    assert locating.call_count == (1 if sourcemap.FAST_YAML else 0)
    assert document.located
    assert parse_json('{"a": 1}').located is False
    assert "1" not in repr(document)  # never the data


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_warnings_are_located_and_cost_nothing_when_there_are_none(fmt: str) -> None:
    text = case_text(20, fmt)
    with mock.patch.object(sourcemap, "_parse_yaml_located", wraps=sourcemap._parse_yaml_located) as composer:
        case = parse_case_text(text, fmt=fmt)  # type: ignore[arg-type]
        assert located_warnings(case, text) == []
    assert composer.call_count == (0 if sourcemap.FAST_YAML or fmt == "json" else 1)
    bank, unknown = ('"kind": "bank"', '"kind": "unknown"') if fmt == "json" else ("kind: bank", "kind: unknown")
    text = text.replace(bank, unknown, 1)
    (warning,) = located_warnings(parse_case_text(text, fmt=fmt), text)  # type: ignore[arg-type]
    assert warning.code == "kind_from_name"  # the lender's name says it is a bank
    line = next(i for i, row in enumerate(text.splitlines(), 1) if unknown in row)
    assert (warning.line, warning.column) == (line, text.splitlines()[line - 1].index(unknown) + 1)


# --- the two readers agree ------------------------------------------------------------------------------------------

_TRICKY = [
    "yes", "no", "on", "off", "y", "~", "null", "NULL", "", "010", "0o10", "0x1F", "0b101", "1:30", "1_000",
    "2024-01-01", "2024-01-01 10:00", "2026-10-12T10:05:00+08:00", ".inf", "-.inf", ".nan", "1e3", "1.", ".5", "-0",
    "+1", "0", "00", "true", "True", "TRUE", "false", "tRue", "=", "<<", "-", "?", ":", "a: b", "a #b", "#c", "!x",
    "&x", "*x", "%x", "@x", "`x", "138 0000 0101", "不清楚", "同事", "x\u2028y", "x\x85y", "x\ufeffy", "\u00a0",
    " lead", "trail ", "[a]", "{a: 1}", "a,b", "12:30:00", "0.1.2", "---", "...", "\\", "€", "a?b", "a\tb", ">#", "|-#",
    "1" * 4301,
]  # fmt: skip
_TAGS = ["", "", "", "", "!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "!!binary ", "!!timestamp ", "! ",
         "!foo ", "!!set ", "!!omap ", "!!seq ", "!!map ", "!!merge ", "!<tag:yaml.org,2002:str> "]  # fmt: skip
_ESCAPED = ['"\\x41"', '"\\u4e2d"', '"\\U0001F600"', '"\\N"', '"\\_"', '"\\q"', '"\\0"', '"a\\\n  b"', '"a\n\n  b"',
            "'a\n  b'", '"\\uD800"', '"\\t"', '"\\\t"']  # fmt: skip

_words = st.sampled_from(_TRICKY) | st.text(
    st.sampled_from([*"ab01-+.:# ,'\"[]{}!&*?|>%@`~=<\\\t\n", "不", "\u2028", "\x85", "\x00", "\ufeff"]), max_size=8
)


def _quoted(text: str, style: str) -> str:
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


_scalars = (
    st.builds(
        lambda tag, anchor, text, style: f"{tag}{anchor}{_quoted(text, style)}",
        st.sampled_from(_TAGS),
        st.sampled_from(["", "", "", "", "&a ", "&b "]),
        _words | st.text(st.characters(codec="utf-8"), max_size=10),
        st.sampled_from(["plain", "plain", "single", "double"]),
    )
    | st.sampled_from(_ESCAPED)
    | st.builds(lambda a, b, indent: f"{a}\n{' ' * indent}{b}", _words, _words, st.integers(0, 4))
)
_keys = _scalars | st.sampled_from(["<<", "=", "? [a]", "a", "a", "b", "1", "+1", "true", "~", "'a'", "!!str 1"])


def _flow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda items: "[" + ", ".join(items) + "]", st.lists(children, max_size=4)) | st.builds(
        lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}",
        st.lists(st.tuples(_keys, children), max_size=4),
    )


_flow_values = st.recursive(_scalars | st.sampled_from(["*a", "*b", "*c"]), _flow, max_leaves=8)


def _block(indent: int, depth: int) -> st.SearchStrategy[str]:
    pad = " " * indent
    values = _flow_values if depth > 2 else _flow_values | st.deferred(lambda: _block(indent + 2, depth + 1))
    comments = st.sampled_from(["", "", "", "  # c", " #c"])

    def mapping(pairs: list[tuple[str, str, str]]) -> str:
        return "\n" + "\n".join(f"{pad}{k}:{v}" if v[:1] == "\n" else f"{pad}{k}: {v}{c}" for k, v, c in pairs)

    def sequence(items: list[str]) -> str:
        return "\n" + "\n".join(f"{pad}-{v}" if v[:1] == "\n" else f"{pad}- {v}" for v in items)

    literal = st.builds(
        lambda header, lines: header + "\n" + "\n".join(pad + "  " + line for line in lines),
        st.sampled_from(["|", ">", "|-", ">+", "|2", "| # c"]),
        st.lists(_words, max_size=3),
    )
    return (
        st.builds(mapping, st.lists(st.tuples(_keys, values, comments), min_size=1, max_size=4))
        | st.builds(sequence, st.lists(values, min_size=1, max_size=4))
        | literal
    )


_HEADERS = ["", "", "", "---\n", "%YAML 1.1\n---\n", "%YAML 1.2\n---\n", "%YAML 2.0\n---\n", "# c\n", "--- !!map\n",
            "%TAG !e! tag:example.com,2000:\n---\n"]  # fmt: skip
_FOOTERS = ["", "", "", "\n...\n", "\n---\nsecond: doc\n", "\n# end\n", "\n\t\n"]


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    """YAML text with what readers disagree on: YAML 1.1 scalars, tags, anchors and aliases, merge keys, duplicate
    and complex keys, flow and block styles, tabs, odd line breaks, directives, several documents — then a few
    random edits, and one line-break style (LF, CRLF, CR, U+2028, NEL) with or without a byte-order mark."""
    text = draw(st.sampled_from(_HEADERS)) + draw(_block(0, 0) | _flow_values).lstrip("\n")
    text += draw(st.sampled_from(_FOOTERS))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "repeat a line"]))
        if edit == "insert":
            text = text[:at] + draw(_words) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 4)) :]
        else:
            lines = text.split("\n")
            row = draw(st.integers(0, len(lines) - 1))
            lines.insert(row, lines[row])
            text = "\n".join(lines)
    text = text.replace("\n", draw(st.sampled_from(["\n", "\n", "\r\n", "\r", "\u2028", "\x85"])))
    return draw(st.sampled_from(["", "", "\ufeff"])) + text


AGREE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@AGREE
@given(yaml_documents())
@example("a:\tb\n")  # a tab: libyaml reads it, PyYAML refuses it
@example("a: >#c\n  x\n")  # a block scalar header's comment without a space
@example("a: 1\n\ufeffb: 2\n")  # a byte-order mark starting a line: libyaml skips it, PyYAML refuses it
@example("\ufeff\ufeffa: 1\n")  # two of them
@example("[a?b]\n")  # "?" in a plain scalar inside brackets
@example("a: !\nb: ! ''\n")  # the non-specific tag on an empty node
@example("a: &x 1\nb: &x 2\n")  # an anchor defined twice
@example("a: &x [1]\nb: *x\n")  # an alias
@example("base: &b {x: 1}\nc:\n  <<: *b\n")  # a merge key
@example("c:\n  <<: {x: 1}\n  y: 2\n")  # a merge key without an alias
@example("a: [*a]\n")  # an undefined alias
@example("a: &a [*a]\n")  # a recursive alias
@example("a: " + "[" * 70 + "]" * 70 + "\n")  # deeper than the fast path goes
@example("a: " + "[" * 1100 + "]" * 1100 + "\n")  # deeper than libyaml goes
@example("1: a\n+1: b\n'1': c\n")  # the same key written three ways
@example("a: !!int x\nb: !!timestamp q\nc: !!bool q\n")  # values PyYAML's constructors crash on
@example("a: 2026-10-12\nb: !!timestamp 2026-10-12\nc: 010\nd: no\ne: 1:30\n")
@example("a: &x {k: [1, &y 2]}\nb: [*x, *y, *x]\n")  # aliases to a mapping and to a scalar inside it
@example("&x a: 1\nb: *x\n")  # an anchored key used as a value
@example("a: &x 1\n*x : 2\n")  # an alias as a key
def test_the_fast_and_the_position_tracking_reader_agree(text: str) -> None:
    """For cases (anchors refused) and for rule files (``allow_aliases``: anchors shared), alike."""
    for allow_aliases in (False, True):
        fast = outcome(partial(parse_yaml, text, allow_aliases=allow_aliases))
        with slow_reader():
            slow = outcome(partial(parse_yaml, text, allow_aliases=allow_aliases))
        assert fast == slow, allow_aliases


_LINES = EXAMPLE.splitlines(keepends=True)


@st.composite
def edited_cases(draw: st.DrawFn) -> tuple[str, str]:
    """The example case with a few lines edited — a value replaced by a tricky scalar, a line repeated, deleted or
    re-indented — as YAML, or (valid JSON) with values replaced."""
    if draw(st.booleans()):
        data = json.loads(JSON_EXAMPLE)
        data["incidents"][0][draw(st.sampled_from(["medium", "time", "note", "count", "behaviours"]))] = draw(
            st.sampled_from([None, True, 0, -1, 1.5, "不清楚", "同事", "call", [], {}, "2026-13-01", "x" * 3])
        )
        if draw(st.booleans()):
            data["reporter"][draw(st.sampled_from(["phone", "role", "relation_to_borrower", "name"]))] = "不清楚"
        text = json.dumps(data, ensure_ascii=False, indent=draw(st.sampled_from([None, 2])))
        if draw(st.booleans()):
            text = text.replace('"medium"', '"medium": "call", "medium"', 1)  # a duplicate key
        return text, "json"
    lines = list(_LINES)
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.integers(0, len(lines) - 1))
        line = lines[row]
        edit = draw(st.sampled_from(["value", "value", "repeat", "delete", "indent"]))
        if edit == "value" and ":" in line:
            lines[row] = line.split(":", 1)[0] + ": " + draw(_scalars | st.sampled_from(_TRICKY)) + "\n"
        elif edit == "repeat":
            lines.insert(row, line)
        elif edit == "delete":
            del lines[row]
        else:
            lines[row] = " " + line
    return "".join(lines), "yaml"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_cases())
def test_a_case_gets_the_same_problems_at_the_same_places_either_way(edited: tuple[str, str]) -> None:
    text, fmt = edited
    fast = case_outcome(text, fmt)
    with slow_reader(), mock.patch.object(sourcemap, "parse_json", _json_read_as_before):
        slow = case_outcome(text, fmt)
    assert fast == slow


def _json_read_as_before(text: str) -> SourceDocument:
    """``parse_json`` as it was: ``json`` for the data, the YAML composer for positions, both at once."""
    data = json.loads(text, object_pairs_hook=sourcemap._no_duplicates, parse_constant=sourcemap._reject_constant)
    try:
        positions = sourcemap._parse_yaml_located(text).positions
    except SourceError:
        positions = {}
    return SourceDocument(data=data, positions=positions)


@pytest.mark.parametrize(
    ("text", "fmt", "place"),
    [
        ("title: x\ncount: !!int xyzzy\n", "yaml", (2, 8)),
        ("title: !!timestamp xyzzy\n", "yaml", (1, 8)),
        ("title: !!bool xyzzy\n", "yaml", (1, 8)),
        ("title: !!int ''\n", "yaml", (1, 8)),
        ("title: " + "1" * 5000 + "\n", "yaml", (1, 8)),
        ('{"title":\n  ' + "1" * 5000 + "}", "json", (2, 3)),
    ],
)
def test_a_value_pyyaml_cannot_build_is_a_located_problem_not_a_traceback(
    text: str, fmt: str, place: tuple[int, int]
) -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(text, fmt=fmt)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert (problem.code, problem.line, problem.column) == (f"{fmt}_syntax", *place)
    assert "111" not in str(caught.value)  # never the value
    assert "xyzzy" not in str(caught.value)


@needs_libyaml
def test_libyaml_refuses_deep_nesting_itself() -> None:
    """The fast path relies on it: libyaml's composer recurses in C, which Python's recursion limit does not stop."""
    with pytest.raises(Exception, match="nesting"):
        sourcemap._fast_yaml_data("[" * 1001 + "]" * 1001)
    assert sourcemap._LIBYAML_NESTING_LIMITED == (0, 2, 6)


# --- speed and memory (ratios in one run, never wall-clock limits) -------------------------------------------------


def _cpu(call: Callable[[], object], repeat: int) -> float:
    """The least CPU time of ``repeat`` calls (the least is the one other work on the machine disturbed least)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        call()
        best = min(best, time.process_time() - start)
    return best


@needs_libyaml
def test_the_fast_reader_is_many_times_faster_than_the_position_tracking_one() -> None:
    text = case_text(300)
    fast = _cpu(lambda: parse_yaml(text), 5)
    with slow_reader():
        slow = _cpu(lambda: parse_yaml(text), 3)
    assert slow > 5 * fast  # measured: 10-12×


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_loading_is_linear_in_incidents(fmt: str) -> None:
    """4× the incidents cost 4× the time: measured 3.8-4.2 (one run's noise); a step quadratic in incidents would
    make it 16×. Before this change the collector's passes made 10,000 incidents cost 1.2× more per incident than
    1,000; with it paused while reading, the cost per incident stays flat."""
    small, big = case_text(1000, fmt), case_text(4000, fmt)
    parse_case_text(small, fmt=fmt)  # type: ignore[arg-type]
    small_cpu = _cpu(lambda: parse_case_text(small, fmt=fmt), 3)  # type: ignore[arg-type]
    big_cpu = _cpu(lambda: parse_case_text(big, fmt=fmt), 2)  # type: ignore[arg-type]
    assert big_cpu < 4 * 1.15 * small_cpu


@needs_libyaml
@pytest.mark.slow  # 9 s of CPU (tracemalloc over 10,000 incidents): CI runs it once, with the other slow tests
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_peak_memory_at_10000_incidents(fmt: str) -> None:
    """Measured (tracemalloc, Python 3.12): the loaded Case holds 20 MiB; reading and validating peaks at 48 MiB for
    YAML and 47 MiB for JSON (the text, the parsed data, its normalised copy and the Case). Before this change: 189 MiB
    and 210 MiB (a node and two marks per value, and a position per field path, for JSON too). The bound is 100 MiB:
    half of before, with room for other Python versions' object sizes."""
    text = case_text(10_000, fmt)
    parse_case_text(case_text(10, fmt), fmt=fmt)  # type: ignore[arg-type]  # imports, caches
    gc.collect()
    tracemalloc.start()
    try:
        case = parse_case_text(text, fmt=fmt)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(case.incidents) == 10_000
    assert peak < 100 * 2**20
