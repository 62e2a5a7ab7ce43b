"""The interview's questions, read from ``questions.yaml`` (package data) and checked once.

The questions are data so that ``jubao new`` and the local web app of a later issue ask exactly the same things in
the same words: this module only gives them types. What the answers mean (branching, parsing, the case they make) is
``jubao.interview.logic``. The file format is described at the top of questions.yaml.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jubao.i18n import Lang
from jubao.packaged_yaml import load_packaged_yaml

Kind = Literal[
    "choice",
    "multi_choice",
    "text",
    "date",
    "datetime",
    "number",
    "phone",
    "phone_list",
    "file_list",
    "yes_no",
    "province",
    "block",
]
Skip = Literal["unknown", "omit", "no"]
"""What "不知道 / 跳过" does: store the value ``unknown``, leave the field out, or is not allowed."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Words(_Model):
    """One text in both languages."""

    zh: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Condition(_Model):
    """One condition on an earlier answer (``.id`` is an answer of the same block item)."""

    answer: str
    equals: str | None = None
    not_equals: str | None = None
    in_: tuple[str, ...] | None = Field(default=None, alias="in")
    not_in: tuple[str, ...] | None = None
    given: bool | None = None
    """``true``: answered and not skipped; ``false``: skipped (or not asked)."""
    count_at_least: int | None = None
    """The answer is a list with at least this many items."""

    @model_validator(mode="after")
    def _one_operator(self) -> Self:
        operators = [self.equals, self.not_equals, self.in_, self.not_in, self.given, self.count_at_least]
        if sum(op is not None for op in operators) != 1:
            raise ValueError(f"condition on {self.answer!r} needs exactly one operator")
        return self


class Choice(_Model):
    """One option: the value stored in the case, its label, and everyday words that mean it."""

    value: str
    label: Words
    short: Words | None = None
    """A short name used inside other questions (〔同事〕); the label if absent."""
    aliases: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    """File-name endings that suggest this option (evidence kinds: ``.m4a`` → recording)."""
    when: tuple[Condition, ...] = ()

    def name(self, lang: Lang) -> str:
        return (self.short or self.label)(lang)


class More(_Model):
    """The yes/no question asked after a block's last item: yes adds an item."""

    id: str
    ask: Words
    help: Words | None = None


class Question(_Model):
    id: str
    kind: Kind
    ask: Words = Words(zh="", en="")
    """The question (a block has none: its questions are asked)."""
    help: Words | None = None
    section: str | None = None
    path: str | None = None
    """The case field this answer fills (dotted); on a re-run a question whose field is present and valid is kept."""
    skip: Skip = "omit"
    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    """Options made from an earlier answer (a phone list) or from a block's items (``episode``)."""
    when: tuple[Condition, ...] = ()
    min: int | None = None
    max: int | None = None
    default: int | str | None = None
    max_length: int = 200
    required_if_skipped: str | None = None
    """Skipping is allowed only if this other question was answered."""
    for_each: str | None = None
    item_key: str | None = None
    more: More | None = None
    questions: tuple[Question, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind == "block":
            if not self.questions or self.for_each is None or self.item_key is None:
                raise ValueError(f"block {self.id!r} needs questions, for_each and item_key")
        elif self.questions:
            raise ValueError(f"only a block has questions ({self.id!r})")
        elif not self.ask.zh or not self.ask.en:
            raise ValueError(f"{self.id!r} needs its question in zh and en")
        if self.kind in ("choice", "multi_choice") and not self.choices and self.choices_from is None:
            raise ValueError(f"{self.id!r} needs choices or choices_from")
        return self

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


class Section(_Model):
    id: str
    title: Words


class Definition(_Model):
    version: Literal[1]
    skip_words: tuple[str, ...]
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    file_comments: dict[str, str] = {}
    """Comments the writer puts above each top-level section of a new case file (Chinese)."""
    header: str = ""
    """The comment at the top of a new case file."""
    kind_unknown_comment: str = ""
    """The end-of-line comment after ``kind: unknown``: how to find out."""

    @model_validator(mode="after")
    def _references(self) -> Self:
        top = {q.id for q in self.questions}
        sections = {s.id for s in self.sections}
        for question in self.questions:
            if question.section is not None and question.section not in sections:
                raise ValueError(f"{question.id!r}: no section {question.section!r}")
            inner = {q.id for q in question.questions}
            for condition in _conditions(question):
                name = condition.answer
                known = name[1:] in inner if name.startswith(".") else name in top
                if not known:
                    raise ValueError(f"{question.id!r}: condition on unknown answer {name!r}")
        return self

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


def _conditions(question: Question) -> list[Condition]:
    found = list(question.when)
    for choice in question.choices:
        found += choice.when
    for inner in question.questions:
        found += _conditions(inner)
    return found


def _resolve_choices(raw: dict[str, Any]) -> dict[str, Any]:
    """Replace ``choices: <list name>`` and ``{use: <list name>}`` entries by the shared lists' options."""
    lists: dict[str, list[Any]] = raw.pop("choice_lists", {})

    def expand(entries: list[Any]) -> list[Any]:
        out: list[Any] = []
        for entry in entries:
            if isinstance(entry, dict) and set(entry) == {"use"}:
                out += expand(lists[entry["use"]])
            else:
                out.append(entry)
        return out

    def walk(question: dict[str, Any]) -> None:
        choices = question.get("choices")
        if isinstance(choices, str):
            question["choices"] = expand(lists[choices])
        elif isinstance(choices, list):
            question["choices"] = expand(choices)
        for inner in question.get("questions", ()):
            walk(inner)

    for question in raw.get("questions", ()):
        walk(question)
    return raw


def parse_definition(text: str) -> Definition:
    """Read a question definition (the text of questions.yaml); raises ``ValueError`` if it is malformed."""
    raw = load_packaged_yaml(text)
    if not isinstance(raw, dict):
        raise ValueError("the question definition must be a mapping")
    return Definition.model_validate(_resolve_choices(raw))


@cache
def load_definition() -> Definition:
    """The questions shipped with jubao (read once per process)."""
    text = files("jubao.interview").joinpath("questions.yaml").read_text(encoding="utf-8")
    return parse_definition(text)
