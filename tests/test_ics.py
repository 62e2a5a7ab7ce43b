"""jubao plan --ics: the calendar speaks Chinese words ("15 日", "5 个工作日", "48 小时"), and besides each dated
deadline it holds one "submit X by Y" reminder per suggested file-by date (jubao next), with no personal data."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar, Event

from jubao import load_case
from jubao.cli.main import cli
from jubao.engine import Engine
from jubao.next_steps import build_next
from jubao.plan import build_plan
from jubao.plugins import PluginSet
from tests.conftest import EXAMPLES, example_cases

CARD = EXAMPLES / "credit-card-employer.yaml"
UNIT_IDS = re.compile(r"\b(calendar_days|working_days|hours|months|years)\b")


def _events(runner: CliRunner, case: Path, target: Path) -> list[Event]:
    result = runner.invoke(cli, ["plan", str(case), "--as-of", "2026-11-23", "--ics", str(target)])
    assert result.exit_code == 0, result.output
    return [c for c in Calendar.from_ical(target.read_bytes()).walk() if isinstance(c, Event)]


def _texts(events: list[Event]) -> list[str]:
    return [str(e[field]) for e in events for field in ("SUMMARY", "DESCRIPTION")]


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_every_calendar_text_is_chinese_words(path: Path, runner: CliRunner, tmp_path: Path) -> None:
    texts = _texts(_events(runner, path, tmp_path / "plan.ics"))
    assert texts
    leaked = [text for text in texts if UNIT_IDS.search(text)]
    assert not leaked, leaked[0]


def test_periods_read_as_a_person_writes_them(runner: CliRunner, tmp_path: Path) -> None:
    text = "\n".join(_texts(_events(runner, CARD, tmp_path / "plan.ics")))
    assert "期限：15 日" in text  # the bank's complaint clock
    assert "期限：24 小时" in text  # police: pass the case on within 24 hours
    assert "期限：15 个工作日" in text  # 12315: decide whether to open a case
    assert "期限：2 个月" in text  # police inaction before an administrative suit
    assert "起算：机构收到投诉之日（2026年11月20日）" in text
    assert "依规延长的，最迟：2027年1月19日" in text


def test_one_reminder_per_suggested_file_by_date(runner: CliRunner, tmp_path: Path, plugins: PluginSet) -> None:
    events = _events(runner, CARD, tmp_path / "plan.ics")
    reminders = {str(e["SUMMARY"]): e for e in events if str(e["SUMMARY"]).startswith("【jubao】建议在")}
    case = load_case(CARD)
    view = date(2026, 11, 23)
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(case, today=view)
        parameters = engine.ruleset.parameters
    steps = build_next(case, evaluation, build_plan(case, evaluation, plugins, as_of=view), plugins.channels,
                       parameters)  # fmt: skip
    expected = [step for step in steps.steps if step.file_by is not None]
    assert len(reminders) == len(expected) + len(steps.preserve)
    nfra = reminders["【jubao】建议在 2026年12月15日 前提交：12378 国家金融监督管理总局消费者投诉/举报"]
    assert nfra.decoded("DTSTART") == date(2026, 12, 15)
    assert "放贷机构/催收委托方自身投诉渠道的“机构作出处理决定并告知”到 2026年12月7日 届满" in str(nfra["DESCRIPTION"])
    assert "电话（12378）" in str(nfra["DESCRIPTION"])
    assert "jubao documents 案件文件 --channel nfra_12378 --out 材料-nfra_12378" in str(nfra["DESCRIPTION"])
    assert [c.name for c in nfra.subcomponents] == ["VALARM"]
    police = reminders["【jubao】建议在 2026年11月30日 前提交：公安机关（110 / 派出所）报案、控告"]
    assert police.decoded("DTSTART") == date(2026, 11, 30)
    assert "【jubao】建议在 2026年11月30日 前保全证据：运营商通话详单（本人可查询的期间）" in reminders
    assert not any("放贷机构/催收委托方自身投诉渠道" in summary for summary in reminders)  # filed already
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)


def test_the_calendar_holds_no_personal_data(runner: CliRunner, tmp_path: Path) -> None:
    _events(runner, CARD, tmp_path / "plan.ics")
    raw = (tmp_path / "plan.ics").read_bytes()
    text = Calendar.from_ical(raw).to_ical().decode("utf-8")
    for private in ("王晓明", "138 0000 0101", "170 0000 0201", "TS20261120-0001", "credit-card-employer"):
        assert private not in text


def test_the_count_reported_includes_the_reminders(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    result = runner.invoke(cli, ["plan", str(CARD), "--as-of", "2026-11-23", "--ics", str(target)])
    events = [c for c in Calendar.from_ical(target.read_bytes()).walk() if c.name == "VEVENT"]
    assert f"（{len(events)} 个事件）" in result.output
