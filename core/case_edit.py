"""Edit a case file in place: record a complaint filed (``add_filing``), a reply received (``record_reply``) or an
evidence file received (``add_evidence_item``), changing only the lines that say so.

The user's comments, blank lines, quoting, key order and indentation are theirs. YAML is edited with ruamel.yaml's
round-trip mode (it keeps comments and styles), JSON with the standard library (key order kept, indentation
guessed). Even a round-trip library re-renders a few things its own way (``key: null`` becomes ``key:``, an inline
JSON object is spread over lines), so its output is not written as it is: the lines the edit changed are found by
comparing the library's rendering of the file before and after the edit, and only those lines are spliced into the
user's text. Every other line stays byte-for-byte as it was (line endings and a byte-order mark included).

The result is validated with jubao's own reader (``parse_case_text``) and must mean exactly what the library's full
rendering means; the caller writes it atomically (``jubao.fileio``). Nothing here touches the disk.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from jubao.case import Case, PriorComplaint
from jubao.case_checks import channel_problems
from jubao.loading import CaseFileError, parse_case_text
from jubao.problems import Problem
from jubao.types import CASE_TIMEZONE

PRIOR = "prior_complaints"
EVIDENCE = "evidence"
TODAY_WORDS = frozenset({"today", "今天", "今日"})
_CHINESE_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*$")
_SLASHED_DATE = re.compile(r"^\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\s*$")
_YAML_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 4, 0), (4, 6, 4), (3, 3, 1), (3, 5, 3))
"""(mapping, sequence, offset) layouts tried for a YAML file; the one whose rendering matches most lines is used."""


class EditError(Exception):
    """The edit cannot be made (no complaint to attach a reply to, a reply before the filing …): nothing is
    written. ``code`` names a message under ``record.error.`` in the locales; ``params`` fill it."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Edit:
    text: str
    """The whole new file text, ready to write."""
    case: Case
    """The new text, validated."""
    index: int
    """The prior complaint added or changed (``prior_complaints[index]``)."""
    lines: tuple[int, int]
    """First and last line (1-based, in the new text) that differ from the old text."""


def china_today() -> date:
    """Today in Beijing (the cases' time zone)."""
    return datetime.now(CASE_TIMEZONE).date()


def parse_day(text: str, *, today: date | None = None) -> date:
    """``2026-11-20``, ``2026年11月20日`` (or ``号``), ``2026/11/20``, ``today`` or ``今天``; else ``ValueError``."""
    value = text.strip()
    if value.lower() in TODAY_WORDS:
        return today or china_today()
    match = _CHINESE_DATE.match(value) or _SLASHED_DATE.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    return date.fromisoformat(value)


def unknown_channel(case: Case, channel: str, known: Collection[str]) -> Problem | None:
    """The ``unknown_channel`` problem (with the nearest known id) if ``channel`` names no installed channel —
    the same check ``jubao validate`` makes of every prior complaint (``jubao.case_checks``)."""
    probe = PriorComplaint.model_construct(channel=channel, filed_on=china_today())
    problems = channel_problems(case.model_copy(update={PRIOR: (probe,)}), known)
    return problems[0] if problems else None


def add_filing(text: str, *, channel: str, filed_on: date, reference_number: str | None = None,
               source: str = "<text>") -> Edit:  # fmt: skip
    """Append ``{channel, filed_on, reference_number}`` to ``prior_complaints`` (created if absent).

    Raises ``CaseFileError`` if ``text`` is not a valid case now, or the result would not be one."""
    parse_case_text(text, source=source)
    entry: dict[str, Any] = {"channel": channel, "filed_on": filed_on}
    if reference_number:
        entry["reference_number"] = reference_number
    state: dict[str, int] = {}

    def change(data: Any, fmt: Literal["yaml", "json"]) -> None:
        _require_mapping(data)
        existing = data.get(PRIOR)
        if existing is None:
            items: Any = CommentedSeq() if fmt == "yaml" else []
            data[PRIOR] = items
        elif isinstance(existing, list):
            items = existing
        else:
            raise EditError("not_a_list", field=PRIOR)
        if fmt == "yaml" and not items and isinstance(items, CommentedSeq):
            items.fa.set_block_style()
        item: Any = CommentedMap(entry) if fmt == "yaml" else {k: _json_value(v) for k, v in entry.items()}
        items.append(item)
        state["index"] = len(items) - 1

    return _result(text, splice_edit(text, change, source), source, state["index"])


