"""Case-format behaviour: what is accepted, how it is normalised, and what is refused (with which code/path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from jubao import CaseFileError, load_case, parse_case
from jubao.loading import parse_case_text
from tests.conftest import MINIMAL_CASE


def minimal(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MINIMAL_CASE)
    data["incidents"][0]["time"] = "2026-10-01T10:00:00"
    for dotted, value in overrides.items():
        target: Any = data
        parts = dotted.split("__")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
        target[parts[-1]] = value
    return data


def problems_of(data: Any) -> set[tuple[str, str]]:
    with pytest.raises(CaseFileError) as caught:
        parse_case(data)
    return {(p.path, p.code) for p in caught.value.problems}


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("13800000001", "+8613800000001"),
        (13800000001, "+8613800000001"),  # unquoted in YAML
        ("+86 138-0000-0001", "+8613800000001"),
        ("0086 138 0000 0001", "+8613800000001"),
        ("(010) 5555-0123", "+861055550123"),
        ("95188", "95188"),  # bank service line
        ("1069 0000 0123", "106900000123"),  # SMS port
        ("+63 917 000 0001", "+639170000001"),  # collectors calling from abroad
    ],
)
def test_phone_numbers_are_normalised(written: object, normalised: str) -> None:
    case = parse_case(minimal(reporter__phone=written))
    assert case.reporter.phone == normalised


@pytest.mark.parametrize("bad", ["1380013800", "138000000011", "abc", "", "+86", "12345678901234567890", True, 1.5])
def test_impossible_phone_numbers_are_rejected(bad: object) -> None:
    assert ("reporter.phone", "invalid_phone") in problems_of(minimal(reporter__phone=bad))


@pytest.mark.parametrize(("written", "full"), [("广东", "广东省"), ("北京", "北京市"), ("内蒙古", "内蒙古自治区")])
def test_province_short_names_are_normalised(written: str, full: str) -> None:
    assert parse_case(minimal(reporter__region={"province": written})).reporter.region.province == full


@pytest.mark.parametrize("outside", ["香港", "台湾省", "加州", ""])
def test_provinces_outside_mainland_or_unknown_are_rejected(outside: str) -> None:
    assert ("reporter.region.province", "invalid_province") in problems_of(
        minimal(reporter__region={"province": outside})
    )


def test_resident_id_and_credit_code_check_digits() -> None:
    ok = parse_case(minimal(reporter__id_number="11010519491231002x", lender__credit_code="91350100M000100Y43"))
    assert ok.reporter.id_number == "11010519491231002X"
    found = problems_of(minimal(reporter__id_number="110105194912310021", lender__credit_code="91350100M000100Y44"))
    assert ("reporter.id_number", "invalid_id_number") in found
    assert ("lender.credit_code", "invalid_credit_code") in found


@pytest.mark.parametrize(
    ("time", "code"),
    [
        ("2026-02-30T10:00:00", "invalid_datetime"),
        ("2026-13-01T10:00:00", "invalid_datetime"),
        ("yesterday", "invalid_datetime"),
        ("1999-12-31T10:00:00", "date_too_early"),
        ("2099-01-01T10:00:00", "date_in_future"),
    ],
)
def test_impossible_incident_times_are_rejected(time: str, code: str) -> None:
    assert ("incidents[0].time", code) in problems_of(minimal(incidents__0__time=time))


def test_explicit_offsets_are_kept() -> None:
    case = parse_case(minimal(incidents__0__time="2026-10-01T02:00:00Z"))
    assert case.incidents[0].time.utcoffset() is not None
    assert case.incidents[0].time.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_counts_must_be_positive_and_amounts_non_negative() -> None:
    found = problems_of(minimal(incidents__0__count=0, debt={"principal": -5, "overdue_days": -1}))
    assert {("incidents[0].count", "out_of_range"), ("debt.principal", "out_of_range"),
            ("debt.overdue_days", "out_of_range")} <= found  # fmt: skip


def test_unknown_keys_are_rejected_with_a_suggestion() -> None:
    data = minimal()
    data["reporter"]["nmae"] = "x"
    with pytest.raises(CaseFileError) as caught:
        parse_case(data)
    (problem,) = [p for p in caught.value.problems if p.code == "unknown_field"]
    assert problem.path == "reporter"  # the mapping holding the key: the key itself is never echoed
    assert problem.params["suggestion"] == "name"


def test_unknown_vocabulary_is_rejected_with_a_suggestion() -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case(minimal(incidents__0__behaviours=["debt_disclosre"]))
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == ("incidents[0].behaviours[0]", "unknown_value")
    assert problem.params["suggestion"] == "debt_disclosure"


def test_contact_reporter_needs_relation_and_borrower_reporter_must_not_have_one() -> None:
    assert ("reporter.relation_to_borrower", "required") in problems_of(minimal(reporter__role="contact"))
    assert ("reporter.relation_to_borrower", "not_applicable") in problems_of(
        minimal(reporter__relation_to_borrower="friend")
    )


def test_lender_needs_a_name_or_an_app_name() -> None:
    assert ("lender.name", "required") in problems_of(minimal(lender={"kind": "bank"}))
    assert parse_case(minimal(lender={"app_name": "示例借"})).lender.name is None


def test_target_fields_must_fit_the_target_kind() -> None:
    assert ("incidents[0].target.contact", "required") in problems_of(minimal(incidents__0__target={"kind": "contact"}))
    assert ("incidents[0].target.relation", "not_applicable") in problems_of(
        minimal(incidents__0__target={"kind": "borrower", "relation": "friend"})
    )
    assert ("incidents[0].target.audience_size", "not_applicable") in problems_of(
        minimal(incidents__0__target={"kind": "contact", "relation": "friend", "audience_size": 3})
    )


def test_references_to_contacts_and_evidence_must_exist() -> None:
    data = minimal(
        contacts={"reached": [{"id": "c1", "relation": "friend"}, {"id": "c1", "relation": "family"}]},
        evidence=[{"id": "E1", "kind": "call_log", "description": "详单"}],
    )
    data["incidents"][0]["target"] = {"kind": "contact", "contact": "c9"}
    data["incidents"][0]["evidence"] = ["E1", "E2"]
    found = problems_of(data)
    assert found == {
        ("contacts.reached[1].id", "duplicate_id"),
        ("incidents[0].target.contact", "unknown_reference"),
        ("incidents[0].evidence[1]", "unknown_reference"),
    }


def test_relation_on_target_must_agree_with_the_listed_contact() -> None:
    data = minimal(contacts={"reached": [{"id": "c1", "relation": "friend"}]})
    data["incidents"][0]["target"] = {"kind": "contact", "contact": "c1", "relation": "spouse"}
    assert problems_of(data) == {("incidents[0].target.relation", "inconsistent")}


def test_date_order_is_checked() -> None:
    found = problems_of(
        minimal(
            incidents__0__until="2026-09-30T10:00:00",
            prior_complaints=[{"channel": "nfra_12378", "filed_on": "2026-10-10", "reply_on": "2026-10-01"}],
        )
    )
    assert ("incidents[0].until", "date_order") in found
    assert ("prior_complaints[0].reply_on", "date_order") in found
    assert ("prior_complaints[0].reply_received", "inconsistent") in found


def test_answered_applies_only_to_calls() -> None:
    assert ("incidents[0].answered", "not_applicable") in problems_of(
        minimal(incidents__0__medium="sms", incidents__0__answered=True)
    )


def test_a_case_needs_at_least_one_incident() -> None:
    assert ("incidents", "too_few_items") in problems_of(minimal(incidents=[]))


def test_channel_ids_in_prior_complaints_must_be_snake_case() -> None:
    found = problems_of(minimal(prior_complaints=[{"channel": "NFRA 12378", "filed_on": "2026-10-10"}]))
    assert ("prior_complaints[0].channel", "bad_format") in found


def test_case_is_immutable() -> None:
    case = parse_case(minimal())
    with pytest.raises(Exception, match="frozen"):
        case.reporter.name = "别人"  # type: ignore[misc]


# --- YAML-specific reading ------------------------------------------------------------------------


def test_yaml_1_1_surprises_are_avoided() -> None:
    text = MINIMAL_CASE.replace("phone: 138 0000 0001", "phone: 01055550123") + (
        "debt:\n  contact_list_consent: no\n  disputed: no\n"
    )
    case = parse_case_text(text, fmt="yaml")
    assert case.reporter.phone == "+861055550123"  # not octal, not an int without its leading zero
    assert case.debt.contact_list_consent == "no"  # not False
    assert case.debt.disputed is False  # the bool field still understands "no"


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (MINIMAL_CASE + "lender:\n  name: 又一个\n", "duplicate_key", 13),
        ("reporter: &r\n  role: borrower\nborrower: *r\n", "yaml_alias", 3),
        ("reporter:\n  role: borrower\n name: x\n", "yaml_syntax", 3),
        ("a: 1\n---\nb: 2\n", "yaml_syntax", 2),
        ("", "empty_file", None),
        ("# only a comment\n", "empty_file", None),
        ("title: \x07\n", "yaml_syntax", 1),
    ],
)
def test_unreadable_yaml_is_reported_with_its_line(text: str, code: str, line: int | None) -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(text, fmt="yaml")
    (problem,) = caught.value.problems
    assert (problem.code, problem.line) == (code, line)


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_text("- 1\n- 2\n", fmt="yaml")
    assert [p.code for p in caught.value.problems] == ["not_a_mapping"]


# --- JSON -----------------------------------------------------------------------------------------


def test_json_cases_get_lines_too() -> None:
    data = minimal()
    data["reporter"]["phone"] = "1234"
    text = json.dumps(data, ensure_ascii=False, indent=2)
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(text, fmt="json")
    (problem,) = caught.value.problems
    assert problem.code == "invalid_phone"
    assert problem.line == text.splitlines().index('    "phone": "1234",') + 1


@pytest.mark.parametrize(
    ("text", "code"),
    [('{"a": 1, "a": 2}', "duplicate_key"), ('{"a": NaN}', "json_not_finite"), ('{"a": ', "json_syntax")],
)
def test_bad_json_is_refused(text: str, code: str) -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_text(text, fmt="json")
    assert [p.code for p in caught.value.problems] == [code]


# --- files ----------------------------------------------------------------------------------------


def test_file_level_problems(write: Any, tmp_path: Path) -> None:
    cases = {
        "missing.yaml": "file_not_found",
        "case.txt": "unsupported_extension",
    }
    write("case.txt", MINIMAL_CASE)
    for name, code in cases.items():
        with pytest.raises(CaseFileError) as caught:
            load_case(tmp_path / name)
        assert [p.code for p in caught.value.problems] == [code]
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(CaseFileError) as caught:
        load_case(tmp_path / "dir.yaml")
    assert [p.code for p in caught.value.problems] == ["is_a_directory"]


def test_gbk_file_is_refused_with_its_line(write: Any) -> None:
    path = write("gbk.yaml", ("title: ok\n" + "reporter:\n  name: 测试人\n").encode("gbk"))
    with pytest.raises(CaseFileError) as caught:
        load_case(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.line) == ("not_utf8", 3)


def test_utf8_bom_is_accepted(write: Any) -> None:
    path = write("bom.yaml", b"\xef\xbb\xbf" + MINIMAL_CASE.encode("utf-8"))
    assert load_case(path).reporter.name == "测试人"


def test_a_credit_card_debt_is_recognised_or_stated_and_a_guarantor_never_is() -> None:
    card = minimal(lender={"name": "示例银行股份有限公司信用卡中心", "kind": "bank"})
    assert parse_case(card).is_credit_card
    loan = minimal(lender={"name": "示例银行股份有限公司", "kind": "bank"})
    assert not parse_case(loan).is_credit_card
    assert parse_case({**loan, "debt": {"credit_card": True}}).is_credit_card  # the case can say so outright
    assert not parse_case({**card, "debt": {"credit_card": False}}).is_credit_card
    # a bank that bought the card debt or guaranteed it is not the card's issuer collecting its own debt
    bought = minimal(lender={"name": "示例银行股份有限公司信用卡中心", "kind": "bank", "role": "debt_buyer"})
    assert not parse_case(bought).is_credit_card


def test_the_creditor_role_follows_the_kind_unless_stated_and_successor_fields_need_a_successor() -> None:
    assert (
        parse_case(minimal(lender={"name": "示例融资担保有限公司", "kind": "financing_guarantee"})).lender.creditor_role
        == "guarantor"
    )
    assert (
        parse_case(minimal(lender={"name": "示例资产管理有限公司", "kind": "debt_buyer"})).lender.creditor_role
        == "debt_buyer"
    )
    assert parse_case(minimal(lender={"name": "示例银行", "kind": "bank"})).lender.creditor_role == "lender"
    with pytest.raises(CaseFileError) as error:
        parse_case(minimal(lender={"name": "示例银行", "kind": "bank", "original_creditor": {"name": "示例"}}))
    assert ("lender", "original_creditor") in [tuple(p.loc) for p in error.value.problems]


def test_a_carrier_complaint_is_recorded_with_its_reply() -> None:
    case = parse_case(
        minimal(
            carrier_complaints=[
                {
                    "carrier": "china_mobile",
                    "filed_on": "2026-11-01",
                    "reply_on": "2026-11-05",
                    "reply_received": True,
                    "about_numbers": ["170 0000 0001"],
                },
            ]
        )
    )
    assert case.carrier_complaints[0].carrier == "china_mobile"
    with pytest.raises(CaseFileError):
        parse_case(
            minimal(
                carrier_complaints=[
                    {
                        "carrier": "china_mobile",
                        "filed_on": "2026-11-05",
                        "reply_on": "2026-11-01",
                        "reply_received": True,
                    }
                ]
            )
        )
