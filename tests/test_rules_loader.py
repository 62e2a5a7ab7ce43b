"""Bad rule files are reported with file, line and rule id; lint finds what makes rules wrong or dead."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from jubao.cli.main import cli
from jubao.ruleset import RuleSetError, RuleSource, load_ruleset
from tests.conftest import bundled_rules_copy


def _rules_dir(tmp_path: Path, extra: str) -> Path:
    return bundled_rules_copy(tmp_path, **{"extra.yaml": textwrap.dedent(extra)})


def _problems(tmp_path: Path, extra: str) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset([RuleSource("t", _rules_dir(tmp_path, extra))])
    return [(p.file, p.line, p.rule_id, p.code) for p in caught.value.problems]


RULE = """\
rules:
  - id: ok.first
    title: {zh: 一, en: one}
    when: {fact: reporter_role, eq: borrower}
    then: {set: {ongoing: true}}
    citations: [{instrument: x, status: policy}]
"""


def test_the_bundled_rules_load_cleanly() -> None:
    ruleset = load_ruleset()
    assert len(ruleset.rules) >= 60
    assert ruleset.warnings == ()
    assert len(ruleset.strata) >= 3


@pytest.mark.parametrize(
    ("snippet", "line", "code"),
    [
        ("    when: {fact: no_such_fact, eq: 1}", 4, "unknown_fact"),
        ("    when: {fact: behaviours, gt: 3}", 4, "bad_operator"),
        ("    when: {fact: lender_kind, eq: bnak}", 4, "bad_value"),
        ("    when: {fact: contacts_reached, gt: {param: no.such.param}}", 4, "unknown_parameter"),
        ("    when: {fact: contacts_reached, gt: 1, lt: 3}", 4, "missing_field"),
    ],
)
def test_condition_problems_name_file_line_and_rule(tmp_path: Path, snippet: str, line: int, code: str) -> None:
    text = RULE.replace("    when: {fact: reporter_role, eq: borrower}", snippet)
    found = _problems(tmp_path, text)
    assert ("t:extra.yaml", line, "ok.first", code) in found or any(
        f == "t:extra.yaml" and r == "ok.first" and c == code for f, _, r, c in found
    ), found
    assert any(l_ == line for f, l_, _, _ in found if f == "t:extra.yaml"), found


def test_conclusion_problems(tmp_path: Path) -> None:
    text = RULE.replace("    then: {set: {ongoing: true}}", textwrap.indent(textwrap.dedent("""\
        then:
          set: {contacts_reached: 3, regulator: moon}
          routes:
            - {channel: credit_china, priority: 1, reason: {zh: 不, en: "no"}}
            - {channel: nowhere, priority: 2, reason: {zh: 不, en: "no"}}
          characterisations: [{id: civil.nothing, confidence: likely}]"""), "    "))  # fmt: skip
    codes = {code for _, _, rule, code in _problems(tmp_path, text) if rule == "ok.first"}
    assert codes == {"not_derived", "bad_value", "not_a_channel", "unknown_channel", "unknown_characterisation"}


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    text = RULE + RULE.split("rules:\n", 1)[1]
    with pytest.raises(RuleSetError) as caught:
        load_ruleset([RuleSource("t", _rules_dir(tmp_path, text))])
    (problem,) = caught.value.problems
    assert problem.code == "duplicate_rule"
    assert problem.line == 7
    assert "t:extra.yaml:2" in (problem.detail or "")


def test_yaml_errors_have_lines(tmp_path: Path) -> None:
    assert ("t:extra.yaml", 3, None, "yaml_syntax") in _problems(tmp_path, "rules:\n  - id: x\n   title: y\n")


def test_cycles_are_refused(tmp_path: Path) -> None:
    text = """\
    rules:
      - id: loop.a
        title: {zh: 甲, en: a}
        when: {fact: ongoing, eq: true}
        then: {set: {illegal_debt: true}}
        citations: [{instrument: x, status: policy}]
      - id: loop.b
        title: {zh: 乙, en: b}
        when: {fact: illegal_debt, eq: true}
        then: {set: {ongoing: true}}
        citations: [{instrument: x, status: policy}]
    """
    codes = {code for *_, code in _problems(tmp_path, textwrap.dedent(text))}
    assert "cycle" in codes


def test_rules_that_can_never_fire_are_warned_about(tmp_path: Path) -> None:
    text = """\
    rules:
      - id: dead.contradiction
        title: {zh: 矛盾, en: contradiction}
        when: {all: [{fact: lender_kind, eq: bank}, {fact: lender_kind, eq: unlicensed}]}
        then: {set: {ongoing: true}}
        citations: [{instrument: x, status: policy}]
      - id: dead.unreachable
        title: {zh: 不可达, en: unreachable}
        when: {fact: contacts_bucket, eq: mass}
        then: {set: {ongoing: true}}
        citations: [{instrument: x, status: policy}]
    """
    source = _rules_dir(tmp_path, textwrap.dedent(text))
    ruleset = load_ruleset([RuleSource("t", source)])  # only the rules above: nothing concludes "mass"
    dead = {w.rule_id for w in ruleset.warnings if w.code == "never_fires"}
    assert dead == {"dead.contradiction", "dead.unreachable"}


def test_rules_check_cli(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "规则文件无误" in result.stdout


def test_rules_test_cli_requires_full_coverage(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--lang", "en", "rules", "test", "--coverage", "--fail-under", "100"])
    assert result.exit_code == 0, result.output
    assert "Rule coverage: 100.0%" in result.stdout
    assert ", 0 failed" in result.stdout


def test_a_rule_with_too_many_alternatives_is_refused(tmp_path: Path) -> None:
    """durable_rules can hold 64 pending alternatives; a rule needing more must be split, said at load time.
    (``contains_any`` lists cost one path each; separate ``any`` branches multiply under ``all``.)"""
    behaviours = ["insult", "defamation", "threat_violence", "threat_exposure", "doctored_images", "stalking",
                  "fake_legal_document", "extortion", "group_blast"]  # fmt: skip
    mediums = ["call", "sms", "wechat", "qq", "app_push", "group_chat", "social_post", "letter"]
    any_behaviour = ", ".join(f"{{fact: behaviours, contains: {b}}}" for b in behaviours)
    any_medium = ", ".join(f"{{fact: mediums, contains: {m}}}" for m in mediums)
    text = f"""\
    rules:
      - id: huge.rule
        title: {{zh: 大, en: huge}}
        when:
          all:
            - any: [{any_behaviour}]
            - any: [{any_medium}]
        then: {{set: {{ongoing: true}}}}
        citations: [{{instrument: x, status: policy}}]
    """
    found = _problems(tmp_path, textwrap.dedent(text))
    assert ("t:extra.yaml", 2, "huge.rule", "too_complex") in found
