"""Features: the aggregates over a case that rules read.

Counting distinct contacts, calls per person per day or whether anything happened at night is arithmetic, not a
decision, so it is done here in Python; every *decision* is a rule in rules/. Features never contain names,
numbers or notes — only counts, flags and vocabulary values — so traces and explanations are safe to show and
share. ``FEATURE_NAMES`` must match the features declared in rules/catalogue.yaml (a test checks).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from jubao.case import Case, Incident
from jubao.regions import PROVINCE_IDS
from jubao.types import CASE_TIMEZONE
from jubao.vocabulary import Medium, ReporterRole, TargetKind

ParamLookup = Callable[[str], Any]
"""Returns a parameter's value in force on the evaluation date, or None."""

NIGHT_START = "collection.night_window_start"
NIGHT_END = "collection.night_window_end"

FEATURE_NAMES = (
    "reporter_role", "lender_kind", "funding_kind", "lender_named", "lender_has_app", "annual_rate_percent",
    "term_days", "upfront_deduction_ratio", "debt_disputed", "contact_list_consent", "mediums", "behaviours",
    "behaviours_to_third_parties", "third_parties_reached", "contacts_reached", "contacts_exposed",
    "relations_reached", "only_guarantors_or_emergency_contacts", "night_contact", "night_contact_to_borrower",
    "max_calls_per_target_per_day", "incidents_total", "days_since_last_incident", "prior_channels",
    "continued_after_12321_report", "collector_agency_named", "wants", "reporter_province",
)  # fmt: skip

Features = dict[str, Any]


def compute_features(case: Case, *, today: date, param: ParamLookup) -> Features:
    """All features of ``case``. ``param`` gives parameter values in force on the evaluation date."""
    lender = case.lender
    debt = case.debt
    third_party = [i for i in case.incidents if i.target.kind is not TargetKind.BORROWER]
    to_borrower = [i for i in case.incidents if i.target.kind is TargetKind.BORROWER]
    night = (param(NIGHT_START), param(NIGHT_END))
    last = max(i.until or i.time for i in case.incidents).astimezone(CASE_TIMEZONE)
    ratio = None
    if debt.upfront_deduction is not None and debt.principal:
        ratio = float(debt.upfront_deduction / debt.principal)
    features: Features = {
        "reporter_role": case.reporter.role.value,
        "lender_kind": lender.kind.value,
        "funding_kind": lender.funding_institution.kind.value if lender.funding_institution else "none",
        "lender_named": lender.name is not None,
        "lender_has_app": lender.app_name is not None or any(i.medium is Medium.APP_PUSH for i in case.incidents),
        "annual_rate_percent": float(lender.annual_rate_percent) if lender.annual_rate_percent is not None else None,
        "term_days": debt.term_days,
        "upfront_deduction_ratio": ratio,
        "debt_disputed": debt.disputed,
        "contact_list_consent": debt.contact_list_consent.value,
        "mediums": frozenset(i.medium.value for i in case.incidents),
        "behaviours": frozenset(b.value for i in case.incidents for b in i.behaviours),
        "behaviours_to_third_parties": frozenset(b.value for i in third_party for b in i.behaviours),
        "third_parties_reached": bool(third_party) or bool(case.contacts.reached),
        "contacts_reached": _contacts_reached(case),
        "contacts_exposed": case.contacts.harvested_list_size,
        "relations_reached": _relations_reached(case),
        "only_guarantors_or_emergency_contacts": _only_guarantors_or_emergency(case),
        "night_contact": _night_contact(case.incidents, *night),
        "night_contact_to_borrower": _night_contact(to_borrower, *night),
        "max_calls_per_target_per_day": _max_calls_per_target_per_day(case),
        "incidents_total": sum(i.count for i in case.incidents),
        "days_since_last_incident": max((today - last.date()).days, 0),
        "prior_channels": frozenset(p.channel for p in case.prior_complaints),
        "continued_after_12321_report": any(
            p.channel == "miit_12321" and last.date() > p.filed_on for p in case.prior_complaints
        ),
        "collector_agency_named": any(c.agency_name for c in case.collectors),
        "wants": frozenset(w.value for w in case.wants),
        "reporter_province": PROVINCE_IDS[case.reporter.region.province],
    }
    return features


