"""jubao next (这周要做的事): each step with where and how to submit, what to bring and keep, the documents and the
command that writes them, and a file-by date that follows the data — the policy parameter, time bars, an earlier
complaint's reply deadline and the carriers' records window; printable as Markdown and DOCX."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from jubao import Case, load_case
from jubao.cli.main import cli
from jubao.docx_writer import docx_outline
from jubao.engine import Engine
from jubao.next_steps import NextStep, NextSteps, build_next, day_text
from jubao.plan import build_plan
from jubao.plugins import PluginSet
from jubao.rules import Dated, Parameter
from tests.conftest import EXAMPLES, REPO, example_cases

CARD = EXAMPLES / "credit-card-employer.yaml"
VIEW = date(2026, 11, 23)
DAY = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def _next(case: Case, plugins: PluginSet, view: date, parameters: Mapping[str, Parameter] | None = None) -> NextSteps:
    """``jubao next`` as a value; ``parameters`` replace the rule set's (the evaluation uses them too)."""
    ruleset = plugins.ruleset
    if parameters is not None:
        ruleset = dataclasses.replace(ruleset, parameters={**ruleset.parameters, **parameters})
    with Engine(ruleset, plugins=plugins, backend="python") as engine:
        evaluation = engine.evaluate(case, today=view)
    plan = build_plan(case, evaluation, plugins, as_of=view, with_documents=False)
    return build_next(case, evaluation, plan, plugins.channels, ruleset.parameters)


def _with(plugins: PluginSet, name: str, value: int) -> dict[str, Parameter]:
    parameter = plugins.ruleset.parameters[name]
    return {name: parameter.model_copy(update={"values": [Dated(since=date(2000, 1, 1), value=value)]})}


def _section(output: str, heading_start: str) -> str:
    """The lines of one step, from its heading to the next blank line."""
    start = output.index(heading_start)
    end = output.find("\n\n", start)
    return output[start : end if end != -1 else len(output)]


