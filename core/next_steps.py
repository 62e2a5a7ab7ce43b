"""``jubao next``: what to do this week — the plan's steps in order, each with where and how to submit, what to
bring and keep, the documents (and the command that writes them), a suggested file-by date, and what to do if no
answer comes by when.

Everything is taken from the plan (``jubao.plan``: the routed steps, their order and their dated deadlines) and from
the channels' data (``filing`` routes with their verification status, ``bring``, ``proof``); nothing here routes.
The file-by date of a step not yet filed is the earliest of

* the **suggestion**: the plan's date plus ``policy.file_within_days`` days (a rules parameter with status
  ``policy``: jubao's choice, not law) — counted from the day an escalation opens when the step waits for one;
* the channel's **time bars** still running: the plan's ``last_act`` windows for the channel (civil limitation,
  administrative penalty limitation …) and, for the police, the public-order limitation counted as the rules count
  it — ``public_order.limitation_months`` from the end of each episode of conduct the police have not been told of
  (``jubao.features.conduct_episodes``), so ``next`` and ``evaluate`` agree on whether it has run.

A step waits for an **escalation** when a complaint already filed and not answered has a dated reply deadline
whose ``on_expiry`` names the step's channel — by one of its hotlines (a number written alone, e.g. 12378) or its
full name (地方金融管理局). The step then opens the day after that deadline (if no answer has come); once the
deadline has passed unanswered, the step is due now. Naming is how the channels' data says where to go next;
nothing else links two channels.

Step 0 (preserve evidence) gets its date from the plan's preservation windows: the day the oldest call or text
message still inside the carriers' self-service window drops out of it. That window is practice, not law, and
carries its own status (unverified), which every output shows.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from jubao.case import Case
from jubao.channel import Channel, Clock, Deadline, FilingMethod, TimeUnit
from jubao.counting import add_months
from jubao.documents_api import Block, Document, Note, NumberedList, Paragraph, Section
from jubao.evaluation import Evaluation
from jubao.features import EPISODE_GAP, FILE_WITHIN_DAYS, conduct_episodes
from jubao.i18n import Lang, t
from jubao.plan import Plan, PlanDate, PlanStep, PreservationWindow
from jubao.rules import Citation, Parameter, Text, Verification
from jubao.types import CASE_TIMEZONE
from jubao.vocabulary import Medium

NEXT_FORMAT: Literal["jubao.next/1"] = "jubao.next/1"

PUBLIC_ORDER_LIMITATION = "public_order.limitation_months"
POLICE = "police"
"""The channel the public-order limitation is about (as in ``jubao.features``: reports to it stop the clock)."""

RECORDS_OF = {"carrier_call_records": frozenset({Medium.CALL, Medium.SMS})}
"""For a preservation window: the acts whose records it keeps (carriers' call details list calls and texts)."""

FileByReason = Literal["suggestion", "time_bar", "escalation", "evidence_window"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TimeBar(_Frozen):
    """A last day for filing with a channel (after it, what the channel could do is gone)."""

    label: Text
    end: date
    passed: bool
    on_expiry: Text | None = None
    basis: tuple[Citation, ...]


class Escalation(_Frozen):
    """The step waits for an earlier complaint's reply deadline: file if no (satisfying) answer has come by then."""

    after: str
    """The channel of the earlier complaint."""
    after_name: Text
    deadline: Text
    """The label of the deadline that triggers this step."""
    due: date
    """Its last day."""
    passed: bool
    """It ran out before the day looked at, unanswered: the step is due now."""
    opens: date
    """The first day the step is due (the day after ``due``, or the day looked at once it has passed)."""


class FileBy(_Frozen):
    """The suggested last day to file, and what set it."""

    date: date
    reason: FileByReason
    label: Text
    """What set the date, in words (the suggestion's rule, the time bar, the window)."""
    basis: tuple[Citation, ...]
    """The parameter's or the deadline's citations (with their status: ``policy`` for jubao's suggestion)."""


class NextStep(_Frozen):
    step: int
    """The step number (shared by steps that can run in parallel), as in ``jubao plan`` and the document index."""
    parallel: bool
    channel: str
    name: Text
    status: Literal["to_file", "filed", "replied"]
    filed_on: date | None = None
    reference_number: str | None = None
    file_by: FileBy | None = None
    """For a step to file: the suggested date (None only when no rule gives one)."""
    escalation: Escalation | None = None
    bars: tuple[TimeBar, ...] = ()
    filing: tuple[FilingMethod, ...] = ()
    bring: tuple[Text, ...] = ()
    proof: tuple[Text, ...] = ()
    documents: tuple[str, ...] = ()
    """Titles of the documents ``jubao documents`` writes for the channel."""
    drafts: bool = False
    """Whether an installed plugin drafts documents for the channel."""
    watch: tuple[PlanDate, ...] = ()
    """The plan's dated deadlines for the step: what should happen by when, and what to do if it does not."""
    not_binding: tuple[Deadline, ...] = ()

    def next_date(self, view: date) -> PlanDate | None:
        """For a filed step: the soonest deadline still running (not answered, not passed)."""
        running = [d for d in self.watch if not d.answered and d.end >= view]
        return min(running, key=lambda d: d.end) if running else None

    def waits(self, view: date) -> bool:
        """The step waits for an earlier complaint's deadline that has not run out yet."""
        return self.escalation is not None and self.escalation.opens > view


class Preserve(_Frozen):
    """Step 0: records to secure while they can still be had."""

    id: str
    label: Text
    advice: Text
    by: FileBy
    earliest: date
    """The oldest day whose records can still be had on the day looked at."""
    oldest: date | None = None
    """The case's oldest act still inside the window whose records it keeps (None: none in the case)."""
    older_lost: bool = False
    """Some acts of the case are older than the window: their records need a court or the police."""
    basis: tuple[Citation, ...]


class NextSteps(_Frozen):
    format: Literal["jubao.next/1"] = NEXT_FORMAT
    as_of: date
    within_days: int | None
    """``policy.file_within_days`` as applied (None when the rules have no such parameter)."""
    preserve: tuple[Preserve, ...]
    steps: tuple[NextStep, ...]

    def next_step(self) -> NextStep | None:
        """The single next thing to do: the first step to file that is due now (else the first that waits)."""
        to_file = [step for step in self.steps if step.status == "to_file"]
        due = [step for step in to_file if not step.waits(self.as_of)]
        first = due or to_file
        return first[0] if first else None


# --- building ---------------------------------------------------------------------------------------------------


def build_next(
    case: Case, evaluation: Evaluation, plan: Plan, channels: Mapping[str, Channel], parameters: Mapping[str, Parameter]
) -> NextSteps:
    """What to do from ``plan.as_of`` on. ``channels``: the installed channels (``PluginSet.channels``);
    ``parameters``: the rule set's (``RuleSet.parameters``) — the same the evaluation used."""
    view = plan.as_of
    within = _int(parameters.get(FILE_WITHIN_DAYS), view)
    policy_basis = tuple(parameters[FILE_WITHIN_DAYS].citations) if FILE_WITHIN_DAYS in parameters else ()
    suggestion = _Suggestion(view, within, policy_basis)
    police_bars = _public_order_bars(case, evaluation, parameters, plan)
    steps = []
    for step in plan.steps:
        channel = channels.get(step.channel)
        escalation = _escalation(step, plan, channels, view) if step.status == "to_file" else None
        bars = tuple(
            sorted(
                police_bars if step.channel == POLICE and police_bars is not None else _plan_bars(plan, step.channel),
                key=lambda bar: bar.end,
            )
        )
        steps.append(
            NextStep(
                step=step.step,
                parallel=step.parallel,
                channel=step.channel,
                name=step.name,
                status=step.status,
                filed_on=step.filed_on,
                reference_number=step.reference_number,
                file_by=_file_by(suggestion, escalation, bars) if step.status == "to_file" else None,
                escalation=escalation,
                bars=bars,
                filing=tuple(channel.filing) if channel else (),
                bring=tuple(channel.bring) if channel else (),
                proof=tuple(channel.proof) if channel else (),
                documents=step.documents,
                drafts=channel is not None,
                watch=step.dates,
                not_binding=step.not_binding,
            )
        )
    preserve = tuple(_preserve(window, case, suggestion) for window in plan.preservation)
    return NextSteps(as_of=view, within_days=within, preserve=preserve, steps=tuple(steps))


class _Suggestion:
    """``policy.file_within_days`` counted from a day (the day looked at, or the day an escalation opens)."""

    def __init__(self, view: date, days: int | None, basis: tuple[Citation, ...]) -> None:
        self.view, self.days, self.basis = view, days, basis

    def from_day(self, start: date, key: str = "next.why.suggestion") -> FileBy | None:
        if self.days is None:
            return None
        label = _text(key, days=self.days)
        return FileBy(date=start + timedelta(days=self.days), reason="suggestion", label=label, basis=self.basis)


def _int(parameter: Parameter | None, day: date) -> int | None:
    value = parameter.value_on(day) if parameter is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _file_by(suggestion: _Suggestion, escalation: Escalation | None, bars: tuple[TimeBar, ...]) -> FileBy | None:
    start = suggestion.view if escalation is None else max(suggestion.view, escalation.opens)
    chosen = suggestion.from_day(start)
    if chosen is not None and escalation is not None:
        key = "next.why.escalation_passed" if escalation.passed else "next.why.escalation"
        label = _text(
            key,
            after=escalation.after_name,
            deadline=escalation.deadline,
            due=escalation.due,
            opens=escalation.opens,
            days=suggestion.days,
        )
        chosen = chosen.model_copy(update={"reason": "escalation", "label": label})
    running = [bar for bar in bars if not bar.passed]
    if running and (chosen is None or running[0].end < chosen.date):
        bar = running[0]
        chosen = FileBy(
            date=bar.end,
            reason="time_bar",
            label=_text("next.why.time_bar", label=bar.label, end=bar.end),
            basis=bar.basis,
        )
    return chosen


def _plan_bars(plan: Plan, channel: str) -> list[TimeBar]:
    """The channel's windows counted from the end of the conduct (the plan's ``last_act`` dates)."""
    return [
        TimeBar(label=item.label, end=item.end, passed=item.passed, on_expiry=item.on_expiry, basis=item.basis)
        for item in plan.limitations
        if item.channel == channel and item.event is Clock.LAST_ACT
    ]


def _public_order_bars(
    case: Case, evaluation: Evaluation, parameters: Mapping[str, Parameter], plan: Plan
) -> list[TimeBar] | None:
    """The public-order limitation of each episode the police have not been told of, counted as the rules count
    it (``months_unreported_to_police`` reaches ``public_order.limitation_months`` the day after the last day
    given here), with the value in force on the day whose law the evaluation applied. What follows when it has
    run is the police channel's own word for its limitation (its ``last_act`` deadline's ``on_expiry``). None
    when the rules have no such parameter (the plan's dates for the channel are used then)."""
    view = plan.as_of
    declared = [item for item in plan.limitations if item.channel == POLICE and item.event is Clock.LAST_ACT]
    on_expiry = declared[0].on_expiry if declared else None
    parameter = parameters.get(PUBLIC_ORDER_LIMITATION)
    months = _int(parameter, evaluation.as_of)
    if parameter is None or months is None:
        return None
    gap = _int(parameters.get(EPISODE_GAP), evaluation.as_of)
    episodes = conduct_episodes(case, gap_days=gap, today=view)
    bars = []
    for episode in episodes:
        if episode.police_told_on is not None:
            continue
        end = add_months(episode.end, months, roll=False).end
        key = "next.public_order_bar_episode" if len(episodes) > 1 else "next.public_order_bar"
        label = _text(key, months=months, start=episode.start, end=episode.end)
        bars.append(
            TimeBar(label=label, end=end, passed=end < view, on_expiry=on_expiry, basis=tuple(parameter.citations))
        )
    return bars


def _names(channel: Channel) -> list[re.Pattern[str]]:
    """How a deadline's ``on_expiry`` can name ``channel``: a hotline written alone, or the full name."""
    hotlines = [m.address for m in channel.filing if m.address and m.address.isdigit()]
    patterns = [re.compile(rf"(?<!\d){re.escape(number)}(?!\d)") for number in hotlines]
    return [*patterns, re.compile(re.escape(channel.name.zh))]


def _escalation(step: PlanStep, plan: Plan, channels: Mapping[str, Channel], view: date) -> Escalation | None:
    """The earlier complaint, filed and unanswered, whose dated deadline says to go to this step's channel next."""
    channel = channels.get(step.channel)
    if channel is None:
        return None
    names = _names(channel)
    triggers: list[tuple[PlanStep, PlanDate]] = []
    for earlier in plan.steps:
        if earlier.status != "filed" or earlier.channel == step.channel:
            continue
        for item in earlier.dates:
            if item.event is not Clock.FILED or item.assumed or item.answered or item.unit is TimeUnit.HOURS:
                continue
            if any(pattern.search(item.on_expiry.zh) for pattern in names):
                triggers.append((earlier, item))
    if not triggers:
        return None
    earlier, item = min(triggers, key=lambda pair: pair[1].end)
    passed = item.end < view
    return Escalation(
        after=earlier.channel,
        after_name=earlier.name,
        deadline=item.label,
        due=item.end,
        passed=passed,
        opens=view if passed else item.end + timedelta(days=1),
    )


def _preserve(window: PreservationWindow, case: Case, suggestion: _Suggestion) -> Preserve:
    mediums = RECORDS_OF.get(window.id, frozenset())
    days = sorted(
        moment.astimezone(CASE_TIMEZONE).date()
        for incident in case.incidents
        if incident.medium in mediums
        for moment in (incident.time, incident.until)
        if moment is not None
    )
    kept = [day for day in days if day >= window.earliest]
    oldest = kept[0] if kept else None
    chosen = suggestion.from_day(suggestion.view, "next.why.preserve_suggestion")
    if oldest is not None:
        drops = add_months(oldest, window.months, roll=False).end
        if chosen is None or drops < chosen.date:
            status = window.basis[0].status.value if window.basis else ""
            label = _text(
                "next.why.evidence_window",
                label=window.label,
                oldest=oldest,
                end=drops,
                status=Text(zh=t(f"status.{status}", "zh"), en=t(f"status.{status}", "en"))
                if status
                else Text(zh="—", en="—"),
            )
            chosen = FileBy(date=drops, reason="evidence_window", label=label, basis=window.basis)
    if chosen is None:  # no suggestion parameter: secure the records today
        chosen = FileBy(date=suggestion.view, reason="evidence_window", label=window.label, basis=window.basis)
    return Preserve(
        id=window.id,
        label=window.label,
        advice=window.advice,
        by=chosen,
        earliest=window.earliest,
        oldest=oldest,
        older_lost=any(day < window.earliest for day in days),
        basis=window.basis,
    )


def day_text(day: date, lang: str) -> str:
    """A date as people write it: 2026年11月23日 (Chinese), 2026-11-23 (English)."""
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def _text(key: str, **params: object) -> Text:
    """A message in both languages; dates and texts among ``params`` are written in each language's way."""

    def values(lang: Lang) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, value in params.items():
            if isinstance(value, date):
                out[name] = day_text(value, lang)
            elif isinstance(value, Text):
                out[name] = value.get(lang)
            else:
                out[name] = value
        return out

    return Text(zh=t(key, "zh", **values("zh")), en=t(key, "en", **values("en")))


# --- the page -------------------------------------------------------------------------------------------------


def documents_command(case_path: str, channel: str, lang: Lang) -> str:
    """The command that writes the channel's documents, ready to paste (quoted for the shell where needed)."""
    out = t("next.out_dir", lang, channel=channel)
    return f"jubao documents {shell_word(case_path)} --channel {channel} --out {shell_word(out)}"


def shell_word(text: str) -> str:
    """``text`` as one shell word: as it is when it has only letters (any script), digits and ``@%+=:,./-_``;
    otherwise quoted (``shlex.quote``)."""
    if text and all(char.isalnum() or char in "@%+=:,./-_" for char in text):
        return text
    return shlex.quote(text)


def next_step_line(result: NextSteps, case_path: str, lang: Lang) -> str | None:
    """One line naming the single next step, its date and the command that writes its documents (the last line of
    ``jubao evaluate`` and ``jubao plan``); None when no step is left to file."""
    step = result.next_step()
    if step is None:
        return None
    what = t("next.last.step", lang, number=step.step, name=step.name.get(lang))
    if step.waits(result.as_of) and step.escalation is not None:
        what += t("next.last.waits", lang, date=day_text(step.escalation.opens, lang))
    if step.file_by is not None:
        what += t("next.last.by", lang, date=day_text(step.file_by.date, lang))
    docs = (
        t("next.last.command", lang, command=documents_command(case_path, step.channel, lang))
        if step.drafts
        else t("next.no_documents", lang)
    )
    return t("next.last.line", lang, what=what, docs=docs)


class _Part:
    """One block of the page: a heading (as the terminal shows it, and as a document section), then lines."""

    def __init__(self, heading: str, section: str) -> None:
        self.heading, self.section = heading, section
        self.lines: list[tuple[str, list[str], bool]] = []
        """(paragraph, items, document only): a paragraph, the bullet items under it (if any), and whether only the
        document shows it (the terminal's heading says it already)."""

    def add(self, text: str, items: list[str] | None = None, *, document_only: bool = False) -> None:
        self.lines.append((text, items or [], document_only))


class NextPage:
    """The page in one language: printed to the terminal (``lines``) or written as a document (``document``)."""

    def __init__(self, result: NextSteps, case_path: str, lang: Lang, *, title: str | None = None) -> None:
        self.result, self.case_path, self.lang = result, case_path, lang
        self.title = t("next.title", lang, date=day_text(result.as_of, lang))
        self.intro = [t("next.case", lang, title=title)] if title else []
        self.intro.append(t("next.intro", lang))
        self.parts = [self._preserve_part(), *(self._step_part(step) for step in result.steps)]
        if not result.steps:
            self.parts.append(_Part(t("next.no_steps", lang), t("next.no_steps", lang)))
        self.closing = t("eval.disclaimer", lang)

    def _d(self, day: date) -> str:
        return day_text(day, self.lang)

    def _status(self, status: Verification | str) -> str:
        return t(f"status.{getattr(status, 'value', status)}", self.lang)

    def _basis(self, basis: tuple[Citation, ...]) -> str:
        sep = "；" if self.lang == "zh" else "; "
        return sep.join(f"{c.instrument}{c.article or ''}［{self._status(c.status)}］" for c in basis)

    def _preserve_part(self) -> _Part:
        lang = self.lang
        part = _Part(t("next.step0", lang), t("next.step0_section", lang))
        for window in self.result.preserve:
            part.add(
                t(
                    "next.preserve",
                    lang,
                    label=window.label.get(lang),
                    date=self._d(window.by.date),
                    advice=window.advice.get(lang),
                )
            )
            part.add(t("next.why.line", lang, why=window.by.label.get(lang)))
            if window.older_lost:
                part.add(t("next.preserve_lost", lang, date=self._d(window.earliest)))
            if window.basis:
                part.add(t("plan.basis", lang, basis=self._basis(window.basis)))
        return part

    def _step_part(self, step: NextStep) -> _Part:
        lang, view = self.lang, self.result.as_of
        name = step.name.get(lang)
        parallel = t("next.parallel", lang) if step.parallel else ""
        part = _Part(t("next.step", lang, number=step.step, name=name) + parallel, name)
        part.add(t("next.position", lang, number=step.step) + parallel, document_only=True)
        reference = t("plan.reference", lang, number=step.reference_number) if step.reference_number else ""
        if step.status != "to_file":
            key = "plan.status_replied" if step.status == "replied" else "plan.status_filed"
            part.add(t(key, lang, date=self._d(step.filed_on or view), reference=reference))
            self._filed_dates(part, step)
            return part
        if step.escalation is not None and step.waits(view):
            e = step.escalation
            part.add(
                t(
                    "next.wait",
                    lang,
                    after=e.after_name.get(lang),
                    deadline=e.deadline.get(lang),
                    due=self._d(e.due),
                    opens=self._d(e.opens),
                )
            )
        if step.file_by is not None:
            part.add(t("next.file_by", lang, date=self._d(step.file_by.date)))
            part.add(t("next.why.line", lang, why=step.file_by.label.get(lang)))
            if step.file_by.reason == "time_bar" and step.file_by.basis:  # jubao's suggestion says it is one
                part.add(t("plan.basis", lang, basis=self._basis(step.file_by.basis)))
        else:
            part.add(t("next.file_soon", lang))
        for bar in step.bars:
            action = bar.on_expiry.get(lang) if bar.on_expiry else "—"
            if bar.passed:
                part.add(t("next.bar_passed", lang, label=bar.label.get(lang), date=self._d(bar.end), action=action))
            else:
                part.add(t("next.bar", lang, label=bar.label.get(lang), date=self._d(bar.end), action=action))
        if step.filing:
            part.add(t("next.where", lang), [self._route(m) for m in step.filing])
        if step.bring:
            part.add(t("next.bring", lang), [item.get(lang) for item in step.bring])
        if step.proof:
            part.add(t("next.proof", lang), [item.get(lang) for item in step.proof])
        if step.drafts:
            titles = [f"《{title}》" if lang == "zh" else title for title in dict.fromkeys(step.documents)]
            part.add(
                t("next.documents", lang),
                [*titles, t("next.command", lang, command=documents_command(self.case_path, step.channel, lang))],
            )
        else:
            part.add(t("next.no_documents", lang))
        watch = [self._watch(item) for item in step.watch]
        watch += [self._not_binding(d) for d in step.not_binding]
        if watch:
            part.add(t("next.no_answer", lang), watch)
        return part

    def _filed_dates(self, part: _Part, step: NextStep) -> None:
        lang, view = self.lang, self.result.as_of
        coming = step.next_date(view)
        if coming is not None:
            part.add(t("next.next_date", lang, date=self._when(coming), label=coming.label.get(lang)))
        items = []
        for item in step.watch:
            if item.answered:
                continue
            action = item.on_expiry.get(lang)
            if item.event is Clock.REPLY:  # a time limit for you, counted from the channel's answer
                items.append(t("next.reply_clock", lang, label=item.label.get(lang), date=self._d(item.end),
                               action=action))  # fmt: skip
            elif item.end < view:
                items.append(t("next.overdue", lang, label=item.label.get(lang), date=self._d(item.end), action=action))
            elif item.unit is not TimeUnit.HOURS:
                items.append(t("next.if_none", lang, date=self._d(item.end), label=item.label.get(lang), action=action))
        if step.status == "filed":  # no statutory reply deadline binds: say what holds instead
            items += [self._not_binding(d) for d in step.not_binding]
        if items:
            part.add(t("next.no_answer", lang), items)

    def _not_binding(self, deadline: Deadline) -> str:
        otherwise = deadline.applies_to.otherwise.get(self.lang) if deadline.applies_to else ""
        return t("plan.not_binding", self.lang, label=deadline.label.get(self.lang), otherwise=otherwise)

    def _when(self, item: PlanDate) -> str:
        """The last day (for hours: about when they run out)."""
        if item.unit is TimeUnit.HOURS and item.end_time is not None:
            return t("next.about", self.lang, date=self._d(item.end_time.date()))
        return self._d(item.end)

    def _watch(self, item: PlanDate) -> str:
        lang = self.lang
        length = t("next.length", lang, length=item.length, unit=t(f"unit.{item.unit.value}", lang))
        when = t("next.within", lang, length=length)
        if item.assumed:
            when += t("next.if_filed", lang, date=self._d(item.event_date), end=self._when(item))
        else:
            when += f"（{self._when(item)}）" if lang == "zh" else f" ({self._when(item)})"
        if item.passed:
            when += t("plan.passed", lang)
        return t("next.watch", lang, label=item.label.get(lang), when=when, action=item.on_expiry.get(lang))

    def _route(self, method: FilingMethod) -> str:
        lang = self.lang
        text = t(f"vocab.FilingKind.{method.kind.value}", lang)
        if method.address:
            text += f"（{method.address}）" if lang == "zh" else f" ({method.address})"
        if method.note:
            text += ("：" if lang == "zh" else ": ") + method.note.get(lang)
        if method.hours:
            text += t("next.hours", lang, hours=method.hours.get(lang))
        if method.status.value != "V":
            text += t("next.unverified_route", lang, status=self._status(method.status))
        return text

    def lines(self) -> list[str]:
        out = [self.title, *self.intro]
        for part in self.parts:
            out += ["", part.heading]
            for text, items, document_only in part.lines:
                if document_only:
                    continue
                out.append("  " + text)
                out += ["    · " + item for item in items]
        out += ["", self.closing]
        last = next_step_line(self.result, self.case_path, self.lang)
        if last is not None:
            out.append(last)
        return out

    def document(self) -> Document:
        """The page as a jubao ``Document`` (written by the ``md`` and ``docx`` formats like the filings)."""
        sections = [Section(paragraphs=self.intro)]
        for part in self.parts:
            blocks: list[Block] = []
            for text, items, _document_only in part.lines:
                blocks.append(Paragraph(text=text))
                if items:
                    blocks.append(NumberedList(items=items))
            sections.append(Section(heading=part.section, blocks=blocks))
        last = next_step_line(self.result, self.case_path, self.lang)
        closing: list[Block] = [Note(text=self.closing)]
        if last is not None:
            closing.insert(0, Paragraph(text=last))
        sections.append(Section(heading=t("next.closing_section", self.lang), blocks=closing))
        return Document(
            channel="jubao", id="next", title=self.title, sections=sections, purpose="aid", formats=["md", "docx"]
        )
