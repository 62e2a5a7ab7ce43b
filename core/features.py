"""Features: the aggregates over a case that rules read.

Counting distinct contacts, calls per person per day or whether anything happened at night is arithmetic, not a
decision, so it is done here in Python; every *decision* is a rule in rules/. Features never contain names,
numbers or notes — only counts, flags and vocabulary values — so traces and explanations are safe to show and
share. ``FEATURE_NAMES`` must match the features declared in rules/catalogue.yaml (a test checks).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from jubao.case import CarrierComplaint, Case, Incident
from jubao.counting import add_days, add_months
from jubao.regions import PROVINCE_IDS
from jubao.types import CASE_TIMEZONE
from jubao.vocabulary import Medium, ReporterRole, TargetKind

ParamLookup = Callable[[str], Any]
"""Returns a parameter's value in force on the evaluation date, or None."""
DatedParamLookup = Callable[[str, date], Any]
"""Returns a parameter's value in force on a given day, or None."""

NIGHT_START = "collection.night_window_start"
NIGHT_END = "collection.night_window_end"
CARRIER_REPLY_DAYS = "telecom.carrier_reply_days"
CALL_LIMIT = "collection.max_calls_per_number_per_day"
EPISODE_GAP = "policy.episode_gap_days"
FILE_WITHIN_DAYS = "policy.file_within_days"
"""Read by ``jubao.next_steps`` (the suggested file-by date), not here."""
PARAMETERS_READ = (NIGHT_START, NIGHT_END, CARRIER_REPLY_DAYS, CALL_LIMIT, EPISODE_GAP, FILE_WITHIN_DAYS)
"""Parameters read in code rather than by a rule (lint must not call them unused)."""

FEATURE_NAMES = (
    "reporter_role", "lender_kind", "funding_kind", "lender_named", "lender_has_app", "annual_rate_percent",
    "term_days", "upfront_deduction_ratio", "debt_disputed", "contact_list_consent", "mediums", "behaviours",
    "behaviours_to_third_parties", "third_parties_reached", "contacts_reached", "contacts_exposed",
    "relations_reached", "only_guarantors_or_emergency_contacts", "night_contact", "night_contact_to_borrower",
    "max_calls_per_target_per_day", "incidents_total", "days_since_last_incident", "prior_channels",
    "continued_after_12321_report", "collector_agency_named", "wants", "reporter_province",
    "carrier_complaint_status", "episodes", "months_unreported_to_police", "repeated_behaviours",
)  # fmt: skip

Features = dict[str, Any]


def compute_features(
    case: Case, *, today: date, param: ParamLookup, param_on: DatedParamLookup | None = None
) -> Features:
    """All features of ``case``. ``param`` gives parameter values in force on the evaluation date; ``param_on``
    a value on any day, so that a rule of conduct (the night window, the daily call limit) is applied only to acts
    done while it was in force — a guideline issued in 2026 says nothing about calls made in 2025. Without
    ``param_on``, ``param``'s values are used for every day."""
    on: DatedParamLookup = param_on or (lambda name, _day: param(name))
    lender = case.lender
    debt = case.debt
    third_party = [i for i in case.incidents if i.target.kind is not TargetKind.BORROWER]
    to_borrower = [i for i in case.incidents if i.target.kind is TargetKind.BORROWER]
    night_known = param(NIGHT_START) is not None and param(NIGHT_END) is not None
    episodes = conduct_episodes(case, gap_days=param(EPISODE_GAP), today=today)
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
        "night_contact": _night_contact(case.incidents, on, window_known=night_known),
        "night_contact_to_borrower": _night_contact(to_borrower, on, window_known=night_known),
        "max_calls_per_target_per_day": _max_calls_per_target_per_day(case, on),
        "incidents_total": sum(i.count for i in case.incidents),
        "days_since_last_incident": max((today - last.date()).days, 0),
        "prior_channels": frozenset(p.channel for p in case.prior_complaints),
        "continued_after_12321_report": any(
            p.channel == "miit_12321" and last.date() > p.filed_on for p in case.prior_complaints
        ),
        "collector_agency_named": any(c.agency_name for c in case.collectors),
        "wants": frozenset(w.value for w in case.wants),
        "reporter_province": PROVINCE_IDS[case.reporter.region.province],
        "carrier_complaint_status": carrier_appeal(case, today=today, reply_days=param(CARRIER_REPLY_DAYS)).status,
        "episodes": len(episodes),
        "months_unreported_to_police": episodes[-1].months_unreported,
        "repeated_behaviours": _repeated_behaviours(case.incidents),
    }
    return features


