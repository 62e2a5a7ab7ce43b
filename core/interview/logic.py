"""The interview's logic, without a terminal: which question comes next, what an answer means, what case it makes.

``Interview`` walks the questions of ``questions.yaml`` (``jubao.interview.definition``). A front end — the
``jubao new`` command, later the local web app — loops::

    interview = Interview(today=..., cwd=..., case_dir=..., existing=data_or_None, problems=problems_of_data)
    while (step := interview.next_step()) is not None:
        show step.ask(lang), step.help(lang), step.choices …
        interview.answer(step, typed_text_or_chosen_values)   # AnswerError: say why, ask again
    draft = interview.build()   # the edits, the case data, its problems (none when it is valid)

On a re-run (``existing`` is the case file's data) a question whose field is present and valid is answered from the
file and not asked; a choice stored as ``unknown`` is asked again (the person may have found out since); a list that
already has entries (incidents, evidence, collectors) is kept whole, and whatever is still invalid inside it, or in a
field no question covers, is asked afterwards as a "fix" step: one field, its problem, a new value (Enter removes it).

How answers become a case (``build``):

* people, not times: an episode ("about 20 colleagues were called") lists each person in ``contacts.reached``
  (``colleague-1`` … ``colleague-20``; ids, never names) and gives each an incident whose ``count`` is how many
  times *that person* was contacted — so ``contacts_reached`` counts people and ``count`` stays times. The same
  relation in two episodes means the same people (the first N of them). A group chat or an online post is one
  incident to a ``group`` target with ``audience_size``;
* "I don't know" stores ``unknown`` where the case format has that value (lender kind, consent) and leaves the field
  out elsewhere;
* evidence files are fingerprinted when given (``evidence[].sha256``) and linked to the incidents they show.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from jubao.case import Case
from jubao.i18n import Lang, t
from jubao.interview import parsing
from jubao.interview.definition import Choice, Condition, Definition, Kind, Question, Words, load_definition
from jubao.interview.parsing import AnswerError
from jubao.loading import CaseFileError, parse_case
from jubao.problems import Problem, format_loc
from jubao.types import Phone, Province

Loc = tuple[str | int, ...]
Raw = str | bool | list[str] | None
"""An answer as a front end gives it: typed text, a yes/no, the values chosen, or ``None`` for "skip"."""

MAX_FIX_ATTEMPTS = 3
"""How often one invalid field is asked again before the interview gives up on it (the file is then not written)."""

GROUP_MEDIA = frozenset({"group_chat", "social_post"})
NUMBERED_MEDIA = frozenset({"call", "sms"})

_MISSING: Any = object()


@dataclass(frozen=True)
class Edit:
    """One change to the case data: set a field, delete it, or append items to a list (created if absent).

    ``comments`` are end-of-line comments for the written file, as (location relative to ``loc``, text); for
    ``extend`` the location starts with the index among the new items.
    """

    loc: Loc
    value: Any = None
    op: Literal["set", "delete", "extend"] = "set"
    comments: tuple[tuple[Loc, str], ...] = ()


@dataclass(frozen=True)
class Note:
    """Something the front end should tell the person after writing (``interview.note.<code>``)."""

    code: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Draft:
    """What the answers make: the edits (to apply to the file), the resulting case data and its problems."""

    edits: tuple[Edit, ...]
    data: dict[str, Any]
    problems: tuple[Problem, ...]
    notes: tuple[Note, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    def case(self) -> Case:
        return parse_case(self.data)


@dataclass(frozen=True)
class Step:
    """One question to ask now."""

    key: str
    """Where the answer is stored (``reporter.name``, ``episode[2].time``, ``fix[0]``)."""
    question: Question
    choices: tuple[Choice, ...] = ()
    skippable: bool = True
    default: str | None = None
    """The value (a choice value, or text to parse) used when the person just presses Enter."""
    context: Mapping[str, Words] = field(default_factory=dict)
    problem: Problem | None = None
    """For a fix step: what is wrong with the field."""

    @property
    def kind(self) -> str:
        return self.question.kind

    def ask(self, lang: Lang) -> str:
        return _format(self.question.ask(lang), self.context, lang)

    def help(self, lang: Lang) -> str:
        return _format(self.question.help(lang), self.context, lang) if self.question.help else ""


def _format(text: str, context: Mapping[str, Words], lang: Lang) -> str:
    try:
        return text.format(**{name: words(lang) for name, words in context.items()})
    except (KeyError, IndexError, ValueError):
        return text


class Interview:
    """The state of one interview: the answers so far, and what the existing file (if any) already says."""

    def __init__(
        self,
        definition: Definition | None = None,
        *,
        today: date,
        cwd: Path,
        case_dir: Path,
        existing: Mapping[str, Any] | None = None,
        problems: tuple[Problem, ...] | list[Problem] = (),
    ) -> None:
        self.definition = definition or load_definition()
        self.today = today
        self.cwd = cwd
        self.case_dir = case_dir
        self.existing: dict[str, Any] = copy.deepcopy(dict(existing)) if existing else {}
        self.answers: dict[str, Any] = {}
        self.kept: set[str] = set()
        """Questions and blocks answered by the existing file (their lists are kept whole)."""
        self.seeded: set[str] = set()
        """Questions answered by a field of the existing file (not asked, not written)."""
        self.guessed_times: set[str] = set()
        self._fixes: list[Edit] = []
        self._fix_attempts: dict[str, int] = {}
        self._lines = {_fix_key(problem): problem.line for problem in problems if problem.line}
        """The existing file's line of each problem it came with: a fix question names it, so that two unknown keys
        of one mapping (asked about by the mapping's path: a key is never shown) can be told apart. The file's
        text does not change before the interview ends, so the lines stay true."""
        self._seed([problem.loc for problem in problems])

    # --- re-run: what the file already answers ------------------------------------------------------------------

    def _seed(self, invalid: list[Loc]) -> None:
        for question in self.definition.questions:
            if question.path is None:
                continue
            loc = _loc(question.path)
            value = _get(self.existing, loc)
            if isinstance(value, list):
                if value:
                    self.kept.add(question.id)
                    self.answers[question.id] = _phones_of(value) if question.kind == "phone_list" else value
                continue
            if question.kind == "block" or value is _MISSING or value is None:
                continue
            if any(bad[: len(loc)] == loc for bad in invalid):
                continue
            if question.kind == "choice" and isinstance(value, str):
                try:  # the file may use a label or an everyday word (联系人, 网络小贷): branch on the value it means
                    value = parsing.match_choice(value, question.choices)
                except AnswerError:
                    continue
            if question.skip == "unknown" and value == "unknown":
                continue
            self.answers[question.id] = value
            self.seeded.add(question.id)

    # --- what to ask next ------------------------------------------------------------------------------------------

    def next_step(self) -> Step | None:
        """The next question, or ``None`` when the case is complete (or what is still wrong cannot be fixed here)."""
        for question in self.definition.questions:
            step = self._next_block_step(question) if question.kind == "block" else self._next_top_step(question)
            if step is not None:
                return step
        return self._next_fix_step()

    def _next_top_step(self, question: Question) -> Step | None:
        if question.id in self.answers or not self._holds(question, None, None):
            return None
        step = self._step(question, question.id, None, None)
        if step is None:
            self.answers[question.id] = None
        return step

    def _next_block_step(self, block: Question) -> Step | None:
        if block.id in self.kept:
            return None
        count = self.item_count(block)
        for item in range(count):
            for question in block.questions:
                key = f"{block.id}[{item}].{question.id}"
                if key in self.answers or not self._holds(question, block.id, item):
                    continue
                step = self._step(question, key, block.id, item)
                if step is None:
                    self.answers[key] = None
                    continue
                return step
        if block.more is not None and count:
            key = f"{block.id}[{count - 1}].more"
            if key not in self.answers:
                more = Question(id=block.more.id, kind="yes_no", ask=block.more.ask, help=block.more.help)
                return Step(key=key, question=more, skippable=True, default="no")
        return None

    def item_count(self, block: Question) -> int:
        """How many items a block has: one per value of its ``for_each`` answer, plus one per "yes" to ``more``."""
        seed = self.answers.get(block.for_each or "")
        seeds = seed if isinstance(seed, list) and block.id not in self.kept else []
        for index, value in enumerate(seeds):
            self.answers.setdefault(f"{block.id}[{index}].{block.item_key}", value)
        count = len(seeds)
        while count and self.answers.get(f"{block.id}[{count - 1}].more") is True:
            count += 1
        return count

    def _step(self, question: Question, key: str, block: str | None, item: int | None) -> Step | None:
        choices = self._choices(question, block, item)
        if question.kind in ("choice", "multi_choice") and not choices:
            return None
        skippable = question.skip != "no" and (
            question.required_if_skipped is None or self._given(question.required_if_skipped)
        )
        default = str(question.default) if question.default is not None else None
        context: dict[str, Words] = {}
        if block is not None and item is not None:
            context = self._context(block, item)
            if question.kind == "choice":
                default = self._suffix_default(choices, block, item) or default
        return Step(key=key, question=question, choices=choices, skippable=skippable, default=default, context=context)

    def _choices(self, question: Question, block: str | None, item: int | None) -> tuple[Choice, ...]:
        if question.choices_from is not None:
            return self._dynamic_choices(question.choices_from)
        return tuple(c for c in question.choices if all(self._condition(w, block, item) for w in c.when))

    def _dynamic_choices(self, source: str) -> tuple[Choice, ...]:
        if source in {q.id for q in self.definition.questions if q.kind == "block"}:
            block = self.definition.question(source)
            if block.id in self.kept:
                return ()
            return tuple(
                Choice(value=str(index), label=self._item_label(block, index))
                for index in range(self.item_count(block))
            )
        values = self.answers.get(source)
        if not isinstance(values, list):
            return ()
        return tuple(Choice(value=v, label=Words(zh=_pretty_phone(v), en=_pretty_phone(v))) for v in values)

    def _item_label(self, block: Question, index: int) -> Words:
        """``1. 同事 · 打电话 · 11月16日`` — how an episode is named when evidence is linked to it."""
        who = self._choice_of(block, "who", index)
        how = self._choice_of(block, "medium", index)
        when = str(self.answers.get(f"{block.id}[{index}].time") or "")[:10]
        zh = " · ".join(part for part in (who.name("zh") if who else "", how.name("zh") if how else "", when) if part)
        en = " · ".join(part for part in (who.name("en") if who else "", how.name("en") if how else "", when) if part)
        return Words(zh=f"{index + 1}. {zh}", en=f"{index + 1}. {en}")

    def _choice_of(self, block: Question, question_id: str, item: int) -> Choice | None:
        question = next((q for q in block.questions if q.id == question_id), None)
        value = self.answers.get(f"{block.id}[{item}].{question_id}")
        return question.choice(value) if question is not None and isinstance(value, str) else None

    def _context(self, block_id: str, item: int) -> dict[str, Words]:
        block = self.definition.question(block_id)
        value = self.answers.get(f"{block_id}[{item}].{block.item_key}")
        if isinstance(value, dict) and "name" in value:
            return {block.item_key or "item": Words(zh=value["name"], en=value["name"])}
        chosen = self._choice_of(block, block.item_key or "", item)
        if chosen is not None:
            return {block.item_key or "item": chosen.short or chosen.label}
        return {}

    def _suffix_default(self, choices: tuple[Choice, ...], block: str, item: int) -> str | None:
        """The option whose file-name endings match the item's file (``.m4a`` → recording)."""
        value = self.answers.get(f"{block}[{item}].{self.definition.question(block).item_key}")
        if not isinstance(value, dict):
            return None
        suffix = Path(str(value.get("name", ""))).suffix.lower()
        return next((c.value for c in choices if suffix and suffix in c.suffixes), None)

    # --- conditions ----------------------------------------------------------------------------------------------

    def _holds(self, question: Question, block: str | None, item: int | None) -> bool:
        return all(self._condition(condition, block, item) for condition in question.when)

    def _condition(self, condition: Condition, block: str | None, item: int | None) -> bool:
        name = condition.answer
        key = f"{block}[{item}].{name[1:]}" if name.startswith(".") else name
        value = self.answers.get(key, _MISSING)
        given = value is not _MISSING and value is not None
        if condition.given is not None:
            return bool(given == condition.given)
        if condition.count_at_least is not None:
            return isinstance(value, list) and len(value) >= condition.count_at_least
        if condition.equals is not None:
            return bool(given and value == condition.equals)
        if condition.not_equals is not None:
            return bool(value != condition.not_equals)
        if condition.in_ is not None:
            return bool(given and value in condition.in_)
        return bool(not given or value not in (condition.not_in or ()))

    def _given(self, question_id: str) -> bool:
        return self.answers.get(question_id) is not None

    # --- answers -----------------------------------------------------------------------------------------------------

    def answer(self, step: Step, raw: Raw) -> None:
        """Record the answer to ``step`` (text is parsed; ``None`` or a "don't know" word skips where allowed).
        Raises ``AnswerError`` (nothing is recorded) if it cannot be used."""
        if step.problem is not None:
            self._answer_fix(step, raw)
            return
        self.answers[step.key] = self._value(step, raw)

    def check(self, step: Step, raw: Raw) -> None:
        """Raise ``AnswerError`` if ``raw`` would not be accepted as the answer to ``step``; record nothing (a front
        end shows the problem while the person is still typing)."""
        guessed = set(self.guessed_times)
        try:
            if step.problem is not None:
                if step.problem.code != "unknown_field":
                    self._parse(step, raw)
            else:
                self._value(step, raw)
        finally:
            self.guessed_times = guessed

    def check_file(self, text: str) -> None:
        """Raise ``AnswerError`` unless ``text`` names a readable file (one entry of a file list)."""
        parsing.parse_file(text, cwd=self.cwd, case_dir=self.case_dir)

    def _value(self, step: Step, raw: Raw) -> Any:
        value = self._parse(step, raw)
        if value is _MISSING:
            if not step.skippable:
                raise AnswerError("required")
            value = "unknown" if step.question.skip == "unknown" else None
        self._check_order(step, value)
        return value

    def _parse(self, step: Step, raw: Raw) -> Any:  # noqa: PLR0911 - one branch per kind
        kind = step.kind
        skip_words = self.definition.skip_words
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if step.default is None:
                return _MISSING
            raw = step.default
        if kind == "yes_no":
            return raw if isinstance(raw, bool) else parsing.parse_yes_no(str(raw))
        if kind == "choice":
            try:
                return parsing.match_choice(str(raw), step.choices)
            except AnswerError:
                if parsing.is_skip(str(raw), skip_words):
                    return _MISSING
                raise
        if kind == "multi_choice":
            if isinstance(raw, list):
                known = {c.value for c in step.choices}
                if any(value not in known for value in raw):
                    raise AnswerError("unknown_choice")
                return [c.value for c in step.choices if c.value in raw] or _MISSING
            if parsing.is_skip(str(raw), skip_words):
                return _MISSING
            return parsing.match_choices(str(raw), step.choices)
        if kind == "file_list":
            paths = raw if isinstance(raw, list) else [line for line in str(raw).splitlines() if line.strip()]
            files = [parsing.parse_file(p, cwd=self.cwd, case_dir=self.case_dir) for p in paths if p.strip()]
            return [{"path": f.path, "sha256": f.sha256, "name": f.name} for f in files] or _MISSING
        text = str(raw)
        if parsing.is_skip(text, skip_words):
            return _MISSING
        if kind in ("datetime", "date"):
            when = parsing.parse_datetime(text, self.today)
            if kind == "date":
                return when.moment.date().isoformat()
            (self.guessed_times.discard if when.time_given else self.guessed_times.add)(step.key)
            return when.text()
        if kind == "number":
            return parsing.parse_number(text, step.question.min, step.question.max)
        if kind == "phone":
            return parsing.parse_phone(text)
        if kind == "phone_list":
            return parsing.parse_phone_list(text)
        if kind == "province":
            return parsing.parse_province(text)
        return parsing.parse_text(text, step.question.max_length)

    def _check_order(self, step: Step, value: Any) -> None:
        """An episode cannot end before it began."""
        match = re.fullmatch(r"(\w+)\[(\d+)\]\.until", step.key)
        if match and value is not None:
            start = self.answers.get(f"{match[1]}[{match[2]}].time")
            if isinstance(start, str) and value < start:
                raise AnswerError("until_before_time")

    # --- fix steps: what is still invalid ------------------------------------------------------------------------

    def _next_fix_step(self) -> Step | None:
        for problem in self.build().problems:
            if not (problem.at or problem.loc) or self._fix_attempts.get(_fix_key(problem), 0) >= MAX_FIX_ATTEMPTS:
                continue
            step = self._fix_step(problem)
            if step is not None:
                return step
        return None

    def _fix_step(self, problem: Problem) -> Step | None:
        unknown_field = problem.code == "unknown_field"
        kind, choices = _fix_kind(field_annotation(problem.loc)) if not unknown_field else ("yes_no", ())
        if kind is None:
            return None
        key = "fix.delete" if unknown_field else "fix.ask"
        line = self._lines.get(_fix_key(problem))
        ask = Words(
            zh=t(f"interview.{key}", "zh", path=_place(problem, line, "zh"), message=problem.message("zh")),
            en=t(f"interview.{key}", "en", path=_place(problem, line, "en"), message=problem.message("en")),
        )
        question = Question(id="fix", kind=kind, ask=ask, choices=choices, max_length=5000)
        return Step(key=f"fix[{len(self._fixes)}]", question=question, choices=choices, problem=problem)

    def _answer_fix(self, step: Step, raw: Raw) -> None:
        assert step.problem is not None
        # An unknown key is reported at the mapping holding it (never by its text): ``at`` is the key itself.
        loc, path = step.problem.at or step.problem.loc, _fix_key(step.problem)
        if step.problem.code == "unknown_field":
            delete = raw if isinstance(raw, bool) else parsing.parse_yes_no(str(raw or "否"))
            edit: Edit | None = Edit(loc=loc, op="delete") if delete else None
            self._fix_attempts[path] = MAX_FIX_ATTEMPTS  # asked once: kept means kept
        else:
            value = self._parse(step, raw)
            edit = Edit(loc=loc, op="delete") if value is _MISSING else Edit(loc=loc, value=value)
            self._fix_attempts[path] = self._fix_attempts.get(path, 0) + 1
        if edit is not None:
            self._fixes.append(edit)

    # --- the case ----------------------------------------------------------------------------------------------------

    def build(self) -> Draft:
        """The edits the answers make, applied to the existing data, and the problems of the result."""
        notes: list[Note] = []
        edits = [*self._field_edits(), *self._list_edits(notes), *self._fixes]
        data = copy.deepcopy(self.existing)
        for edit in edits:
            apply_edit(data, edit)
        try:
            parse_case(data)
            problems: tuple[Problem, ...] = ()
        except CaseFileError as error:
            problems = tuple(error.problems)
        return Draft(edits=tuple(edits), data=data, problems=problems, notes=tuple(notes))

    def _field_edits(self) -> Iterator[Edit]:
        """Questions that fill one field: set it, or (skipped) remove what was there."""
        special = {"collectors.phones", "reached", "evidence.files", "wants"}
        for question in self.definition.questions:
            if question.path is None or question.kind == "block" or question.id in special:
                continue
            if question.id not in self.answers or question.id in self.kept or question.id in self.seeded:
                continue
            loc = _loc(question.path)
            value = self.answers[question.id]
            if value is None:
                if _get(self.existing, loc) is not _MISSING:
                    yield Edit(loc=loc, op="delete")
                continue
            if value == "unknown" and self.existing and _get(self.existing, loc) is _MISSING:
                continue  # still not known, and the file already means that by leaving it out
            comments: tuple[tuple[Loc, str], ...] = ()
            if value == "unknown" and loc[-1] == "kind" and self.definition.kind_unknown_comment:
                comments = (((), self.definition.kind_unknown_comment),)
            yield Edit(loc=loc, value=value, comments=comments)

    def _list_edits(self, notes: list[Note]) -> Iterator[Edit]:
        phones = self.answers.get("collectors.phones")
        if "collectors.phones" not in self.kept and isinstance(phones, list) and phones:
            yield Edit(loc=("collectors",), value=[{"phones": phones}])
        evidence_ids, evidence_edit = self._evidence(notes)
        if evidence_edit is not None:
            yield evidence_edit
        yield from self._fingerprints(notes)
        yield from self._episodes(evidence_ids)
        wants = self.answers.get("wants")
        if "wants" not in self.kept and isinstance(wants, list) and wants:
            yield Edit(loc=("wants",), value=wants)

    def _evidence(self, notes: list[Note]) -> tuple[dict[int, list[str]], Edit | None]:
        """New evidence items (``E1`` …, skipping ids in use) and, per episode, the ids that show it."""
        files = self.answers.get("evidence.files")
        if "evidence.files" in self.kept or not isinstance(files, list) or not files:
            return {}, None
        used = {str(item.get("id")) for item in _list(self.existing, ("evidence",)) if isinstance(item, dict)}
        shows: dict[int, list[str]] = {}
        items = []
        for index, file in enumerate(files):
            evidence_id = _free_id("E", used, separator="")
            kind = str(self.answers.get(f"evidence_item[{index}].kind") or "other")
            description = self.answers.get(f"evidence_item[{index}].description") or (
                f"{t(f'vocab.EvidenceKind.{kind}', 'zh')}（{file['name']}）"
            )
            items.append(
                {"id": evidence_id, "kind": kind, "description": description, "path": file["path"],
                 "sha256": file["sha256"]}
            )  # fmt: skip
            notes.append(Note("sha_recorded", {"id": evidence_id}))
            for episode in self.answers.get(f"evidence_item[{index}].shows") or []:
                shows.setdefault(int(episode), []).append(evidence_id)
        return shows, Edit(loc=("evidence",), value=items, op="extend")

    def _fingerprints(self, notes: list[Note]) -> Iterator[Edit]:
        """A re-run records the SHA-256 of evidence files the case names but has no fingerprint for (and says which
        named files cannot be found)."""
        for index, item in enumerate(_list(self.existing, ("evidence",))):
            if not isinstance(item, dict) or item.get("sha256") or not isinstance(item.get("path"), str):
                continue
            path = Path(item["path"]).expanduser()
            path = path if path.is_absolute() else self.case_dir / path
            label = str(item.get("id", index))
            try:
                digest = parsing.sha256_of(path)
            except OSError:  # moved, renamed or unreadable: say so, record nothing
                notes.append(Note("evidence_missing", {"id": label}))
                continue
            notes.append(Note("sha_recorded", {"id": label}))
            yield Edit(loc=("evidence", index, "sha256"), value=digest)

    def _episodes(self, evidence_ids: dict[int, list[str]]) -> Iterator[Edit]:
        block = self.definition.question("episode")
        if block.id in self.kept:
            return
        existing_contacts = [c for c in _list(self.existing, ("contacts", "reached")) if isinstance(c, dict)]
        used = {str(c.get("id")) for c in existing_contacts}
        people = self._people_by_relation(block, existing_contacts, used)
        new_contacts: list[dict[str, Any]] = [c for ids in people.values() for c in ids if c.get("_new")]
        incidents: list[tuple[str, dict[str, Any], tuple[tuple[Loc, str], ...]]] = []
        for item in range(self.item_count(block)):
            incidents += self._incidents_of(block, item, people, evidence_ids.get(item, []))
        if new_contacts:
            comments: tuple[tuple[Loc, str], ...] = tuple(
                ((index,), t("interview.comment.people_estimated", "zh", count=c["_group"], relation=c["_label"]))
                for index, c in enumerate(new_contacts)
                if c.get("_group", 1) > 1 and c.get("_first")
            )
            yield Edit(
                loc=("contacts", "reached"), op="extend", comments=comments,
                value=[{"id": c["id"], "relation": c["relation"]} for c in new_contacts],
            )  # fmt: skip
        if incidents:
            ordered = sorted(incidents, key=lambda entry: entry[0])
            placed: tuple[tuple[Loc, str], ...] = tuple(
                ((index, *loc), text) for index, (_, _, found) in enumerate(ordered) for loc, text in found
            )
            yield Edit(loc=("incidents",), op="extend", value=[entry[1] for entry in ordered], comments=placed)

    def _people_by_relation(
        self, block: Question, existing: list[dict[str, Any]], used: set[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """For each relation, as many people as its largest (non-group) episode reached: the file's own contacts of
        that relation first, then new ones (``colleague-1`` …)."""
        wanted: dict[str, int] = {}
        for item in range(self.item_count(block)):
            who = self.answers.get(f"episode[{item}].who")
            medium = self.answers.get(f"episode[{item}].medium")
            if who in (None, "me", "borrower") or medium in GROUP_MEDIA:
                continue
            count = int(self.answers.get(f"episode[{item}].people") or 1)
            wanted[str(who)] = max(wanted.get(str(who), 0), count)
        people: dict[str, list[dict[str, Any]]] = {}
        for relation, count in wanted.items():
            listed: list[dict[str, Any]] = [dict(c) for c in existing if c.get("relation") == relation][:count]
            label = t(f"vocab.Relation.{relation}", "zh")
            for number in range(len(listed), count):
                listed.append(
                    {"id": _free_id(relation, used), "relation": relation, "_new": True, "_group": count,
                     "_label": label, "_first": number == 0}
                )  # fmt: skip
            people[relation] = listed
        return people

    def _incidents_of(
        self, block: Question, item: int, people: dict[str, list[dict[str, Any]]], evidence: list[str]
    ) -> list[tuple[str, dict[str, Any], tuple[tuple[Loc, str], ...]]]:
        prefix = f"{block.id}[{item}]"

        def get(name: str) -> Any:
            return self.answers.get(f"{prefix}.{name}")

        who, medium, start = get("who"), get("medium"), get("time")
        if who is None or medium is None or start is None:
            return []
        base: dict[str, Any] = {"time": start}
        until = get("until")
        if until and until != start:
            base["until"] = until
        base["medium"] = medium
        number = get("from_number") or self._only_number(medium)
        if number and medium in NUMBERED_MEDIA:
            base["from_number"] = number
        comments: tuple[tuple[Loc, str], ...] = ()
        if f"{prefix}.time" in self.guessed_times:
            comments = ((("time",), t("interview.comment.time_guessed", "zh")),)
        targets: list[dict[str, Any]]
        if medium in GROUP_MEDIA:
            audience = get("audience")
            targets = [{"kind": "group", **({"audience_size": audience} if audience else {})}]
        elif who == "me":
            if self.answers.get("reporter.role") == "contact":
                targets = [{"kind": "contact", "relation": self.answers.get("reporter.relation_to_borrower")}]
            else:
                targets = [{"kind": "borrower"}]
        elif who == "borrower":
            targets = [{"kind": "borrower"}]
        else:
            count = int(get("people") or 1)
            targets = [{"kind": "contact", "contact": person["id"]} for person in people.get(str(who), [])[:count]]
        rest: dict[str, Any] = {}
        behaviours = get("behaviours")
        if behaviours:
            rest["behaviours"] = list(behaviours)
        times = int(get("times") or 1)
        if times > 1:
            rest["count"] = times
        if evidence:
            rest["evidence"] = list(evidence)
        if get("note"):
            rest["note"] = get("note")
        return [(start, {**base, "target": target, **rest}, comments if index == 0 else ())
                for index, target in enumerate(targets)]  # fmt: skip

    def _only_number(self, medium: str) -> str | None:
        phones = self.answers.get("collectors.phones")
        if medium in NUMBERED_MEDIA and isinstance(phones, list) and len(phones) == 1:
            return str(phones[0])
        return None


# --- the case data: locations, edits ---------------------------------------------------------------------------------


def _place(problem: Problem, line: int | None, lang: Lang) -> str:
    """Where a fix question points: the field path, and the line of the existing file when it is known."""
    return problem.path if line is None else t("interview.fix.path_line", lang, path=problem.path, line=line)


def _fix_key(problem: Problem) -> str:
    """Which fix a problem is (how often it was asked): its place in the data, an unknown key's own."""
    return format_loc(problem.at or problem.loc)


def _loc(path: str) -> Loc:
    return tuple(path.split("."))


def _get(data: Any, loc: Loc) -> Any:
    current = data
    for part in loc:
        if isinstance(part, int):
            if not isinstance(current, list) or not -len(current) <= part < len(current):
                return _MISSING
            current = current[part]
        else:
            if not isinstance(current, Mapping) or part not in current:
                return _MISSING
            current = current[part]
    return current


def _list(data: Any, loc: Loc) -> list[Any]:
    value = _get(data, loc)
    return value if isinstance(value, list) else []


def apply_edit(data: dict[str, Any], edit: Edit) -> None:
    """Apply ``edit`` to plain case data (the writer applies the same edits to the YAML document)."""
    *parents, last = edit.loc
    current: Any = data
    for part in parents:
        if isinstance(part, int):
            current = current[part]
        else:
            if current.get(part) is None:
                if edit.op == "delete":
                    return
                current[part] = {}
            current = current[part]
    if edit.op == "delete":
        if isinstance(last, int) and isinstance(current, list) and -len(current) <= last < len(current):
            del current[last]
        elif isinstance(current, dict):
            current.pop(last, None)
    elif edit.op == "extend":
        if not isinstance(current.get(last), list):
            current[last] = []
        current[last].extend(copy.deepcopy(edit.value))
    else:
        current[last] = copy.deepcopy(edit.value)


def _free_id(base: str, used: set[str], separator: str = "-") -> str:
    number = 1
    while f"{base}{separator}{number}" in used:
        number += 1
    used.add(f"{base}{separator}{number}")
    return f"{base}{separator}{number}"


def _phones_of(collectors: list[Any]) -> list[str]:
    return [str(p) for c in collectors if isinstance(c, dict) for p in c.get("phones") or () if p is not None]


def _pretty_phone(number: str) -> str:
    from jubao.drafting import zh_phone  # noqa: PLC0415 - drafting pulls in the templates; only needed here

    try:
        return zh_phone(number)
    except Exception:
        return number


# --- fix steps: the type of a field ---------------------------------------------------------------------------


def field_annotation(loc: Loc) -> Any:
    """The type of the case field at ``loc`` (``Phone``, a vocabulary, ``datetime`` …), or ``None`` if unknown."""
    current: Any = Case
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            current = _element(current)
            if current is None:
                return None
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = current.model_fields[part].annotation
    return _unwrap(current, keep_annotated=True)


def _unwrap(annotation: Any, *, keep_annotated: bool = False) -> Any:
    """``X | None`` → ``X``; ``Annotated[X, …]`` → ``X`` (kept if ``keep_annotated``: ``Phone`` is one)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _unwrap(options[0], keep_annotated=keep_annotated) if len(options) == 1 else annotation
    if origin is typing.Annotated and not keep_annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def _element(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (tuple, list):
        args = typing.get_args(annotation)
        return args[0] if args else None
    return None


def _fix_kind(annotation: Any) -> tuple[Kind | None, tuple[Choice, ...]]:
    """How to ask for a new value of a field of this type (``None``: not a single value; cannot be asked)."""
    if annotation is None:
        return None, ()
    if annotation == Phone:
        return "phone", ()
    if annotation == Province:
        return "province", ()
    base = _unwrap(annotation)
    if isinstance(base, type) and issubclass(base, StrEnum):
        labels = [(m.value, t(f"vocab.{base.__name__}.{m.value}", "zh"), t(f"vocab.{base.__name__}.{m.value}", "en"))
                  for m in base]  # fmt: skip
        return "choice", tuple(
            Choice(value=v, label=Words(zh=f"{zh}（{v}）", en=f"{en} ({v})")) for v, zh, en in labels
        )
    if base is bool:
        return "yes_no", ()
    if base is datetime:
        return "datetime", ()
    if base is date:
        return "date", ()
    if base is int:
        return "number", ()
    if base in (str, Decimal):  # an amount or a rate: the case model reads the text
        return "text", ()
    return None, ()
