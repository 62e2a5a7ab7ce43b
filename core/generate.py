"""Generate random, valid, fictional cases — for differential tests, isolation tests, property tests of the
documents and benchmarks.

The generator covers every vocabulary value and the shapes rules and documents care about, so that a large sample
fires every rule and reaches every branch of the templates:

* who reports — the borrower, or a contact (with or without the borrower's name, some on a work landline);
* who collects — a lender, a financing guarantor or a debt buyer (with or without the original creditor and the
  date it paid or bought), a platform with or without its funder; the respondent's address, licences;
* the contact list — consent yes / no / unknown, harvested-list sizes around the legal thresholds, no contact
  reached or many, named contacts with mobile numbers, employers reached on a landline (010 5555 01xx);
* what happened — single acts and long runs, night times, groups, 714-style loans, in-person visits, conduct all in
  2025, all in late 2026, or in episodes months apart across the two years (the law changed on 2026-01-01);
* what the reporter wrote — notes in the first person ("每天给我妈打电话"), quoted messages, notes and evidence
  that name contacts and spell their numbers in several ways (what redaction must catch);
* what was done already — prior complaints with and without replies, complaints to carriers.

All people and numbers are fictional: reporters and collectors use the 138 0000 xxxx and 170 0000 xxxx blocks,
contacts 139 0000 0xxx and the 010 5555 01xx landlines.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from jubao.case import Case
from jubao.vocabulary import (
    Behaviour,
    Carrier,
    ConsentAnswer,
    CreditorRole,
    EvidenceKind,
    LenderKind,
    Medium,
    Relation,
    Want,
)

_CHANNELS = (
    "lender_complaint",
    "nfra_12378",
    "local_finance_bureau",
    "miit_12321",
    "miit_12300",
    "police",
    "cac_12377",
    "samr_12315",
)
_LIST_SIZES = (None, None, 40, 300, 2499, 2500, 4999, 5000, 12000)
_CONTACT_COUNTS = (0, 0, 0, 1, 1, 2, 3, 6, 12, 30)
_CONTACT_NAMES = (
    "王晓红", "赵人事", "孙朋友", "钱阿姨", "周表哥", "吴同学", "郑经理", "冯大姐",
    "陈师傅", "褚老师", "卫主管", "蒋邻居", "沈姐姐", "韩叔叔", "杨主任", "朱会计",
)  # fmt: skip
"""Fictional names: none is part of another, of the reporter's (测试人) or of the borrower's (周某)."""
LATEST = datetime(2026, 11, 12, 23, 0)
"""No generated date is later (tests evaluate with ``today`` on or after 2026-11-20)."""
_END_OF_2025 = datetime(2025, 12, 31, 23, 0)
_FIRST_PERSON_NOTES = (
    "每天给我妈打电话。",
    "要求我替他还钱。",
    "说要到我单位来找我。",
    "打给我同事说我欠钱不还。",
    "骂我是老赖，还说要把我的照片发到群里。",
)
_OTHER_NOTES = (
    "短信称：“请转告其尽快还款，否则后果自负。”",
    "自称“法务部”，称将起诉并上门。",
    "对方称已将欠款信息告知借款人的家人。",
)
_NAMED_NOTES = (
    "催收员说已经打给了{name}。",
    "对{name}说借款人欠款不还。",
    "还打到了{name}的电话 {phone}。",
)


def random_case_data(rng: random.Random, *, start: datetime | None = None) -> dict[str, Any]:
    """One random case as plain data (what a tool would produce). ``start``: when the conduct begins (default:
    one of the shapes in the module docstring)."""
    incidents_start, end = _period(rng, start)
    contacts = _contacts(rng)
    data: dict[str, Any] = {
        "reporter": {
            "role": "borrower",
            "name": "测试人",
            "phone": "138 0000 0001",
            "region": {"province": "广东省"},
        },
        "lender": _lender(rng, incidents_start),
        "debt": _debt(rng),
        "contacts": {"reached": contacts, "harvested_list_size": rng.choice(_LIST_SIZES)},
        "wants": rng.sample([w.value for w in Want], rng.choice((0, 1, 2))),
    }
    if rng.random() < 0.2:
        data["reporter"]["role"] = "contact"
        relation = rng.choice(list(Relation)).value
        data["reporter"]["relation_to_borrower"] = relation
        if relation == Relation.EMPLOYER.value and rng.random() < 0.5:
            data["reporter"]["phone"] = "010 5555 0199"  # the company's switchboard
        if rng.random() < 0.6:
            data["borrower"] = {"name": "周某"}
    evidence = _evidence(rng, contacts)
    data["incidents"] = _incidents(rng, data["reporter"], contacts, evidence, start=incidents_start, end=end)
    data["evidence"] = evidence
    if rng.random() < 0.3:
        data["collectors"] = [{"agency_name": "示例商务咨询有限公司", "phones": ["138 0000 9999"]}]
        if rng.random() < 0.5:
            data["collectors"][0]["acting_for"] = "示例借"
    last = max(datetime.fromisoformat(i.get("until") or i["time"]) for i in data["incidents"])
    if rng.random() < 0.3:
        data["prior_complaints"] = [_prior(rng, contacts, incidents_start, last)]
    if rng.random() < 0.2:
        data["carrier_complaints"] = [_carrier_complaint(rng, data["incidents"], incidents_start, last)]
    return data


def random_cases(count: int, *, seed: int = 0) -> Iterator[Case]:
    """``count`` random valid cases, reproducible from ``seed``."""
    rng = random.Random(seed)
    for _ in range(count):
        yield Case.model_validate(random_case_data(rng))


# --- parts of a case ----------------------------------------------------------------------------------------------


def _period(rng: random.Random, start: datetime | None) -> tuple[datetime, datetime]:
    """When the conduct starts, and the latest moment it may reach."""
    if start is not None:
        return start, LATEST
    shape = rng.random()
    if shape < 0.25:  # recent: "ongoing" harassment occurs
        return datetime(2026, 10, 1, 9, 0) + timedelta(days=rng.randrange(0, 20)), LATEST
    if shape < 0.45:  # all in 2025: the old 治安管理处罚法, guidelines issued in 2026 not yet out
        return datetime(2025, 1, 10, 9, 0) + timedelta(days=rng.randrange(0, 300)), _END_OF_2025
    return datetime(2025, 3, 1, 9, 0) + timedelta(days=rng.randrange(0, 480)), LATEST


def _contacts(rng: random.Random) -> list[dict[str, Any]]:
    count = rng.choice(_CONTACT_COUNTS)
    names = rng.sample(_CONTACT_NAMES, min(count, len(_CONTACT_NAMES)))
    contacts = []
    for i in range(count):
        relation = rng.choice(list(Relation))
        contact: dict[str, Any] = {
            "id": f"c{i}",
            "relation": relation.value,
            "guarantor": rng.random() < 0.1,
            "emergency_contact": rng.random() < 0.2,
        }
        if i < len(names) and rng.random() < 0.6:
            contact["name"] = names[i]
        if relation is Relation.EMPLOYER and rng.random() < 0.7:
            contact["phone"] = f"010 5555 01{i:02d}"  # a company landline, not a person's mobile
        elif rng.random() < 0.5:
            contact["phone"] = f"139 0000 0{i:03d}"
        if rng.random() < 0.2:
            contact["willing_to_report"] = True
        contacts.append(contact)
    return contacts


def _lender(rng: random.Random, start: datetime) -> dict[str, Any]:
    kind = rng.choice(list(LenderKind))
    lender: dict[str, Any] = {"kind": kind.value}
    role = _implied_role(kind)
    if rng.random() < 0.25:  # said explicitly: any role for an unknown kind, else the one the kind implies
        role = rng.choice(list(CreditorRole)) if kind is LenderKind.UNKNOWN else role
        lender["role"] = role.value
    if rng.random() < 0.8:
        lender["name"] = "示例借贷有限公司"
        if kind is LenderKind.BANK and rng.random() < 0.3:
            lender["name"] = "示例银行股份有限公司信用卡中心"
    if rng.random() < 0.6 or "name" not in lender:
        lender["app_name"] = "示例借"
    if rng.random() < 0.4:
        lender["annual_rate_percent"] = rng.choice((18, 24, 35.9, 36, 36.5, 180, 1500))
    if rng.random() < 0.5:
        lender["address"] = "示例省示例市示例路 8 号"
    if (
        kind in (LenderKind.MICROLOAN, LenderKind.ONLINE_MICROLOAN, LenderKind.FINANCING_GUARANTEE)
        and rng.random() < 0.3
    ):
        lender["licence"] = {"licence_type": "经营许可", "issuer": "重庆市地方金融管理局"}
    if (kind is LenderKind.LOAN_PLATFORM or role is CreditorRole.PLATFORM) and rng.random() < 0.7:
        lender["funding_institution"] = {"name": "示例银行", "kind": rng.choice(list(LenderKind)).value}
    if role in (CreditorRole.GUARANTOR, CreditorRole.DEBT_BUYER):
        if rng.random() < 0.6:
            original = rng.choice((LenderKind.BANK, LenderKind.CONSUMER_FINANCE, LenderKind.MICROLOAN))
            lender["original_creditor"] = {"name": "示例银行股份有限公司", "kind": original.value}
        if rng.random() < 0.4:
            lender["acquired_on"] = (start - timedelta(days=rng.randrange(1, 90))).date().isoformat()
    return lender


def _implied_role(kind: LenderKind) -> CreditorRole:
    return {
        LenderKind.FINANCING_GUARANTEE: CreditorRole.GUARANTOR,
        LenderKind.DEBT_BUYER: CreditorRole.DEBT_BUYER,
        LenderKind.LOAN_PLATFORM: CreditorRole.PLATFORM,
    }.get(kind, CreditorRole.LENDER)


def _debt(rng: random.Random) -> dict[str, Any]:
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
    if rng.random() < 0.3:
        debt["overdue_days"] = rng.choice((0, 3, 40, 400))
    return debt


def _written(phone: str, rng: random.Random) -> str:
    """A stored number as a person might type it in free text: 139 0000 0001, 13900000001, +8613900000001 …"""
    digits = phone.replace(" ", "")
    national = digits[1:] if digits.startswith("0") else digits
    return rng.choice((phone, digits, f"+86{national}", f"+86 {national}", phone.replace(" ", "-")))


def _evidence(rng: random.Random, contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    named = [c for c in contacts if "name" in c]
    items: list[dict[str, Any]] = []
    for number in range(1, rng.choice((1, 1, 2, 3, 4)) + 1):
        item: dict[str, Any] = {"id": f"E{number}", "kind": rng.choice(list(EvidenceKind)).value, "description": "截图"}
        if named and rng.random() < 0.5:
            contact = rng.choice(named)
            phone = f"（电话 {_written(contact['phone'], rng)}）" if "phone" in contact else ""
            item["kind"] = EvidenceKind.WITNESS_STATEMENT.value
            item["description"] = f"单位人事部{contact['name']}的书面说明{phone}"
            if rng.random() < 0.5:
                item["proves"] = f"催收方向{contact['name']}透露债务"
            if rng.random() < 0.3:
                item["source"] = f"{contact['name']}提供"
        elif rng.random() < 0.3:
            item["proves"] = "催收方来电"
        if rng.random() < 0.6:
            item["collected_on"] = "2026-11-15"
        items.append(item)
    return items


def _incidents(
    rng: random.Random,
    reporter: dict[str, Any],
    contacts: list[dict[str, Any]],
    evidence: list[dict[str, Any]],
    *,
    start: datetime,
    end: datetime,
) -> list[dict[str, Any]]:
    if rng.random() < 0.05:  # a single visit: not 多次, not 滋扰
        moment = start + timedelta(hours=rng.randrange(0, 24))
        return [
            {
                "time": min(moment, end).isoformat(),
                "medium": Medium.IN_PERSON.value,
                "target": {"kind": "borrower"}
                if reporter["role"] == "borrower"
                else _target(rng, reporter, [], first=True),
                "behaviours": [Behaviour.HOME_OR_WORK_VISIT.value],
            }
        ]
    named = [c for c in contacts if "name" in c]
    gaps = (3, 13, 26, 70, 24 * 35, 24 * 120) if end == LATEST else (3, 13, 26, 70, 24 * 35)
    moment = start + timedelta(minutes=rng.randrange(0, 24 * 60))
    incidents: list[dict[str, Any]] = []
    for index in range(rng.randint(1, 6)):
        if index and moment > end:
            break
        medium = rng.choice(list(Medium))
        incident: dict[str, Any] = {
            "time": moment.isoformat(),
            "medium": medium.value,
            "target": _target(rng, reporter, contacts, first=index == 0),
            "behaviours": rng.sample([b.value for b in Behaviour], rng.choice((0, 1, 1, 2, 3))),
            "count": rng.choice((1, 1, 2, 5, 9, 20)),
        }
        if rng.random() < 0.3:
            until = moment + timedelta(hours=rng.choice((1, 5, 30, 100)))
            if until <= end:
                incident["until"] = until.isoformat()
        if medium is Medium.CALL:
            incident["from_number"] = f"138 0000 {rng.randrange(100, 10000):04d}"
            incident["answered"] = rng.random() < 0.5
        elif medium is Medium.SMS and rng.random() < 0.8:
            incident["from_number"] = f"170 0000 {rng.randrange(100, 10000):04d}"
        if rng.random() < 0.5:
            incident["note"] = _note(rng, named)
        if evidence and rng.random() < 0.6:
            incident["evidence"] = [item["id"] for item in rng.sample(evidence, rng.randint(1, len(evidence)))]
        incidents.append(incident)
        moment += timedelta(hours=rng.choice(gaps))
    return incidents


def _target(rng: random.Random, reporter: dict[str, Any], contacts: list[dict[str, Any]], *, first: bool) -> Any:
    if reporter["role"] == "contact" and (first or rng.random() < 0.4):  # what reached the contact who reports
        target: dict[str, Any] = {"kind": "contact", "relation": reporter["relation_to_borrower"]}
        if rng.random() < 0.1:
            target["guarantor"] = True
        return target
    kind = rng.choice(("borrower", "borrower", "contact", "group"))
    if kind == "contact":
        if contacts and rng.random() < 0.7:
            return {"kind": kind, "contact": rng.choice(contacts)["id"]}
        return {"kind": kind, "relation": rng.choice(list(Relation)).value}
    if kind == "group":
        return {"kind": kind, "audience_size": rng.choice((3, 12, 30, 80))}
    return {"kind": kind}


def _note(rng: random.Random, named: list[dict[str, Any]]) -> str:
    if named and rng.random() < 0.4:
        contact = rng.choice(named)
        phone = _written(contact["phone"], rng) if "phone" in contact else "（号码未记录）"
        return rng.choice(_NAMED_NOTES).format(name=contact["name"], phone=phone)
    return rng.choice(_FIRST_PERSON_NOTES if rng.random() < 0.5 else _OTHER_NOTES)


def _prior(rng: random.Random, contacts: list[dict[str, Any]], start: datetime, last: datetime) -> dict[str, Any]:
    filed = _between(rng, start.date(), last.date() + timedelta(days=10))
    prior: dict[str, Any] = {"channel": rng.choice(_CHANNELS), "filed_on": filed.isoformat()}
    if rng.random() < 0.5:
        prior["reference_number"] = "TS-0001"
    if rng.random() < 0.4:
        prior["reply_received"] = True
        if rng.random() < 0.6:
            prior["reply_on"] = _between(rng, filed, filed + timedelta(days=20)).isoformat()
        named = [c for c in contacts if "name" in c]
        prior["reply_summary"] = f"称已核实{named[0]['name']}反映的情况。" if named else "称将规范催收。"
    return prior


def _carrier_complaint(
    rng: random.Random, incidents: list[dict[str, Any]], start: datetime, last: datetime
) -> dict[str, Any]:
    filed = _between(rng, start.date(), last.date() + timedelta(days=10))
    numbers = list(dict.fromkeys(i["from_number"] for i in incidents if "from_number" in i))
    complaint: dict[str, Any] = {
        "carrier": rng.choice(list(Carrier)).value,
        "filed_on": filed.isoformat(),
        "about_numbers": numbers[:2],
    }
    if rng.random() < 0.5:
        complaint["reference_number"] = "GD-0001"
    if rng.random() < 0.5:
        complaint["reply_received"] = True
        complaint["reply_on"] = _between(rng, filed, filed + timedelta(days=20)).isoformat()
        complaint["reply_summary"] = "已标记该号码。"
        complaint["resolved"] = rng.random() < 0.5
    return complaint


def _between(rng: random.Random, first: date, last: date) -> date:
    """A random day from ``first`` to ``last``, never after ``LATEST``."""
    last = min(last, LATEST.date())
    return first + timedelta(days=rng.randrange(0, max(1, (last - first).days + 1)))
