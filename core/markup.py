"""Document markup: the small, strict subset of Markdown that document templates render to.

Templates (Jinja2, package data of a plugin) produce text in this markup; ``parse_markup`` turns it into a
``Document``, which every format (Markdown, TXT, DOCX …) can then write. One markup, many formats: the template
author writes the document once and it prints correctly everywhere.

    # 标题                       the title (first line, exactly one)
    ## 小节                      a section heading (numbered 一、二、… by the writers)
    a line of text              one paragraph (write each paragraph on one line; blank lines are spacing)
    1. item                     numbered items (renumbered 1, 2, 3 … in order; blank lines between items do not
                                end the list; an item that rendered empty is dropped)
    | a | b |                   table rows; a ``|---|`` row after the first makes that row the header, which must
                                name every column (no row may have more cells than the header)
    > text                      a note (the draft disclaimer, unverified-fact warnings); one line, one note
    ::: signature               closing block: lines before ``---`` are 此致 / addressee (left),
    此致                         lines after it are signer and date (right); a line ``附：`` (or ``附件：``)
    某某派出所                   starts the attachments, one per line (``1.`` optional), printed after the
    ---                         date as ``附：1. … 2. …``
    控告人：某某
    2026年11月23日
    附：
    1. 证据清单及所列证据材料
    :::

A section whose heading is followed by nothing is dropped (the writers number only printed sections). In a
document with a signature block, a paragraph that starts with ``附：``, ``附件：`` or ``另附：`` anywhere in the body
(and a numbered list right after a bare ``附：``) is moved into the signature's attachments, so the attachments
are always listed after the signature and date, as Chinese filings list them.

Values inserted by templates cannot create markup: ``jubao.drafting`` escapes them (see ``LITERAL``).
"""

from __future__ import annotations

import re

from jubao.documents_api import Block, Document, Note, NumberedList, Paragraph, Section, Signature, Table

LITERAL = "\ue000"
"""Private-use mark put before an inserted value that would otherwise start markup; removed when parsing."""

