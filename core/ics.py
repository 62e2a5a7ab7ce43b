"""iCalendar export of a plan: one all-day event per dated deadline and one "submit X by Y" reminder per suggested
file-by date (``jubao next``), each with an alarm the day before.

Built with the ``icalendar`` library (collective/icalendar: maintained since 2005, RFC 5545, used by Plone and
many calendar tools) rather than by hand, so that folding, escaping and line endings are right and the file
imports into Google Calendar, Outlook and Apple Calendar. Every text is Chinese words from the message catalogue
(``ics.*`` in ``locales/zh.yaml``): "15 日", "5 个工作日", "48 小时", never an identifier such as ``calendar_days``.
Events hold no personal data: channel, deadline, date, legal basis and how to submit only (the documents command
names no case file); UIDs are derived from those, so re-importing an updated plan updates the events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from jubao.i18n import Lang, t
from jubao.next_steps import NextStep, NextSteps, Preserve, day_text, shell_word
from jubao.plan import Plan, PlanDate
from jubao.rules import Citation

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//jubao//jubao plan//ZH"
LANG: Lang = "zh"


def _t(key: str, **params: object) -> str:
    return t(key, LANG, **params)


def _uid(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:24] + "@jubao"


def _date_uid(item: PlanDate) -> str:
    return _uid(item.channel, item.deadline, item.event.value, item.event_date.isoformat())


def _summary(item: PlanDate, names: dict[str, str]) -> str:
    assumed = _t("ics.assumed", date=day_text(item.event_date, LANG)) if item.assumed else ""
    provisional = _t("ics.provisional") if item.provisional else ""
    return _t("ics.deadline", channel=names.get(item.channel, item.channel), label=item.label.zh, assumed=assumed,
              provisional=provisional)  # fmt: skip


def _basis(citations: Iterable[Citation]) -> str:
    return "；".join(f"{c.instrument}{c.article or ''}［{_t('status.' + c.status.value)}］" for c in citations)


def _description(item: PlanDate) -> str:
    lines = [
        _t("ics.starts", starts=item.starts.zh, date=day_text(item.event_date, LANG)),
        _t("ics.length", length=item.length, unit=_t(f"unit.{item.unit.value}")),
    ]
    if item.latest is not None:
        lines.append(_t("ics.latest", date=day_text(item.latest, LANG)))
    lines += [_t("ics.on_expiry", action=item.on_expiry.zh), _t("ics.basis", basis=_basis(item.basis))]
    if item.provisional:
        lines.append(_t("ics.provisional_note"))
    return "\n".join(lines)


def _event(uid: str, day: date, summary: str, description: str, stamp: datetime) -> Event:
    from icalendar import Alarm, Event  # noqa: PLC0415 - only `jubao plan --ics` writes a calendar

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    return event


def _file_by_event(step: NextStep, stamp: datetime) -> Event | None:
    if step.file_by is None:
        return None
    name = step.name.zh
    routes = "；".join(
        _t(f"vocab.FilingKind.{m.kind.value}") + (f"（{m.address}）" if m.address else "") for m in step.filing
    )
    lines = [_t("ics.file_by_step", number=step.step, channel=name), _t("ics.file_by_why", why=step.file_by.label.zh)]
    if routes:
        lines.append(_t("ics.file_by_where", routes=routes))
    if step.drafts:
        out = shell_word(_t("next.out_dir", channel=step.channel))
        lines.append(_t("ics.file_by_command", channel=step.channel, out=out))
    if step.file_by.basis:
        lines.append(_t("ics.basis", basis=_basis(step.file_by.basis)))
    summary = _t("ics.file_by", date=day_text(step.file_by.date, LANG), channel=name)
    uid = _uid("file_by", step.channel, step.file_by.date.isoformat())
    return _event(uid, step.file_by.date, summary, "\n".join(lines), stamp)


def _preserve_event(window: Preserve, stamp: datetime) -> Event:
    summary = _t("ics.preserve", date=day_text(window.by.date, LANG), label=window.label.zh)
    lines = [window.advice.zh, _t("ics.file_by_why", why=window.by.label.zh)]
    if window.basis:
        lines.append(_t("ics.basis", basis=_basis(window.basis)))
    return _event(_uid("preserve", window.id, window.by.date.isoformat()), window.by.date, summary, "\n".join(lines),
                  stamp)  # fmt: skip


def plan_events(plan: Plan, channel_names: dict[str, str], reminders: NextSteps | None = None) -> list[Event]:
    """The calendar's events: each dated deadline, then each suggested file-by date (evidence first)."""
    stamp = datetime.combine(plan.as_of, time(0, 0), UTC)
    events = [
        _event(_date_uid(item), item.end, _summary(item, channel_names), _description(item), stamp)
        for item in plan.all_dates()
    ]
    if reminders is not None:
        events += [_preserve_event(window, stamp) for window in reminders.preserve]
        events += [event for step in reminders.steps if (event := _file_by_event(step, stamp)) is not None]
    return events


def plan_to_ics(plan: Plan, channel_names: dict[str, str], reminders: NextSteps | None = None) -> bytes:
    """The plan's dated deadlines (and, given ``reminders``, its "submit by" dates) as an iCalendar file (bytes,
    CRLF line endings as RFC 5545 requires)."""
    from icalendar import Calendar  # noqa: PLC0415 - see _event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _t("ics.calendar"))
    for event in plan_events(plan, channel_names, reminders):
        calendar.add_component(event)
    return _sealed(bytes(calendar.to_ical()))


_BEGIN = b"BEGIN:VCALENDAR\r\n"
_SEAL = b"X-JUBAO-SHA256:"


def _sealed(body: bytes) -> bytes:
    """``body`` with the SHA-256 of itself as the calendar's first property: the next ``jubao plan --ics`` to the
    same file can tell its own, unchanged output (replaced) from a file someone made or edited (never replaced)."""
    assert body.startswith(_BEGIN)
    seal = _SEAL + hashlib.sha256(body).hexdigest().encode("ascii") + b"\r\n"
    return _BEGIN + seal + body[len(_BEGIN) :]


def is_unchanged_jubao_calendar(data: bytes) -> bool:
    """Whether ``data`` is a calendar ``plan_to_ics`` wrote, byte for byte as it wrote it."""
    if not data.startswith(_BEGIN + _SEAL):
        return False
    seal_end = data.find(b"\r\n", len(_BEGIN))
    digest = data[len(_BEGIN) + len(_SEAL) : seal_end]
    body = _BEGIN + data[seal_end + 2 :]
    return seal_end > 0 and hashlib.sha256(body).hexdigest().encode("ascii") == digest
