r"""Writing to terminals and files that cannot hold every character.

Output goes out in the encoding of the terminal, file or pipe (Python's choice from the locale). That is UTF-8
almost everywhere, but not in a Chinese Windows ``cmd.exe`` whose output is redirected (``jubao evaluate
case.yaml > 结果.txt``: code page 936, GBK), nor under a GBK or Latin-1 locale: there ✓ and ✗ cannot be written
at all, and the command died half-way with an internal error. ``fit_streams`` makes every line printable there:
a symbol becomes its nearest written form in that encoding (✓ √, ✗ ×, ⚠ !), any other character that encoding
cannot hold a ``?``; ``--json`` output is written with ``\uXXXX`` escapes instead (``json_for_encoding``), which
keeps the data exact.
"""

from __future__ import annotations

import codecs
import functools
import sys

_FULL_UNICODE = frozenset({"utf-8", "utf-16", "utf-32", "utf-8-sig", "gb18030", "utf-16-le", "utf-16-be"})
"""Encodings that hold every character (codec names as ``codecs.lookup`` gives them)."""

FALLBACKS: dict[str, tuple[str, ...]] = {
    "✓": ("√", "v"),
    "✗": ("×", "x"),
    "⚠": ("!",),
    "•": ("·", "*"),
    "▶": ("→", ">"),
    "→": ("->",),
    "↑": ("^",),
    "↓": ("v",),
    "…": ("...",),
    "—": ("--",),
    "–": ("-",),
    "·": (".",),
    "｜": ("|",),
    "\u3000": (" ",),
}
"""What a symbol jubao prints becomes where it cannot be written, in order of preference."""

ERROR_HANDLER = "jubao.terminal"


@functools.lru_cache(maxsize=16)
def holds_everything(encoding: str | None) -> bool:
    """Whether text in ``encoding`` can hold any character (an unknown encoding: assume it cannot)."""
    try:
        return codecs.lookup(encoding or "ascii").name in _FULL_UNICODE
    except LookupError:
        return False


def _substitute(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler: each character that cannot be written as its nearest form there, else ``?``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    written = []
    for char in error.object[error.start : error.end]:
        for candidate in (*FALLBACKS.get(char, ()), "?"):
            try:
                candidate.encode(error.encoding)
            except UnicodeEncodeError:
                continue
            written.append(candidate)
            break
    return "".join(written), error.end


def fit_streams() -> None:
    """Let standard output and standard error write any text in whatever encoding they have (see above); streams
    that hold every character are left as they are."""
    codecs.register_error(ERROR_HANDLER, _substitute)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not holds_everything(getattr(stream, "encoding", None)):
            reconfigure(errors=ERROR_HANDLER)


def json_for_encoding(text: str, encoding: str | None) -> str:
    """JSON ``text`` with every character ``encoding`` cannot hold as a ``\\uXXXX`` escape (a pair of them above
    U+FFFF): the same JSON value, writable there. Only strings hold such characters, where the escape means the
    same."""
    if holds_everything(encoding):
        return text
    try:
        text.encode(encoding or "ascii")
    except UnicodeEncodeError:
        return "".join(char if _fits(char, encoding) else _json_escape(char) for char in text)
    return text


def _fits(char: str, encoding: str | None) -> bool:
    try:
        char.encode(encoding or "ascii")
    except UnicodeEncodeError:
        return False
    return True


def _json_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
