"""Text from a case or a plugin, made safe to print on a terminal.

A case title, a contact's name, a note or a plugin's channel name is text someone else may have written, and a
terminal does not only show text: an escape sequence in it can set the window title, write to the clipboard (OSC 52),
hide a link behind other words (OSC 8), move the cursor to overwrite what jubao printed; a bidi override makes a line
read otherwise than it is. So every line the CLI prints for a person goes through ``echo`` (``terminal_safe``): escape
sequences are removed whole, other control characters and bidi controls dropped, a tab becomes a space; the newlines
the CLI itself puts between lines stay. ``--json`` output goes through ``echo_json``, which loses nothing: the same
characters are written as JSON ``\\uXXXX`` escapes (the data a tool reads is unchanged).
"""

from __future__ import annotations

import re
import sys

import click

from jubao.cli.encoding import json_for_encoding

_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI: cursor, colour, erase …
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # OSC (title, clipboard, hyperlink), DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"  # the other escape sequences (two or three characters), or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # the same as 8-bit C1 controls
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
)
"""An escape sequence with its parameters (an unterminated string control runs to the end of the line)."""

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Arabic letter mark, LRM, RLM, the embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069)."""

_UNSAFE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
"""Anything ``terminal_safe`` changes (a newline aside); text without any is returned as it is."""

_DROP = dict.fromkeys([*range(0, 32), *range(127, 160)]) | {ord(char): None for char in _BIDI}
_TRANSLATE = _DROP | {ord("\t"): " ", ord("\n"): "\n", 0x2028: " ", 0x2029: " "}
_SURROGATE = re.compile("[\ud800-\udfff]")

_JSON_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")

# Both functions first ask ``str.isprintable()``: every character the patterns above match is a control, format,
# separator or surrogate character, which that C scan reports as unprintable, so printable text is returned without
# the regular expression. For a batch's ~23 KB JSON line that halves the check (35 µs instead of 64 µs a case;
# issue 14). Text that is not printable (an ideographic space U+3000 is enough) takes the regular expression.


def terminal_safe(text: str, *, newlines: bool = True) -> str:
    """``text`` without escape sequences, control characters (C0, DEL, C1) or bidi controls; a tab (and a line or
    paragraph separator) as a space; a lone surrogate as U+FFFD (it cannot be written as UTF-8). Newlines are kept,
    or with ``newlines=False`` (one value inside a line) become spaces."""
    if not newlines:
        text = text.replace("\r\n", " ").replace("\n", " ")
    if text.isprintable() or _UNSAFE.search(text) is None:
        return text
    text = _SEQUENCE.sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    return text.translate(_TRANSLATE)


def json_terminal_safe(text: str) -> str:
    """JSON text with every character ``terminal_safe`` would drop written as a ``\\uXXXX`` escape: the same JSON
    value, nothing a terminal acts on. (Such characters can only be inside JSON strings, where the escape means
    the same; the whitespace between tokens is left alone.)"""
    if text.isprintable() or _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` for text a person reads: made ``terminal_safe`` first."""
    click.echo(terminal_safe(message), err=err, nl=nl)


def echo_json(text: str, *, err: bool = False) -> None:
    """``click.echo`` for JSON output: made ``json_terminal_safe`` first, and writable in the stream's encoding
    (``json_for_encoding``) — both lossless."""
    encoding = getattr(sys.stderr if err else sys.stdout, "encoding", None)  # where click.echo writes to
    click.echo(json_for_encoding(json_terminal_safe(text), encoding), err=err)
