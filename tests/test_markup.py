"""Document markup and template values: what template authors rely on when they write a template."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jubao.documents_api import Note, NumberedList, Paragraph, Signature, Table, blank, write_markdown, write_text
from jubao.drafting import _finalize, zh_date, zh_money, zh_phone
from jubao.markup import MarkupError, parse_markup

SAMPLE = """# 控告书

控告人：王晓明
住址：某地

## 控告事项
1. 请求一
2. 请求二

## 事实与理由
第一段。

| 序号 | 时间 |
|---|---|
| 1 | 10:05 |

> 草稿提示

::: signature
此致
某派出所
---
控告人：王晓明
2026年11月23日
:::
"""


def test_markup_becomes_title_sections_and_blocks() -> None:
    document = parse_markup(SAMPLE, channel="police", document_id="complaint")
    assert document.title == "控告书"
    preamble, claims, facts = document.sections
    assert preamble.heading == ""
    assert preamble.blocks == [Paragraph(text="控告人：王晓明"), Paragraph(text="住址：某地")]
    assert claims.blocks == [NumberedList(items=["请求一", "请求二"])]
    assert facts.blocks[0] == Paragraph(text="第一段。")
    assert facts.blocks[1] == Table(header=["序号", "时间"], rows=[["1", "10:05"]])
    assert facts.blocks[2] == Note(text="草稿提示")
    assert facts.blocks[3] == Signature(closing=["此致", "某派出所"], lines=["控告人：王晓明", "2026年11月23日"])


def test_writers_number_sections_in_chinese_and_keep_every_word() -> None:
    document = parse_markup(SAMPLE, channel="police")
    markdown = write_markdown(document).decode()
    assert "## 一、控告事项" in markdown
    assert "## 二、事实与理由" in markdown
    assert "1. 请求一\n2. 请求二" in markdown
    text = write_text(document).decode()
    assert "一、控告事项" in text
    assert "2026年11月23日" in text


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("正文\n", "no title"),
        ("# 一\n# 二\n", "second title"),
        ("# 标题\n### 小节\n", "only '# '"),
        ("# 标题\n::: box\n", "unknown block"),
        ("# 标题\n::: signature\n签名\n", "not closed"),
        ("# 标题\n::: signature\n此致\n---\n:::\n", "signer line"),
    ],
)
def test_template_mistakes_are_reported_with_their_line(markup: str, message: str) -> None:
    with pytest.raises(MarkupError, match=message):
        parse_markup(markup, channel="x")


def test_inserted_values_cannot_create_structure() -> None:
    hostile = "# 假标题\n## 假小节\n1. 假请求\n| a | b |\n> 假提示\n::: signature"
    line = _finalize(hostile)
    document = parse_markup(f"# 标题\n{line}\n", channel="x")
    assert document.title == "标题"
    (section,) = document.sections
    (block,) = section.blocks
    assert isinstance(block, Paragraph)
    assert "假标题" in block.text
    assert "｜" in block.text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_inserted_value_stays_one_paragraph(value: str) -> None:
    document = parse_markup(f"# 标题\n前缀：{_finalize(value)}\n{_finalize(value)}\n", channel="x")
    blocks = [b for s in document.sections for b in s.blocks]
    assert all(isinstance(b, Paragraph) for b in blocks)
    assert len(blocks) <= 2


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_parser_never_crashes_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(MarkupError):
        parse_markup(text, channel="x")


def test_none_in_a_template_is_a_bug_not_an_empty_string() -> None:
    with pytest.raises(Exception, match="or_blank"):
        _finalize(None)


def test_formatting_as_chinese_filings_write_it() -> None:
    assert zh_date(date(2026, 1, 5)) == "2026年1月5日"
    assert zh_phone("+8613800000101") == "138 0000 0101"
    assert zh_phone("+861055550110") == "010 5555 0110"
    assert zh_phone("12321") == "12321"
    assert zh_money(48000) == "人民币48,000元"
    assert zh_money(1234.5) == "人民币1,234.5元"
    assert blank("身份证号码") == "【待补充：身份证号码】"
