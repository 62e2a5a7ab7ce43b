"""Keeping a filing to what is submitted: advice, tool notes and unverified tags move to the channel's guide.

A victim prints a filing and hands it in. Anything in it that is not a statement of the case or of the law —
"骚扰已经停止的，申请很可能不被支持", "本文件由 jubao 自动生成", a 〔待核实〕 after an article number — would be read by
the office (or the other side) as part of the filing. Templates may still write such notes where they belong in
the flow (``> …``), because that is where a drafter thinks of them; this module takes every note and every
unverified tag out of a ``filing`` and records each as a ``GuideNote`` saying where in the filing it applies.
The channel's guide (``jubao.guide``) prints them beside the submission routes. Applied by jubao to every
channel's documents, built-in or third-party, so no template can forget it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jubao.documents_api import (
    Block,
    Document,
    GuideNote,
    Note,
    NumberedList,
    Paragraph,
    Section,
    Signature,
    Table,
)

DISCLAIMER = (
    "本文件由 jubao 根据您填写的案件信息自动生成，是草稿，不构成法律意见。"
    "提交前请逐项核对事实、日期和法条，并删除不需要的内容。"
)
"""Said once per channel, in the guide — never inside a filing."""
UNVERIFIED_MARK = "〔待核实〕"
_CITED_BEFORE_MARK = re.compile(
    r"(《[^《》]{1,80}》(?:（[^（）]{0,80}）|[^《》〔，。；：“”、\s（）]){0,120})〔待核实〕"
)
"""A citation just before a mark: 《title》, then any article number and parentheticals (document number, date)."""
_MARK_EXPLANATION = f"“{UNVERIFIED_MARK}”"


def separate_guidance(document: Document) -> Document:
    """A filing without notes and unverified tags, carrying them as ``guidance``; other documents unchanged."""
    if document.purpose != "filing":
        return document
    guidance: list[GuideNote] = list(document.guidance)

    def record(note: GuideNote) -> None:
        if note not in guidance:
            guidance.append(note)

    title = _strip(document.title, f"《{document.title}》", record)
    sections = []
    for section in document.sections:
        where = _where(title, section.heading)
        heading = _strip(section.heading, where, record)
        blocks: list[Block] = []
        for block in section.all_blocks():
            if isinstance(block, Note):
                _move_note(block.text, where, record)
            else:
                blocks.append(_strip_block(block, where, record))
        sections.append(Section(heading=heading, blocks=blocks))
    payload = _strip_value(document.payload, f"《{title}》", record) if document.payload is not None else None
    return document.model_copy(update={"title": title, "sections": sections, "payload": payload, "guidance": guidance})


def _where(title: str, heading: str) -> str:
    clean = heading.replace(UNVERIFIED_MARK, "")
    return f"《{title}》“{clean}”" if clean else f"《{title}》开头部分"


def _move_note(text: str, where: str, record: Callable[[GuideNote], None]) -> None:
    if text == DISCLAIMER or _MARK_EXPLANATION in text:
        return  # the guide states the disclaimer once; the mark it explains is no longer in the filing
    record(GuideNote(text=text, where=where))


def _strip(text: str, where: str, record: Callable[[GuideNote], None]) -> str:
    if UNVERIFIED_MARK not in text:
        return text
    for cited in _CITED_BEFORE_MARK.findall(text):
        record(GuideNote(text=cited, where=where, kind="unverified"))
    if not _CITED_BEFORE_MARK.search(text):
        record(GuideNote(text=_context(text), where=where, kind="unverified"))
    return text.replace(UNVERIFIED_MARK, "")


def _context(text: str) -> str:
    """The words just before a mark that follows no 《…》 citation (e.g. a fact the reference has not verified)."""
    before = text.split(UNVERIFIED_MARK, 1)[0]
    return re.split(r"[，。；：\n]", before)[-1][-60:].strip()


def _strip_block(block: Block, where: str, record: Callable[[GuideNote], None]) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(text=_strip(block.text, where, record))
    if isinstance(block, NumberedList):
        return NumberedList(items=[_strip(item, where, record) for item in block.items])
    if isinstance(block, Table):
        return Table(
            header=[_strip(cell, where, record) for cell in block.header],
            rows=[[_strip(cell, where, record) for cell in row] for row in block.rows],
        )
    if isinstance(block, Signature):
        return block.model_copy(
            update={
                "closing": [_strip(line, where, record) for line in block.closing],
                "lines": [_strip(line, where, record) for line in block.lines],
                "attachments": [_strip(line, where, record) for line in block.attachments],
            }
        )
    return block


def _strip_value(value: Any, where: str, record: Callable[[GuideNote], None]) -> Any:
    if isinstance(value, str):
        return _strip(value, where, record)
    if isinstance(value, list):
        return [_strip_value(item, where, record) for item in value]
    if isinstance(value, dict):
        return {key: _strip_value(item, where, record) for key, item in value.items()}
    return value
