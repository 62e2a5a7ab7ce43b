"""miit_12300: the complaint to the carrier, then the 12300 申诉书 — only about a carrier's inaction."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from jubao import carrier_appeal, load_case
from jubao.case import Case
from jubao.channel import Clock
from jubao.cli.main import cli
from jubao.engine import Engine
from jubao.plan import build_plan
from jubao.plugins import PluginSet
from tests.channels.common import TODAY
from tests.conftest import EXAMPLES

CHANNEL = "miit_12300"
CREDIT_CARD = EXAMPLES / "credit-card-employer.yaml"
CONTACT = EXAMPLES / "contact-harassed.yaml"


def reported_to_12321() -> Case:
    """The contact's case after a 12321 report on 2026-11-04: the second number went on calling until 11-09."""
    data = load_case(CONTACT).model_dump(mode="json", exclude_none=True)
    data["prior_complaints"] = [{"channel": "miit_12321", "filed_on": "2026-11-04", "reference_number": "A-0088"}]
    return Case.model_validate(data)


def test_routed_only_after_a_12321_report_and_gets_both_documents(engine: Engine, draft: Any) -> None:
    assert CHANNEL not in engine.evaluate(load_case(CONTACT), today=TODAY).route_ids()
    case = reported_to_12321()
    assert CHANNEL in engine.evaluate(case, today=TODAY).route_ids()
    docs = draft(case)
    assert list(docs) == ["carrier_complaint", "appeal", "guide"]
    assert docs["carrier_complaint"].title == "投诉书"
    assert docs["appeal"].title == "电信用户申诉书"


def test_appeal_has_the_contents_of_article_12(draft: Any) -> None:
    appeal = draft(load_case(CREDIT_CARD))["appeal"]
    preamble = appeal.sections[0].all_blocks()
    lines = [block.text for block in preamble]
    assert lines == [
        "申诉人：王晓明",
        "通讯地址：广东省深圳市南山区示例路 1 号 101 室",
        "联系电话：138 0000 0101",
        "邮政编码：【待补充：邮政编码】",
        "被申诉人：【待补充：被申诉的电信运营商全称（如××通信集团××省有限公司）】",
        "被申诉人地址：【待补充：被申诉人地址】",
    ]
    assert [section.heading for section in appeal.sections[1:]] == [
        "申诉请求",
        "申诉理由及事实",
        "证据",
        "所引法律文件",
    ]
    signature = appeal.sections[-1].blocks[-1]
    assert signature.lines == ["申诉人：王晓明", "2026年11月23日"]


def test_prior_carrier_complaint_is_a_blank_and_12321_reports_come_from_the_case(draft: Any) -> None:
    blanks = draft(load_case(CREDIT_CARD))["appeal"].blanks()
    assert "向运营商投诉的日期和工单号" in blanks
    assert "向12321举报的日期和受理编号（未举报的删去本句）" in blanks
    text = draft(reported_to_12321())["appeal"].text()
    assert "申诉人已于2026年11月4日就上述号码向12321网络不良与垃圾信息举报受理中心举报（受理编号：A-0088）" in text
    assert "2026年11月4日以后仍有发生的记录如下" in text
    assert "170 0000 0603" in text


def test_deadlines_are_data_with_their_basis(plugins: PluginSet, draft: Any) -> None:
    deadlines = {d.id: d for d in plugins.channels[CHANNEL].deadlines}
    assert {k: (d.length, d.unit.value) for k, d in deadlines.items()} == {  # type: ignore[union-attr]
        "carrier_reply": (15, "calendar_days"),
        "appeal_acceptance": (5, "working_days"),
        "appeal_reply": (30, "calendar_days"),
        "time_bar": (2, "years"),
    }
    assert all(d.basis for d in deadlines.values())
    docs = draft(load_case(CREDIT_CARD))
    assert "自收到本投诉之日起15日内" in docs["carrier_complaint"].text()
    appeal = docs["appeal"].text()
    assert "5个工作日内决定是否受理" in appeal
    assert "《中华人民共和国电信条例》第三十九条第一款，自收到申诉之日起30日内答复" in appeal
    # not in the statute library yet: cited by name; the flag is in the guide, not in the filing
    assert "依照《电信用户申诉处理办法》，" in appeal
    assert any(n.kind == "unverified" and "《电信用户申诉处理办法》" in n.text for n in docs["appeal"].guidance)


