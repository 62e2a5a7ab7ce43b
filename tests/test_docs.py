"""The documentation promises what the code does: every case field and value is documented in both languages,
the full example in the docs is the real example file, and the README opens with the two commands."""

from __future__ import annotations

import re

import pytest

from jubao.case import Case
from jubao.fieldpaths import field_paths
from jubao.loading import parse_case_text
from jubao.vocabulary import ALL_VOCABULARIES
from tests.conftest import EXAMPLES, REPO

CASE_DOC = (REPO / "docs" / "case-format.md").read_text(encoding="utf-8")
ZH, EN = CASE_DOC.split("\n## English\n")


@pytest.mark.parametrize(("section", "text"), [("zh", ZH), ("en", EN)])
def test_every_case_field_is_documented(section: str, text: str) -> None:
    missing = [path for path in field_paths(Case) if f"`{path}`" not in text]
    assert missing == [], f"{section} section lacks {missing}"


@pytest.mark.parametrize(("section", "text"), [("zh", ZH), ("en", EN)])
def test_every_vocabulary_value_is_documented(section: str, text: str) -> None:
    missing = [m.value for v in ALL_VOCABULARIES for m in v if f"`{m.value}`" not in text]
    assert missing == [], f"{section} section lacks {missing}"


def test_documented_fields_exist() -> None:
    """A renamed field must not survive in the docs under its old name."""
    known = set(field_paths(Case))
    documented = set(re.findall(r"^\| `([a-z_\[\].]+)` \|", CASE_DOC, flags=re.MULTILINE))
    assert documented - known == set()


def test_full_example_in_docs_is_the_example_file() -> None:
    block = re.search(r"```yaml\n(.*?)```", ZH, flags=re.DOTALL)
    assert block is not None
    example = (EXAMPLES / "credit-card-employer.yaml").read_text(encoding="utf-8")
    without_header = "".join(line for line in example.splitlines(keepends=True) if not line.startswith("#"))
    assert block.group(1) == without_header
    assert parse_case_text(block.group(1), fmt="yaml").reporter.name == "王晓明"


def _readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_section = readme.split("\n## ")[1]
    return re.findall(r"```(?:sh|bash|console)\n(.*?)\n```", first_section, flags=re.DOTALL)


def test_readme_first_section_has_exactly_two_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    run_example, run_tests = commands
    assert "examples/" in run_example
    assert "jubao" in run_example
    assert "pytest" in run_tests


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "README.md" in ci
    assert "readme_command" in ci
