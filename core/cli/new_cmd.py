"""``jubao new [FILE]``: a guided interview, one plain question at a time, that writes a valid, commented case file.

The questions are data (jubao/interview/questions.yaml) and the logic is ``jubao.interview.logic``; this module only
asks them in a terminal, with questionary (prompt_toolkit underneath: arrow keys, ticks, Chinese input, no curses).
Run on an existing file it asks only what is missing or invalid and changes only those lines.

Safety: it refuses to run without a terminal (exit 2: a pipe cannot answer questions); nothing is written until the
end, and then atomically — Ctrl-C leaves no file and no half-written file (exit 130); a file changed by someone else
during the interview is not overwritten.
"""

from __future__ import annotations

import sys
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from jubao.bounded import TooLargeError, read_regular
from jubao.cli.common import EXIT_FAILED, EXIT_INVALID, problem_line
from jubao.cli.params import PathParam
from jubao.cli.state import state
from jubao.cli.terminal import echo
from jubao.fileio import write_text_atomic
from jubao.i18n import LANGS, Lang, t
from jubao.interview.definition import load_definition
from jubao.interview.logic import Draft, Interview, Raw, Step
from jubao.interview.parsing import AnswerError
from jubao.interview.writer import render_existing, render_new
from jubao.loading import MAX_CASE_BYTES, CaseFileError, parse_case_text
from jubao.problems import Problem
from jubao.sourcemap import SourceError, parse_yaml
from jubao.types import CASE_TIMEZONE

if TYPE_CHECKING:
    from prompt_toolkit.styles import Style

EXIT_INTERRUPTED = 130
"""What a shell reports for a program stopped by Ctrl-C (128 + SIGINT)."""

DEFAULT_FILE = "case.yaml"
_SKIP = "\x00skip"
"""The value of the "不知道 / 跳过" option (questionary would use the title for ``None``)."""
_UNREADABLE_CODES = frozenset(
    {"yaml_syntax", "yaml_alias", "yaml_complex_key", "duplicate_key", "not_utf8", "empty_file"}
)

_STYLE = {
    "qmark": "fg:ansicyan bold",
    "question": "bold",
    "instruction": "fg:ansibrightblack",
    "answer": "fg:ansigreen",
}


@cache
def _style(*, checkbox: bool = False) -> Style:
    """The prompts' colours. After ticking, questionary writes "done (3 selections)" in English: for a checkbox that
    answer is hidden and the choices are echoed in the interview's language instead."""
    from prompt_toolkit.styles import Style  # noqa: PLC0415 - only `jubao new` needs the prompt library

    return Style.from_dict({**_STYLE, "answer": "hidden"} if checkbox else _STYLE)


@click.command("new")
@click.argument("case_file", required=False, type=PathParam(path_type=Path, dir_okay=True))
@click.option("--lang", "lang_option", type=click.Choice(LANGS, case_sensitive=False), default=None,
              help="提问的语言（默认同 jubao --lang）/ the interview's language (default: jubao --lang).")  # fmt: skip
def new(case_file: Path | None, lang_option: str | None) -> None:
    """一问一答，写出案件文件；对已有文件只补问缺少或写错的内容 / interview to write (or complete) a case file.

    FILE defaults to case.yaml. Needs a terminal. Exit status: 0 written (or nothing to change), 2 no terminal or a
    file that cannot be used, 130 cancelled with Ctrl-C (nothing written), 1 internal error.
    """
    current = state()
    lang: Lang = "en" if (lang_option or current.lang).lower() == "en" else "zh"
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        _stop(t("interview.no_terminal", lang), EXIT_INVALID)
    path = case_file if case_file is not None else Path(DEFAULT_FILE)
    existing_text = _existing_text(path, lang)
    try:
        draft, asked = _interview(path, existing_text, lang)
    except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D where a prompt takes it as the end of input
        _stop(t("interview.cancelled", lang), EXIT_INTERRUPTED)
    _write(path, existing_text, draft, lang, asked=asked)


# --- the file --------------------------------------------------------------------------------------------------------


def _existing_text(path: Path, lang: Lang) -> str | None:
    """The existing file's text (``None``: a new file), or a clear refusal if it cannot be used."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        _stop(t("interview.not_yaml", lang, suffix=path.suffix or "—"), EXIT_INVALID)
    if path.is_dir():
        _stop(t("interview.is_directory", lang, path=str(path)), EXIT_INVALID)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        _stop(t("interview.no_folder", lang, folder=str(folder)), EXIT_INVALID)
    if not path.exists():
        return None
    try:  # bounded, and a pipe or device named like a case is refused instead of waited on
        return read_regular(path, MAX_CASE_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        _stop(t("interview.unreadable", lang, path=str(path), reason="UTF-8"), EXIT_INVALID)
    except TooLargeError:
        _stop(t("interview.unreadable", lang, path=str(path), reason=f"> {MAX_CASE_BYTES // 2**20} MiB"), EXIT_INVALID)
    except OSError as error:
        _stop(t("interview.unreadable", lang, path=str(path), reason=error.strerror or ""), EXIT_INVALID)


def _existing(path: Path, text: str, lang: Lang) -> tuple[dict[str, Any], list[Problem]]:
    """The file's data and its problems; a file that is not a YAML mapping of a case is refused with its problems."""
    source = str(path)
    problems: list[Problem] = []
    try:
        parse_case_text(text, fmt="yaml", source=source)
    except CaseFileError as error:
        problems = error.problems
    unreadable = [p for p in problems if p.code in _UNREADABLE_CODES or not p.loc]
    data: Any = None
    if not unreadable:
        try:
            data = parse_yaml(text.removeprefix("\ufeff")).data
        except SourceError:
            data = None
    if unreadable or not isinstance(data, dict):
        echo("✗ " + t("interview.cannot_rerun", lang, path=source, count=len(problems) or 1), err=True)
        for problem in unreadable or problems:
            echo(problem_line(source, problem, lang), err=True)
        raise click.exceptions.Exit(EXIT_INVALID)
    return data, problems


