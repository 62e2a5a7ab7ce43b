"""Human-readable rendering of evaluations and traces (Chinese by default, English on request).

Plain aligned text rather than box-drawing tables: it survives copy-paste into WeChat, e-mail and court filings,
and CJK characters (double width) keep columns aligned when each row starts with a label. Text from the case, the
rules or a plugin is put on one line here; every line is made terminal-safe where it is printed (``terminal.echo``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jubao.cli.state import CliState
from jubao.cli.terminal import terminal_safe
from jubao.conditions import LeafOutcome
from jubao.evaluation import Evaluation, Reason, Trace
from jubao.plan import step_numbers
from jubao.rules import Citation, Text
from jubao.sources import Source, resolve


def text(value: Text | None, current: CliState) -> str:
    """A rule's or plugin's text in the current language, on one line (whatever it holds: see ``terminal``)."""
    return terminal_safe(value.get(current.lang), newlines=False) if value is not None else "—"


def citation(item: Citation, current: CliState) -> str:
    parts = [item.instrument]
    if item.article:
        parts.append(item.article)
    status = current.t(f"status.{item.status.value}")
    return f"{''.join(parts)}［{status}］"


def citations(items: Iterable[Citation], current: CliState) -> str:
    return (
        "；".join(citation(item, current) for item in items)
        if current.lang == "zh"
        else "; ".join(citation(item, current) for item in items)
    )


def source(item: Source | str, current: CliState) -> str:
    """A source as users see it: title (issuer, number, date, in force) [status] address — or free text as written."""
    if isinstance(item, str):
        return item
    t = current.t
    details = [part for part in (item.issuer, item.number) if part]
    if item.date is not None:
        details.append(item.date.isoformat())
    if item.in_force is not None and item.in_force != item.date:
        details.append(t("sources.in_force", date=item.in_force.isoformat()))
    described = item.title
    if details:
        described += t("sources.open") + t("sources.separator").join(details) + t("sources.close")
    described += f"［{t('status.' + item.status.value)}］"
    return f"{described} {item.url}" if item.url else described


def source_lines(text: str | None, current: CliState, indent: str = "  · ") -> list[str]:
    """One line per source a ``source`` value or provenance entry names, with its note on the next line."""
    lines = []
    for item in resolve(text):
        lines.append(indent + source(item, current))
        if not isinstance(item, str) and item.note:
            lines.append(" " * len(indent) + "  " + current.t("channels.note") + item.note)
    return lines


def source_json(text: str | None) -> list[dict[str, Any] | str]:
    """The sources a ``source`` value names, for ``--json`` output (known ids as their public entry)."""
    return [
        item if isinstance(item, str) else item.model_dump(mode="json", exclude={"lawrefbook"}, exclude_none=True)
        for item in resolve(text)
    ]


def _value(value: Any, current: CliState) -> str:
    if value is None:
        return current.t("eval.unknown")
    if isinstance(value, bool):
        return current.t("eval.yes") if value else current.t("eval.no")
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(map(str, value))
        return ", ".join(items) if items else current.t("eval.none")
    return str(value)


def render_evaluation(evaluation: Evaluation, current: CliState, *, title: str | None = None,
                      next_line: str | None = None) -> list[str]:  # fmt: skip
    """The evaluation as a victim reads it: no rule ids or strata (``jubao explain`` and ``--json`` keep them), routes
    numbered 1, 2, 3 … without gaps — routes that can run in parallel share a number and say so, as ``jubao plan``
    and the document index number them —, ending with ``next_line`` (the single next step and its command)."""
    t = current.t
    c = evaluation.classification
    lines: list[str] = []
    if title:
        lines.append(t("eval.case", title=terminal_safe(title, newlines=False)))  # the case's own words: one line
    lines.append(t("eval.as_of", as_of=evaluation.as_of.isoformat(), today=evaluation.today.isoformat()))
    lines.append(t("eval.ruleset", version=evaluation.ruleset_version))
    lines.append("")
    lines.append(t("eval.classification"))
    rows = [
        (t("eval.lender_kind"), t(f"vocab.LenderKind.{c.lender_kind}")),
        (t("eval.regulator"), text(c.regulator.label, current)),
        (t("eval.licence"), text(c.licence_status.label, current)),
        (t("eval.illegal_debt"), "、".join(text(i.label, current) for i in c.illegal_debt_indicators)
         if c.illegal_debt_indicators else t("eval.none")),
        (t("eval.contacts_reached"), f"{c.contacts_reached}（{text(c.contacts_bucket.label, current)}）"
         if current.lang == "zh" else f"{c.contacts_reached} ({text(c.contacts_bucket.label, current)})"),
        (t("eval.contacts_exposed"), _value(c.contacts_exposed, current)),
        (t("eval.ongoing"), _value(c.ongoing, current)),
    ]  # fmt: skip
    lines += [f"  {label}：{value}" if current.lang == "zh" else f"  {label}: {value}" for label, value in rows]
    lines.append("")
    severity = evaluation.severity
    lines.append(t("eval.severity", label=text(severity.label, current)))
    for vote in severity.reasons:
        lines.append(f"  · S{vote.level} {text(vote.text, current)}")
    lines.append("")
    lines.append(t("eval.characterisations"))
    if not evaluation.characterisations:
        lines.append("  " + t("eval.none"))
    for item in evaluation.characterisations:
        lines.append(f"  · {text(item.label, current)}（{t('confidence.' + item.confidence)}）" if current.lang == "zh"
                     else f"  · {text(item.label, current)} ({t('confidence.' + item.confidence)})")  # fmt: skip
        for reason in item.reasons:
            lines.append(f"      {t('eval.basis')}{citations(reason.citations, current)}")
    lines.append("")
    lines.append(t("eval.routes"))
    if not evaluation.routes:
        lines.append("  " + t("eval.no_routes"))
    numbers = step_numbers([route.priority for route in evaluation.routes])
    for route, number in zip(evaluation.routes, numbers, strict=True):
        modes = f"（{'、'.join(t('mode.' + m) for m in route.modes)}）" if route.modes else ""
        parallel = t("plan.parallel") if numbers.count(number) > 1 else ""
        lines.append(f"  {number}. {text(route.name, current)}{modes}{parallel}")
        for reason in route.reasons:
            lines += _reason_lines(reason, current)
    lines.append("")
    lines.append(t("eval.disclaimer"))
    if next_line:
        lines += ["", next_line]
    return lines


def _reason_lines(reason: Reason, current: CliState) -> list[str]:
    t = current.t
    return [
        f"     {t('eval.why')}{text(reason.text, current)}",
        f"     {t('eval.basis')}{citations(reason.citations, current)}",
    ]


def _leaf(outcome: LeafOutcome, current: CliState) -> str:
    op = current.t(f"op.{outcome.op.replace('not ', 'not_')}")
    return current.t(
        "explain.leaf", fact=outcome.fact, op=op, expected=_value(outcome.expected, current),
        actual=_value(outcome.actual, current),
    )  # fmt: skip


def render_trace(trace: Trace, current: CliState) -> list[str]:
    t = current.t
    evaluation = trace.evaluation
    lines = [t("eval.as_of", as_of=evaluation.as_of.isoformat(), today=evaluation.today.isoformat()),
             t("eval.ruleset", version=evaluation.ruleset_version), "", t("explain.fired")]  # fmt: skip
    for index, item in enumerate(evaluation.fired, start=1):
        lines.append(f"  {index}. [{item.rule}] {text(item.title, current)}  ({t('explain.stratum', n=item.stratum)})")
        for outcome in item.matched:
            lines.append(f"       ✓ {_leaf(outcome, current)}")
        concluded = ", ".join(f"{k}={_value(v, current)}" for k, v in item.concluded.items())
        lines.append(f"       → {concluded}")
        lines.append(f"       {t('eval.basis')}{citations(item.citations, current)}")
    lines += ["", t("explain.why_not")]
    for entry in trace.why_not:
        lines.append(f"  · {text(entry.name, current)}  [{entry.channel}]")
        if entry.note is not None:
            lines.append(f"      {text(entry.note, current)}")
        if not entry.rules and entry.note is None:
            lines.append(f"      {t('explain.no_rule')}")
        for check in entry.rules:
            if not check.in_force:
                lines.append(f"      [{check.rule}] {t('explain.not_in_force')}")
                continue
            failed = (
                "；".join(_leaf(o, current) for o in check.failed)
                if current.lang == "zh"
                else "; ".join(_leaf(o, current) for o in check.failed)
            )
            lines.append(f"      [{check.rule}] {t('explain.failed')}{failed}")
    return lines
