"""The shared drafting rows (``jubao.drafting_rows``, exported from ``jubao``): what several channels' filings
say about the incidents and the respondent, and the privacy promise behind it — a filing to a regulator or a
company names the people the collectors reached by relation only, never by name or number."""

from __future__ import annotations

from datetime import date
from typing import Any

from jubao import (
    Case,
    Engine,
    LenderKind,
    PluginSet,
    anonymised_incidents,
    drafting_context,
    harvested_contacts_at_issue,
    in_force_checker,
    incident_period,
    load_case,
    online_summary,
    reached_remotely,
    reached_third_parties,
    respondent,
)
from tests.conftest import EXAMPLES

TODAY = date(2026, 11, 23)
NAMES = ["司马联系甲", "诸葛联系乙", "上官联系丙"]
PHONES = ["+8613900000991", "+8613900000992", "+8613900000993"]
PHONES_WRITTEN = ["139 0000 0991", "139 0000 0992", "139 0000 0993", "13900000991", "13900000992", "13900000993"]


def example(name: str, **changes: Any) -> Case:
    """An example case with top-level sections replaced (``lender={…}``) or edited by a function."""
    data = load_case(EXAMPLES / name).model_dump(mode="json")
    for key, change in changes.items():
        data[key] = change(data[key]) if callable(change) else change
    return Case.model_validate(data)


def with_named_contacts(contacts: dict[str, Any]) -> dict[str, Any]:
    for index, contact in enumerate(contacts["reached"]):
        contact.update(name=NAMES[index], phone=PHONES[index])
    return contacts


def test_anonymised_rows_never_name_or_number_a_contact(view_of: Any) -> None:
    view = view_of(example("consumer-finance-30-contacts.yaml", contacts=with_named_contacts))
    assert any(NAMES[0] in row.target_named for row in view.incidents), "the full view does name contacts"
    rows = anonymised_incidents(view)
    assert len(rows) == len(view.incidents)
    for row in rows:
        printed = [value for value in vars(row).values() if isinstance(value, str)]
        assert not [text for text in printed for secret in [*NAMES, *PHONES_WRITTEN] if secret in text], row
        assert row.target_named == row.target
    assert [row.target for row in rows] == ["群组或公开受众（约30人）", "借款人的家人", "借款人的朋友"]