def test_contacts_are_counted_not_named(draft: Any) -> None:
    for doc in draft(load_case(CREDIT_CARD)).values():
        text = doc.text()
        assert "赵人事" not in text
        assert "5555 0110" not in text
        if doc.purpose == "filing":
            # counted, and not said to come from the address book (the number may come from the application)
            assert "联系投诉人的2名联系人" in text or "联系申诉人的2名联系人" in text
            assert "通讯录" not in text


def test_no_documents_without_harassing_numbers(draft: Any) -> None:
    assert draft(load_case(EXAMPLES / "guarantee-company-visit.json")) == {}


def test_missing_lists_the_case_paths(plugins: PluginSet) -> None:
    channel = plugins.channels[CHANNEL]
    assert [m.path for m in channel.missing(load_case(CONTACT))] == ["reporter.address", "carrier_complaints"]
    assert [m.path for m in channel.missing(load_case(CREDIT_CARD))] == ["carrier_complaints"]
    assert channel.missing(with_carrier({**MOBILE, "filed_on": "2026-11-05"})) == [
        m for m in channel.missing(with_carrier({**MOBILE, "filed_on": "2026-11-05"})) if m.path == "reporter.address"
    ]


# --- issue 11 item 11: complaints to the carrier, and when 12300 takes an appeal ---------------------------------


def with_carrier(*complaints: dict[str, Any], base: Case | None = None) -> Case:
    """The contact's case after a 12321 report, with these complaints to carriers."""
    data = (base or reported_to_12321()).model_dump(mode="json", exclude_none=True)
    data["carrier_complaints"] = list(complaints)
    return Case.model_validate(data)


MOBILE = {"carrier": "china_mobile", "about_numbers": ["170 0000 0603"], "reference_number": "YD-1105-33"}


def _reasons(engine: Engine, case: Case, today: date = TODAY) -> dict[str, str]:
    route = next((r for r in engine.evaluate(case, today=today).routes if r.channel == CHANNEL), None)
    return {} if route is None else {reason.rule: reason.text.zh for reason in route.reasons}


def test_carrier_period_is_a_rules_parameter_equal_to_the_channels_declared_period(
    plugins: PluginSet, engine: Engine
) -> None:
    parameter = plugins.ruleset.parameters["telecom.carrier_reply_days"]
    deadline = next(d for d in plugins.channels[CHANNEL].deadlines if d.id == "carrier_reply")
    assert parameter.value_on(TODAY) == deadline.length == 15
    assert parameter.citations[0].article == "第十条第（四）项"
    assert deadline.clock is Clock.CARRIER


def test_carrier_status_counts_the_period_like_the_plan_and_ignores_later_events() -> None:
    base = reported_to_12321()

    def status(today: date, **complaint: Any) -> str:
        case = with_carrier({"carrier": "china_unicom", "filed_on": "2026-09-16", **complaint}, base=base)
        return carrier_appeal(case, today=today, reply_days=15).status

    assert carrier_appeal(base, today=TODAY, reply_days=15).status == "none"
    # 15 days from 2026-09-16 end on 10-01, a holiday: the period runs to the next working day, 10-08
    assert status(date(2026, 10, 8)) == "awaiting_reply"
    assert status(date(2026, 10, 9)) == "unanswered"
    assert carrier_appeal(with_carrier({"carrier": "china_unicom", "filed_on": "2026-09-16"}, base=base),
                          today=date(2026, 10, 9), reply_days=15).opens_on == date(2026, 10, 9)  # fmt: skip
    assert status(date(2026, 9, 20), reply_received=True, reply_on="2026-09-18") == "replied"
    assert status(date(2026, 9, 17), reply_received=True, reply_on="2026-09-18") == "awaiting_reply"  # not yet
    assert status(date(2026, 9, 15)) == "none"  # filed after the day looked at
    assert status(date(2026, 10, 9), resolved=True) == "resolved"