@dataclass(frozen=True)
class Episode:
    """A stretch of conduct in which no two consecutive acts are more than ``policy.episode_gap_days`` apart.

    Acts months apart are separate episodes: each has its own 治安 limitation, counted from the day it ends
    (continuing conduct: from when it ends), and the law of its own end date. The latest episode ends on the
    case's conduct end (``conduct_end``), the date whose law an evaluation applies (``Evaluation.as_of``)."""

    start: date
    """Beijing date of the episode's first act."""
    end: date
    """Beijing date of its last act (the end of a run with ``until``)."""
    incidents: tuple[Incident, ...]
    police_told_on: date | None
    """The first report to the police (a prior complaint to channel ``police``) filed on or after ``start`` and no
    later than the day looked at: from then on the police know of this episode's conduct."""
    months_unreported: int
    """Whole months from ``end`` to ``police_told_on`` (or to the day looked at, when the police were not told):
    a period of *n* months counted from the day after ``end`` has run out when this is *n* or more."""


def conduct_episodes(case: Case, *, gap_days: int | None, today: date) -> tuple[Episode, ...]:
    """``case``'s incidents split where one act is more than ``gap_days`` days after the last one before it (one
    episode when ``gap_days`` is None), oldest first. ``today``: the day looked at (later reports to the police
    had not been made yet)."""
    ordered = sorted(case.incidents, key=lambda incident: incident.time)
    groups: list[list[Incident]] = []
    latest: date | None = None
    for incident in ordered:
        begins = incident.time.astimezone(CASE_TIMEZONE).date()
        if latest is None or (gap_days is not None and (begins - latest).days > gap_days):
            groups.append([])
            latest = None
        groups[-1].append(incident)
        ends = (incident.until or incident.time).astimezone(CASE_TIMEZONE).date()
        latest = ends if latest is None else max(latest, ends)
    reports = sorted(p.filed_on for p in case.prior_complaints if p.channel == "police" and p.filed_on <= today)
    episodes = []
    for group in groups:
        start = group[0].time.astimezone(CASE_TIMEZONE).date()
        end = max(i.until or i.time for i in group).astimezone(CASE_TIMEZONE).date()
        told = next((day for day in reports if day >= start), None)
        episodes.append(Episode(start, end, tuple(group), told, _whole_months(end, told or today)))
    return tuple(episodes)


def _whole_months(start: date, day: date) -> int:
    """How many whole months lie between ``start`` and ``day``: the largest *n* whose period (counted from the day
    after ``start``, ending on the corresponding day) ended before ``day``."""
    months = max((day.year - start.year) * 12 + day.month - start.month, 0)
    while months > 0 and add_months(start, months, roll=False).end >= day:
        months -= 1
    return months


def _repeated_behaviours(incidents: Iterable[Incident]) -> frozenset[str]:
    """Behaviours seen in two or more acts (an incident with ``count`` 3 is three acts)."""
    acts: dict[str, int] = defaultdict(int)
    for incident in incidents:
        for behaviour in incident.behaviours:
            acts[behaviour.value] += incident.count
    return frozenset(behaviour for behaviour, count in acts.items() if count >= 2)


CarrierStatus = Literal["none", "resolved", "awaiting_reply", "replied", "unanswered"]