def test_anonymised_rows_take_the_contacts_names_and_numbers_out_of_the_notes(view_of: Any) -> None:
    """A note the reporter wrote may name a contact ("打给了司马联系甲 139 0000 0991"): outside the police and the
    courts the row keeps the note, with the name and the number replaced (issue 11, item 12)."""

    def named_in_notes(incidents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        incidents[0]["note"] = f"催收员说已经打给了{NAMES[0]}（{PHONES_WRITTEN[3]}）。"
        return incidents

    case = example("consumer-finance-30-contacts.yaml", contacts=with_named_contacts, incidents=named_in_notes)
    rows = anonymised_incidents(view_of(case, "nfra_12378"))
    assert rows[0].note == "催收员说已经打给了联系人1（联系人1的号码）"
    assert rows[0].account == "报告人陈述：“催收员说已经打给了联系人1（联系人1的号码）”"
    police = view_of(case, "police").incidents[0]
    assert police.note == f"催收员说已经打给了{NAMES[0]}（{PHONES_WRITTEN[3]}）。"  # the police may see them


def test_anonymised_rows_drop_the_notes_closing_full_stop_even_inside_a_quote(view_of: Any) -> None:
    def notes(incidents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        incidents[0]["note"] = "短信称：“请转告其尽快还款。”"
        incidents[1]["note"] = "对方说明天还会再打。"
        return incidents

    rows = anonymised_incidents(view_of(example("consumer-finance-30-contacts.yaml", incidents=notes)))
    assert [row.note for row in rows] == ["短信称：“请转告其尽快还款”", "对方说明天还会再打", ""]


def test_online_summary_names_what_was_posted_by_timeline_number_and_audience(view_of: Any) -> None:
    def posted(incidents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        incidents[2].update(medium="group_chat", target={"kind": "group", "audience_size": 80}, behaviours=["insult"])
        return incidents

    summary = online_summary(view_of(example("consumer-finance-30-contacts.yaml", incidents=posted)))
    assert summary is not None
    assert (summary.numbers, summary.media, summary.audience) == ("3", "群聊", "群组或公开受众（约80人）")
    assert summary.behaviours == "辱骂"
    assert online_summary(view_of(example("consumer-finance-30-contacts.yaml"))) is None  # SMS and calls only


def test_reach_and_period_of_some_incidents(view_of: Any) -> None:
    rows = anonymised_incidents(view_of(example("consumer-finance-30-contacts.yaml")))
    assert incident_period(rows) == "自2026年11月3日至2026年11月6日"
    assert incident_period(rows[:1]) == "于2026年11月3日"
    assert reached_remotely(rows)
    assert reached_third_parties(rows)

    visit = anonymised_incidents(view_of(example("guarantee-company-visit.json")))
    assert not reached_remotely(visit)  # in person only: no 民法典 1033(1) "by phone, SMS or online"
    assert reached_third_parties(visit)


def test_an_incident_running_past_midnight_ends_the_period_on_its_last_day(view_of: Any) -> None:
    def overnight(incidents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        incidents[0]["until"] = "2026-11-04T01:00:00+08:00"
        return incidents

    rows = anonymised_incidents(view_of(example("consumer-finance-30-contacts.yaml", incidents=overnight)))
    assert incident_period(rows[:1]) == "自2026年11月3日至2026年11月4日"


def test_a_platform_loan_is_complained_of_at_the_supervised_funder(view_of: Any) -> None:
    platform = {"name": "示例助贷科技有限公司", "app_name": "示例借", "kind": "loan_platform",
                "funding_institution": {"name": "示例消费金融有限公司", "kind": "consumer_finance"}}  # fmt: skip
    view = view_of(example("consumer-finance-30-contacts.yaml", lender=platform))
    against = respondent(view, {LenderKind.BANK, LenderKind.CONSUMER_FINANCE})
    assert (against.name, against.kind) == ("示例消费金融有限公司", LenderKind.CONSUMER_FINANCE)
    assert against.via_platform
    assert against.platform == "示例助贷科技有限公司（App：示例借）"

    # A regulator that does not supervise the funder is asked about the platform itself.
    local = respondent(view, {LenderKind.MICROLOAN})
    assert local.name == "示例助贷科技有限公司（App：示例借）"
    assert (local.kind, local.platform) == (LenderKind.LOAN_PLATFORM, "")


def test_an_app_without_a_company_name_leaves_a_blank_unless_the_lender_is_unlicensed(view_of: Any) -> None:
    view = view_of(example("unlicensed-714-threats.yaml", lender={"app_name": "示例贷", "kind": "unlicensed"}))
    assert respondent(view, set()).name == "“示例贷”App 的运营方【待补充：运营公司全称（见借款合同或 App“关于我们”）】"
    # The reporter cannot find out who runs an illegal lender; the regulator can: no blank to fill.
    assert respondent(view, set(), unlicensed=True).name == "“示例贷”App 的实际运营者（运营主体不明）"


def test_deleting_harvested_contacts_is_asked_only_where_the_case_shows_them(view_of: Any) -> None:
    assert harvested_contacts_at_issue(view_of(example("consumer-finance-30-contacts.yaml")))
    night = example("night-calls-borrower-only.yaml")
    assert not night.contacts.reached
    assert not night.contacts.harvested_list_size
    assert "delete_contact_data" not in night.wants
    assert not harvested_contacts_at_issue(view_of(night))


def test_a_rule_is_not_in_force_for_conduct_before_it_was_issued(
    plugins: PluginSet, engine: Engine, view_of: Any
) -> None:
    guideline = "cba_collection_guideline.third_parties"  # issued 2026-01-30, no separate effective date
    case = example("consumer-finance-30-contacts.yaml")
    assert in_force_checker(view_of(case).context)(guideline)

    def in_2025(incidents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for incident in incidents:
            incident["time"] = incident["time"].replace("2026-", "2025-")
            incident["until"] = incident["until"] and incident["until"].replace("2026-", "2025-")
        return incidents

    earlier = example("consumer-finance-30-contacts.yaml", incidents=in_2025)
    context = drafting_context(plugins, "nfra_12378", earlier, engine.evaluate(earlier, today=TODAY))
    assert not in_force_checker(context)(guideline)
    assert in_force_checker(context)("pipl.consent_bases")
