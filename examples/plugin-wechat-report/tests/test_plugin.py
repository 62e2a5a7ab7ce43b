"""Tests of the WeChat example plugin, written with jubao's test kit (its fixtures come with jubao).

They run against the installed plugin (``python -m pip install -e '.[test]'``): the kit finds it by its
entry point, ``wechat_report``.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from jubao import Case, channel_from_package
from jubao.testing import assert_channel_conforms, assert_matches_snapshot, assert_rule_tests_pass, documents_for

PLUGINS = ("wechat_report", "formats")  # this plugin, and jubao's md/txt formats
CHANNEL = "wechat_report"
FEATURE = "wechat_report_collector_used_wechat"
TODAY = date(2026, 11, 20)  # fixed, so that outputs do not change with the calendar
SNAPSHOTS = Path(__file__).parent / "snapshots"

WECHAT_CASE: dict[str, Any] = {
    "reporter": {"role": "borrower", "name": "测试人", "phone": "138 0000 0911",
                 "region": {"province": "浙江省", "city": "杭州市"}},
    "lender": {"name": "杭州示例网络小额贷款有限公司", "app_name": "示例借", "kind": "online_microloan"},
    "contacts": {"reached": [{"id": "c1", "relation": "colleague", "name": "联系人甲", "phone": "139 0000 0912"},
                             {"id": "c2", "relation": "family"}]},
    "incidents": [
        {"time": "2026-11-02 21:40", "medium": "wechat", "from_account": "wx_example_cuishou01",
         "target": {"kind": "contact", "contact": "c1"}, "behaviours": ["debt_disclosure", "insult"], "count": 5,
         "note": "对联系人甲说本人欠钱不还。"},
        {"time": "2026-11-03 08:15", "until": "2026-11-05 22:30", "medium": "wechat",
         "from_account": "wx_example_cuishou02", "target": {"kind": "contact", "contact": "c2"},
         "behaviours": ["threat_exposure"], "count": 12},
        {"time": "2026-11-04 10:00", "medium": "call", "from_number": "170 0000 0913",
         "target": {"kind": "borrower"}, "behaviours": ["insult"]},
    ],
}  # fmt: skip
"""The same fictional case as ../case.yaml: two collector accounts message two contacts on WeChat."""


@pytest.fixture
def wechat_case() -> Case:
    return Case.model_validate(WECHAT_CASE)


def complaint_text(plugins: Any, case: Case, fmt: str = "md") -> str:
    (document,) = documents_for(plugins, CHANNEL, case, today=TODAY)
    return plugins.formats[fmt].write(document).decode("utf-8")


def test_channel_conforms(jubao_plugins_for, jubao_example_cases, wechat_case) -> None:
    plugins = jubao_plugins_for(*PLUGINS)
    assert_channel_conforms(plugins.channels[CHANNEL], plugins, [*jubao_example_cases, wechat_case])


def test_the_route_is_marked_unverified() -> None:
    """Nothing here was checked in the app: the data must say so, not look verified."""
    channel = channel_from_package("jubao_wechat_report")
    assert [method.status for method in channel.filing] == ["M"]
    assert channel.provenance.status == "M"
    assert all(method.address is None for method in channel.filing)  # no invented number or link
    assert channel.deadlines == []


def test_the_feature_says_whether_wechat_was_used(jubao_engine_for, jubao_example_cases, wechat_case) -> None:
    engine = jubao_engine_for(*PLUGINS)
    with_wechat = engine.evaluate(wechat_case, today=TODAY)
    assert with_wechat.features[FEATURE] is True
    assert CHANNEL in with_wechat.route_ids()
    for case in jubao_example_cases:  # the kit's cases are calls only
        evaluation = engine.evaluate(case, today=TODAY)
        assert evaluation.features[FEATURE] is False
        assert CHANNEL not in evaluation.route_ids()


def test_golden_rule_tests(jubao_engine_for) -> None:
    run = assert_rule_tests_pass(jubao_engine_for(*PLUGINS), files("jubao_wechat_report") / "rules", CHANNEL)
    assert len(run.outcomes) == 2


def test_complaint_matches_the_reviewed_snapshot(jubao_plugins_for, wechat_case) -> None:
    text = complaint_text(jubao_plugins_for(*PLUGINS), wechat_case)
    assert_matches_snapshot(text, SNAPSHOTS / "complaint.md")


def test_the_complaint_names_no_contact_and_quotes_no_message(jubao_plugins_for, wechat_case) -> None:
    plugins = jubao_plugins_for(*PLUGINS)
    for fmt in ("md", "txt"):
        text = complaint_text(plugins, wechat_case, fmt)
        assert "wx_example_cuishou01" in text
        assert "wx_example_cuishou02" in text
        for private in ("联系人甲", "139 0000 0912", "欠钱不还", "170 0000 0913"):
            assert private not in text, private


def test_a_case_without_wechat_gets_visible_blanks(jubao_plugins_for, jubao_example_cases) -> None:
    """Asked for explicitly (``jubao documents --channel wechat_report``) on a case with no WeChat contact."""
    text = complaint_text(jubao_plugins_for(*PLUGINS), jubao_example_cases[0])
    assert "【待补充：对方的微信号" in text
    assert "【待补充：对方通过微信催收的经过" in text