def record_reply(text: str, *, channel: str, reply_on: date, summary: str | None = None,
                 source: str = "<text>") -> Edit:  # fmt: skip
    """Mark the latest complaint to ``channel`` that has no reply yet as answered on ``reply_on`` (with
    ``summary``). ``EditError`` when there is none, or it was filed after ``reply_on``."""
    case = parse_case_text(text, source=source)
    index = latest_unanswered(case, channel)
    if index is None:
        answered = [p for p in case.prior_complaints if p.channel == channel]
        raise EditError("all_answered" if answered else "no_filing", channel=channel)
    filed_on = case.prior_complaints[index].filed_on
    if reply_on < filed_on:
        raise EditError("reply_before_filing", channel=channel, filed_on=filed_on.isoformat())
    updates: dict[str, Any] = {"reply_received": True, "reply_on": reply_on}
    if summary:
        updates["reply_summary"] = summary

    def change(data: Any, fmt: Literal["yaml", "json"]) -> None:
        _require_mapping(data)
        item = data[PRIOR][index]
        if fmt == "yaml" and summary and "\n" in summary:
            updates["reply_summary"] = LiteralScalarString(summary)
        if fmt == "json":
            data[PRIOR][index] = _json_updated(item, updates)
        else:
            _yaml_update(item, updates)

    return _result(text, splice_edit(text, change, source), source, index)


def add_evidence_item(text: str, item: Mapping[str, Any], source: str = "<text>") -> Edit:
    """Append ``item`` (``{id, kind, description, path, collected_on, sha256 …}``; ``None`` values left out) to
    ``evidence``, which is created if absent, before ``prior_complaints`` (the case format's order). Used by the
    web app's store when a file arrives. ``Edit.index`` is the item's position in ``evidence``.

    Raises ``CaseFileError`` if ``text`` is not a valid case now, or the result would not be one (a duplicate id,
    an unknown kind …)."""
    parse_case_text(text, source=source)
    entry = {key: value for key, value in item.items() if value is not None}
    state: dict[str, int] = {}

    def change(data: Any, fmt: Literal["yaml", "json"]) -> None:
        if not isinstance(data, dict):
            raise EditError("not_a_mapping")
        existing = data.get(EVIDENCE)
        if existing is None:
            items: Any = CommentedSeq() if fmt == "yaml" else []
            _put_before(data, EVIDENCE, items, (PRIOR, "carrier_complaints", "wants"))
        elif isinstance(existing, list):
            items = existing
        else:
            raise EditError("not_a_list", field=EVIDENCE)
        if fmt == "yaml" and not items and isinstance(items, CommentedSeq):
            items.fa.set_block_style()  # `evidence: []` becomes a block list
        items.append(CommentedMap(entry) if fmt == "yaml" else {k: _json_value(v) for k, v in entry.items()})
        state["index"] = len(items) - 1

    return _result(text, splice_edit(text, change, source), source, state["index"])


def _put_before(data: dict[str, Any], key: str, value: Any, followers: tuple[str, ...]) -> None:
    """Set ``data[key]``; a new key goes before the first of ``followers`` present, else last."""
    keys = list(data)
    at = next((keys.index(f) for f in followers if f in data), None) if key not in data else None
    if at is None:
        data[key] = value
    elif isinstance(data, CommentedMap):
        data.insert(at, key, value)
    else:
        items = list(data.items())
        data.clear()
        data.update([*items[:at], (key, value), *items[at:]])


def latest_unanswered(case: Case, channel: str) -> int | None:
    """Index of the latest-filed complaint to ``channel`` with no reply recorded (the last such in the file on a
    tie), or ``None``."""
    open_ones = [(p.filed_on, i) for i, p in enumerate(case.prior_complaints)
                 if p.channel == channel and not p.reply_received]  # fmt: skip
    return max(open_ones)[1] if open_ones else None


# --- the edit -----------------------------------------------------------------------------------------------------

Change = Callable[[Any, Literal["yaml", "json"]], None]
"""Edits the round-trip data of a case file in place; told whether it is YAML or JSON."""


