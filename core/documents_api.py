"""What a document is before it is written, and the contract of a document format.

Channels build ``Document`` objects — a title and sections made of blocks (paragraphs, numbered items, tables,
notes, a signature block), or a form ``payload`` for a web form — always in Chinese. A ``DocumentFormat`` turns
one into bytes (Markdown, plain text, DOCX, JSON). Keeping the two apart lets a plugin add a format (a
provincial office's own layout) without touching any channel, and lets every format render every channel.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from jubao.rules import Text

BLANK_PATTERN = re.compile(r"【待补充：([^】]+)】")
"""A visible blank left where the case lacks something; the label says what to add."""


def blank(label: str) -> str:
    """The visible blank for a missing item (never invent what the case does not say)."""
    return f"【待补充：{label}】"


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Paragraph(_Block):
    kind: Literal["paragraph"] = "paragraph"
    text: str


class NumberedList(_Block):
    """Items numbered 1, 2, 3 … (claims, requests, facts)."""

    kind: Literal["numbered"] = "numbered"
    items: list[str] = Field(min_length=1)


class Table(_Block):
    """Rows of cells under a header row that names every column (repeated at the top of each page in DOCX).

    A header of only empty cells is no header (``[]``): writers then print no header row. A header must name
    every column it has, and no row may have more cells than the header; shorter rows are padded with empty cells.
    """

    kind: Literal["table"] = "table"
    header: list[str] = []
    rows: list[list[str]] = []

    @field_validator("header")
    @classmethod
    def _no_empty_header(cls, header: list[str]) -> list[str]:
        if not any(cell.strip() for cell in header):
            return []
        empty = [number for number, cell in enumerate(header, start=1) if not cell.strip()]
        if empty:
            raise ValueError(f"header cell {empty[0]} is empty: name every column of a table")
        return header

    @model_validator(mode="after")
    def _rows_fit_the_header(self) -> Table:
        if not self.header and not self.rows:
            raise ValueError("a table needs a header or at least one row")
        wider = [n for n, row in enumerate(self.rows, start=1) if self.header and len(row) > len(self.header)]
        if wider:
            raise ValueError(
                f"row {wider[0]} has {len(self.rows[wider[0] - 1])} cells but the header names only "
                f"{len(self.header)} columns"
            )
        return self

    @property
    def width(self) -> int:
        """The number of columns: the header's, or the widest row's when there is no header."""
        return max([len(self.header)] + [len(row) for row in self.rows])


class Note(_Block):
    """A remark set apart from the text: the draft disclaimer, a warning about unverified facts."""

    kind: Literal["note"] = "note"
    text: str


class Signature(_Block):
    """The closing of a Chinese filing: 此致 + addressee on the left, signer and date on the right, then the
    attachments (附：…), which Chinese filings list after the signature and date, never before them."""

    kind: Literal["signature"] = "signature"
    closing: list[str] = []
    lines: list[str] = Field(min_length=1)
    attachments: list[str] = []
    """What is handed in with the filing (本起诉状副本、身份证复印件、证据清单…), one item each; writers print them
    under ``附：`` after the date (numbered 1, 2, 3 … when there are several)."""


Block = Annotated[Paragraph | NumberedList | Table | Note | Signature, Field(discriminator="kind")]


class Section(BaseModel):
    """A section: an optional heading, plain paragraphs, then blocks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    heading: str = ""
    """Empty for the preamble (the parties block before the first heading)."""
    paragraphs: list[str] = []
    """Plain paragraphs, written before ``blocks`` (a shorthand for Paragraph blocks)."""
    blocks: list[Block] = []

    def all_blocks(self) -> list[Block]:
        return [Paragraph(text=text) for text in self.paragraphs] + list(self.blocks)


Purpose = Literal["filing", "aid", "guide"]
"""What a document is for: ``filing`` is submitted exactly as written (no advice, no tool notes, no unverified
tags); ``aid`` is for the user's own use (a phone script, notes for a call); ``guide`` is the channel's 办事指南."""


