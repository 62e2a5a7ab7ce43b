"""Whatever bytes or data arrive, the loader answers with a Case or a CaseFileError — never anything else."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jubao import CaseFileError
from jubao.loading import parse_case, parse_case_text
from tests.conftest import EXAMPLES

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)

EXAMPLE = yaml.safe_load((EXAMPLES / "credit-card-employer.yaml").read_text(encoding="utf-8"))
PATHS: list[tuple[Any, ...]] = []


def _collect(node: Any, path: tuple[Any, ...]) -> None:
    PATHS.append(path)
    if isinstance(node, dict):
        for key, value in node.items():
            _collect(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _collect(value, (*path, index))


_collect(EXAMPLE, ())


def _loads_or_refuses(call: Any) -> None:
    try:
        call()
    except CaseFileError as exc:
        problems = exc.problems
    else:
        return
    assert problems, "a refusal must say why"
    for problem in problems:
        assert problem.message("zh")
        assert problem.message("en")


@FUZZ
@given(st.text(max_size=400))
def test_any_text_as_yaml(text: str) -> None:
    _loads_or_refuses(lambda: parse_case_text(text, fmt="yaml"))


@FUZZ
@given(st.text(max_size=400))
def test_any_text_as_json(text: str) -> None:
    _loads_or_refuses(lambda: parse_case_text(text, fmt="json"))


@FUZZ
@given(json_values)
def test_any_json_data(data: Any) -> None:
    _loads_or_refuses(lambda: parse_case(data))
    _loads_or_refuses(lambda: parse_case_text(json.dumps(data), fmt="json"))


@FUZZ
@given(st.sampled_from(PATHS[1:]), json_values)
def test_a_real_case_with_one_value_replaced(path: tuple[Any, ...], value: Any) -> None:
    data = json.loads(json.dumps(EXAMPLE, default=str))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    _loads_or_refuses(lambda: parse_case(data))
    _loads_or_refuses(lambda: parse_case_text(yaml.safe_dump(data, allow_unicode=True), fmt="yaml"))
