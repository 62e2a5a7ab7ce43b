"""Phone-number parsing and normalisation.

Why a library: Chinese numbers come written in many shapes (``138 0000 0001``, ``+86-138…``, ``010-5555 0123``,
``0086…``) and a hand-written regex either rejects real numbers or accepts typos. ``phonenumbers`` (Google's
libphonenumber metadata, updated every few weeks) knows which ranges exist.

Before the library sees it, the text is checked and made plain, because the library is lenient in ways that invent
or lose facts — a filing must carry the number the person wrote, or none:

* full-width characters (what Chinese input methods type: ``１３８－００００－０００１``, ``（０１０）``, ``＋８６``,
  the ideographic space) become their ASCII forms; other non-ASCII digits (Arabic-Indic, circled …) are refused
  (``kind="digits"``): nobody in China writes a number with them, so they are a slip or a trick;
* a masked number (``1380000xxxx``, ``138****0001``, ``400-820-xxxx``) is refused (``kind="masked"``): the library
  reads letters as keypad digits and turned ``xxxx`` into ``9999`` — a real number, not the one that called;
* letters (``1-800-FLOWERS``) are refused for the same reason (``kind="letters"``);
* an extension (``010-5555 0123 转 123``, ``ext. 123``, ``#123``) is refused (``kind="extension"``): the normal form
  (E.164) has no place for it, and dropping it silently would lose it;
* anything else that is not a digit, ``+`` or a separator (space, ``-``, ``(``, ``)``, ``.``, ``·``, ``/``) is refused.

Then accepted, in this order:

1. a number valid in its region (default region CN) → E.164, e.g. ``+8613800000001``;
2. a valid Chinese short / service number (95xxx bank lines, 12321, 10086 …) → its digits, e.g. ``95188``;
3. a Chinese SMS port number (``106`` + 5–17 digits), which collection SMS very often come from → its digits.

Anything else is rejected. Error messages never repeat the number (it may be someone else's personal data).
"""

from __future__ import annotations

import re
from typing import Literal

import phonenumbers
from phonenumbers import shortnumberinfo

DEFAULT_REGION = "CN"
MAX_PHONE_CHARS = 64
"""Longer text is no phone number (the longest E.164 number has 15 digits; spaced out and with +86, under 30)."""

_SMS_PORT = re.compile(r"106\d{5,17}")
_SEPARATORS = re.compile(r"[ \-().·/]")

_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {
    0x3000: " ",  # ideographic (full-width) space
    0x00A0: " ",  # no-break space, from web pages
    0x2002: " ",
    0x2003: " ",
    0x2009: " ",
    0x202F: " ",
    0x2010: "-",  # hyphens and dashes
    0x2011: "-",
    0x2012: "-",
    0x2013: "-",
    0x2014: "-",
    0x2015: "-",
    0x2212: "-",  # minus sign
    0xFE63: "-",  # small hyphen-minus
    0x30FB: "·",  # katakana middle dot, typed for ·
    0x2022: "·",
}
"""Full-width ASCII (U+FF01–U+FF5E: ``１``, ``＋``, ``－``, ``（``, ``ｘ``, ``＊`` …) and the spaces and dashes of word
processors, to their plain forms."""

_MASK_SIGNS = re.compile(r"[*×•●○?]")
"""Signs that stand for hidden digits (``138****0001``); ``x`` is the other (``1380000xxxx``)."""

_EXTENSION = re.compile(
    r"(?P<main>.*\d)[ ]*(?:;?[ ]*ext\.?[ ]*=?|extension|转|分机|x|#|,|;)[ ]*(?:分机)?[ ]*\d{1,8}[ ]*(?:号)?",
    re.IGNORECASE,
)
"""A number followed by an extension: ``… 转 123``, ``… 分机 12``, ``… ext. 123``, ``… x123``, ``… #123``."""

_ALLOWED = re.compile(r"\+?[0-9 \-().·/]+")
"""What a number may be written with once full-width characters are plain."""

PhoneProblem = Literal["not_text", "empty", "digits", "masked", "letters", "extension", "unparseable", "invalid"]


class PhoneNumberError(ValueError):
    """The text is not a phone number jubao can use; ``kind`` says why, the message too, without quoting it."""

    def __init__(self, kind: PhoneProblem) -> None:
        super().__init__(kind)
        self.kind: PhoneProblem = kind


def plain_phone_text(raw: str) -> str:
    """``raw`` with full-width characters (and typographic spaces and dashes) in their ASCII forms, stripped."""
    return raw.translate(_TO_ASCII).strip()


def normalise_phone(raw: str | int) -> str:
    """Return the canonical form of ``raw`` or raise ``PhoneNumberError``.

    ``int`` is accepted because an unquoted 11-digit mobile number in YAML arrives as an integer.
    """
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise PhoneNumberError("not_text")
    if isinstance(raw, int):
        if raw < 0 or raw.bit_length() > 64:  # no number has 20 digits; str() of a huge int would raise
            raise PhoneNumberError("invalid")
        raw = str(raw)
    text = plain_phone_text(raw)
    if not text:
        raise PhoneNumberError("empty")
    if len(text) > MAX_PHONE_CHARS:
        raise PhoneNumberError("invalid")
    _check_characters(text)
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("0086"):
        compact = "+86" + compact[4:]
    if _SMS_PORT.fullmatch(compact):
        return compact
    try:
        parsed = phonenumbers.parse(compact, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise PhoneNumberError("unparseable") from exc
    if parsed.extension:  # a form the checks above do not know: still never dropped silently
        raise PhoneNumberError("extension")
    if phonenumbers.is_valid_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if (
        parsed.country_code == 86
        and not compact.startswith("+")
        and shortnumberinfo.is_valid_short_number_for_region(parsed, DEFAULT_REGION)
    ):
        return str(parsed.national_number)
    raise PhoneNumberError("invalid")


def _check_characters(text: str) -> None:
    """Refuse what the library would misread: other digits, extensions, masks, letters, any other character."""
    if _ALLOWED.fullmatch(text):
        return
    if any(char.isdigit() and not char.isascii() for char in text):
        raise PhoneNumberError("digits")
    if not any(char.isdigit() for char in text):  # not a number with something wrong in it: no number at all
        raise PhoneNumberError("invalid")
    extension = _EXTENSION.fullmatch(text)
    if extension and _ALLOWED.fullmatch(extension["main"]) and sum(c.isdigit() for c in extension["main"]) >= 7:
        raise PhoneNumberError("extension")
    letters = {char for char in text if char.isascii() and char.isalpha()}
    if _MASK_SIGNS.search(text) or (letters and letters <= {"x", "X"}):
        raise PhoneNumberError("masked")
    if letters:
        raise PhoneNumberError("letters")
    raise PhoneNumberError("invalid")