class GuideNote(BaseModel):
    """Something the user must read before filing, moved out of a filing into the channel's guide."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    where: str = ""
    """Where in the filing it applies: 《民事起诉状》“四、请求的法律依据”."""
    kind: Literal["note", "unverified"] = "note"
    """``note``: advice or a caveat; ``unverified``: a citation whose number or wording is not verified."""


class Document(BaseModel):
    """A document ready to be written: always in Chinese, as the office expects."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: str
    id: str = Field(default="document", pattern=r"^[a-z][a-z0-9_]*$")
    """Stable within the channel; the file name is ``<channel>-<id><suffix>``."""
    title: str
    sections: list[Section] = []
    payload: dict[str, Any] | None = None
    """For web forms: the field values, written by the ``json`` format."""
    formats: list[str] = []
    """Formats this document is offered in; empty means the channel's formats."""
    purpose: Purpose = "filing"
    guidance: list[GuideNote] = []
    """What jubao moved out of this filing into the guide (notes, unverified citations), with where each applies."""

    def text(self) -> str:
        """All words of the document, for searching (blanks, names that must not appear …)."""
        parts = [self.title]
        for section in self.sections:
            parts.append(section.heading)
            for block in section.all_blocks():
                parts += _block_text(block)
        if self.payload is not None:
            parts.append(orjson.dumps(self.payload).decode("utf-8"))
        return "\n".join(parts)

    def blanks(self) -> list[str]:
        """Labels of the 【待补充：…】 blanks, in order, each once."""
        return list(dict.fromkeys(BLANK_PATTERN.findall(self.text())))


def _block_text(block: Block) -> list[str]:
    if isinstance(block, Paragraph | Note):
        return [block.text]
    if isinstance(block, NumberedList):
        return list(block.items)
    if isinstance(block, Table):
        return [" ".join(row) for row in [block.header, *block.rows]]
    return [*block.closing, *block.lines, *block.attachments]


class DocumentFormat(BaseModel):
    """How to write a ``Document`` to a file."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    suffix: str = Field(pattern=r"^\.[a-z0-9]+$")
    media_type: str
    description: Text
    write: Callable[[Document], bytes]
    accepts: Callable[[Document], bool] | None = None
    """Whether the format can write this document (JSON needs a payload); None: every document."""

    def can_write(self, document: Document) -> bool:
        return self.accepts is None or self.accepts(document)


# --- Markdown and plain text ----------------------------------------------------------------------------------
#
# Document text comes from the case (names, notes, evidence descriptions) through templates, so in a ``.md`` file it
# is text, never markup: whatever it holds, a Markdown viewer shows it character for character and loads nothing —
# no HTML (``<script>``, ``<img>``), no link or image (``[x](javascript:…)``, ``![](http://…)``), no autolink, no
# emphasis that would swallow a ``*`` the person must type (``号码*原因``). Only what could be markup is escaped, as
# CommonMark defines (a backslash before ASCII punctuation, ``&lt;`` for ``<``), so ordinary text is written as is:
# an ``_`` inside a word, or a single ``*`` in a block (emphasis and code need a pair), is no markup and stays.

_MD_SPECIAL = re.compile(r"[\\<&\]`~*_]")
"""Characters that may start inline markup: text without any is written unchanged (the usual case)."""
_MD_INLINE = re.compile(
    r"\\(?=[!-/:-@\[-`{-~])"  # a backslash that would escape the next character: itself escaped
    r"|<"  # raw HTML and autolinks
    r"|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)"  # an entity (&lt; would show as <)
    r"|\](?=[(:])"  # the end of a link or image text before its destination, or of a link definition's label
    r"|[`~*_]"  # code spans, strikethrough, emphasis: when they may pair (see _md_paired)
)
_MD_BLOCK_START = re.compile(
    r"^([ \t]*)(#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|\d{1,9}(?=[.)](?:[ \t]|$))|=+[ \t]*$|-+[ \t]*$"
    r"|-(?=(?:[ \t]*-){2,}[ \t]*$)|_(?=(?:[ \t]*_){2,}[ \t]*$)|\*(?=(?:[ \t]*\*){2,}[ \t]*$)"
    r"|:(?=-+:?[ \t]*$)|-(?=-*:[ \t]*$))"
)
"""A line that would begin a heading, quote, list item, thematic break, setext underline or (``-:``, ``:-``, under a
line of the same block) a table's delimiter row."""


def _md_inline(text: str) -> str:
    """``text`` as Markdown inline content that shows exactly ``text`` (``text``: all of one block's content)."""
    if not _MD_SPECIAL.search(text):
        return text
    paired = _md_paired(text)

    def escape(found: re.Match[str]) -> str:
        char = found.group()
        if char == "<":
            return "&lt;"
        if char in "`~*_" and (char not in paired or not _md_delimiter(text, found.start())):
            return char
        return "\\" + char

    return _MD_INLINE.sub(escape, text)