def _step(result: NextSteps, channel: str) -> NextStep:
    return next(step for step in result.steps if step.channel == channel)


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_every_example_names_its_first_step_with_where_how_and_by_when(
    path: Path, runner: CliRunner, plugins: PluginSet
) -> None:
    result = runner.invoke(cli, ["next", str(path), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("这周要做的事（截至 2026年11月23日）")
    first = _next(load_case(path), plugins, VIEW).next_step()
    assert first is not None
    section = _section(out, f"第 {first.step} 步  {first.name.zh}")
    assert re.search(rf"建议在 {DAY.pattern} 前提交", section)  # by when
    assert "在哪里、怎样提交：" in section  # where and how: the channel's routes, each with its kind
    kind = {"phone": "电话", "web": "网站", "app": "App", "in_person": "当面", "post": "邮寄"}.get(
        first.filing[0].kind.value, ""
    )
    assert f"    · {kind}" in section
    assert "要带的材料：" in section
    assert "提交后请保留：" in section
    assert f"jubao documents {path} --channel {first.channel} --out 材料-{first.channel}" in section
    assert out.rstrip("\n").splitlines()[-1].startswith(f"下一步：第 {first.step} 步 {first.name.zh}")


def test_a_step_already_filed_shows_its_status_and_the_next_date(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["next", str(CARD), "--as-of", "2026-11-23"]).stdout
    lender = _section(out, "第 1 步  放贷机构/催收委托方自身投诉渠道")
    assert "已于 2026年11月20日 提交（编号 TS20261120-0001），尚未答复" in lender
    assert "下一个日期：2026年12月7日，机构作出处理决定并告知" in lender  # 15 days, Saturday 12-05 moved to Monday
    assert "到 2026年12月7日 仍无结果的（机构作出处理决定并告知）：逾期未答复或不满意的，向监管部门投诉" in lender
    assert "建议在" not in lender  # nothing left to file there


def test_the_regulator_waits_for_the_lender_and_its_date_moves_with_the_complaint(plugins: PluginSet) -> None:
    case = load_case(CARD)
    nfra = _step(_next(case, plugins, VIEW), "nfra_12378")
    assert nfra.escalation is not None
    assert nfra.escalation.after == "lender_complaint"
    assert nfra.escalation.due == date(2026, 12, 7)
    assert nfra.escalation.opens == date(2026, 12, 8)
    assert nfra.file_by is not None
    assert nfra.file_by.reason == "escalation"
    assert nfra.file_by.date == date(2026, 12, 15)  # from 12-08, policy.file_within_days (7)
    # filed a week earlier (Friday 11-13): 15 days end on Saturday 11-28, moved to Monday 11-30
    earlier = case.model_copy(update={"prior_complaints": (case.prior_complaints[0].model_copy(
        update={"filed_on": date(2026, 11, 13)}),)})  # fmt: skip
    moved = _step(_next(earlier, plugins, VIEW), "nfra_12378")
    assert moved.escalation is not None
    assert moved.escalation.due == date(2026, 11, 30)
    assert moved.file_by is not None
    assert moved.file_by.date == date(2026, 12, 8)
    # once the reply deadline has passed unanswered, the regulator is due now
    late = _next(case, plugins, date(2026, 12, 10))
    due_now = _step(late, "nfra_12378")
    assert due_now.escalation is not None
    assert due_now.escalation.passed
    assert due_now.file_by is not None
    assert due_now.file_by.date == date(2026, 12, 17)
    # without the complaint to the lender there is nothing to wait for
    none = case.model_copy(update={"prior_complaints": ()})
    assert _step(_next(none, plugins, VIEW), "nfra_12378").escalation is None


def test_steps_that_do_not_depend_on_the_lender_do_not_wait(plugins: PluginSet) -> None:
    result = _next(load_case(CARD), plugins, VIEW)
    for channel in ("miit_12321", "police", "court_civil"):
        step = _step(result, channel)
        assert step.escalation is None, channel
        assert step.file_by is not None, channel
        assert step.file_by.date == date(2026, 11, 30), channel
    assert result.next_step() is _step(result, "miit_12321")


def test_the_suggestion_follows_the_policy_parameter(plugins: PluginSet) -> None:
    parameter = plugins.ruleset.parameters["policy.file_within_days"]
    assert {c.status.value for c in parameter.citations} == {"policy"}  # jubao's choice, and it says so
    three = _next(load_case(CARD), plugins, VIEW, _with(plugins, "policy.file_within_days", 3))
    assert three.within_days == 3
    dates = [_step(three, channel).file_by for channel in ("miit_12321", "nfra_12378")]
    assert [item.date if item else None for item in dates] == [date(2026, 11, 26), date(2026, 12, 11)]


def test_the_public_order_limitation_caps_the_date_and_agrees_with_the_evaluation(
    plugins: PluginSet, engine: Engine
) -> None:
    case = load_case(CARD)  # last act 2026-10-16; the police not told
    bar = date(2027, 4, 16)
    police = _step(_next(case, plugins, date(2027, 4, 13)), "police")
    assert [b.end for b in police.bars] == [bar]
    assert police.file_by is not None
    assert police.file_by.reason == "time_bar"
    assert police.file_by.date == bar
    assert {c.status.value for c in police.file_by.basis} >= {"V"}  # the parameter's citations
    # the evaluation calls it time-barred the day after that last day, not before
    assert engine.evaluate(case, today=bar).facts["public_order_time_barred"] is False
    assert engine.evaluate(case, today=date(2027, 4, 17)).facts["public_order_time_barred"] is True
    # the parameter moves it
    shorter = _step(_next(case, plugins, VIEW, _with(plugins, "public_order.limitation_months", 3)), "police")
    assert [b.end for b in shorter.bars] == [date(2027, 1, 16)]


def test_a_report_to_the_police_stops_the_public_order_clock(plugins: PluginSet) -> None:
    case = load_case(CARD)
    reported = case.model_copy(update={"prior_complaints": (*case.prior_complaints,
                                                            case.prior_complaints[0].model_copy(
                                                                update={"channel": "police",
                                                                        "filed_on": date(2026, 11, 21)}))})  # fmt: skip
    police = _step(_next(reported, plugins, VIEW), "police")
    assert police.status == "filed"
    assert police.bars == ()
    assert police.file_by is None


def test_a_time_barred_public_order_matter_says_so(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["next", str(EXAMPLES / "unlicensed-714-threats.yaml"), "--as-of", "2026-11-23"]).stdout
    police = _section(out, "第 1 步  公安机关")
    assert "治安追究时效（最后一次行为后 6 个月）已于 2026年7月6日 届满：期限内未被公安机关发现的" in police
    assert "建议在 2026年11月30日 前提交" in police  # the crimes can still be reported


def test_step_zero_takes_its_date_from_the_records_window_and_says_it_is_practice(
    runner: CliRunner, plugins: PluginSet
) -> None:
    # the oldest call in the case is on 2026-10-12: carriers let subscribers query about 6 months back
    (records,) = _next(load_case(CARD), plugins, date(2027, 4, 8)).preserve
    assert records.oldest == date(2026, 10, 12)
    assert records.by.reason == "evidence_window"
    assert records.by.date == date(2027, 4, 12)
    assert {c.status.value for c in records.basis} == {"U"}
    out = runner.invoke(cli, ["next", str(CARD), "--as-of", "2027-04-08"]).stdout
    step0 = _section(out, "第 0 步  保全证据")
    assert "建议在 2027年4月12日 前完成" in step0
    assert "行业做法，未找到法律规定）［未核实］" in step0
    assert "（未核实）" in step0


def test_steps_share_numbers_with_the_plan(runner: CliRunner) -> None:
    plan_out = runner.invoke(cli, ["plan", str(CARD), "--as-of", "2026-11-23"]).stdout
    next_out = runner.invoke(cli, ["next", str(CARD), "--as-of", "2026-11-23"]).stdout
    headings = re.compile(r"^第 (\d+) 步  (.+?)(（可同时进行）)?$", re.M)
    steps = [h for h in headings.findall(plan_out) if h[0] != "0"]
    assert steps == [h for h in headings.findall(next_out) if h[0] != "0"]
    assert [int(h[0]) for h in steps] == [1, 2, 2, 3, 4, 5, 5, 6]  # priorities 1, 2, 2, 3, 5, 6, 6, 7


def test_markdown_and_docx_are_written_and_never_over_an_existing_file(runner: CliRunner, tmp_path: Path) -> None:
    md, docx = tmp_path / "这周.md", tmp_path / "这周.docx"
    result = runner.invoke(cli, ["next", str(CARD), "--as-of", "2026-11-23", "--format", "md", "--out", str(md)])
    assert result.exit_code == 0, result.output
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# 这周要做的事（截至 2026年11月23日）")
    assert "## 二、放贷机构/催收委托方自身投诉渠道" in text  # sections as in the filings
    assert "建议在 2026年11月30日 前提交" in text
    assert "jubao documents" in text
    result = runner.invoke(cli, ["next", str(CARD), "--as-of", "2026-11-23", "--format", "docx", "--out", str(docx)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(docx.read_bytes())) as archive:
        assert "word/document.xml" in archive.namelist()
    outline = docx_outline(docx.read_bytes())
    assert "[Title] 这周要做的事（截至 2026年11月23日）" in outline
    assert "[Heading 1] 二、放贷机构/催收委托方自身投诉渠道" in outline
    # an existing file is never replaced without --force, and nothing else is left behind
    md.write_text("我自己的笔记", encoding="utf-8")
    again = runner.invoke(cli, ["next", str(CARD), "--format", "md", "--out", str(md)])
    assert again.exit_code == 2
    assert "已经存在" in again.stderr
    assert "--force" in again.stderr
    assert md.read_text(encoding="utf-8") == "我自己的笔记"
    forced = runner.invoke(cli, ["next", str(CARD), "--as-of", "2026-11-23", "--format", "md", "--out", str(md),
                                 "--force"])  # fmt: skip
    assert forced.exit_code == 0
    assert md.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["这周.docx", "这周.md"]  # no temporary files


def test_docx_needs_a_file_to_write(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["next", str(CARD), "--format", "docx"])
    assert result.exit_code == 2
    assert "--out" in result.stderr
    assert "Traceback" not in result.output


def test_next_in_english(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["--lang", "en", "next", str(CARD), "--as-of", "2026-11-23"]).stdout
    assert out.startswith("What to do this week (as of 2026-11-23)")
    assert "File by 2026-11-30" in out
    assert "Where and how to submit:" in out
    assert "这周" not in out


def test_a_bad_case_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "case.yaml"
    bad.write_text("reporter: {role: borrower}\n", encoding="utf-8")
    result = runner.invoke(cli, ["next", str(bad)])
    assert result.exit_code == 2
    assert "case.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_next_as_a_real_process(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("jubao")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "jubao"]
    out = tmp_path / "这周要做的事.docx"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUBAO_")}
    run = subprocess.run(
        [*command, "next", "examples/credit-card-employer.yaml", "--as-of", "2026-11-23"],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "第 2 步  12321 网络不良与垃圾信息举报受理中心（可同时进行）" in run.stdout
    assert run.stdout.rstrip().splitlines()[-1] == (
        "下一步：第 2 步 12321 网络不良与垃圾信息举报受理中心，建议在 2026年11月30日 前提交；"
        "生成文书：jubao documents examples/credit-card-employer.yaml --channel miit_12321 --out 材料-miit_12321"
    )
    written = subprocess.run(
        [*command, "next", "examples/credit-card-employer.yaml", "--format", "docx", "--out", str(out)],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert out.read_bytes()[:2] == b"PK"


def test_dates_are_written_as_people_write_them() -> None:
    assert day_text(date(2026, 12, 3), "zh") == "2026年12月3日"
    assert day_text(date(2026, 12, 3), "en") == "2026-12-03"
