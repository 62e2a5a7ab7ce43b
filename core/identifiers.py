"""Check digits of Chinese identifiers that appear in filings.

A typo in a resident ID or a company's unified social credit code makes a complaint bounce, so both are
checked against their published check-digit algorithms rather than only their shape:

* 居民身份证号码 — GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check character;
* 统一社会信用代码 — GB 32100-2015: 17 characters + MOD 31 check character over a 31-symbol alphabet.
"""

from __future__ import annotations

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(rf"[{_USCC_ALPHABET}]{{18}}")


def resident_id_problem(value: str) -> str | None:
    """Return None if ``value`` is a well-formed 18-character resident ID, else a short English reason."""
    if not _ID_SHAPE.fullmatch(value):
        return "must be 17 digits followed by a digit or X"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "the birth date inside it is not a real date"
    total = sum(int(ch) * w for ch, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        return "check character does not match (typo?)"
    return None


def credit_code_problem(value: str) -> str | None:
    """Return None if ``value`` is a valid unified social credit code, else a short English reason."""
    if not _USCC_SHAPE.fullmatch(value):
        return "must be 18 characters from 0-9 and A-Y without I, O, S, V, Z"
    total = sum(_USCC_ALPHABET.index(ch) * w for ch, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    expected = _USCC_ALPHABET[(31 - total % 31) % 31]
    if expected != value[17]:
        return "check character does not match (typo?)"
    return None
