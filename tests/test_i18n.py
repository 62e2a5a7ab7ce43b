"""Both languages say everything: same keys, same placeholders, a label for every vocabulary value and a
message for every problem code the loader can produce."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import jubao.case
from jubao.i18n import LANGS, catalog, t
from jubao.problems import _CODE_BY_PYDANTIC_TYPE
from jubao.vocabulary import ALL_VOCABULARIES


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_languages_have_the_same_keys_and_placeholders() -> None:
    zh, en = catalog("zh"), catalog("en")
    assert set(zh) == set(en)
    for key in zh:
        assert _placeholders(zh[key]) == _placeholders(en[key]), key


@pytest.mark.parametrize("lang", LANGS)
def test_every_vocabulary_value_has_a_label(lang: str) -> None:
    for vocabulary in ALL_VOCABULARIES:
        for member in vocabulary:
            assert f"vocab.{vocabulary.__name__}.{member.value}" in catalog(lang), (vocabulary, member)


CODES_FROM_SOURCE = {
    "unsupported_extension", "file_too_large", "file_not_found", "is_a_directory", "file_unreadable",
    "not_utf8", "empty_file", "too_deep", "yaml_syntax", "yaml_alias", "yaml_complex_key", "duplicate_key",
    "json_syntax", "json_not_finite", "required", "not_applicable", "inconsistent", "date_order", "duplicate",
    "duplicate_id", "unknown_reference", "invalid",
}  # fmt: skip


def test_every_problem_code_has_a_message() -> None:
    for code in set(_CODE_BY_PYDANTIC_TYPE.values()) | CODES_FROM_SOURCE:
        assert f"problem.{code}" in catalog("zh"), code


def test_hints_used_by_the_case_model_exist() -> None:
    source = Path(jubao.case.__file__).read_text(encoding="utf-8")
    hints = set(
        re.findall(
            r'"(?:required|not_applicable|inconsistent|date_order|duplicate|duplicate_id|'
            r'unknown_reference)",\s*"([a-z_]+)"',
            source,
        )
    )
    assert len(hints) >= 15
    for hint in hints:
        assert f"hint.{hint}" in catalog("zh"), hint


def test_missing_placeholder_value_does_not_crash() -> None:
    assert t("problem.unknown_field", "en") == "unknown field name (allowed: …)"  # never a raw {allowed}