def _write(path: Path, existing_text: str | None, draft: Draft, lang: Lang, *, asked: int) -> None:
    source = str(path)
    if draft.problems:
        echo("✗ " + t("interview.still_invalid", lang, path=source, count=len(draft.problems)), err=True)
        for problem in draft.problems:
            echo(problem_line(source, problem, lang), err=True)
        raise click.exceptions.Exit(EXIT_INVALID)
    definition = load_definition()
    if existing_text is None:
        text = render_new(draft.edits, definition)
    elif not draft.edits:
        echo(t("interview.nothing_missing" if not asked else "interview.unchanged", lang, path=source))
        return
    else:
        text = render_existing(existing_text, draft.edits, definition, source=source)
    try:
        parse_case_text(text, fmt="yaml", source=source)  # exactly what will be on disk
    except CaseFileError:
        _stop(t("interview.internal_invalid", lang), EXIT_FAILED)
    if _changed_meanwhile(path, existing_text):
        _stop(t("interview.changed_meanwhile", lang, path=source), EXIT_FAILED)
    source = _save(path, text, lang, existing_text)
    echo(t("interview.saved", lang, path=source))
    for note in draft.notes:
        echo("  " + t(f"interview.note.{note.code}", lang, **note.params))
    echo(t("interview.next_steps", lang, path=_shell_word(source)))


def _save(path: Path, text: str, lang: Lang, existing_text: str | None) -> str:
    """Write the case (through a link, to the file it points to: a link is never replaced) and return where.

    The person may have answered questions for half an hour: if the file cannot be written (a full disk, a folder
    that refuses it), their answers must not be lost. Say why, then retry when they press Enter (after freeing
    space), or write to another new file they name (never over an existing one); Ctrl-C gives up, writing nothing.
    While they free space the file may change in another program: then it is not written over, another file is."""
    original = path.resolve()
    target, shown = original, str(path)
    while True:
        moved_on = target == original and _changed_meanwhile(path, existing_text)
        if moved_on:
            echo("✗ " + t("interview.save_changed_meanwhile", lang, path=shown), err=True)
        else:
            try:
                write_text_atomic(target, text)
                return shown
            except OSError as error:
                reason = error.strerror or type(error).__name__
                echo("✗ " + t("interview.save_failed", lang, path=shown, reason=reason), err=True)
        while True:
            prompt = t("interview.save_elsewhere" if moved_on else "interview.save_retry", lang)
            try:
                answer = click.prompt(prompt, default="", show_default=False).strip()
            except (KeyboardInterrupt, EOFError, click.Abort):
                _stop(t("interview.save_abandoned", lang), EXIT_INTERRUPTED)
            if not answer:
                if moved_on:
                    continue
                break
            other = Path(answer).expanduser()
            if other.suffix.lower() not in (".yaml", ".yml") or not other.parent.is_dir() or other.is_dir():
                echo("✗ " + t("interview.save_elsewhere_bad", lang, path=answer), err=True)
            elif other.exists() or other.is_symlink():
                echo("✗ " + t("interview.save_elsewhere_exists", lang, path=answer), err=True)
            else:
                target, shown = other.resolve(), answer
                break


def _changed_meanwhile(path: Path, before: str | None) -> bool:
    """Whether the file appeared, or changed, while the questions were asked (then it is not overwritten)."""
    if before is None:
        return path.exists()
    try:
        return read_regular(path, MAX_CASE_BYTES).decode("utf-8-sig") != before
    except (OSError, UnicodeDecodeError, TooLargeError):
        return True


def _shell_word(text: str) -> str:
    return f"'{text}'" if any(c in text for c in " '\"$`\\&;|<>()") else text


# --- the interview -------------------------------------------------------------------------------------------------


