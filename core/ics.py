"""iCalendar export of a plan: one all-day event per dated deadline, each with a reminder the day before.

Built with the ``icalendar`` library (collective/icalendar: maintained since 2005, RFC 5545, used by Plone and
many calendar tools) rather than by hand, so that folding, escaping and line endings are right and the file
imports into Google Calendar, Outlook and Apple Calendar. Events hold no personal data: channel, deadline,
date and legal basis only; UIDs are derived from those, so re-importing an updated plan updates the events.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

from jubao.plan import Plan, PlanDate

PRODID = "-//jubao//jubao plan//ZH"


def _uid(item: PlanDate) -> str:
    key = f"{item.channel}/{item.deadline}/{item.event.value}/{item.event_date.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:24] + "@jubao"


def _summary(item: PlanDate, names: dict[str, str]) -> str:
    flag = "（暂定）" if item.provisional else ""
    assumed = "（如今天提交）" if item.assumed else ""
    return f"【jubao】{names.get(item.channel, item.channel)}：{item.label.zh}截止{assumed}{flag}"


def _description(item: PlanDate) -> str:
    basis = "；".join(f"{c.instrument}{c.article or ''}" for c in item.basis)
    lines = [
        f"起算：{item.starts.zh}（{item.event_date.isoformat()}）",
        f"期限：{item.length} {item.unit.value}",
        f"到期未果：{item.on_expiry.zh}",
        f"依据：{basis}",
    ]
    if item.provisional:
        lines.append("该年节假日安排尚未公布，日期按周末和固定节日推算，可能变化。")
    return "\n".join(lines)


def plan_to_ics(plan: Plan, channel_names: dict[str, str]) -> bytes:
    """The plan's dated deadlines as an iCalendar file (bytes, CRLF line endings as RFC 5545 requires)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "jubao 行动计划")
    stamp = datetime.combine(plan.as_of, time(0, 0), UTC)
    for item in plan.all_dates():
        event = Event()
        event.add("uid", _uid(item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.end)
        event.add("dtend", item.end + timedelta(days=1))
        event.add("summary", _summary(item, channel_names))
        event.add("description", _description(item))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _summary(item, channel_names))
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
