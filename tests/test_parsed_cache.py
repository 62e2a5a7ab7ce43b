"""The data of the YAML files jubao ships, kept in jubao's cache (``jubao.parsed_cache``): the same data as parsing
them, found by the text itself (an edited file is never served stale), and never a case."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import jubao.parsed_cache
import jubao.sourcemap
from jubao import cache, i18n, load_case
from jubao.packaged_yaml import load_packaged_yaml
from jubao.parsed_cache import MAX_ENTRIES, MISS, PREFIX, ParsedCache
from jubao.ruleset import load_ruleset
from jubao.sourcemap import parse_trusted_yaml
from jubao.statutes import load_statutes
from tests.conftest import EXAMPLES, example_cases

RULE_TEXT = "rules:\n  - id: x\n    note: &n {zh: 一, en: one}\n    again: *n\n"
PLAIN_TEXT = "rules:\n  - id: x\n"


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, and a process cache that has read nothing yet."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("JUBAO_CACHE_DIR", str(folder))
    monkeypatch.delenv("JUBAO_NO_CACHE", raising=False)
    monkeypatch.setattr(jubao.parsed_cache, "PARSED", ParsedCache())
    return folder


def _next_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """What ends this process and starts the next: the new entries written, then an empty process cache."""
    jubao.parsed_cache.PARSED.save()
    monkeypatch.setattr(jubao.parsed_cache, "PARSED", ParsedCache())


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed although the cache holds the text")

    monkeypatch.setattr(jubao.sourcemap, "parse_yaml", refuse)
    monkeypatch.setattr(yaml, "load", refuse)


def test_the_next_run_reads_rules_statutes_and_catalogues_from_the_cache(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same rule set, statutes and messages, without parsing any YAML; positions are still found (a rule's
    origin names its file and line)."""
    ruleset, statutes, messages = load_ruleset(), load_statutes(), i18n._flatten(_catalogue())
    _next_run(monkeypatch)
    _no_parsing(monkeypatch)
    again = load_ruleset()
    assert again.content_hash == ruleset.content_hash
    assert again.rules == ruleset.rules
    assert dict(again.rule_origin) == dict(ruleset.rule_origin)
    assert all(":" in origin and origin.rsplit(":", 1)[1].isdigit() for origin in again.rule_origin.values())
    assert load_statutes()._by_id == statutes._by_id
    assert i18n._flatten(_catalogue()) == messages
    assert len(list(fresh.glob(f"{PREFIX}*.json"))) == 1


def _catalogue() -> Any:
    return load_packaged_yaml((Path(i18n.__file__).parent / "locales" / "zh.yaml").read_text(encoding="utf-8"))


