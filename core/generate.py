"""Generate random, valid, fictional cases — for differential tests, isolation tests and benchmarks.

The generator covers every vocabulary value and the shapes rules care about (third parties or not, groups,
night times, 714-style loans, prior complaints, harvested-list sizes around the legal thresholds), so that a
large sample fires every rule. All people and numbers are fictional (numbers come from the 138 0000 xxxx block).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from jubao.case import Case
from jubao.vocabulary import Behaviour, ConsentAnswer, EvidenceKind, LenderKind, Medium, Relation, Want

_CHANNELS = ("lender_complaint", "nfra_12378", "local_finance_bureau", "miit_12321", "police", "cac_12377")
_LIST_SIZES = (None, None, 40, 300, 2499, 2500, 4999, 5000, 12000)


def random_case_data(rng: random.Random, *, start: datetime | None = None) -> dict[str, Any]:
    """One random case as plain data (what a tool would produce)."""
    start = start or datetime(2025, 6, 1, 9, 0)
    if rng.random() < 0.25:  # some recent cases, so that "ongoing" harassment occurs
        start = datetime(2026, 10, 1, 9, 0)  # + at most 20 days + 6 runs of 70 h: still in the past
    kind = rng.choice(list(LenderKind))
    contacts = [
        {
            "id": f"c{i}",
            "relation": rng.choice(list(Relation)).value,
            "guarantor": rng.random() < 0.1,
            "emergency_contact": rng.random() < 0.2,
        }
        for i in range(rng.choice((0, 0, 1, 2, 3, 6)))
    ]
    incidents = []
    span = 500 if start.year < 2026 else 20
    moment = start + timedelta(days=rng.randrange(0, span), minutes=rng.randrange(0, 24 * 60))
    for _ in range(rng.randint(1, 6)):
        medium = rng.choice(list(Medium))
        target_kind = rng.choice(("borrower", "borrower", "contact", "group"))
        target: dict[str, Any] = {"kind": target_kind}
        if target_kind == "contact":
            if contacts and rng.random() < 0.7:
                target["contact"] = rng.choice(contacts)["id"]
            else:
                target["relation"] = rng.choice(list(Relation)).value
        elif target_kind == "group":
            target["audience_size"] = rng.choice((3, 12, 30, 80))
        incident: dict[str, Any] = {
            "time": moment.isoformat(),
            "medium": medium.value,
            "target": target,
            "behaviours": rng.sample([b.value for b in Behaviour], rng.choice((0, 1, 1, 2, 3))),
            "count": rng.choice((1, 1, 2, 5, 9, 20)),
        }
        if rng.random() < 0.3:
            incident["until"] = (moment + timedelta(hours=rng.choice((1, 5, 30, 100)))).isoformat()
        if medium is Medium.CALL:
            incident["from_number"] = f"138 0000 {rng.randrange(10000):04d}"
            incident["answered"] = rng.random() < 0.5
        incidents.append(incident)
        moment += timedelta(hours=rng.choice((3, 13, 26, 70)))
    lender: dict[str, Any] = {"kind": kind.value}
    if rng.random() < 0.8:
        lender["name"] = "示例借贷有限公司"
    if rng.random() < 0.6 or "name" not in lender:
        lender["app_name"] = "示例借"
    if rng.random() < 0.4:
        lender["annual_rate_percent"] = rng.choice((18, 24, 35.9, 36, 36.5, 180, 1500))
    if kind is LenderKind.LOAN_PLATFORM and rng.random() < 0.7:
        lender["funding_institution"] = {"name": "示例银行", "kind": rng.choice(list(LenderKind)).value}
    debt: dict[str, Any] = {
        "disputed": rng.random() < 0.2,
        "contact_list_consent": rng.choice(list(ConsentAnswer)).value,
    }
    if rng.random() < 0.5:
        debt["principal"] = rng.choice((1000, 3000, 20000))
        if rng.random() < 0.3:
            debt["upfront_deduction"] = rng.choice((0, 300, 900))
    if rng.random() < 0.3:
        debt["term_days"] = rng.choice((7, 14, 30, 365))
    data: dict[str, Any] = {
        "reporter": {
            "role": "borrower",
            "name": "测试人",
            "phone": "138 0000 0001",
            "region": {"province": "广东省"},
        },
        "lender": lender,
        "debt": debt,
        "incidents": incidents,
        "contacts": {"reached": contacts, "harvested_list_size": rng.choice(_LIST_SIZES)},
        "evidence": [{"id": "E1", "kind": rng.choice(list(EvidenceKind)).value, "description": "截图"}],
        "wants": rng.sample([w.value for w in Want], rng.choice((0, 1, 2))),
    }
    if rng.random() < 0.3:
        data["collectors"] = [{"agency_name": "示例商务咨询有限公司", "phones": ["138 0000 9999"]}]
    if rng.random() < 0.2:
        data["reporter"]["role"] = "contact"
        data["reporter"]["relation_to_borrower"] = rng.choice(list(Relation)).value
    if rng.random() < 0.3:
        filed = start + timedelta(days=rng.randrange(0, span))
        data["prior_complaints"] = [{"channel": rng.choice(_CHANNELS), "filed_on": filed.date().isoformat()}]
    return data


def random_cases(count: int, *, seed: int = 0) -> Iterator[Case]:
    """``count`` random valid cases, reproducible from ``seed``."""
    rng = random.Random(seed)
    for _ in range(count):
        yield Case.model_validate(random_case_data(rng))