def _md_delimiter(text: str, index: int) -> bool:
    """Whether the ``*``/``_``/``~``/backtick at ``index`` could open or close emphasis (or code, strikethrough):
    not ``a * b`` (space on both sides), not ``id_number`` (an underscore inside a word); a backtick always can."""
    char = text[index]
    if char == "`":
        return True
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if before.isspace() and after.isspace():
        return False
    return not (char == "_" and _md_word(before) and _md_word(after))


def _md_paired(text: str) -> set[str]:
    """The delimiter characters that occur at least twice as possible delimiters: one alone is never markup."""
    return {char for char in "`~*_" if sum(_md_delimiter(text, i) for i, c in enumerate(text) if c == char) >= 2}


def _md_word(char: str) -> bool:
    return not char.isspace() and unicodedata.category(char)[0] not in "PS"


def _md_text(text: str) -> str:
    """``text`` as the content of a Markdown block (paragraph, list item, quote): inline escapes, and no line of it
    starts a block of its own (``# ``, ``> ``, ``- ``, ``1. ``, an indented code block …)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a carriage return ends a line for Markdown too
    if text[:1] in " \t" or "\n " in text or "\n\t" in text:  # indented: code, showing escapes as written
        text = "\n".join(line.lstrip(" \t") for line in text.split("\n"))  # (a viewer never shows indentation)
    escaped = _md_inline(text)
    if "\n" not in escaped:
        return _MD_BLOCK_START.sub(_md_block_escape, escaped) if escaped[:1] in _MD_BLOCK_FIRST else escaped
    escaped = escaped.replace("|", "\\|")  # lines of one block could make a table
    return "\n".join(_MD_BLOCK_START.sub(_md_block_escape, line) for line in escaped.split("\n"))


_MD_BLOCK_FIRST = frozenset(" \t#>-+*=_0123456789")


def _md_block_escape(found: re.Match[str]) -> str:
    indent, marker = found.group(1), found.group(2)
    if marker[0].isdigit():
        return indent + marker + "\\"  # "1. " → "1\. "; the escape goes before the "." or ")"
    return indent + "\\" + marker


def _md_heading(text: str) -> str:
    """A heading's text: inline escapes, and a closing ``#`` run kept (ATX headings drop one)."""
    return re.sub(r"([ \t])(#+[ \t]*)$", r"\1\\\2", _md_inline(" ".join(text.splitlines())))


def _md_html(text: str) -> str:
    """Text inside an HTML block (signature lines, a table without header): HTML-escaped, Markdown is not read
    there; a line break as ``<br>`` (a blank line would end the block)."""
    return html.escape(text, quote=False).replace("\r", "").replace("\n", "<br>")


def _md_cell(text: str) -> str:
    return _md_inline(" ".join(text.replace("|", "｜").splitlines()))


def numbered_sections(document: Document) -> list[tuple[str, Section]]:
    """The sections a writer prints, each with its heading as printed (``一、事实与理由``; ``""`` for the preamble).

    Headings are numbered 一、二、三 … in order, counting only sections that have content: a section that rendered
    empty (its blocks all conditional, or all moved out of a filing) is not printed and leaves no gap.
    """
    printed = []
    number = 0
    for section in document.sections:
        if not section.all_blocks():
            continue
        if section.heading:
            number += 1
        printed.append((f"{_chinese_ordinal(number)}、{section.heading}" if section.heading else "", section))
    return printed


def attachment_lines(signature: Signature) -> list[str]:
    """The attachments as printed after the signature: ``附：item`` for one, ``附：`` and ``1. …`` lines for several."""
    if len(signature.attachments) == 1:
        return [f"附：{signature.attachments[0]}"]
    return ["附：", *(f"{i}. {item}" for i, item in enumerate(signature.attachments, start=1))]


def write_markdown(document: Document) -> bytes:
    lines = [f"# {_md_heading(document.title)}", ""]
    for heading, section in numbered_sections(document):
        if heading:
            lines += [f"## {_md_heading(heading)}", ""]
        for block in section.all_blocks():
            lines += [*_markdown_block(block), ""]
    return "\n".join(lines).rstrip("\n").encode("utf-8") + b"\n"


