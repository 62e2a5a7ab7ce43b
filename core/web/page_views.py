"""What the case page shows, in plain words: the evaluation, this week's steps, the plan and the missing items —
worded as ``jubao evaluate``, ``jubao next`` and ``jubao plan`` word them (the same message catalogue), without
rule ids, strata or commands to type.

Each function turns the engine's models into small dictionaries and lists of text for the templates; the
templates only lay them out. The law's words and dates come from the engine; nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jubao.channel import Clock, Deadline, MissingField, TimeUnit
from jubao.evaluation import Evaluation
from jubao.i18n import Lang, t
from jubao.interview.definition import load_definition
from jubao.next_steps import NextPage, NextStep, NextSteps, documents_command
from jubao.plan import Plan, PlanDate, step_numbers
from jubao.rules import Citation, Text
from jubao.web.page_support import day_text, tr

CASE_PATH = "case.yaml"
"""The case file name ``NextPage`` puts into the commands it suggests (the web page drops those lines)."""

LIST_QUESTIONS = frozenset({"collectors", "incidents", "evidence", "wants"})
"""Case paths that whole lists fill: their questions are asked only while the list is empty."""
EVIDENCE_PATH = "evidence"


def _text(value: Text | None, lang: Lang) -> str:
    return value.get(lang) if value is not None else "—"


def citation_text(item: Citation, lang: Lang) -> str:
    return f"{item.instrument}{item.article or ''}［{t('status.' + item.status.value, lang)}］"


def basis_text(items: Iterable[Citation], lang: Lang) -> str:
    return ("；" if lang == "zh" else "; ").join(citation_text(item, lang) for item in items)


def _yes_no(value: bool | None, lang: Lang) -> str:
    if value is None:
        return t("eval.unknown", lang)
    return t("eval.yes" if value else "eval.no", lang)


# --- the evaluation ---------------------------------------------------------------------------------------------


def evaluation_view(evaluation: Evaluation, lang: Lang) -> dict[str, Any]:
    """Classification rows, severity with its reasons, characterisations, and the routes numbered 1, 2, 3 …
    (routes that can run in parallel share a number), each with its reasons and their basis."""
    c = evaluation.classification
    bucket = _text(c.contacts_bucket.label, lang)
    indicators = "、".join(_text(i.label, lang) for i in c.illegal_debt_indicators) or t("eval.none", lang)
    rows = [
        (t("eval.lender_kind", lang), t(f"vocab.LenderKind.{c.lender_kind}", lang)),
        (t("eval.regulator", lang), _text(c.regulator.label, lang)),
        (t("eval.licence", lang), _text(c.licence_status.label, lang)),
        (t("eval.illegal_debt", lang), indicators),
        (t("eval.contacts_reached", lang), f"{c.contacts_reached}（{bucket}）" if lang == "zh"
         else f"{c.contacts_reached} ({bucket})"),
        (t("eval.contacts_exposed", lang), str(c.contacts_exposed) if c.contacts_exposed is not None
         else t("eval.unknown", lang)),
        (t("eval.ongoing", lang), _yes_no(c.ongoing, lang)),
    ]  # fmt: skip
    severity = evaluation.severity
    numbers = step_numbers([route.priority for route in evaluation.routes])
    routes = []
    for route, number in zip(evaluation.routes, numbers, strict=True):
        routes.append(
            {
                "number": number,
                "channel": route.channel,
                "name": route.name.get(lang),
                "modes": "、".join(t("mode." + m, lang) for m in route.modes),
                "parallel": numbers.count(number) > 1,
                "reasons": [
                    {"text": reason.text.get(lang), "basis": basis_text(reason.citations, lang)}
                    for reason in route.reasons
                ],
            }
        )
    return {
        "as_of": day_text(evaluation.as_of, lang),
        "rows": rows,
        "severity": {
            "level": severity.level,
            "label": severity.label.get(lang),
            "reasons": [{"level": vote.level, "text": vote.text.get(lang)} for vote in severity.reasons],
        },
        "characterisations": [
            {
                "label": item.label.get(lang),
                "confidence": t("confidence." + item.confidence, lang),
                "basis": [basis_text(reason.citations, lang) for reason in item.reasons],
            }
            for item in evaluation.characterisations
        ],
        "routes": routes,
    }


# --- this week ----------------------------------------------------------------------------------------------------


@dataclass
class WeekPart:
    heading: str
    channel: str | None
    summary: str = ""
    """One line under the heading: by when, or where the step stands."""
    lines: list[tuple[str, list[str]]] = field(default_factory=list)
    documents: bool = False
    """Whether jubao drafts documents for this step (the page links to them)."""
    open: bool = False
    """Shown unfolded: step 0 and the single next step; the others unfold when clicked."""


def week_view(steps: NextSteps, lang: Lang, title: str | None = None) -> dict[str, Any]:
    """``jubao next``'s page, as the terminal shows it, minus the commands to type: where a step's documents
    would be written by a command, the page links to its documents instead."""
    page = NextPage(steps, CASE_PATH, lang, title=title)
    channels = [None, *(step.channel for step in steps.steps)]
    commands = {t("next.command", lang, command=documents_command(CASE_PATH, step.channel, lang))
                for step in steps.steps}  # fmt: skip
    documents_heading = t("next.documents", lang)
    drafts = {step.channel: step.drafts for step in steps.steps}
    first = steps.next_step()
    summaries = [_preserve_summary(steps, lang), *(_step_summary(step, steps, lang) for step in steps.steps)]
    parts = []
    for index, part in enumerate(page.parts):
        channel = channels[index] if index < len(channels) else None
        view = WeekPart(
            heading=part.heading,
            channel=channel,
            summary=summaries[index] if index < len(summaries) else "",
            documents=bool(channel and drafts.get(channel)),
            open=index == 0 or (first is not None and channel == first.channel),
        )
        for text, items, document_only in part.lines:
            if document_only or text == documents_heading or (text == view.summary and not items):
                continue  # said by the heading, or a command to type
            view.lines.append((text, [item for item in items if item not in commands]))
        parts.append(view)
    return {
        "title": page.title,
        "intro": t("next.intro", lang),
        "parts": parts,
        "next": (
            {"step": first.step, "name": first.name.get(lang), "channel": first.channel,
             "by": day_text(first.file_by.date, lang) if first.file_by is not None else None}
            if first is not None else None
        ),
    }  # fmt: skip


def _preserve_summary(steps: NextSteps, lang: Lang) -> str:
    if not steps.preserve:
        return ""
    return tr("page.week.preserve_by", lang, date=day_text(min(w.by.date for w in steps.preserve), lang))


def _step_summary(step: NextStep, steps: NextSteps, lang: Lang) -> str:
    reference = t("plan.reference", lang, number=step.reference_number) if step.reference_number else ""
    if step.status != "to_file":
        key = "plan.status_replied" if step.status == "replied" else "plan.status_filed"
        return t(key, lang, date=day_text(step.filed_on or steps.as_of, lang), reference=reference)
    if step.escalation is not None and step.waits(steps.as_of):
        return tr("page.week.waits", lang, date=day_text(step.escalation.opens, lang))
    if step.file_by is not None:
        return t("next.file_by", lang, date=day_text(step.file_by.date, lang))
    return t("next.file_soon", lang)


# --- the plan -----------------------------------------------------------------------------------------------------


def _flags(item: PlanDate, lang: Lang) -> str:
    """What ``jubao plan`` writes after a date: moved past a rest day, the latest day, assumed, provisional,
    answered or passed."""
    flags = ""
    if item.unit is TimeUnit.HOURS and item.end_time is not None:
        flags += t("plan.hours", lang, date=day_text(item.end_time.date(), lang))
    if item.moved_from is not None:
        flags += t("plan.moved", lang, date=day_text(item.moved_from, lang))
    if item.latest is not None:
        flags += t("plan.latest", lang, date=day_text(item.latest, lang))
    if item.assumed:
        flags += t("plan.if_filed", lang, date=day_text(item.event_date, lang))
    if item.provisional:
        flags += t("plan.provisional_flag", lang)
    if item.answered:
        flags += (t("plan.answered", lang, date=day_text(item.answered_on, lang)) if item.answered_on
                  else t("plan.answered_undated", lang))  # fmt: skip
    elif item.passed:
        flags += t("plan.passed", lang)
    return flags.strip()


def _not_binding(deadline: Deadline, lang: Lang) -> str:
    otherwise = deadline.applies_to.otherwise.get(lang) if deadline.applies_to else ""
    return t("plan.not_binding", lang, label=deadline.label.get(lang), otherwise=otherwise)


def plan_view(plan: Plan, lang: Lang) -> dict[str, Any]:
    """The plan as ``jubao plan`` shows it: step 0 (evidence, time bars), then each step with its status, its
    dated deadlines (and what to do when one passes) and the deadlines that do not bind."""
    names = {step.channel: step.name.get(lang) for step in plan.steps}
    step0 = []
    for window in plan.preservation:
        status = t("status." + window.basis[0].status.value, lang) if window.basis else ""
        text = t("plan.window", lang, label=window.label.get(lang), date=day_text(window.earliest, lang),
                 advice=window.advice.get(lang))  # fmt: skip
        step0.append(f"{text}［{status}］" if status else text)
    for item in plan.limitations:
        channel = names.get(item.channel, item.channel)
        step0.append(t("plan.limitation", lang, channel=channel, label=item.label.get(lang),
                       date=day_text(item.end, lang), flags=_flags(item, lang)))  # fmt: skip
    steps = []
    for step in plan.steps:
        reference = t("plan.reference", lang, number=step.reference_number) if step.reference_number else ""
        if step.status == "to_file":
            status = t("plan.status_to_file", lang)
        else:
            key = "plan.status_replied" if step.status == "replied" else "plan.status_filed"
            status = t(key, lang, date=day_text(step.filed_on or plan.as_of, lang), reference=reference)
        dates = []
        for item in step.dates:
            when = day_text(item.end, lang)
            if item.unit is TimeUnit.HOURS and item.end_time is not None:
                when = t("plan.within_hours", lang, hours=item.length)
            filed = step.status == "filed" and item.event is Clock.FILED
            carrier = item.event.value == "carrier" and not item.assumed
            trigger = None
            if (filed or carrier) and item.unit is not TimeUnit.HOURS:
                trigger = t("plan.trigger", lang, date=when, action=item.on_expiry.get(lang))
            dates.append({"label": item.label.get(lang), "date": when, "iso": item.end.isoformat(),
                          "flags": _flags(item, lang), "assumed": item.assumed, "passed": item.passed,
                          "answered": item.answered, "trigger": trigger})  # fmt: skip
        steps.append(
            {
                "step": step.step,
                "channel": step.channel,
                "name": step.name.get(lang),
                "parallel": step.parallel,
                "status": step.status,
                "status_text": status,
                "dates": dates,
                "not_binding": [_not_binding(d, lang) for d in step.not_binding],
                "undated": len(step.undated),
            }
        )
    return {
        "title": t("plan.title", lang, date=day_text(plan.as_of, lang)),
        "conduct_end": t("plan.conduct_end", lang, date=day_text(plan.conduct_end, lang)),
        "step0": step0,
        "steps": steps,
        "provisional": t("plan.provisional", lang) if plan.provisional else None,
    }


# --- what is missing ---------------------------------------------------------------------------------------------


def question_for(path: str) -> str | None:
    """The interview question that fills the case field ``path`` (``reporter.phone``; ``evidence[]``), if one
    does. A list's question counts only for the list itself (``evidence[]``), not for a field inside its items."""
    bare = path.removesuffix("[]")
    if "[]" in bare:
        return None
    for question in load_definition().questions:
        if question.kind == "block" or question.path != bare:
            continue
        if bare in LIST_QUESTIONS and bare != EVIDENCE_PATH:
            return None
        return question.id
    return None


def missing_view(missing: dict[str, list[MissingField]], names: dict[str, str], lang: Lang) -> list[dict[str, Any]]:
    """Per routed channel: each item it needs that the case lacks, with the question that fills it (``None``: the
    case file must be edited) — evidence files are added on the case page itself."""
    out = []
    for channel, items in missing.items():
        fields = []
        for item in items:
            question = question_for(item.path)
            fields.append({"label": item.label.get(lang), "path": item.path, "question": question,
                           "evidence": item.path.removesuffix("[]") == EVIDENCE_PATH})  # fmt: skip
        out.append({"channel": channel, "name": names.get(channel, channel), "fields": fields})
    return out
