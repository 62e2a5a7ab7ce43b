"""jubao plan: dated steps a lawyer can check by hand, each traced to a declared deadline and its basis; the
plan as it stood on a date; the ICS export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from jubao import Case, load_case
from jubao.cli.main import cli
from jubao.engine import Engine
from jubao.plan import Plan, PlanStep, build_plan
from jubao.plugins import load_plugins
from jubao.testing import assert_matches_snapshot
from tests.conftest import EXAMPLES, REPO, example_cases

CARD = EXAMPLES / "credit-card-employer.yaml"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "plans"


def _plan(path: Path, as_of: date) -> Plan:
    plugins = load_plugins()
    case = load_case(path)
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(case, today=as_of)
    return build_plan(case, evaluation, plugins, as_of=as_of)


def test_a_prior_complaint_makes_the_escalation_date_concrete() -> None:
    plan = _plan(CARD, date(2026, 11, 23))
    lender = plan.steps[0]
    assert lender.channel == "lender_complaint"
    assert lender.status == "filed"
    (reply,) = [d for d in lender.dates if d.deadline == "complaint_reply"]
    # filed Friday 2026-11-20; 15 days, start day not counted → Saturday 12-05 → Monday 12-07
    assert reply.event_date == date(2026, 11, 20)
    assert not reply.assumed
    assert reply.moved_from == date(2026, 12, 5)
    assert reply.end == date(2026, 12, 7)
    assert reply.latest == date(2027, 1, 19)  # 15 + 15 + 30 days
    assert not reply.passed
    assert reply.basis[0].instrument.startswith("《银行业保险业消费投诉处理管理办法》")
    assert "civil_code.period_last_day_rest" in reply.counting


def test_steps_follow_the_routing_order_and_carry_their_documents() -> None:
    plan = _plan(CARD, date(2026, 11, 23))
    assert [s.channel for s in plan.steps][:4] == ["lender_complaint", "miit_12321", "police", "nfra_12378"]
    assert plan.steps[2].priority == plan.steps[1].priority  # 12321 and police in parallel
    assert "控告书" in plan.steps[2].documents


def test_limitation_windows_count_from_the_end_of_the_conduct() -> None:
    plan = _plan(CARD, date(2026, 11, 23))
    assert plan.conduct_end == date(2026, 10, 16)
    by_id = {d.deadline: d for d in plan.limitations}
    assert by_id["public_order_limitation"].end == date(2027, 4, 16)  # 6 months after the last act
    assert by_id["public_order_limitation"].provisional  # 2027's holidays are not published
    assert by_id["limitation"].end == date(2029, 10, 16)  # civil: 3 years
    assert plan.provisional
    (records,) = plan.preservation
    assert records.earliest == date(2026, 5, 23)


def test_the_plan_as_it_stood_on_a_date(runner: CliRunner) -> None:
    before = runner.invoke(cli, ["plan", str(CARD), "--as-of", "2026-11-19", "--json"])
    assert before.exit_code == 0, before.output
    lender = json.loads(before.output)["steps"][0]
    assert lender["status"] == "to_file"  # the complaint of 2026-11-20 had not been filed yet
    later = runner.invoke(cli, ["plan", str(CARD), "--as-of", "2026-12-10"])
    assert "2026年12月7日（2026年12月5日 是休息日，顺延）" in later.output
    assert "⚠ 已过期" in later.output
    assert "→ 到 2026年12月7日 仍无结果的：" in later.output


def test_explain_traces_every_date_to_its_deadline_and_basis(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["plan", str(CARD), "--as-of", "2026-11-23", "--explain"])
    assert result.exit_code == 0
    assert "依据：《银行业保险业消费投诉处理管理办法》" in result.output
    assert "计算：《中华人民共和国民法典》第二百零一条第一款" in result.output
    data = json.loads(runner.invoke(cli, ["plan", str(CARD), "--as-of", "2026-11-23", "--json"]).output)
    for step in data["steps"]:
        for item in step["dates"]:
            assert item["basis"], item["deadline"]
            assert item["counting"], item["deadline"]


def test_ics_has_one_event_per_dated_deadline_and_parses(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    result = runner.invoke(cli, ["plan", str(CARD), "--as-of", "2026-11-23", "--ics", str(target)])
    assert result.exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    calendar = Calendar.from_ical(raw)
    events = [c for c in calendar.walk() if c.name == "VEVENT" and "截止" in str(c["SUMMARY"])]
    plan = _plan(CARD, date(2026, 11, 23))
    assert len(events) == len(plan.all_dates())  # one per dated deadline (the file-by reminders: tests/test_ics.py)
    assert len({str(e["UID"]) for e in events}) == len(events)
    reply = next(e for e in events if "机构作出处理决定并告知" in str(e["SUMMARY"]))
    assert reply.decoded("DTSTART") == date(2026, 12, 7)
    assert [c.name for c in reply.subcomponents] == ["VALARM"]
    text = raw.decode("utf-8")
    assert "王晓明" not in text  # no personal data in the calendar file
    assert "138 0000 0101" not in text


# --- issue 11 item 5: clocks follow who the institution is; a reply received is never overdue -----------------------


def _plan_of(case: Case, as_of: date) -> Plan:
    plugins = load_plugins()
    with Engine(plugins=plugins) as engine:
        evaluation = engine.evaluate(case, today=as_of)
    return build_plan(case, evaluation, plugins, as_of=as_of)


def _step(plan: Plan, channel: str) -> PlanStep:
    return next(step for step in plan.steps if step.channel == channel)


def test_the_consumer_complaint_clock_is_not_dated_for_a_financing_guarantor(runner: CliRunner) -> None:
    plan = _plan(EXAMPLES / "guarantor-recourse.yaml", date(2026, 11, 23))
    lender = _step(plan, "lender_complaint")
    assert lender.status == "filed"  # complained on 2026-10-16, no reply
    assert "complaint_reply" not in {d.deadline for d in lender.dates}
    assert [d.id for d in lender.not_binding] == ["complaint_reply"]
    output = runner.invoke(cli, ["plan", str(EXAMPLES / "guarantor-recourse.yaml"), "--as-of", "2026-11-23"]).output
    section = output.split("第 1 步")[1].split("第 2 步")[0]
    assert "机构作出处理决定并告知：法定答复期限：未找到" in section
    assert "⚠ 已过期" not in section
    explained = runner.invoke(cli, ["plan", str(EXAMPLES / "guarantor-recourse.yaml"), "--as-of", "2026-11-23",
                                    "--explain"]).output  # fmt: skip
    assert "依据：《银行业保险业消费投诉处理管理办法》（银保监会令2020年第3号）第四条" in explained


def test_a_bank_borrower_keeps_the_consumer_complaint_clock() -> None:
    lender = _step(_plan(CARD, date(2026, 11, 23)), "lender_complaint")
    assert "complaint_reply" in {d.deadline for d in lender.dates}
    assert lender.not_binding == ()


def test_a_contact_reporter_gets_the_report_clocks_at_12378_not_the_consumer_clock() -> None:
    plan = _plan(EXAMPLES / "contact-platform-consumer-finance.yaml", date(2026, 11, 23))
    nfra = _step(plan, "nfra_12378")
    dated = {d.deadline for d in nfra.dates}
    assert "complaint_handling" not in dated
    assert "report_acceptance" in dated
    assert [d.id for d in nfra.not_binding] == ["complaint_handling"]
    assert "complaint_reply" not in {d.deadline for d in _step(plan, "lender_complaint").dates}
    assert nfra.documents[:2] == ("拨打 12378 通话要点", "举报信")  # no 金融消费投诉书 for a contact


def _replied(reply_on: str | None) -> Case:
    data = load_case(CARD).model_dump(mode="json", exclude_none=True)
    prior = {**data["prior_complaints"][0], "reply_received": True}
    if reply_on:
        prior["reply_on"] = reply_on
    data["prior_complaints"] = [prior]
    return Case.model_validate(data)


@pytest.mark.parametrize("reply_on", ["2026-11-27", None])
def test_a_reply_received_is_never_shown_as_passed(reply_on: str | None, runner: CliRunner, tmp_path: Path) -> None:
    # filed 2026-11-20, due 2026-12-07; viewed on 2027-02-01, long after the reply (dated or not) came
    plan = _plan_of(_replied(reply_on), date(2027, 2, 1))
    lender = _step(plan, "lender_complaint")
    assert lender.status == "replied"
    (reply,) = [d for d in lender.dates if d.deadline == "complaint_reply"]
    assert reply.answered
    assert not reply.passed
    assert reply.answered_on == (date(2026, 11, 27) if reply_on else None)
    target = tmp_path / "case.json"
    target.write_text(_replied(reply_on).model_dump_json(), encoding="utf-8")
    output = runner.invoke(cli, ["plan", str(target), "--as-of", "2027-02-01"]).output
    section = output.split("第 1 步")[1].split("第 2 步")[0]
    assert "⚠ 已过期" not in section
    assert ("（已于 2026年11月27日 收到答复）" if reply_on else "（已收到答复）") in section


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_every_example_plan_matches_its_reviewed_snapshot(
    path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # the last line names the case file as typed: keep it the same on every machine
    result = runner.invoke(cli, ["plan", str(path.relative_to(REPO)), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert_matches_snapshot(result.output, SNAPSHOTS / f"{path.stem}.txt")
