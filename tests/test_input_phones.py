"""Phone numbers mean what was written, or are refused: a masked number never becomes an invented real one, letters
are never read as keypad digits, an extension is never dropped silently, full-width digits (what Chinese input
methods type) are read, other scripts' digits are not."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jubao import CaseFileError
from jubao.loading import parse_case
from jubao.phones import PhoneNumberError, normalise_phone
from tests.input_cases import rich

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALID = [
    "13800000001",
    "138 0000 0701",
    "+86 138-0000-0001",
    "0086 13800000001",
    "010-5555 0123",
    "(010) 5555-0123",
    "4008209999",
    "95188",
    "12321",
    "1069 0000 0701",
    "+1 650 253 0000",
]
CANONICAL = re.compile(r"\+?[0-9]+")


def _kind(raw: str | int) -> str:
    with pytest.raises(PhoneNumberError) as caught:
        normalise_phone(raw)
    return caught.value.kind


def _full_width(text: str) -> str:
    """``text`` as a Chinese input method in full-width mode types it (digits, + - ( ) and the space)."""
    return "".join(
        "\u3000" if char == " " else chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text
    )


# --- what the issue found -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "masked", ["1380000xxxx", "400-820-xxxx", "138****0001", "138 XXXX 0001", "１３８＊＊＊＊０００１"]
)
def test_a_masked_number_is_refused_never_invented(masked: str) -> None:
    assert _kind(masked) == "masked"  # before: 1380000xxxx → +8613800009999, 400-820-xxxx → +864008209999


@pytest.mark.parametrize("lettered", ["1-800-FLOWERS", "400-820-TAXI", "+86 138 ABCD 0001", "tel:+8613800000001"])
def test_a_number_with_letters_is_refused(lettered: str) -> None:
    assert _kind(lettered) == "letters"  # before: 1-800-FLOWERS → +8618003569377


@pytest.mark.parametrize(
    "with_extension",
    ["010-5555 0123 ext 123", "010-5555 0123 ext. 12", "010-55550123 转 123", "010 5555 0123 分机 12",
     "010-55550123#123", "010-55550123x123", "+86 10 5555 0123;ext=12", "０１０－５５５５０１２３转１２３"],
)  # fmt: skip
def test_an_extension_is_refused_never_dropped(with_extension: str) -> None:
    assert _kind(with_extension) == "extension"  # before: "… ext 123" → +861055550123, the extension gone


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        (_full_width("13800000701"), "+8613800000701"),
        (_full_width("138-0000-0701"), "+8613800000701"),
        (_full_width("138 0000 0701"), "+8613800000701"),
        (_full_width("+86 138 0000 0701"), "+8613800000701"),  # before: refused
        (_full_width("(010)5555-0123"), "+861055550123"),
        (_full_width("95188"), "95188"),
        (
            _full_width("1069 0000 0701"),
            "106900000701",
        ),  # before: refused (an SMS port, where collection SMS come from)
        (_full_width("0086 138 0000 0701"), "+8613800000701"),
    ],
)
def test_full_width_digits_and_separators_are_read_as_ascii(typed: str, number: str) -> None:
    assert normalise_phone(typed) == number


@pytest.mark.parametrize("digits", ["١٣٨٠٠٠٠٠٠٠١", "۱۳۸۰۰۰۰۰۰۰۱", "१३८००००००००१", "①③⑧00000001", "138₀0000001"])
def test_digits_of_other_scripts_are_refused(digits: str) -> None:
    assert _kind(digits) == "digits"  # before: Arabic-Indic digits → +8613800000001


@pytest.mark.parametrize(
    ("written", "code", "hint"),
    [
        ("1380000xxxx", "masked_phone", "phone_write_full"),
        ("1-800-FLOWERS", "phone_has_letters", "phone_write_full"),
        ("010-5555 0123 转 123", "phone_extension", "phone_extension_elsewhere"),
        ("١٣٨٠٠٠٠٠٠٠١", "phone_bad_digits", "phone_plain_digits"),
        ("1380013800", "invalid_phone", None),
    ],
)
def test_each_refusal_is_a_located_problem_that_says_what_to_do(written: str, code: str, hint: str | None) -> None:
    data = rich()
    data["collectors"][0]["phones"] = ["170 0000 0702", written]
    with pytest.raises(CaseFileError) as caught:
        parse_case(data)
    (problem,) = caught.value.problems
    assert (problem.code, problem.path, problem.params.get("hint")) == (code, "collectors[0].phones[1]", hint)
    for lang in ("zh", "en"):
        message = problem.message(lang)
        assert written not in message
        assert "FLOWERS" not in message
    if hint == "phone_write_full":
        assert "完整号码" in problem.message("zh")
        assert "不写" in problem.message("zh")
        assert "full number" in problem.message("en")
        assert "leave it out" in problem.message("en")


# --- properties -----------------------------------------------------------------------------------------------------

ascii_numbers = st.sampled_from(VALID)
separators = st.sampled_from(["", " ", "-", " - "])


@PROPERTY
@given(number=ascii_numbers)
def test_full_width_reads_as_its_ascii_form(number: str) -> None:
    assert normalise_phone(_full_width(number)) == normalise_phone(number)


@PROPERTY
@given(text=st.text(max_size=40) | st.from_regex(r"\+?[0-9０-９xX*＊ \-()（）转#]{0,25}", fullmatch=True))
@example(text="1380000xxxx")
@example(text="1-800-FLOWERS")
def test_any_text_is_a_plain_number_or_refused(text: str) -> None:
    try:
        result = normalise_phone(text)
    except PhoneNumberError:
        return
    assert CANONICAL.fullmatch(result), result  # ASCII digits only, never a letter or mask turned into a digit
    assert normalise_phone(result) == result  # the normal form is its own normal form
    assert not re.search(r"[A-Za-z*＊]", text)  # nothing accepted held a letter or a mask


@PROPERTY
@given(
    number=st.sampled_from([n for n in VALID if len(re.sub(r"\D", "", n)) >= 7]),
    data=st.data(),
)
def test_hiding_any_digits_is_refused(number: str, data: st.DataObject) -> None:
    positions = [i for i, char in enumerate(number) if char.isdigit()]
    hidden = data.draw(st.sets(st.sampled_from(positions), min_size=1, max_size=len(positions)))
    mask = data.draw(st.sampled_from(["x", "X", "*", "＊", "×", "●", "?"]))
    masked = "".join(mask if i in hidden else char for i, char in enumerate(number))
    with pytest.raises(PhoneNumberError) as caught:
        normalise_phone(masked)
    assert caught.value.kind in ("masked", "extension", "letters", "invalid", "unparseable")
    if len(hidden) < len(positions) and mask not in ("x", "X"):  # some digits left, and "x…" may read as an extension
        assert caught.value.kind == "masked"


@PROPERTY
@given(number=ascii_numbers, letters=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz", min_size=1),
       at=st.integers(min_value=0))  # fmt: skip
def test_letters_anywhere_are_refused(number: str, letters: str, at: int) -> None:
    at %= len(number) + 1
    with pytest.raises(PhoneNumberError):
        normalise_phone(number[:at] + letters + number[at:])


@PROPERTY
@given(number=ascii_numbers, zero=st.sampled_from([0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1040, 0x1D7CE]))
def test_digits_of_any_other_script_are_refused(number: str, zero: int) -> None:
    other = "".join(chr(zero + int(char)) if char.isdigit() else char for char in number)
    with pytest.raises(PhoneNumberError) as caught:
        normalise_phone(other)
    assert caught.value.kind == "digits"


@PROPERTY
@given(
    number=st.sampled_from([n for n in VALID if len(re.sub(r"\D", "", n)) >= 10]),
    marker=st.sampled_from([" ext ", " ext. ", "转", " 转 ", " 分机 ", "#", "x", ";ext="]),
    extension=st.from_regex(r"[0-9]{1,6}", fullmatch=True),
)
def test_an_extension_is_never_dropped(number: str, marker: str, extension: str) -> None:
    with pytest.raises(PhoneNumberError) as caught:
        normalise_phone(number + marker + extension)
    assert caught.value.kind == "extension"


@PROPERTY
@given(value=st.integers())
def test_any_integer_is_a_number_or_refused(value: int) -> None:
    try:
        result = normalise_phone(value)
    except PhoneNumberError:
        return
    assert CANONICAL.fullmatch(result)
