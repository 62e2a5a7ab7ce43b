"""Document markup: the small, strict subset of Markdown that document templates render to.

Templates (Jinja2, package data of a plugin) produce text in this markup; ``parse_markup`` turns it into a
``Document``, which every format (Markdown, TXT, DOCX …) can then write. One markup, many formats: the template
author writes the document once and it prints correctly everywhere.

    # 标题                       the title (first line, exactly one)
    ## 小节                      a section heading (numbered 一、二、… by the writers)
    a line of text              one paragraph (write each paragraph on one line; blank lines are spacing)
    1. item                     numbered items (renumbered 1, 2, 3 … in order)
    | a | b |                   table rows; a ``|---|`` row after the first makes that row the header
    > text                      a note (the draft disclaimer, unverified-fact warnings); one line, one note
    ::: signature               closing block: lines before ``---`` are 此致 / addressee (left),
    此致                         lines after it are signer and date (right)
    ---
    :::

Values inserted by templates cannot create markup: ``jubao.drafting`` escapes them (see ``LITERAL``).
"""

from __future__ import annotations

import re

from jubao.documents_api import Block, Document, Note, NumberedList, Paragraph, Section, Signature, Table

LITERAL = "\ue000"
"""Private-use mark put before an inserted value that would otherwise start markup; removed when parsing."""

_ITEM = re.compile(r"^\d+\.\s+")
_SEPARATOR = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$")


class MarkupError(ValueError):
    """The rendered template is not valid document markup (a template bug, reported with its line)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def parse_markup(text: str, *, channel: str, document_id: str = "document") -> Document:
    parser = _Parser(channel, document_id)
    for number, line in enumerate(text.split("\n"), start=1):
        parser.feed(number, line.rstrip())
    return parser.finish()


class _Parser:
    def __init__(self, channel: str, document_id: str) -> None:
        self.channel = channel
        self.document_id = document_id
        self.title: str | None = None
        self.sections: list[tuple[str, list[Block]]] = [("", [])]
        self.items: list[str] = []
        self.table: list[list[str]] | None = None
        self.header: list[str] = []
        self.note: list[str] = []
        self.signature: list[str] | None = None
        self.signature_start = 0

    @property
    def blocks(self) -> list[Block]:
        return self.sections[-1][1]

    def feed(self, number: int, line: str) -> None:
        if self.signature is not None:
            if line.strip() == ":::":
                self._close_signature(number)
            else:
                self.signature.append(_clean(line.strip()))
            return
        stripped = line.strip()
        literal = stripped.startswith(LITERAL)
        if not stripped:
            self._flush()
            return
        if literal:
            self._flush()
            self.blocks.append(Paragraph(text=_clean(stripped)))
            return
        if stripped.startswith("# "):
            if self.title is not None:
                raise MarkupError(number, "a second title ('# '); use '## ' for section headings")
            self._flush()
            self.title = _clean(stripped[2:].strip())
        elif stripped.startswith("## "):
            self._flush()
            self.sections.append((_clean(stripped[3:].strip()), []))
        elif stripped.startswith("#"):
            raise MarkupError(number, "only '# ' (title) and '## ' (section) headings exist")
        elif stripped == "::: signature":
            self._flush()
            self.signature, self.signature_start = [], number
        elif stripped.startswith(":::"):
            raise MarkupError(number, f"unknown block {stripped!r}; only '::: signature' exists")
        elif stripped.startswith("|"):
            self._flush(keep="table")
            self._table_row(stripped)
        elif _ITEM.match(stripped):
            self._flush(keep="items")
            self.items.append(_clean(_ITEM.sub("", stripped)))
        elif stripped.startswith(">"):
            self._flush(keep="note")
            self.note.append(_clean(stripped[1:].strip()))
        else:
            self._flush()
            self.blocks.append(Paragraph(text=_clean(stripped)))

    def _table_row(self, line: str) -> None:
        if self.table is None:
            self.table, self.header = [], []
        if _SEPARATOR.match(line):
            if len(self.table) == 1 and not self.header:
                self.header = self.table.pop()
            return
        cells = [_clean(cell.strip()) for cell in line.strip().strip("|").split("|")]
        self.table.append(cells)

    def _close_signature(self, number: int) -> None:
        lines = self.signature or []
        if "---" in lines:
            split = lines.index("---")
            closing, signer = lines[:split], lines[split + 1 :]
        else:
            closing, signer = [], lines
        signer = [line for line in signer if line]
        if not signer:
            raise MarkupError(self.signature_start, "a signature block needs at least one signer line")
        self.blocks.append(Signature(closing=[line for line in closing if line], lines=signer))
        self.signature = None

    def _flush(self, keep: str = "") -> None:
        if keep != "items" and self.items:
            self.blocks.append(NumberedList(items=self.items))
            self.items = []
        if keep != "table" and self.table is not None:
            self.blocks.append(Table(header=self.header, rows=self.table))
            self.table, self.header = None, []
        if keep != "note" and self.note:
            self.blocks.extend(Note(text=text) for text in self.note)
            self.note = []

    def finish(self) -> Document:
        if self.signature is not None:
            raise MarkupError(self.signature_start, "'::: signature' is not closed with ':::'")
        self._flush()
        if self.title is None:
            raise MarkupError(1, "no title: the document must start with '# 标题'")
        sections = [Section(heading=heading, blocks=blocks) for heading, blocks in self.sections]
        if not sections[0].blocks:
            sections = sections[1:]
        return Document(channel=self.channel, id=self.document_id, title=self.title, sections=sections)


def _clean(text: str) -> str:
    return text.replace(LITERAL, "")