_ITEM = re.compile(r"^\d+\.(\s+|$)")
_ATTACHMENTS = re.compile(r"^(另附|附件|附)[：:]\s*")
"""A paragraph listing what is handed in with the filing: it belongs after the signature and date."""
_SIGNATURE_ATTACHMENTS = re.compile(r"^(附件|附)[：:]\s*")
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
        self.table_lines: list[int] = []
        self.header_line = 0
        self.literal: set[int] = set()
        """``id()`` of paragraphs made from an inserted value: never taken for markup such as ``附：``."""
        self.note: list[str] = []
        self.signature: list[str] | None = None
        self.signature_start = 0
        self.signature_attachments: list[str] | None = None
        """Inside a signature block, after its ``附：`` line: the attachments so far."""

    @property
    def blocks(self) -> list[Block]:
        return self.sections[-1][1]

    def feed(self, number: int, line: str) -> None:
        if self.signature is not None:
            if line.strip() == ":::":
                self._close_signature(number)
            elif _SIGNATURE_ATTACHMENTS.match(line.strip()) and self.signature_attachments is None:
                self.signature_attachments = []
                self._attachment(_SIGNATURE_ATTACHMENTS.sub("", line.strip()))
            elif self.signature_attachments is not None:
                self._attachment(line.strip())
            else:
                self.signature.append(_clean(line.strip()))
            return
        stripped = line.strip()
        literal = stripped.startswith(LITERAL)
        if not stripped:
            self._flush(keep="items")  # a blank line between items does not end the list (as in Markdown)
            return
        if literal:
            self._flush()
            paragraph = Paragraph(text=_clean(stripped))
            self.literal.add(id(paragraph))
            self.blocks.append(paragraph)
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
            self.signature, self.signature_start, self.signature_attachments = [], number, None
        elif stripped.startswith(":::"):
            raise MarkupError(number, f"unknown block {stripped!r}; only '::: signature' exists")
        elif stripped.startswith("|"):
            self._flush(keep="table")
            self._table_row(number, stripped)
        elif _ITEM.match(stripped):
            self._flush(keep="items")
            item = _clean(_ITEM.sub("", stripped))
            if item:  # an item that rendered empty is dropped, so the list stays one list numbered 1, 2, 3 …
                self.items.append(item)
        elif stripped.startswith(">"):
            self._flush(keep="note")
            self.note.append(_clean(stripped[1:].strip()))
        else:
            self._flush()
            self.blocks.append(Paragraph(text=_clean(stripped)))

    def _table_row(self, number: int, line: str) -> None:
        if self.table is None:
            self.table, self.header, self.table_lines = [], [], []
        if _SEPARATOR.match(line):
            if len(self.table) == 1 and not self.header:
                self.header, self.header_line = self.table.pop(), self.table_lines.pop()
            return
        cells = [_clean(cell.strip()) for cell in line.strip().strip("|").split("|")]
        self.table.append(cells)
        self.table_lines.append(number)

    def _attachment(self, line: str) -> None:
        item = _clean(_ITEM.sub("", line)) if _ITEM.match(line) else _clean(line)
        if item and self.signature_attachments is not None:
            self.signature_attachments.append(item)

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
        attachments = self.signature_attachments or []
        self.blocks.append(Signature(closing=[line for line in closing if line], lines=signer, attachments=attachments))
        self.signature, self.signature_attachments = None, None

    def _flush(self, keep: str = "") -> None:
        if keep != "items" and self.items:
            self.blocks.append(NumberedList(items=self.items))
            self.items = []
        if keep != "table" and self.table is not None:
            self.blocks.append(self._make_table())
            self.table, self.header = None, []
        if keep != "note" and self.note:
            self.blocks.extend(Note(text=text) for text in self.note)
            self.note = []

    def _make_table(self) -> Table:
        rows, header = self.table or [], self.header
        if any(cell for cell in header) and not all(header):
            empty = next(n for n, cell in enumerate(header, start=1) if not cell)
            raise MarkupError(self.header_line, f"header cell {empty} is empty: name every column of the table")
        for number, row in zip(self.table_lines, rows, strict=True):
            if any(header) and len(row) > len(header):
                raise MarkupError(number, f"the row has {len(row)} cells but the header names {len(header)}")
        if not any(header) and not rows:
            raise MarkupError(self.header_line, "a table needs a header that names its columns, or rows")
        return Table(header=header, rows=rows)

    def finish(self) -> Document:
        if self.signature is not None:
            raise MarkupError(self.signature_start, "'::: signature' is not closed with ':::'")
        self._flush()
        if self.title is None:
            raise MarkupError(1, "no title: the document must start with '# 标题'")
        sections = [(heading, blocks) for heading, blocks in self._attachments_after_signature() if blocks]
        return Document(
            channel=self.channel,
            id=self.document_id,
            title=self.title,
            sections=[Section(heading=heading, blocks=blocks) for heading, blocks in sections],
        )

    def _attachments_after_signature(self) -> list[tuple[str, list[Block]]]:
        """Move 附：/附件：/另附： paragraphs of the body into the (last) signature block's attachments."""
        signed = [s for s, (_, blocks) in enumerate(self.sections) if any(isinstance(b, Signature) for b in blocks)]
        if not signed:
            return self.sections
        moved: list[str] = []
        sections: list[tuple[str, list[Block]]] = []
        for heading, blocks in self.sections:
            kept: list[Block] = []
            listing = False  # right after a bare 附：, whose items follow as a numbered list
            for block in blocks:
                if isinstance(block, Paragraph) and id(block) not in self.literal and _ATTACHMENTS.match(block.text):
                    rest = _ATTACHMENTS.sub("", block.text)
                    moved += [rest] if rest else []
                    listing = not rest
                elif listing and isinstance(block, NumberedList):
                    moved += block.items
                    listing = False
                else:
                    kept.append(block)
                    listing = False
            sections.append((heading, kept))
        if moved:
            blocks = sections[signed[-1]][1]
            last = max(i for i, block in enumerate(blocks) if isinstance(block, Signature))
            signature = blocks[last]
            assert isinstance(signature, Signature)
            blocks[last] = signature.model_copy(update={"attachments": [*moved, *signature.attachments]})
        return sections


def _clean(text: str) -> str:
    return text.replace(LITERAL, "")