def conduct_end(case: Case) -> date:
    """Date (Beijing time) of the latest act; continuing conduct is judged by the law in force when it ends."""
    return max(i.until or i.time for i in case.incidents).astimezone(CASE_TIMEZONE).date()


def _target_key(case: Case, incident: Incident) -> tuple[str, str]:
    target = incident.target
    if target.kind is TargetKind.BORROWER:
        return ("borrower", "")
    if target.kind is TargetKind.GROUP:
        return ("group", incident.from_account or incident.from_number or "")
    if target.contact is not None:
        return ("contact", target.contact)
    return ("anonymous", target.relation.value if target.relation else "")


def _contacts_reached(case: Case) -> int:
    """Distinct people reached other than the borrower (a group counts as its audience)."""
    listed = {c.id for c in case.contacts.reached}
    anonymous: set[str] = set()
    largest_audience = 0
    for incident in case.incidents:
        kind, key = _target_key(case, incident)
        if kind == "contact":
            listed.add(key)
        elif kind == "anonymous":
            anonymous.add(key)
        elif kind == "group":
            largest_audience = max(largest_audience, incident.target.audience_size or 1)
    return max(len(listed) + len(anonymous), largest_audience)


def _relations_reached(case: Case) -> frozenset[str]:
    relations = {c.relation.value for c in case.contacts.reached}
    by_id = {c.id: c.relation.value for c in case.contacts.reached}
    for incident in case.incidents:
        target = incident.target
        if target.kind is TargetKind.CONTACT:
            if target.relation is not None:
                relations.add(target.relation.value)
            elif target.contact in by_id:
                relations.add(by_id[target.contact])
    if case.reporter.role is ReporterRole.CONTACT and case.reporter.relation_to_borrower is not None:
        relations.add(case.reporter.relation_to_borrower.value)
    return frozenset(relations)


def _only_guarantors_or_emergency(case: Case) -> bool:
    flags: list[bool] = [c.guarantor or c.emergency_contact for c in case.contacts.reached]
    listed = {c.id for c in case.contacts.reached}
    for incident in case.incidents:
        target = incident.target
        if target.kind is TargetKind.GROUP:
            flags.append(False)
        elif target.kind is TargetKind.CONTACT and target.contact not in listed:
            flags.append(target.guarantor or target.emergency_contact)
    return bool(flags) and all(flags)


def _parse_clock(value: Any) -> time | None:
    if not isinstance(value, str):
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _in_window(moment: datetime, start: time, end: time) -> bool:
    clock = moment.astimezone(CASE_TIMEZONE).time()
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end


def _night_contact(incidents: Iterable[Incident], start_value: Any, end_value: Any) -> bool | None:
    """Whether any of ``incidents`` started or ended inside the night window (``None``: no window in force)."""
    start, end = _parse_clock(start_value), _parse_clock(end_value)
    if start is None or end is None:
        return None  # no night window in force on the evaluation date
    for incident in incidents:
        begin = incident.time.astimezone(CASE_TIMEZONE)
        if _in_window(begin, start, end):
            return True
        # A run's 'until' is when the last act happened; what lies between is unknown, so a run from 12:00 on
        # one day to 19:00 a week later does not count as night contact.
        if incident.until is not None and _in_window(incident.until, start, end):
            return True
    return False


def _max_calls_per_target_per_day(case: Case) -> int:
    """Most calls to one person on one (Beijing) day; a run over several days is spread evenly."""
    per_day: dict[tuple[tuple[str, str], date], float] = defaultdict(float)
    for incident in case.incidents:
        if incident.medium is not Medium.CALL:
            continue
        first = incident.time.astimezone(CASE_TIMEZONE).date()
        last = (incident.until or incident.time).astimezone(CASE_TIMEZONE).date()
        days = (last - first).days + 1
        key = _target_key(case, incident)
        for offset in range(days):
            per_day[(key, first + timedelta(days=offset))] += incident.count / days
    return math.ceil(max(per_day.values(), default=0) - 1e-9)