def test_an_edited_file_is_read_again_never_served_stale(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_trusted_yaml(RULE_TEXT, allow_aliases=True).data["rules"][0]["again"] == {"zh": "一", "en": "one"}
    _next_run(monkeypatch)
    edited = RULE_TEXT.replace("one", "uno")
    assert parse_trusted_yaml(edited, allow_aliases=True).data["rules"][0]["again"] == {"zh": "一", "en": "uno"}
    assert jubao.parsed_cache.PARSED.get("yaml", RULE_TEXT) is MISS  # read with other options: another entry


def test_each_use_gets_its_own_objects(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller that changes what it got does not change what the next one gets."""
    parse_trusted_yaml(RULE_TEXT, allow_aliases=True)
    _next_run(monkeypatch)
    first = parse_trusted_yaml(RULE_TEXT, allow_aliases=True).data
    first["rules"].clear()
    assert parse_trusted_yaml(RULE_TEXT, allow_aliases=True).data["rules"][0]["id"] == "x"


@pytest.mark.parametrize(
    "text",
    ["when: 2024-01-01\n", "1: one\n", "big: 123456789012345678901234567890\n", "x: .inf\n"],
    ids=["a date", "a key that is a number", "an integer JSON cannot hold", "an infinite float"],
)
def test_data_json_cannot_hold_exactly_is_parsed_each_time(
    text: str, fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = yaml.safe_load(text)
    assert load_packaged_yaml(text) == expected
    _next_run(monkeypatch)
    assert jubao.parsed_cache.PARSED.get("packaged", text) is MISS
    assert load_packaged_yaml(text) == expected


def test_a_damaged_cache_file_is_ignored(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parse_trusted_yaml(PLAIN_TEXT)
    _next_run(monkeypatch)
    (path,) = fresh.glob(f"{PREFIX}*.json")
    path.write_bytes(path.read_bytes()[:-20])
    assert jubao.parsed_cache.PARSED.get("yaml", PLAIN_TEXT) is MISS
    assert parse_trusted_yaml(PLAIN_TEXT).data["rules"][0]["id"] == "x"


def test_processes_add_to_the_file_and_it_stays_bounded(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes that read different files both find their entries next time; the oldest entries go once
    there are more than MAX_ENTRIES."""
    one, other = ParsedCache(), ParsedCache()
    one.get("yaml", "a: 1\n")
    other.get("yaml", "b: 2\n")  # both loaded the (empty) file before either wrote
    one.put("yaml", "a: 1\n", {"a": 1})
    other.put("yaml", "b: 2\n", {"b": 2})
    one.save()
    other.save()
    later = ParsedCache()
    assert later.get("yaml", "a: 1\n") == {"a": 1}
    assert later.get("yaml", "b: 2\n") == {"b": 2}
    for index in range(MAX_ENTRIES):
        later.put("yaml", f"n: {index}\n", {"n": index})
    later.save()
    latest = ParsedCache()
    assert latest.get("yaml", "a: 1\n") is MISS
    assert latest.get("yaml", f"n: {MAX_ENTRIES - 1}\n") == {"n": MAX_ENTRIES - 1}


def test_nothing_is_kept_with_caching_off(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUBAO_NO_CACHE", "1")
    parse_trusted_yaml(PLAIN_TEXT)
    load_packaged_yaml(PLAIN_TEXT)
    jubao.parsed_cache.PARSED.save()
    assert not fresh.exists()


def test_loading_a_case_keeps_nothing(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cases are parsed with ``parse_yaml``/``parse_json``, which never keep anything (the word lists a case is
    checked against are kept)."""
    texts = [path.read_text(encoding="utf-8") for path in example_cases()]
    for path in example_cases():
        load_case(path)
    parse_trusted_yaml(PLAIN_TEXT)  # what is kept is written (the word lists may have been read earlier)
    _next_run(monkeypatch)
    assert jubao.parsed_cache.PARSED.get("yaml", PLAIN_TEXT) == {"rules": [{"id": "x"}]}
    for text in texts:
        for kind in ("yaml", "yaml+aliases", "packaged"):
            assert jubao.parsed_cache.PARSED.get(kind, text) is MISS


def _personal_values(data: Any, key: str = "") -> Iterator[str]:
    """Names, numbers and free text in a case: every string under a key naming a person, a number or a note."""
    if isinstance(data, dict):
        for name, value in data.items():
            yield from _personal_values(value, str(name))
    elif isinstance(data, list):
        for item in data:
            yield from _personal_values(item, key)
    elif isinstance(data, str) and any(part in key for part in ("name", "phone", "note", "text", "title")):
        yield data
        yield "".join(ch for ch in data if ch.isdigit()) if sum(ch.isdigit() for ch in data) >= 7 else data


def test_no_case_value_ever_reaches_the_cache(tmp_path: Path) -> None:
    """Every command that reads a case, run as a real process on two examples: the cache folder then holds rules,
    catalogues and the blank DOCX, and not one of the cases' names, numbers or notes."""
    folder = tmp_path / "cache"
    env = {**os.environ, "JUBAO_CACHE_DIR": str(folder)}
    env.pop("JUBAO_NO_CACHE", None)
    examples = [EXAMPLES / "credit-card-employer.yaml", EXAMPLES / "consumer-finance-30-contacts.yaml"]
    for example in examples:
        out = str(tmp_path / example.stem)
        for command in (["validate"], ["evaluate"], ["plan"], ["documents", "--out", out]):
            subprocess.run(
                [sys.executable, "-m", "jubao", command[0], str(example), *command[1:]],
                env=env, capture_output=True, check=True,
            )  # fmt: skip
    kept = b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())
    assert list(folder.glob(f"{PREFIX}*.json"))  # the rules and catalogues were kept
    values = {v for example in examples for v in _personal_values(yaml.safe_load(example.read_text("utf-8")))}
    values = {value for value in values if len(value) >= 4}
    assert len(values) > 10
    leaked = sorted(value for value in values if value.encode("utf-8") in kept)
    assert leaked == []


def test_the_cache_file_is_sealed_like_the_others(fresh: Path) -> None:
    parse_trusted_yaml(PLAIN_TEXT)
    jubao.parsed_cache.PARSED.save()
    (path,) = fresh.glob(f"{PREFIX}*.json")
    body = cache.read_sealed(path, jubao.parsed_cache.FORMAT)
    assert body is not None
    assert len(body["entries"]) == 1