@dataclass(frozen=True)
class CarrierAppeal:
    """Where the case stands with the telecom carrier, as 12300 sees it (《电信用户申诉处理办法》 Art. 10(4): appeal
    only after complaining to the carrier and being dissatisfied with its answer, or getting none within its
    period)."""

    status: CarrierStatus
    """``none``: no complaint to a carrier yet; ``resolved``: every complaint was resolved; ``awaiting_reply``: the
    carrier's period is still running; ``replied``: it answered but did not resolve the complaint (the user is
    dissatisfied); ``unanswered``: its period ended without an answer. The last two open the appeal to 12300."""
    complaint: CarrierComplaint | None = None
    """The unresolved complaint that decides the status (for ``replied``/``unanswered``, the one that opened the
    appeal first; for ``awaiting_reply``, the one whose period ends first)."""
    complaints: tuple[CarrierComplaint, ...] = ()
    """Every unresolved complaint made on or before the day looked at, oldest first."""
    reply_due: date | None = None
    """The last day of the carrier's period for ``complaint`` (None when it answered, or no period is in force)."""
    opens_on: date | None = None
    """The first day an appeal to 12300 is possible: the day of the carrier's answer, or the day after its period;
    None when that is not known (no complaint yet, or an answer without a date)."""


def carrier_appeal(case: Case, *, today: date, reply_days: Any) -> CarrierAppeal:
    """The case's complaints to carriers on ``today`` (later complaints and answers had not happened yet).

    ``reply_days``: the carrier's period (parameter ``telecom.carrier_reply_days``, or the 12300 channel's
    ``carrier_reply`` deadline), counted as the plan counts it (from the next day; a last day on a rest day moves
    to the next working day). ``None``: no period in force, so silence never opens the appeal."""
    made = sorted((c for c in case.carrier_complaints if c.filed_on <= today), key=lambda c: c.filed_on)
    if not made:
        return CarrierAppeal(status="none")
    pending = tuple(c for c in made if not c.resolved)
    if not pending:
        return CarrierAppeal(status="resolved")
    ranked: list[tuple[int, date, CarrierAppeal]] = []
    for complaint in pending:
        answered = complaint.reply_received and (complaint.reply_on is None or complaint.reply_on <= today)
        if answered:
            opens = complaint.reply_on
            ranked.append((0, opens or complaint.filed_on, CarrierAppeal("replied", complaint, pending, None, opens)))
            continue
        due = add_days(complaint.filed_on, reply_days).end if isinstance(reply_days, int) else None
        opens = due + timedelta(days=1) if due is not None else None
        status: CarrierStatus = "unanswered" if due is not None and today > due else "awaiting_reply"
        order = 1 if status == "unanswered" else 2
        ranked.append((order, opens or date.max, CarrierAppeal(status, complaint, pending, due, opens)))
    return min(ranked, key=lambda item: item[:2])[2]


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


def _night_contact(incidents: Sequence[Incident], param_on: DatedParamLookup, *, window_known: bool) -> bool | None:
    """Whether any of ``incidents`` started or ended inside the night window in force on that day (``None``: no
    act happened while a window was in force; with no acts at all, False if ``window_known``, else None)."""
    judged = False
    for incident in incidents:
        # A run's 'until' is when the last act happened; what lies between is unknown, so a run from 12:00 on
        # one day to 19:00 a week later does not count as night contact.
        for moment in (incident.time, incident.until):
            if moment is None:
                continue
            day = moment.astimezone(CASE_TIMEZONE).date()
            start, end = _parse_clock(param_on(NIGHT_START, day)), _parse_clock(param_on(NIGHT_END, day))
            if start is None or end is None:
                continue  # no night window in force on that day
            judged = True
            if _in_window(moment, start, end):
                return True
    if judged or (not incidents and window_known):
        return False
    return None


def _max_calls_per_target_per_day(case: Case, param_on: DatedParamLookup) -> int:
    """Most calls to one person on one (Beijing) day; a run over several days is spread evenly. Where a daily
    call limit was in force on some of the days, only those days count (a limit is never applied to calls made
    before it existed); otherwise every day does."""
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
    limited = {key: calls for key, calls in per_day.items() if param_on(CALL_LIMIT, key[1]) is not None}
    return math.ceil(max((limited or per_day).values(), default=0) - 1e-9)
