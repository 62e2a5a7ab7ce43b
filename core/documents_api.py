"""What a document is before it is written, and the contract of a document format.

Channels build ``Document`` objects (title, numbered sections of paragraphs, in Chinese); a ``DocumentFormat``
turns one into bytes (Markdown, plain text here; DOCX and JSON payloads arrive with the channels). Keeping the
two apart lets a plugin add a format (a provincial office's own layout) without touching any channel.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from jubao.rules import Text


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    heading: str
    paragraphs: list[str] = []


class Document(BaseModel):
    """A document ready to be written: always in Chinese, as the office expects."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: str
    title: str
    sections: list[Section] = []


class DocumentFormat(BaseModel):
    """How to write a ``Document`` to a file."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    suffix: str = Field(pattern=r"^\.[a-z0-9]+$")
    media_type: str
    description: Text
    write: Callable[[Document], bytes]


def write_markdown(document: Document) -> bytes:
    lines = [f"# {document.title}", ""]
    for number, section in enumerate(document.sections, start=1):
        lines += [f"## {number}. {section.heading}", ""]
        lines += [paragraph + "\n" for paragraph in section.paragraphs]
    return "\n".join(lines).rstrip("\n").encode("utf-8") + b"\n"


def write_text(document: Document) -> bytes:
    lines = [document.title, ""]
    for number, section in enumerate(document.sections, start=1):
        lines += [f"{number}. {section.heading}", *section.paragraphs, ""]
    return "\n".join(lines).rstrip("\n").encode("utf-8") + b"\n"


MARKDOWN = DocumentFormat(id="md", suffix=".md", media_type="text/markdown; charset=utf-8",
                          description=Text(zh="Markdown 文本", en="Markdown"), write=write_markdown)  # fmt: skip
PLAIN_TEXT = DocumentFormat(id="txt", suffix=".txt", media_type="text/plain; charset=utf-8",
                            description=Text(zh="纯文本（如电话要点）", en="plain text (e.g. phone scripts)"),
                            write=write_text)  # fmt: skip