def _markdown_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [_md_text(block.text)]
    if isinstance(block, NumberedList):
        return [_md_item(f"{i}. ", item) for i, item in enumerate(block.items, start=1)]
    if isinstance(block, Table):
        return _markdown_table(block)
    if isinstance(block, Note):  # every line quoted: a blank line in the note must not end the quote
        return ["\n".join(f"> {line}" if line else ">" for line in _md_lines(block.text))]
    closing = [*_md_text("\n".join(block.closing)).split("\n"), ""] if block.closing else []  # one paragraph
    signed = closing + [f'<p align="right">{_md_html(line)}</p>' for line in block.lines]
    if not block.attachments:
        return signed
    if len(block.attachments) == 1:
        return [*signed, "", _md_text(f"附：{block.attachments[0]}")]
    items = [_md_item(f"{i}. ", item) for i, item in enumerate(block.attachments, start=1)]
    return [*signed, "", "附：", "", *items]


def _md_lines(text: str) -> list[str]:
    """The lines of ``text`` as Markdown, without blank lines before the first or after the last."""
    lines = _md_text(text).split("\n")
    while len(lines) > 1 and not lines[0].strip():
        lines.pop(0)
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    return lines


def _md_item(marker: str, text: str) -> str:
    """A list item: its further lines indented under the first, so that they stay in the item (after a blank
    line, too) and never join the next item's text."""
    first, *more = _md_lines(text)
    indent = " " * len(marker)
    return marker + first + "".join("\n" + (indent + line if line.strip() else "") for line in more)


def _markdown_table(block: Table) -> list[str]:
    """A pipe table under its header row; a table without a header as HTML (a pipe table cannot lack a header,
    and an empty header row would print as a blank bar above the first row)."""
    width = block.width
    rows = [[*row, *[""] * (width - len(row))] for row in block.rows]
    if not block.header:
        cells = ["<tr>" + "".join(f"<td>{_md_html(c)}</td>" for c in row) + "</tr>" for row in rows]
        return ["<table>", *cells, "</table>"]
    out = ["| " + " | ".join(_md_cell(c) for c in block.header) + " |", "|" + "---|" * width]
    return out + ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]


def write_text(document: Document) -> bytes:
    lines = [document.title, ""]
    for heading, section in numbered_sections(document):
        if heading:
            lines.append(heading)
        for block in section.all_blocks():
            lines += _text_block(block)
        lines.append("")
    return "\n".join(lines).rstrip("\n").encode("utf-8") + b"\n"


def _text_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, NumberedList):
        return [f"{i}. {item}" for i, item in enumerate(block.items, start=1)]
    if isinstance(block, Table):
        rows = [block.header] if block.header else []
        return [" | ".join(row) for row in rows + block.rows]
    if isinstance(block, Note):
        return [f"※ {block.text}"]
    signed = [*block.closing, *(f"{' ' * 24}{line}" for line in block.lines)]
    return [*signed, "", *attachment_lines(block)] if block.attachments else signed


def write_json(document: Document) -> bytes:
    return orjson.dumps(document.payload, option=orjson.OPT_INDENT_2) + b"\n"


_ORDINALS = "一二三四五六七八九十"


def _chinese_ordinal(number: int) -> str:
    """一 … 十, 十一 … 九十九: section numbers as Chinese filings write them."""
    if number <= 10:
        return _ORDINALS[number - 1]
    tens, ones = divmod(number, 10)
    return f"{_ORDINALS[tens - 1] if tens > 1 else ''}十{_ORDINALS[ones - 1] if ones else ''}"


MARKDOWN = DocumentFormat(id="md", suffix=".md", media_type="text/markdown; charset=utf-8",
                          description=Text(zh="Markdown 文本", en="Markdown"), write=write_markdown,
                          accepts=lambda document: bool(document.sections))  # fmt: skip
PLAIN_TEXT = DocumentFormat(id="txt", suffix=".txt", media_type="text/plain; charset=utf-8",
                            description=Text(zh="纯文本（如电话要点）", en="plain text (e.g. phone scripts)"),
                            write=write_text, accepts=lambda document: bool(document.sections))  # fmt: skip
JSON_PAYLOAD = DocumentFormat(id="json", suffix=".json", media_type="application/json",
                              description=Text(zh="网页表单字段（JSON）", en="web-form fields (JSON)"),
                              write=write_json, accepts=lambda document: document.payload is not None)  # fmt: skip
