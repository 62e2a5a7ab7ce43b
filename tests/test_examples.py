"""The bundled examples are what new users copy: each must validate and mean what its comments say."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from jubao import load_case
from jubao.vocabulary import Behaviour, ConsentAnswer, LenderKind, ReporterRole, TargetKind
from tests.conftest import EXAMPLES, example_cases


def test_there_are_at_least_six_examples_including_json() -> None:
    cases = example_cases()
    assert len(cases) >= 6
    assert any(path.suffix == ".json" for path in cases)


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.name)
def test_every_example_validates(path: Path) -> None:
    case = load_case(path)
    assert case.incidents


def test_examples_cover_the_scenarios_the_issue_names() -> None:
    cases = {path.stem: load_case(path) for path in example_cases()}
    credit = cases["credit-card-employer"]
    assert credit.lender.kind is LenderKind.BANK
    assert any(c.relation == "employer" for c in credit.contacts.reached)
    consumer = cases["consumer-finance-30-contacts"]
    assert consumer.lender.kind is LenderKind.CONSUMER_FINANCE
    assert any(i.target.audience_size == 30 for i in consumer.incidents)
    microloan = cases["online-microloan-doctored-images"]
    assert any(Behaviour.DOCTORED_IMAGES in i.behaviours and i.medium == "group_chat" for i in microloan.incidents)
    unlicensed = cases["unlicensed-714-threats"]
    assert unlicensed.lender.kind is LenderKind.UNLICENSED
    assert unlicensed.debt.term_days == 7
    assert any(Behaviour.THREAT_VIOLENCE in i.behaviours for i in unlicensed.incidents)
    assert cases["contact-harassed"].reporter.role is ReporterRole.CONTACT
    night = cases["night-calls-borrower-only"]
    assert all(i.target.kind is TargetKind.BORROWER for i in night.incidents)


def test_naive_times_are_beijing_time_and_phones_are_e164() -> None:
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    first = case.incidents[0]
    assert first.time.utcoffset() == timedelta(hours=8)
    assert first.time.hour == 10
    assert case.reporter.phone == "+8613800000101"
    assert case.contacts.reached[0].phone == "+861055550110"
    assert case.reporter.region.province == "广东省"  # written as 广东


def test_yaml_no_stays_a_consent_answer_and_rates_are_exact() -> None:
    case = load_case(EXAMPLES / "consumer-finance-30-contacts.yaml")
    assert case.debt.contact_list_consent is ConsentAnswer.NO
    assert case.lender.annual_rate_percent == Decimal("23.9")
    assert case.incidents[0].from_number == "106900000301"  # SMS port kept as digits


def test_examples_use_only_fictional_numbers() -> None:
    """Example numbers come from the 138/139/170 0000 0xxx, 010-5555 01xx, 1069 0000 0xxx and +63 917 000 0xxx
    blocks only, so that no real person's number ends up in the repository."""
    allowed_prefixes = ("+861380000", "+861390000", "+861700000", "+86105555", "106900000", "+639170000")
    for path in example_cases():
        case = load_case(path)
        numbers = [case.reporter.phone]
        numbers += [c.phone for c in case.contacts.reached]
        numbers += [i.from_number for i in case.incidents]
        numbers += [p for collector in case.collectors for p in collector.phones]
        for number in filter(None, numbers):
            assert number.startswith(allowed_prefixes), f"{path.name}: {number}"