def _interview(path: Path, existing_text: str | None, lang: Lang) -> tuple[Draft, int]:
    """Ask until the case is complete; the draft, and how many questions were asked."""
    data: dict[str, Any] | None = None
    problems: list[Problem] = []
    if existing_text is not None:
        data, problems = _existing(path, existing_text, lang)
    interview = Interview(
        today=datetime.now(CASE_TIMEZONE).date(),
        cwd=Path.cwd(),
        case_dir=path.resolve().parent,
        existing=data,
        problems=problems,
    )
    definition = interview.definition
    click.echo(t("interview.welcome", lang))
    if existing_text is None:
        echo(t("interview.saving_to", lang, path=str(path)))
    else:
        echo(t("interview.rerun", lang, path=str(path)))
    titles = {section.id: section.title(lang) for section in definition.sections}
    section: str | None = None
    asked = 0
    while (step := interview.next_step()) is not None:
        asked += 1
        if step.question.section and step.question.section != section:
            section = step.question.section
            click.echo("\n" + click.style(titles.get(section, ""), bold=True))
        if step.help(lang):
            click.echo(click.style(step.help(lang), dim=True))
        _ask_until_answered(interview, step, lang)
    return interview.build(), asked


def _ask_until_answered(interview: Interview, step: Step, lang: Lang) -> None:
    while True:
        raw = _prompt(interview, step, lang)
        try:
            interview.answer(step, raw)
            return
        except AnswerError as error:
            click.echo(click.style("✗ " + _error(error, lang), fg="red"))


def _error(error: AnswerError, lang: Lang) -> str:
    return t(f"interview.error.{error.code}", lang, **error.params)


def _validator(interview: Interview, step: Step, lang: Lang) -> Any:
    """For typed answers: questionary shows the problem under the prompt and keeps what was typed."""

    def validate(text: str) -> bool | str:
        try:
            interview.check(step, text)
        except AnswerError as error:
            return _error(error, lang)
        return True

    return validate


def _prompt(interview: Interview, step: Step, lang: Lang) -> Raw:
    """Ask ``step`` once; ``None`` means "skip". Ctrl-C raises ``KeyboardInterrupt``."""
    import questionary  # noqa: PLC0415 - imported when asking, so that other commands start without it

    message = step.ask(lang)
    skip_label = t("interview.fix.delete_choice" if step.problem is not None else "interview.skip_choice", lang)
    skip = questionary.Choice(title=skip_label, value=_SKIP)
    if step.kind == "choice":
        choices = [questionary.Choice(title=c.label(lang), value=c.value) for c in step.choices]
        if step.skippable:
            choices.append(skip)
        default = next((c for c in choices if c.value == step.default), None)
        answer: Any = questionary.select(message, choices=choices, default=default, style=_style(),
                                         instruction=t("interview.select_hint", lang)).unsafe_ask()  # fmt: skip
        return None if answer in (None, _SKIP) else str(answer)
    if step.kind == "multi_choice":
        required = t("interview.checkbox_required", lang)
        picked = questionary.checkbox(
            message, choices=[questionary.Choice(title=c.label(lang), value=c.value) for c in step.choices],
            instruction=t("interview.checkbox_hint", lang), style=_style(checkbox=True),
            validate=lambda chosen: True if chosen or step.skippable else required,
        ).unsafe_ask()  # fmt: skip
        labels = [c.label(lang) for c in step.choices if c.value in picked]
        click.echo(click.style("  " + ("、" if lang == "zh" else ", ").join(labels), fg="green") if labels else "")
        return list(picked) or None
    if step.kind == "yes_no":
        choices = [questionary.Choice(title=t("interview.yes", lang), value=True),
                   questionary.Choice(title=t("interview.no", lang), value=False)]  # fmt: skip
        default = choices[0] if step.default in ("yes", "是") else choices[1]
        yes: Any = questionary.select(message, choices=choices, default=default, style=_style(),
                                      instruction=t("interview.select_hint", lang)).unsafe_ask()  # fmt: skip
        return bool(yes)
    if step.kind == "file_list":
        return _files(interview, step, lang) or None
    instruction = None
    if step.problem is not None:
        instruction = t("interview.fix.help", lang)
    elif step.default is not None:
        instruction = t("interview.default_hint", lang, value=step.default)
    elif step.skippable:
        instruction = t("interview.text_skip_hint", lang)
    text: Any = questionary.text(message, instruction=instruction, style=_style(),
                                 validate=_validator(interview, step, lang)).unsafe_ask()  # fmt: skip
    return str(text)


def _files(interview: Interview, step: Step, lang: Lang) -> list[str]:
    """One path at a time until an empty line; each is checked (exists, readable) as it is typed."""
    import questionary  # noqa: PLC0415 - see _prompt

    paths: list[str] = []
    message = step.ask(lang)
    while True:

        def validate(text: str) -> bool | str:
            if not text.strip():
                return True
            try:
                interview.check_file(text)
            except AnswerError as error:
                return _error(error, lang)
            return True

        text: Any = questionary.text(message, style=_style(), validate=validate,
                                     instruction=t("interview.text_skip_hint", lang) if not paths else None,
                                     ).unsafe_ask()  # fmt: skip
        if not str(text).strip():
            return paths
        paths.append(str(text))
        message = t("interview.file_more", lang)


def _stop(message: str, code: int) -> NoReturn:
    echo(message, err=True)
    raise click.exceptions.Exit(code)
