"""What ``CaseView`` (the ``ctx`` every template sees) says about a case beyond its rows: counts by medium and by
evidence kind, group audiences, the collectors' accounts, the lender's role, the reporter's region, complaints
already filed — and the charges of criminal characterisations, read from the offences table (law as data,
rules/statutes/offences), never from a plugin."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from jubao import Case, Offence, PluginSet, load_case
from jubao.offences import OFFENCES_DIR, OffenceError, bundled_offences, load_offences
from jubao.ruleset import bundled_ruleset
from jubao.statutes import STATUTES_DIR, STATUTES_PACKAGE, bundled_statutes
from tests.conftest import EXAMPLES

TODAY = date(2026, 11, 23)


def case(**sections: Any) -> Case:
    data: dict[str, Any] = {
        "reporter": {"role": "borrower", "name": "测试人", "region": {"province": "广东省", "city": "深圳市"}},
        "lender": {"name": "示例消费金融有限公司", "kind": "consumer_finance"},
        "incidents": [{"time": "2026-10-01 10:00", "medium": "call", "target": {"kind": "borrower"}}],
        **sections,
    }
    return Case.model_validate(data)


def incident(time: str, medium: str = "call", count: int = 1, **target: Any) -> dict[str, Any]:
    return {"time": time, "medium": medium, "count": count, "target": target or {"kind": "borrower"}}


# --- counts ---------------------------------------------------------------------------------------------------


def test_media_are_counted_in_the_order_they_first_occurred_even_if_listed_otherwise(view_of: Any) -> None:
    view = view_of(
        case(
            contacts={"reached": [{"id": "c1", "relation": "friend"}]},
            incidents=[
                incident("2026-10-03 10:00", "sms", 2),
                incident("2026-10-01 10:00", "call", 5),
                incident("2026-10-02 10:00", "wechat", kind="contact", contact="c1"),
                incident("2026-10-04 10:00", "call", 3, kind="contact", contact="c1"),
            ],
        )
    )
    assert view.media_counts() == "电话8次、微信1次、短信2次"
    to_friend = [i for i in view.case.incidents if i.target.contact == "c1"]
    assert view.media_counts(to_friend) == "微信1次、电话3次"
    assert view.media_counts([]) == ""


def test_evidence_is_counted_by_kind_in_the_order_listed(view_of: Any) -> None:
    evidence = [
        {"id": "e1", "kind": "sms_screenshot", "description": "短信截图一"},
        {"id": "e2", "kind": "call_log", "description": "通话详单"},
        {"id": "e3", "kind": "sms_screenshot", "description": "短信截图二"},
    ]
    assert view_of(case(evidence=evidence)).evidence_kind_counts == "短信截图2份、通话记录1份"
    assert view_of(case()).evidence_kind_counts == ""


def test_group_audience_adds_up_the_groups_reached(view_of: Any) -> None:
    view = view_of(
        case(
            incidents=[
                incident("2026-10-01 10:00", "group_chat", kind="group", audience_size=40),
                incident("2026-10-02 10:00", "social_post", kind="group", audience_size=5),
                incident("2026-10-03 10:00", "social_post", kind="group"),
                incident("2026-10-04 10:00"),
            ]
        )
    )
    assert view.group_audience == 45
    assert view_of(case()).group_audience == 0


def test_collector_accounts_come_from_the_collectors_then_the_incidents_each_once(view_of: Any) -> None:
    later = {**incident("2026-10-02 10:00", "wechat"), "from_account": "wx_b"}
    again = {**incident("2026-10-03 10:00", "wechat"), "from_account": "wx_a"}
    view = view_of(case(collectors=[{"accounts": ["wx_a"]}], incidents=[incident("2026-10-01 10:00"), later, again]))
    assert view.collector_accounts == ["wx_a", "wx_b"]


# --- parties and places ---------------------------------------------------------------------------------------


def test_lender_role_is_the_kind_without_its_gloss_or_a_neutral_word(view_of: Any) -> None:
    assert view_of(case()).lender_role == "消费金融公司"
    assert view_of(case(lender={"name": "某公司", "kind": "unknown"})).lender_role == "放贷方"
    bank = view_of(case(lender={"name": "示例银行", "kind": "bank"}))
    assert bank.lender_role == bank.lender_kind.split("（")[0]


def test_a_municipality_is_written_once(view_of: Any) -> None:
    region = {"province": "北京", "city": "北京市", "district": "海淀区"}
    beijing = {"role": "borrower", "name": "测试人", "region": region}
    view = view_of(case(reporter=beijing))
    assert view.reporter_region == "北京市海淀区"
    assert view.reporter_city == "北京市"
    assert view_of(case()).reporter_region == "广东省深圳市"


# --- complaints already filed ---------------------------------------------------------------------------------


def test_prior_complaints_carry_the_channel_id_and_the_reply(view_of: Any, plugins: PluginSet) -> None:
    prior = [
        {"channel": "lender_complaint", "filed_on": "2026-10-25", "reference_number": "KF-1", "reply_received": True,
         "reply_on": "2026-11-03", "reply_summary": "称已要求合作机构规范催收。"},
        {"channel": "miit_12321", "filed_on": "2026-11-01"},
    ]  # fmt: skip
    view = view_of(case(prior_complaints=prior))
    lender, spam = view.prior_complaints
    assert (lender.channel, lender.channel_id) == ("放贷机构自身的投诉渠道", "lender_complaint")
    assert view.channel_name(lender.channel_id) == plugins.channels["lender_complaint"].name.zh
    assert (lender.replied, lender.replied_on, lender.reply) == (True, date(2026, 11, 3), "称已要求合作机构规范催收")
    assert lender.outcome == "已收到答复：称已要求合作机构规范催收"
    assert (spam.channel, spam.replied, spam.replied_on, spam.reply) == (
        plugins.channels["miit_12321"].name.zh, False, None, ""
    )  # fmt: skip
    assert spam.outcome == "至今未收到答复"


# --- offences -------------------------------------------------------------------------------------------------


def test_offences_name_the_charges_of_the_criminal_characterisations_in_the_rules_order(view_of: Any) -> None:
    view = view_of(load_case(EXAMPLES / "unlicensed-714-threats.yaml"))
    criminal = [c.id for c in view.evaluation.characterisations if c.id.startswith("criminal.")]
    offences = view.offences()
    assert [o.characterisation for o in offences] == criminal
    assert all(isinstance(o, Offence) for o in offences)
    by_id = {o.characterisation: o for o in offences}
    assert by_id["criminal.illegal_debt_collection"].charge == "催收非法债务罪"
    assert view.law(by_id["criminal.illegal_debt_collection"].provision or "").ref.startswith("《中华人民共和国刑法》")
    forged = by_id["criminal.forged_documents"]
    assert (forged.provision, forged.plain_ref) == (None, "《中华人民共和国刑法》第二百八十条第一款")
    assert view.unnamed_offences == []


def test_insult_and_defamation_is_privately_prosecuted(view_of: Any) -> None:
    view = view_of(load_case(EXAMPLES / "online-microloan-doctored-images.yaml"))
    assert [(o.charge, o.private_prosecution) for o in view.offences()] == [("侮辱罪、诽谤罪", True)]


def test_a_criminal_characterisation_without_a_charge_is_named_by_its_label(
    view_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = {k: v for k, v in bundled_offences().items() if k != "criminal.forged_documents"}
    monkeypatch.setattr("jubao.drafting.bundled_offences", lambda: table)
    view = view_of(load_case(EXAMPLES / "unlicensed-714-threats.yaml"))
    label = next(c.label.zh for c in view.evaluation.characterisations if c.id == "criminal.forged_documents")
    assert view.unnamed_offences == [label.removeprefix("刑事：")]
    assert "criminal.forged_documents" not in [o.characterisation for o in view.offences()]


def test_the_offences_table_cites_only_what_the_library_and_the_catalogue_know() -> None:
    statutes = bundled_statutes()
    labels = bundled_ruleset().characterisation_labels
    offences = bundled_offences()
    assert len(offences) >= 8
    for characterisation, offence in offences.items():
        assert characterisation == offence.characterisation
        assert characterisation in labels, f"{characterisation}: not a characterisation the catalogue labels"
        if offence.provision is not None:
            assert offence.provision in statutes, f"{characterisation}: no provision {offence.provision}"
        else:
            assert offence.plain_ref is not None, characterisation
            assert offence.plain_ref.startswith("《"), characterisation
            assert offence.note, f"{characterisation}: say why the provision is cited in plain text"


def test_the_offences_table_ships_as_package_data_beside_the_statutes() -> None:
    folder = files(STATUTES_PACKAGE) / STATUTES_DIR / OFFENCES_DIR
    assert any(item.name.endswith(".yaml") for item in folder.iterdir())
    assert load_offences() == dict(bundled_offences())


def test_a_malformed_offences_table_is_refused(tmp_path: Path) -> None:
    entry = "  - {characterisation: criminal.extortion, charge: 敲诈勒索罪, status: S, source: test"
    (tmp_path / "a.yaml").write_text(f"offences:\n{entry}, provision: criminal_law.extortion}}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(f"offences:\n{entry}, plain_ref: 《刑法》}}\n", encoding="utf-8")
    with pytest.raises(OffenceError, match="listed twice"):
        load_offences(tmp_path)
    (tmp_path / "b.yaml").unlink()
    (tmp_path / "c.yaml").write_text(f"offences:\n{entry}}}\n".replace("extortion", "provocation", 1), encoding="utf-8")
    with pytest.raises(OffenceError, match="exactly one of"):
        load_offences(tmp_path)
