"""``jubao due [DIR]``: every started deadline across a folder's case files, soonest first, with the step to take."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jubao.cli.main import cli
from tests.conftest import EXAMPLES

CARD = EXAMPLES / "credit-card-employer.yaml"
HEADLINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?: \d\d:\d\d)?  (.+?)  (\S+)$")


def _due(runner: CliRunner, folder: Path, *args: str) -> Result:
    return runner.invoke(cli, ["due", str(folder), "--as-of", "2026-11-23", *args])


def _headlines(output: str) -> list[tuple[date, str, str]]:
    """(date, days-left text, case file) of every listed deadline, in the order shown."""
    found = []
    for line in output.splitlines():
        match = HEADLINE.match(line)
        if match:
            year, month, day, left, file = match.groups()
            found.append((date(int(year), int(month), int(day)), left, file))
    return found


def _blocks(output: str) -> list[str]:
    return [block for block in output.split("\n\n") if HEADLINE.match(block.splitlines()[0])]


def test_due_over_the_examples_lists_dated_items_in_order(runner: CliRunner) -> None:
    result = _due(runner, EXAMPLES)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "every example is a valid case: nothing skipped"
    items = _headlines(result.stdout)
    assert len(items) >= 10
    days = [day for day, _, _ in items]
    assert days == sorted(days), "soonest first"
    cases = {p.name for p in [*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")]}
    assert {file for _, _, file in items} <= cases
    assert "11 个案件文件" in result.stdout
    # the credit-card example records a complaint to the bank on 2026-11-20: the bank's deadline to decide is dated
    [bank] = [b for b in _blocks(result.stdout) if "credit-card-employer.yaml" in b and "（lender_complaint）" in b]
    assert bank.startswith("2026年12月7日  还剩 14 天")
    assert "自 2026年11月20日 提交起算" in bank
    assert "到期仍没有结果：" in bank
    assert "12378" in bank
    # a passed time bar comes first, counted in days overdue, with what it means
    first_day, first_left, first_file = items[0]
    assert first_left.startswith("已过期")
    assert first_day < date(2026, 11, 23)
    assert first_file == "unlicensed-714-threats.yaml"
    assert "已过期 140 天" in result.stdout


def test_due_in_a_folder_of_copies_with_a_filing(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("credit-card-employer.yaml", "guarantee-company-visit.json", "contact-harassed.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    for case, channel in (("contact-harassed.yaml", "nfra_12378"), ("credit-card-employer.yaml", "police")):
        filed = runner.invoke(cli, ["filed", str(tmp_path / case), channel, "--on", "2026-11-21"])
        assert filed.exit_code == 0, filed.output
    (tmp_path / "notes.yaml").write_text("todo: 打电话\n", encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "README.md").write_text("# 我的案件", encoding="utf-8")
    result = _due(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("· 跳过")]
    assert len(skipped) == 2
    assert any("notes.yaml：不是有效的案件文件" in line for line in skipped)
    assert any("broken.json" in line for line in skipped)
    assert "README.md" not in result.output
    items = _headlines(result.stdout)
    assert [day for day, _, _ in items] == sorted(day for day, _, _ in items)
    regulator = [b for b in _blocks(result.stdout) if "contact-harassed.yaml" in b and "（nfra_12378）" in b]
    assert regulator, result.stdout
    assert all("自 2026年11月21日 提交起算" in b for b in regulator)
    police = [b for b in _blocks(result.stdout) if "credit-card-employer.yaml" in b and "（police）" in b]
    assert police
    assert not any("追究时效" in b for b in police), "reported to the police in time: the time bar is met"
    assert "追究时效" in "".join(b for b in _blocks(result.stdout) if "guarantee-company-visit.json" in b)


def test_answered_deadlines_are_not_listed(runner: CliRunner, tmp_path: Path) -> None:
    case = tmp_path / CARD.name
    shutil.copy(CARD, case)
    before = _due(runner, tmp_path)
    assert "机构作出处理决定并告知" in before.stdout
    replied = runner.invoke(cli, ["replied", str(case), "lender_complaint", "--on", "2026-11-22"])
    assert replied.exit_code == 0, replied.output
    after = _due(runner, tmp_path)
    assert after.exit_code == 0
    assert "机构作出处理决定并告知" not in after.stdout


def test_due_of_a_folder_without_cases_or_not_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    empty = _due(runner, tmp_path)
    assert empty.exit_code == 0
    assert "中没有案件文件" in empty.output
    missing = _due(runner, tmp_path / "nope")
    assert missing.exit_code == 2
    assert "不是文件夹" in missing.output
    english = runner.invoke(cli, ["--lang", "en", "due", str(EXAMPLES), "--as-of", "2026-11-23"])
    assert english.exit_code == 0
    assert "soonest first" in english.stdout
    assert "overdue by 140 day(s)" in english.stdout


@pytest.mark.parametrize("as_of", ["2026年11月23日", "2026-11-23"])
def test_due_accepts_everyday_dates(runner: CliRunner, as_of: str) -> None:
    result = runner.invoke(cli, ["due", str(EXAMPLES), "--as-of", as_of])
    assert result.exit_code == 0
    assert result.stdout.startswith("截至 2026年11月23日")