def test_without_a_carrier_complaint_the_route_says_complain_to_the_carrier_first(engine: Engine) -> None:
    reasons = _reasons(engine, reported_to_12321())
    assert list(reasons) == ["route.miit_12300"]
    assert "先向该号码所属的电信运营商投诉" in reasons["route.miit_12300"]
    assert "可以申诉的日期见行动计划" in reasons["route.miit_12300"]


def test_a_carrier_silent_past_its_period_opens_the_appeal_which_names_the_complaint(
    engine: Engine, draft: Any
) -> None:
    case = with_carrier({**MOBILE, "filed_on": "2026-11-05"})
    reasons = _reasons(engine, case)
    assert list(reasons) == ["route.miit_12300.carrier_unanswered"]
    assert "在 15 日内没有答复" in reasons["route.miit_12300.carrier_unanswered"]
    docs = draft(case)
    assert list(docs) == ["appeal", "guide"]  # the complaint to the carrier is already made: no second letter
    text = docs["appeal"].text()
    assert (
        "申诉人已于2026年11月5日就号码170 0000 0603向被申诉人（中国移动）投诉，要求其核查处置，工单号：YD-1105-33。"
        in text
    )
    assert "自申诉人投诉之日起15日内（至2026年11月20日），被申诉人未予答复。" in text
    assert "而其在15日内未答复的，可以向被申诉人所在省的电信用户申诉受理中心申诉" in text
    assert "向运营商投诉的日期和工单号" not in docs["appeal"].blanks()
    assert "中国移动在当地的公司全称（见话费账单、工单短信或营业厅）" in docs["appeal"].blanks()
    assert "170 0000 0603）进行核查" in text  # the request names the numbers complained about
    assert "向被申诉人投诉的记录（工单号：YD-1105-33）" in text  # 附 after the signature


def test_a_carrier_that_answered_without_resolving_opens_the_appeal_with_its_answer(engine: Engine, draft: Any) -> None:
    answer = {"reply_received": True, "reply_on": "2026-11-08", "reply_summary": "称已标记该号码。"}
    case = with_carrier({**MOBILE, "filed_on": "2026-11-05", **answer})
    assert list(_reasons(engine, case)) == ["route.miit_12300.carrier_replied"]
    text = draft(case)["appeal"].text()
    assert "被申诉人于2026年11月8日答复，答复内容概要：称已标记该号码。" in text
    assert "被申诉人的答复没有解决上述问题，申诉人对处理结果不满意：【待补充：不满意的理由" in text
    assert "投诉且对其处理结果不满意的，可以向被申诉人所在省的电信用户申诉受理中心申诉" in text


def test_inside_the_carriers_period_12300_is_a_later_step_with_its_date_in_the_guide(
    engine: Engine, draft: Any
) -> None:
    case = with_carrier({**MOBILE, "filed_on": "2026-11-20"})
    reasons = _reasons(engine, case)
    assert list(reasons) == ["route.miit_12300.carrier_pending"]
    assert "现在还不能向 12300 申诉" in reasons["route.miit_12300.carrier_pending"]
    docs = draft(case)
    appeal = docs["appeal"]
    assert "至2026年12月7日仍未答复" in appeal.blanks()[-1] or any(
        "至2026年12月7日仍未答复" in b for b in appeal.blanks()
    )
    guide = docs["guide"].text()
    assert "运营商的15日答复期至2026年12月7日届满" in guide  # 11-20 + 15 = 12-05, a Saturday: moved to Monday
    assert "自2026年12月8日起才可以提交本申诉书" in guide
    assert "2026年12月8日" not in appeal.text()  # advice about when to file stays out of the filing


def test_a_resolved_carrier_complaint_leaves_nothing_to_appeal(engine: Engine) -> None:
    case = with_carrier({**MOBILE, "filed_on": "2026-11-05", "resolved": True})
    assert CHANNEL not in engine.evaluate(case, today=TODAY).route_ids()


