"""Markdown output shows case text as text (issue 15): whatever a name, a note or a title holds, a ``.md`` document
(and ``index.md``) opened in a Markdown viewer shows exactly those characters and loads nothing — no HTML, no link,
no image, no emphasis that swallows a ``*``. Ordinary text is written unchanged (the reviewed snapshots).

Checked structurally always (an unescaping of what CommonMark's backslash escapes and ``&lt;`` mean gives the text
back; nothing left that could be markup), and with a real CommonMark parser when markdown-it-py is installed."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jubao.cli.main import cli
from jubao.documents_api import (
    Document,
    Note,
    NumberedList,
    Paragraph,
    Section,
    Signature,
    Table,
    write_markdown,
)
from tests.conftest import EXAMPLES

ATTACKS = [
    "<script>alert(1)</script>",
    "[点这里](javascript:alert(1))",
    "![](http://tracker.example/p.png)",
    "<img src=http://tracker.example/p.png>",
    "<http://tracker.example/>",
    "[x][r]\n\n[r]: http://tracker.example/",
    "[r]: http://tracker.example/",
    "&lt;b&gt; &#60;i&#62; &amp;",
    "号码*原因 例如 139*催收",
    "__粗体__ _斜体_ ~~删除~~ `代码`",
    "\\<script>\\](http://x)",
    "<!-- 注释 -->",
]
"""Text a case could hold, each of which a Markdown viewer would otherwise turn into markup."""

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])|&lt;")


def _unescape(markdown: str) -> str:
    """What CommonMark shows for the escapes the writer uses: a backslash before ASCII punctuation, ``&lt;``."""
    return _ESCAPED.sub(lambda found: found.group(1) or "<", markdown)


def _live_markup(markdown: str) -> list[str]:
    """Markup left in ``markdown`` once the escaped characters are set aside: raw ``<``, a link or image
    destination (``](``), a link definition (``]:``), an entity (other than the writer's ``&lt;``), or two of the
    same delimiter that could pair (code, strikethrough, emphasis: ``*`` not between spaces, ``_`` not inside a
    word)."""
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "\x00", markdown)
    found = [pattern for pattern in (r"<", r"\]\(", r"\]:", r"&(?!lt;)#?[A-Za-z0-9]+;") if re.search(pattern, bare)]
    padded = f" {bare} "
    for char in "`~*_":
        possible = [
            i
            for i, c in enumerate(padded)
            if c == char
            and (char == "`" or not (padded[i - 1].isspace() and padded[i + 1].isspace()))
            and not (char == "_" and padded[i - 1].isalnum() and padded[i + 1].isalnum())
        ]
        if len(possible) >= 2:
            found.append(char * 2)
    return found


def _document(**blocks: Any) -> Document:
    return Document(channel="test", title=blocks.pop("title", "标题"), sections=[Section(heading="事实", **blocks)])


def _body(document: Document) -> list[str]:
    """The lines of the written document after its title and heading."""
    return write_markdown(document).decode().split("\n")[4:]


@pytest.mark.parametrize("text", ATTACKS)
def test_case_text_in_a_paragraph_is_shown_and_loads_nothing(text: str) -> None:
    written = "\n".join(_body(_document(paragraphs=[text]))).rstrip("\n")
    assert _live_markup(written) == [], written
    assert _unescape(written) == text


@pytest.mark.parametrize("text", ATTACKS)
def test_every_block_escapes_its_text(text: str) -> None:
    one_line = text.replace("\n", " ")
    document = _document(
        title=one_line,
        blocks=[
            NumberedList(items=[one_line, "第二项"]),
            Note(text=one_line),
            Table(header=["时间", one_line], rows=[[one_line, "x"]]),
            Signature(closing=["此致", one_line], lines=[one_line, "2026年11月23日"], attachments=[one_line, "b"]),
        ],
    )
    markdown = write_markdown(document).decode()
    writer_html = re.compile(r'</?p( align="right")?>|</?table>|</?t[rd]>|<br>')
    signed = [writer_html.sub("", line) for line in markdown.split("\n") if line.startswith("<p align")]
    assert html.unescape(signed[0]) == one_line
    for line in markdown.split("\n"):
        if line.startswith("<p align"):
            assert "<" not in writer_html.sub("", line), line
        else:
            assert _live_markup(writer_html.sub("", line)) == [], line
    assert "<script" not in markdown
    assert "<img" not in markdown
    assert "<!--" not in markdown


def test_a_table_without_header_and_a_signature_keep_html_out() -> None:
    text = "<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))"
    document = _document(blocks=[Table(rows=[[text, "b"]]), Signature(lines=[text])])
    markdown = write_markdown(document).decode()
    assert "<img" not in markdown
    assert "\n\n[x]" not in markdown  # a blank line would end the HTML block and let the link be read as Markdown
    assert "&lt;img src=x onerror=alert(1)&gt;<br><br>[x](javascript:alert(1))" in markdown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- 不是列表", "\\- 不是列表"),
        ("1. 不是编号", "1\\. 不是编号"),
        ("# 不是标题", "\\# 不是标题"),
        ("> 不是引用", "\\> 不是引用"),
        ("---", "\\---"),
        ("第一行\n===", "第一行\n\\==="),
        ("reporter.id_number，evidence[]", "reporter.id_number，evidence[]"),  # ordinary text: unchanged
        ("a * b，单独一个*号", "a * b，单独一个*号"),  # a single * is no emphasis
        ("A&B <= C", "A&B &lt;= C"),
    ],
)
def test_ordinary_text_stays_and_line_starts_do_not_become_blocks(text: str, expected: str) -> None:
    assert "\n".join(_body(_document(paragraphs=[text]))).rstrip("\n") == expected


def test_a_heading_keeps_a_closing_hash() -> None:
    assert write_markdown(_document(title="第 1 号 #")).decode().startswith("# 第 1 号 \\#\n")


ALPHABET = st.sampled_from([*"<>[]()!`*_&\\#-+.=~|:;/ \t", "ab", "c1", "测试", "lt", "http", "\n", "&lt;", "    "])
TEXTS = st.lists(ALPHABET, min_size=1, max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_any_text_comes_back_exactly_and_nothing_is_markup(text: str) -> None:
    written = "\n".join(_body(_document(paragraphs=[text]))).rstrip("\n")
    unindented = "\n".join(line.lstrip(" \t") for line in text.split("\n"))  # indentation is never shown
    assert _unescape(written) == unindented.rstrip("\n")
    assert _live_markup(written) == [], written


# --- with a CommonMark parser (markdown-it-py), when it is installed -------------------------------------------------


def _parser() -> Any:
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py is not installed")
    return markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])


_FORBIDDEN_TOKENS = {"html_inline", "html_block", "link_open", "image", "code_inline", "em_open", "strong_open",
                     "s_open", "code_block", "fence", "heading_open", "bullet_list_open", "blockquote_open",
                     "hr"}  # fmt: skip


def _tokens(tokens: list[Any]) -> list[Any]:
    flat = []
    for token in tokens:
        flat.append(token)
        flat += _tokens(token.children or [])
    return flat


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS.map(lambda text: " ".join(text.split())).filter(bool))
def test_a_commonmark_parser_reads_the_text_back(text: str) -> None:
    parser = _parser()
    body = "\n".join(_body(_document(paragraphs=[text]))).rstrip("\n")
    tokens = _tokens(parser.parse(body))
    assert not {token.type for token in tokens} & _FORBIDDEN_TOKENS, (text, body)
    shown = "".join(token.content for token in tokens if token.type == "text")
    assert shown == text, (text, body)


LINES = st.lists(
    st.sampled_from([*"<>[]()!`*_&\\#-+.=~|: \t", "ab", "测试", "\n", "\n\n", "    ", ":-", "-:", "- ", "# ", "1) "]),
    min_size=1,
    max_size=30,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=LINES, second=LINES)
def test_a_commonmark_parser_finds_only_the_writers_blocks(first: str, second: str) -> None:
    """Multi-line text (blank lines, indentation, lines that look like list items or a table) stays inside its
    block: nothing pairs across blocks, nothing becomes code, a table, a list or a rule."""
    parser = _parser()
    document = _document(
        blocks=[
            Paragraph(text=first),
            NumberedList(items=[second, first]),
            Note(text=second),
            Signature(closing=[first, second], lines=[second], attachments=[first, second]),
        ]
    )
    tokens = _tokens(parser.parse(write_markdown(document).decode()))
    types = [token.type for token in tokens]
    assert not set(types) & (_FORBIDDEN_TOKENS - {"heading_open", "blockquote_open", "html_block"} | {"table_open"})
    assert (types.count("heading_open"), types.count("blockquote_open"), types.count("ordered_list_open")) == (2, 1, 2)


@pytest.mark.parametrize("text", ATTACKS)
def test_a_commonmark_parser_finds_no_markup_in_any_block(text: str) -> None:
    parser = _parser()
    one_line = " ".join(text.split())
    document = _document(
        title=one_line,
        blocks=[
            Paragraph(text=text),
            NumberedList(items=[one_line]),
            Note(text=one_line),
            Table(header=["时间", one_line], rows=[[one_line, "x"]]),
            Signature(closing=["此致", one_line], lines=[one_line], attachments=[one_line, "b"]),
        ],
    )
    tokens = _tokens(parser.parse(write_markdown(document).decode()))
    for token in tokens:
        if token.type in ("html_block", "html_inline"):  # only the writer's own: the signature lines
            assert token.content.startswith('<p align="right">'), token.content
            assert "<" not in token.content.strip()[len('<p align="right">') : -len("</p>")]
        else:
            assert token.type not in _FORBIDDEN_TOKENS - {"heading_open", "blockquote_open"}, (token.type, text)
    assert [token.type for token in tokens].count("heading_open") == 2  # the title and the section's heading
    assert [token.type for token in tokens].count("blockquote_open") == 1  # the note


# --- the documents a user gets -------------------------------------------------------------------------------------


def test_documents_and_index_md_escape_case_text(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "contact-harassed.yaml").read_text(encoding="utf-8"))
    data["title"] = "<script>alert(1)</script>![](http://tracker.example/t.png)"
    data["incidents"][0]["note"] = "[点我](javascript:alert(1)) <img src=http://tracker.example/n.png>"
    data["borrower"]["name"] = "周<b>某</b>"
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["documents", str(case), "--out", str(out), "--format", "md",
                                      "--today", "2026-11-23"])  # fmt: skip
    assert result.exit_code == 0, result.output
    written = sorted(out.rglob("*.md"))
    assert out / "index.md" in written
    assert len(written) > 3
    writer_html = re.compile(r'</?p( align="right")?>|</?table>|</?t[rd]>|<br>')
    for path in written:
        markdown = path.read_text(encoding="utf-8")
        for raw in ("<script", "<img", "<b>"):
            assert raw not in markdown, (path.name, raw)
        bare = writer_html.sub("", re.sub(r"\\[!-/:-@\[-`{-~]", "\x00", markdown))
        for markup in ("<", "](", "]:"):
            assert markup not in bare, (path.name, markup)
    shown = _unescape((out / "index.md").read_text(encoding="utf-8"))
    assert data["title"] in shown  # the title, character for character
