"""What each bundled example yields, reviewed by reading: lender category, severity, law and channel order.

If a rule change moves any of these, this test fails and the change must be justified against the reference
(shared/domain/reference.md) — these are the cases users copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from jubao import load_case
from jubao.engine import Engine
from tests.conftest import EXAMPLES

TODAY = date(2026, 11, 23)

EXPECTED = {
    "credit-card-employer.yaml": {
        "as_of": date(2026, 10, 16), "severity": 3, "regulator": "nfra", "licence": "licensed",
        "routes": [("lender_complaint", 1), ("miit_12321", 2), ("police", 2), ("nfra_12378", 3),
                   ("legal_aid_12348", 5), ("court_civil", 6), ("samr_12315", 6), ("media", 7)],
        "law": {"civil.privacy", "civil.personal_information", "public_order.harassment"},
    },
    "consumer-finance-30-contacts.yaml": {
        "as_of": date(2026, 11, 6), "severity": 2, "regulator": "nfra", "licence": "licensed",
        # mass messages to contacts go to the police even below S3 (reference §1.9 "Fit"; issue 11 item 7)
        "routes": [("lender_complaint", 1), ("miit_12321", 2), ("police", 2), ("court_civil", 2), ("nfra_12378", 3),
                   ("cac_12377", 4), ("nifa", 5), ("app_store", 6), ("procuratorate_12309", 7)],
        "law": {"civil.privacy", "civil.personal_information", "public_order.harassment",
                "public_order.privacy_spreading"},
    },
    "online-microloan-doctored-images.yaml": {
        "as_of": date(2026, 11, 11), "severity": 3, "regulator": "local_finance_bureau", "licence": "licensed",
        "routes": [("lender_complaint", 1), ("miit_12321", 2), ("police", 2), ("court_civil", 2),
                   ("local_finance_bureau", 3), ("cac_12377", 4), ("nifa", 5), ("legal_aid_12348", 5),
                   ("app_store", 6), ("procuratorate_12309", 7)],
        "law": {"civil.privacy", "civil.personal_information", "civil.reputation", "public_order.harassment",
                "public_order.privacy_spreading", "criminal.insult_defamation"},
    },
    "unlicensed-714-threats.yaml": {
        "as_of": date(2026, 1, 6), "severity": 4, "regulator": "none", "licence": "unlicensed",
        "routes": [("police", 1), ("miit_12321", 2), ("local_finance_bureau", 4), ("cac_12377", 4),
                   ("legal_aid_12348", 5), ("app_store", 6), ("procuratorate_12309", 7)],
        "law": {"civil.privacy", "civil.personal_information", "public_order.harassment", "public_order.threat",
                "public_order.impersonation", "criminal.illegal_debt_collection", "criminal.forged_documents",
                "criminal.illegal_lending", "public_order.time_barred"},  # last act 2026-01-06: six months have run
    },
    "contact-harassed.yaml": {
        "as_of": date(2026, 11, 9), "severity": 2, "regulator": "nfra", "licence": "licensed",
        "routes": [("lender_complaint", 1), ("miit_12321", 2), ("court_civil", 2), ("nfra_12378", 3),
                   ("cac_12377", 4), ("nifa", 5), ("app_store", 6)],
        "law": {"civil.privacy", "civil.personal_information", "public_order.harassment"},
    },
    "night-calls-borrower-only.yaml": {
        "as_of": date(2026, 11, 16), "severity": 2, "regulator": "local_finance_bureau", "licence": "licensed",
        "routes": [("lender_complaint", 1), ("miit_12321", 2), ("court_civil", 2), ("local_finance_bureau", 3),
                   ("nifa", 5), ("pboc_12363", 5)],
        "law": {"civil.privacy"},
    },
    "guarantee-company-visit.json": {
        "as_of": date(2026, 11, 18), "severity": 3, "regulator": "local_finance_bureau", "licence": "licensed",
        "routes": [("lender_complaint", 1), ("police", 2), ("court_civil", 2), ("local_finance_bureau", 3),
                   ("legal_aid_12348", 5)],
        # one visit is not 多次…滋扰 (issue 11 item 7): no public-order harassment
        "law": {"civil.privacy", "civil.personal_information"},
    },
    # issue 11: a financing guarantor collecting by recourse is a locally supervised company (地方金融管理局)
    "guarantor-recourse.yaml": {
        "as_of": date(2026, 10, 15), "severity": 2, "regulator": "local_finance_bureau", "licence": "licensed",
        "routes": [("lender_complaint", 1), ("miit_12321", 2), ("local_finance_bureau", 3), ("court_civil", 6),
                   ("media", 7)],
        "law": {"civil.privacy", "civil.personal_information", "public_order.harassment"},
    },
    # a debt buyer's regulator is not known from the reference ([M]): no regulator route is invented
    "debt-buyer-assigned.yaml": {
        "as_of": date(2026, 11, 5), "severity": 3, "regulator": "unknown", "licence": "unknown",
        "routes": [("lender_complaint", 1), ("miit_12321", 2), ("police", 2), ("court_civil", 2),
                   ("legal_aid_12348", 5), ("samr_12315", 6)],
        "law": {"civil.privacy", "civil.personal_information", "public_order.harassment"},
    },
    # a contact reports threatening mass texts about a platform loan funded by a consumer-finance company:
    # NFRA (the funder's regulator) and the police even though the reporter is not the borrower
    "contact-platform-consumer-finance.yaml": {
        "as_of": date(2026, 11, 10), "severity": 3, "regulator": "nfra", "licence": "licensed",
        "routes": [("lender_complaint", 1), ("miit_12321", 2), ("police", 2), ("court_civil", 2), ("nfra_12378", 3),
                   ("cac_12377", 4), ("nifa", 5), ("legal_aid_12348", 5), ("app_store", 6),
                   ("procuratorate_12309", 7)],
        "law": {"civil.privacy", "civil.personal_information", "public_order.harassment",
                "public_order.privacy_spreading"},
    },
    # all conduct in 2025, evaluated in November 2026: the public-order limitation has run, so no police route
    # (no criminal head applies) and the characterisation says so; only the 2012 law is cited
    "all-2025-microloan.yaml": {
        "as_of": date(2025, 5, 20), "severity": 3, "regulator": "local_finance_bureau", "licence": "licensed",
        "routes": [("lender_complaint", 1), ("miit_12321", 2), ("local_finance_bureau", 3), ("cac_12377", 4),
                   ("nifa", 5), ("legal_aid_12348", 5), ("court_civil", 6), ("app_store", 6)],
        "law": {"civil.privacy", "civil.personal_information", "civil.reputation", "public_order.harassment",
                "public_order.time_barred"},
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with Engine() as shared:
        yield shared


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_classification_and_routes(engine: Engine, name: str) -> None:
    expected = EXPECTED[name]
    result = engine.evaluate(load_case(EXAMPLES / name), today=TODAY)
    assert result.as_of == expected["as_of"]
    assert result.severity.level == expected["severity"]
    assert result.facts["regulator"] == expected["regulator"]
    assert result.facts["licence_status"] == expected["licence"]
    assert [(route.channel, route.priority) for route in result.routes] == expected["routes"]
    assert {item.id for item in result.characterisations} == expected["law"]
    assert "credit_china" not in result.route_ids()
    for route in result.routes:  # every route says why, and on what law
        assert route.reasons
        assert all(reason.citations for reason in route.reasons)
    assert all(vote.citations for vote in result.severity.reasons)