def test_one_appeal_per_carrier_complained_to(draft: Any) -> None:
    case = with_carrier(
        {**MOBILE, "filed_on": "2026-11-05"},
        {"carrier": "china_unicom", "filed_on": "2026-11-06", "about_numbers": ["170 0000 0602"]},
    )
    docs = draft(case)
    assert list(docs) == ["appeal_china_mobile", "appeal_china_unicom", "guide"]
    assert "（中国联通）投诉" in docs["appeal_china_unicom"].text()
    assert "中国移动" not in docs["appeal_china_unicom"].text()


def test_the_plan_dates_the_carriers_period_and_12300_from_the_day_an_appeal_is_possible(
    engine: Engine, plugins: PluginSet
) -> None:
    def step(case: Case) -> Any:
        plan = build_plan(case, engine.evaluate(case, today=TODAY), plugins)
        return next(s for s in plan.steps if s.channel == CHANNEL)

    pending = step(with_carrier({**MOBILE, "filed_on": "2026-11-20"}))
    dates = {d.deadline: d for d in pending.dates}
    assert (dates["carrier_reply"].event, dates["carrier_reply"].event_date) == (Clock.CARRIER, date(2026, 11, 20))
    assert dates["carrier_reply"].end == date(2026, 12, 7)
    assert not dates["carrier_reply"].assumed
    assert dates["appeal_acceptance"].event_date == date(2026, 12, 8)  # if filed on the first day possible
    assert dates["appeal_acceptance"].assumed
    # no complaint yet: the carrier's period as if made today, 12300 from the day after it ends
    first = {d.deadline: d for d in step(reported_to_12321()).dates}
    assert first["carrier_reply"].assumed
    assert first["carrier_reply"].event_date == TODAY
    assert first["appeal_reply"].event_date == first["carrier_reply"].end + timedelta(days=1)
    # an answer received stops the carrier's period: not dated, never shown as passed; 12300 open today
    answered = step(
        with_carrier({**MOBILE, "filed_on": "2026-10-01", "reply_received": True, "reply_on": "2026-10-05"})
    )
    assert "carrier_reply" in [d.id for d in answered.undated]
    assert {d.deadline: d.event_date for d in answered.dates}["appeal_acceptance"] == TODAY


def test_a_reporter_on_a_landline_is_not_said_to_use_a_mobile(draft: Any) -> None:
    data = reported_to_12321().model_dump(mode="json", exclude_none=True)
    data["reporter"]["phone"] = "010 5555 0110"  # a company switchboard
    docs = draft(Case.model_validate(data))
    for doc_id in ("carrier_complaint", "appeal"):
        text = docs[doc_id].text()
        assert "是固定电话号码010 5555 0110的使用人" in text
        assert "手机号码" not in text


def test_a_carriers_answer_is_redacted_like_every_free_text(draft: Any) -> None:
    base = load_case(CREDIT_CARD)
    answer = {
        "reply_received": True,
        "reply_on": "2026-10-30",
        "reply_summary": "称已联系赵人事（010 5555 0110）核实。",
    }
    case = with_carrier({"carrier": "china_mobile", "filed_on": "2026-10-20", **answer}, base=base)
    text = draft(case)["appeal"].text()
    assert "答复内容概要" in text
    assert "赵人事" not in text
    assert "5555 0110" not in text


def test_plan_command_dates_the_carriers_period_and_says_what_to_do_when_it_ends(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = with_carrier({**MOBILE, "filed_on": "2026-11-20"}).model_dump(mode="json", exclude_none=True)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli, ["plan", str(path), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "运营商处理投诉：2026年12月7日（2026年12月5日 是休息日，顺延）" in result.output
    assert "→ 到 2026年12月7日 仍无结果的：运营商逾期未答复或对处理结果不满意的" in result.output
    assert "申诉受理中心决定是否受理：2026年12月15日（如在 2026年12月8日 提交）" in result.output
