"""Phone-number parsing and normalisation.

Why a library: Chinese numbers come written in many shapes (``138 0000 0001``, ``+86-138…``, ``010-5555 0123``,
``0086…``) and a hand-written regex either rejects real numbers or accepts typos. ``phonenumbers`` (Google's
libphonenumber metadata, updated every few weeks) knows which ranges exist.

Accepted, in this order:

1. a number valid in its region (default region CN) → E.164, e.g. ``+8613800000001``;
2. a valid Chinese short / service number (95xxx bank lines, 12321, 10086 …) → its digits, e.g. ``95188``;
3. a Chinese SMS port number (``106`` + 5–17 digits), which collection SMS very often come from → its digits.

Anything else is rejected. Error messages never repeat the number (it may be someone else's personal data).
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import shortnumberinfo

DEFAULT_REGION = "CN"
_SMS_PORT = re.compile(r"106\d{5,17}")
_SEPARATORS = re.compile(r"[\s\-().·]")


class PhoneNumberError(ValueError):
    """The text is not a phone number jubao can use; the message says why without quoting it."""


def normalise_phone(raw: str | int) -> str:
    """Return the canonical form of ``raw`` or raise ``PhoneNumberError``.

    ``int`` is accepted because an unquoted 11-digit mobile number in YAML arrives as an integer.
    """
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise PhoneNumberError("not text")
    text = str(raw).strip()
    if not text:
        raise PhoneNumberError("empty")
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("0086"):
        compact = "+86" + compact[4:]
    if _SMS_PORT.fullmatch(compact):
        return compact
    try:
        parsed = phonenumbers.parse(compact, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise PhoneNumberError("unparseable") from exc
    if phonenumbers.is_valid_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if (
        parsed.country_code == 86
        and not compact.startswith("+")
        and shortnumberinfo.is_valid_short_number_for_region(parsed, DEFAULT_REGION)
    ):
        return str(parsed.national_number)
    raise PhoneNumberError("invalid")