def splice_edit(text: str, change: Change, source: str) -> str:
    """``text`` with ``change`` applied to its data, only the changed lines differing from ``text`` (the user's
    comments and layout kept byte for byte): used by ``jubao filed``/``replied`` and by ``jubao new`` on a re-run."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix("\ufeff")
    crlf = "\r\n" in body
    body = body.replace("\r\n", "\n")
    if body.lstrip()[:1] in ("{", "["):
        noop, edited = _json_renderings(body, change)
    else:
        noop, edited = _yaml_renderings(body, change)
    result = _spliced(body, noop, edited, source)
    if crlf:
        result = result.replace("\n", "\r\n")
    return bom + result


def _yaml_renderings(body: str, change: Change) -> tuple[str, str]:
    try:
        layout = _yaml_layout(body)
        yaml = _yaml(layout)
        data = yaml.load(body)
        noop = _dump(yaml, data)
        change(data, "yaml")
        return noop, _dump(yaml, data)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise EditError("cannot_read", line=mark.line + 1 if mark is not None else "?") from None


def _yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never fold a long line
    yaml.indent(mapping=layout[0], sequence=layout[1], offset=layout[2])
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _yaml_layout(body: str) -> tuple[int, int, int]:
    """The indentation layout whose rendering of ``body`` keeps the most lines as they are."""
    original = body.splitlines()
    best, best_score = _YAML_INDENTS[0], -1
    for layout in _YAML_INDENTS:
        yaml = _yaml(layout)
        rendered = _dump(yaml, yaml.load(body))
        if rendered == body:
            return layout
        score = sum(block.size for block in _matcher(original, rendered.splitlines()).get_matching_blocks())
        if score > best_score:
            best, best_score = layout, score
    return best


def _json_renderings(body: str, change: Change) -> tuple[str, str]:
    data = json.loads(body)
    indent = _json_indent(body)
    ascii_only = "\\u" in body and body.isascii()

    def inline(value: Any) -> str:
        return json.dumps(value, ensure_ascii=ascii_only, separators=(", ", ": "))

    def render(value: Any, depth: int) -> str:
        """Like ``json.dumps(indent=…)``, but a list or object the user wrote on one line stays on one line."""
        if not isinstance(value, dict | list) or not value or indent is None or inline(value) in body:
            return inline(value) if indent is not None else json.dumps(value, ensure_ascii=ascii_only)
        pad, inner = " " * (indent * depth), " " * (indent * (depth + 1))
        if isinstance(value, dict):
            items = [f"{inner}{inline(key)}: {render(item, depth + 1)}" for key, item in value.items()]
            return "{\n" + ",\n".join(items) + f"\n{pad}}}"
        return "[\n" + ",\n".join(f"{inner}{render(item, depth + 1)}" for item in value) + f"\n{pad}]"

    ending = "\n" if body.endswith("\n") else ""
    noop = render(data, 0) + ending
    change(data, "json")
    return noop, render(data, 0) + ending


def _json_indent(body: str) -> int | None:
    for line in body.splitlines()[1:]:
        stripped = line.lstrip(" ")
        if stripped and len(stripped) < len(line):
            return len(line) - len(stripped)
    return None


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _json_updated(item: dict[str, Any], updates: dict[str, Any]) -> dict[str, Any]:
    """``item`` with ``updates``: existing keys keep their place, new ones follow the key before them."""
    result = dict(item)
    previous = None
    for key, value in updates.items():
        if key not in result and previous is not None and previous in result:
            items = list(result.items())
            position = list(result).index(previous) + 1
            result = dict([*items[:position], (key, _json_value(value)), *items[position:]])
        else:
            result[key] = _json_value(value)
        previous = key
    return result


def _yaml_update(item: CommentedMap, updates: dict[str, Any]) -> None:
    """Like ``_json_updated``, in place on a round-trip mapping (its comments stay with their keys)."""
    previous = None
    for key, value in updates.items():
        if key not in item and previous is not None and previous in item:
            item.insert(list(item).index(previous) + 1, key, value)
        else:
            item[key] = value
        previous = key


def _require_mapping(data: Any) -> None:
    if not isinstance(data, dict):
        raise EditError("not_a_mapping")
    if not isinstance(data.get(PRIOR, []), list | type(None)):
        raise EditError("not_a_list", field=PRIOR)


# --- splicing -----------------------------------------------------------------------------------------------------


def _matcher(a: list[str], b: list[str]) -> SequenceMatcher[str]:
    return SequenceMatcher(None, a, b, autojunk=False)


def _spliced(body: str, noop: str, edited: str, source: str) -> str:
    """The user's ``body`` with the lines that ``edited`` changes relative to ``noop`` (the library's rendering of
    the same data unchanged) put in — each change widened, where the library re-rendered lines around it, to the
    nearest lines that are the same in all three. The result must mean what ``edited`` means; if a splice does
    not (never seen), the next-safest text is used: without moving insertions past comments, then ``edited``."""
    expected = _parsed(edited, source)
    for tidy in (True, False):
        candidate = _splice(body, noop, edited, tidy=tidy)
        if _parsed(candidate, source) == expected:
            return candidate
    return edited


def _parsed(text: str, source: str) -> Case | None:
    try:
        return parse_case_text(text, source=source)
    except CaseFileError:
        return None


def _splice(body: str, noop: str, edited: str, *, tidy: bool) -> str:
    a = body.splitlines(keepends=True)
    b = noop.splitlines(keepends=True)
    c = edited.splitlines(keepends=True)
    blocks = [block for block in _matcher(a, b).get_matching_blocks() if block.size]

    def to_a(j: int) -> int | None:
        """Where in ``a`` the boundary before ``b[j]`` is, if the lines on both sides of it are the user's own."""
        for block in blocks:
            if block.b <= j <= block.b + block.size:
                return block.a + (j - block.b)
        return 0 if j == 0 else len(a) if j == len(b) else None

    raw = [(j1, j2, k1, k2) for tag, j1, j2, k1, k2 in _matcher(b, c).get_opcodes() if tag != "equal"]
    hunks: list[tuple[int, int, int, int]] = []  # (a start, a end, c start, c end)
    i = 0
    while i < len(raw):
        j1, j2, k1, k2 = raw[i]
        while to_a(j1) is None:  # stops at the previous hunk at the latest: its end is aligned
            j1, k1 = j1 - 1, k1 - 1
        while to_a(j2) is None:
            if i + 1 < len(raw) and j2 >= raw[i + 1][0]:  # ran into the next change: one change
                i += 1
                j2, k2 = raw[i][1], raw[i][3]
            else:
                j2, k2 = j2 + 1, k2 + 1
        hunks.append((to_a(j1) or 0, to_a(j2) or 0, k1, k2))
        i += 1
    result = list(a)
    floors = [0] + [end for _, end, _, _ in hunks[:-1]]
    for (start, end, k1, k2), floor in zip(reversed(hunks), reversed(floors), strict=True):
        new = c[k1:k2]
        at, until = start, end
        if tidy and start == end and new:
            at = until = _above_outer_comments(result, start, _indent(new[0]), floor)
        result[at:until] = new
    return "".join(result)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _above_outer_comments(lines: list[str], at: int, indent: int, floor: int) -> int:
    """Move an insertion point up past the blank lines and comments that introduce what follows rather than end
    the list being extended: those less indented than the inserted lines, or no more indented than the next line
    (``# 我的诉求`` above ``wants:``)."""
    following = next((_indent(line) for line in lines[at:] if line.strip() and not line.lstrip().startswith("#")), 0)
    while at > floor:
        line = lines[at - 1]
        stripped = line.strip()
        if stripped and not (stripped.startswith("#") and (_indent(line) < indent or _indent(line) <= following)):
            break
        at -= 1
    return at


def _result(old: str, new: str, source: str, index: int) -> Edit:
    case = parse_case_text(new, source=source)  # CaseFileError: the result is no valid case; nothing is written
    return Edit(text=new, case=case, index=index, lines=changed_lines(old, new))


def changed_lines(old: str, new: str) -> tuple[int, int]:
    """First and last line (1-based, in ``new``) that differ from ``old`` (``(0, 0)`` if none do)."""
    opcodes = [op for op in _matcher(old.splitlines(), new.splitlines()).get_opcodes() if op[0] != "equal"]
    if not opcodes:
        return (0, 0)
    return opcodes[0][3] + 1, max(opcodes[-1][4], opcodes[-1][3] + 1)
