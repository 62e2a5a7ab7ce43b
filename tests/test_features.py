"""The arithmetic rules rely on: night window edges, calls per person per day, distinct contacts reached."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jubao.case import Case
from jubao.features import compute_features

NIGHT = {"collection.night_window_start": "22:00", "collection.night_window_end": "08:00"}


def case(*incidents: dict[str, Any], **extra: Any) -> Case:
    data: dict[str, Any] = {
        "reporter": {"role": "borrower", "name": "测试人", "region": {"province": "广东省"}},
        "lender": {"name": "示例银行", "kind": "bank"},
        "incidents": list(incidents),
        **extra,
    }
    return Case.model_validate(data)


def call(time: str, **extra: Any) -> dict[str, Any]:
    return {"time": time, "medium": "call", "target": {"kind": "borrower"}, **extra}


def features(c: Case, params: dict[str, str] | None = None) -> dict[str, Any]:
    return compute_features(c, today=date(2026, 11, 23), param=(NIGHT if params is None else params).get)


@pytest.mark.parametrize(
    ("time", "night"),
    [("2026-10-01 21:59", False), ("2026-10-01 22:00", True), ("2026-10-02 07:59", True), ("2026-10-02 08:00", False),
     ("2026-10-01T14:30:00Z", True)],  # 14:30 UTC is 22:30 in Beijing
)  # fmt: skip
def test_night_window_edges_in_beijing_time(time: str, night: bool) -> None:
    assert features(case(call(time)))["night_contact"] is night


def test_night_is_unknown_before_the_window_parameter_exists() -> None:
    assert features(case(call("2026-10-01 23:00")), params={})["night_contact"] is None


def test_a_run_is_night_contact_only_if_it_starts_or_ends_at_night() -> None:
    assert features(case(call("2026-10-01 12:00", until="2026-10-07 19:00", count=30)))["night_contact"] is False
    assert features(case(call("2026-10-01 12:00", until="2026-10-01 23:10", count=9)))["night_contact"] is True


def test_calls_per_person_per_day_spread_runs_and_separate_people() -> None:
    c = case(
        call("2026-10-01 09:00", count=4),
        call("2026-10-01 18:00", count=3),  # same person, same day: 7
        call("2026-10-02 09:00", count=9, until="2026-10-04 18:00"),  # 9 over three days: 3 a day
        {"time": "2026-10-01 10:00", "medium": "call", "target": {"kind": "contact", "relation": "friend"}, "count": 5},
        {"time": "2026-10-01 10:00", "medium": "sms", "target": {"kind": "borrower"}, "count": 50},  # not calls
    )
    assert features(c)["max_calls_per_target_per_day"] == 7


def test_contacts_reached_counts_distinct_people_and_group_audiences() -> None:
    c = case(
        {"time": "2026-10-01 10:00", "medium": "call", "target": {"kind": "contact", "contact": "c1"}},
        {"time": "2026-10-02 10:00", "medium": "call", "target": {"kind": "contact", "contact": "c1"}},
        {"time": "2026-10-02 11:00", "medium": "call", "target": {"kind": "contact", "relation": "friend"}},
        contacts={"reached": [{"id": "c1", "relation": "employer"}, {"id": "c2", "relation": "family"}],
                  "harvested_list_size": 500},
    )  # fmt: skip
    f = features(c)
    assert f["contacts_reached"] == 3  # c1, c2 (listed) and one anonymous friend
    assert f["contacts_exposed"] == 500
    assert f["relations_reached"] == frozenset({"employer", "family", "friend"})
    assert f["third_parties_reached"] is True
    group = case({"time": "2026-10-01 10:00", "medium": "group_chat", "target": {"kind": "group", "audience_size": 45}})
    assert features(group)["contacts_reached"] == 45


def test_behaviours_towards_third_parties_are_separated() -> None:
    c = case(
        call("2026-10-01 10:00", behaviours=["insult"]),
        {"time": "2026-10-01 11:00", "medium": "sms", "target": {"kind": "contact", "relation": "family"},
         "behaviours": ["debt_disclosure"]},
    )  # fmt: skip
    f = features(c)
    assert f["behaviours"] == frozenset({"insult", "debt_disclosure"})
    assert f["behaviours_to_third_parties"] == frozenset({"debt_disclosure"})


def test_only_guarantors_or_emergency_contacts() -> None:
    c = case({"time": "2026-10-01 10:00", "medium": "call", "target": {"kind": "contact", "contact": "g"}},
             contacts={"reached": [{"id": "g", "relation": "family", "emergency_contact": True}]})  # fmt: skip
    assert features(c)["only_guarantors_or_emergency_contacts"] is True


def test_days_since_and_continuation_after_a_12321_report() -> None:
    c = case(call("2026-11-10 10:00"), prior_complaints=[{"channel": "miit_12321", "filed_on": "2026-11-01"}])
    f = features(c)
    assert f["days_since_last_incident"] == 13
    assert f["continued_after_12321_report"] is True
    assert f["prior_channels"] == frozenset({"miit_12321"})


# --- episodes, the 治安 limitation and guidelines dated by the act (issue 11 item 6) --------------------------------


def test_acts_more_than_the_gap_apart_are_separate_episodes() -> None:
    from jubao.features import conduct_episodes  # noqa: PLC0415

    c = case(
        call("2025-03-01 10:00"),
        call("2025-05-30 10:00"),  # 90 days later: the same episode
        call("2025-08-29 10:00", until="2025-09-02 10:00"),  # 91 days later: a new one, ending on 09-02
    )
    episodes = conduct_episodes(c, gap_days=90, today=date(2026, 3, 3))
    assert [(e.start, e.end) for e in episodes] == [
        (date(2025, 3, 1), date(2025, 5, 30)),
        (date(2025, 8, 29), date(2025, 9, 2)),
    ]
    assert [e.months_unreported for e in episodes] == [9, 6]  # 2025-09-02 + 6 months = 2026-03-02, passed
    assert len(conduct_episodes(c, gap_days=None, today=date(2026, 3, 3))) == 1
    f = compute_features(c, today=date(2026, 3, 2), param={"policy.episode_gap_days": 90}.get)
    assert (f["episodes"], f["months_unreported_to_police"]) == (2, 5)  # on the last day the window is still open


def test_a_police_report_stops_the_clock_of_the_episode_it_covers() -> None:
    c = case(call("2025-03-01 10:00"), prior_complaints=[{"channel": "police", "filed_on": "2025-04-15"}])
    f = compute_features(c, today=date(2026, 11, 23), param={"policy.episode_gap_days": 90}.get)
    assert f["months_unreported_to_police"] == 1
    earlier = case(call("2025-03-01 10:00"), prior_complaints=[{"channel": "police", "filed_on": "2025-01-15"}])
    none: dict[str, Any] = {}
    assert compute_features(earlier, today=date(2026, 11, 23), param=none.get)["months_unreported_to_police"] == 20


def test_repeated_behaviours_count_acts_not_incidents() -> None:
    visit = {"time": "2026-10-01 10:00", "medium": "in_person", "target": {"kind": "borrower"},
             "behaviours": ["home_or_work_visit"]}  # fmt: skip
    assert features(case(visit))["repeated_behaviours"] == frozenset()
    assert features(case({**visit, "count": 2}))["repeated_behaviours"] == frozenset({"home_or_work_visit"})


def test_a_dated_guideline_is_applied_only_to_acts_after_it() -> None:
    def guideline_on(name: str, day: date) -> object:
        return {**NIGHT, "collection.max_calls_per_number_per_day": 6}.get(name) if day >= date(2026, 1, 30) else None

    c = case(call("2025-06-03 23:30", count=10), call("2026-03-10 10:00"))
    f = compute_features(c, today=date(2026, 11, 23), param=NIGHT.get, param_on=guideline_on)
    assert f["night_contact"] is False  # the 2025 night calls predate the 22:00–08:00 window
    assert f["max_calls_per_target_per_day"] == 1  # only days with the six-call limit in force are counted
    assert compute_features(c, today=date(2026, 11, 23), param=NIGHT.get)["night_contact"] is True
