"""How one typed answer becomes a value: Chinese dates, everyday words for choices, numbers, phones, files.

Pure functions (the clock is a parameter). A bad answer raises ``AnswerError`` with a stable code and parameters;
the message lives in the locale files under ``interview.error.<code>`` and never repeats what was typed.

Dates and times (``parse_datetime``), as people write them:

* ``2026-11-16 21:30``, ``2026/11/16 21:30``, ``2026.11.16``, ``2026年11月16日``, ``11月16号``, ``11-16``, ``今天``,
  ``昨天``, ``前天``; full-width digits and Chinese numerals (``十一月十六日 晚上九点半``) too;
* no year: this year, or last year if that day is still to come (in January, "12月20日" is last December);
* a time of day: ``21:30``, ``9点``, ``9点半``, ``9点15分``, with ``上午/下午/晚上…`` (``晚上9点`` is 21:00);
* a period word alone stands for a fixed hour (``PERIOD_HOURS``): 晚上 → 20:00, 上午 → 10:00 …;
* no time at all: 12:00 — a guess at noon never makes a day-time call look like a night call (night rules start at
  22:00), and the case file gets a comment saying the time was not given.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from jubao.interview.definition import Choice
from jubao.types import EARLIEST_DATE, Phone, Province


class AnswerError(ValueError):
    """The answer cannot be used; ``code`` names the message ``interview.error.<code>``."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = {key: str(value) for key, value in params.items()}


# --- small helpers -----------------------------------------------------------------------------------------------

_FULL_WIDTH = str.maketrans("０１２３４５６７８９：／．－，、；　", "0123456789:/.-,,; ")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+")


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, surrounding space removed."""
    return text.translate(_FULL_WIDTH).strip()


def _cn_to_int(token: str) -> int:
    """一 → 1, 十 → 10, 十六 → 16, 二十 → 20, 二十三 → 23, 二〇二六 → 2026 (digit by digit)."""
    if "十" not in token:
        return int("".join(str(_CN_DIGITS[c]) for c in token))
    tens, _, ones = token.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def chinese_numerals_to_digits(text: str) -> str:
    """Replace runs of Chinese numerals by digits (``十一月十六日`` → ``11月16日``); other text is unchanged."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        try:
            return str(_cn_to_int(token))
        except (KeyError, ValueError):
            return token

    return _CN_NUMBER.sub(replace, text)


def is_skip(text: str, skip_words: tuple[str, ...]) -> bool:
    """An empty answer, or one of the words that mean "I don't know / skip"."""
    compact = normalise(text).lower()
    return compact == "" or compact in {word.lower() for word in skip_words}


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text)).lower()


# --- choices -------------------------------------------------------------------------------------------------------

_LIST_SEPARATORS = re.compile(r"[,;/\n]|和|及|与|还有|以及")


def match_choice(text: str, choices: tuple[Choice, ...] | list[Choice]) -> str:
    """The value of the option ``text`` means: its value, label or an alias, exactly, or else the only option
    one of whose aliases occurs in ``text`` (``我妈`` → family, ``我们领导`` → employer). Raises ``AnswerError``."""
    wanted = _compact(text)
    if not wanted:
        raise AnswerError("empty")
    for choice in choices:
        names = {choice.value, choice.label.zh, choice.label.en, *choice.aliases}
        if choice.short is not None:
            names |= {choice.short.zh, choice.short.en}
        if wanted in {_compact(name) for name in names}:
            return choice.value
    wanted = re.sub(r"^(我们的|我们|我的|我)(?=.)", "", wanted)  # 我妈 → 妈, 我们领导 → 领导
    found: dict[str, int] = {}
    for choice in choices:
        for alias in choice.aliases:
            alias_text = _compact(alias)
            if alias_text and alias_text in wanted:
                found[choice.value] = max(found.get(choice.value, 0), len(alias_text))
    if found:
        longest = max(found.values())
        best = [value for value, length in found.items() if length == longest]
        if len(best) == 1:
            return best[0]
        raise AnswerError("ambiguous_choice")
    raise AnswerError("unknown_choice")


def match_choices(text: str, choices: tuple[Choice, ...] | list[Choice]) -> list[str]:
    """Several options in one answer, separated by 、，, 和 … (``妈妈、领导和同事`` → family, employer, colleague);
    each value once, in the order of the options."""
    parts = [part for part in _LIST_SEPARATORS.split(normalise(text)) if part.strip()]
    if not parts:
        raise AnswerError("empty")
    values = {match_choice(part, choices) for part in parts}
    return [choice.value for choice in choices if choice.value in values]


_YES = {"是", "是的", "对", "有", "要", "好", "还有", "y", "yes", "1", "true"}
_NO = {"否", "不", "不是", "没有", "无", "不要", "没了", "没", "n", "no", "0", "false"}


def parse_yes_no(text: str) -> bool:
    compact = _compact(text)
    if compact in _YES:
        return True
    if compact in _NO:
        return False
    raise AnswerError("not_yes_no")


# --- numbers -------------------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+")


def parse_number(text: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number written plainly or in words: ``20``, ``20个``, ``大概二十人``, ``约 20``."""
    compact = chinese_numerals_to_digits(_compact(text))
    numbers = _NUMBER.findall(compact)
    if len(numbers) != 1:
        raise AnswerError("not_a_number")
    value = int(numbers[0])
    if minimum is not None and value < minimum:
        raise AnswerError("number_too_small", minimum=minimum)
    if maximum is not None and value > maximum:
        raise AnswerError("number_too_large", maximum=maximum)
    return value


# --- text, phones, provinces -----------------------------------------------------------------------------------------


def parse_text(text: str, max_length: int = 200) -> str:
    value = text.strip()
    if not value:
        raise AnswerError("empty")
    if "\n" in value and max_length <= 200:
        raise AnswerError("one_line")
    if len(value) > max_length:
        raise AnswerError("too_long", max_length=max_length)
    return value


_PHONE: TypeAdapter[str] = TypeAdapter(Phone)
_PROVINCE: TypeAdapter[str] = TypeAdapter(Province)


def parse_phone(text: str) -> str:
    """A phone number through jubao's own ``Phone`` type (normalised: ``+8613800000123``, ``95188``)."""
    try:
        return _PHONE.validate_python(normalise(text))
    except ValidationError:
        raise AnswerError("not_a_phone") from None


_PHONE_LIST_SEPARATORS = re.compile(r"[,;\n]|和|及|还有")


def parse_phone_list(text: str) -> list[str]:
    """Numbers separated by commas, 、 or 和; a part that is no number as a whole may be several numbers separated by
    spaces (``170 0000 0456 170 0000 0457`` is two). Each number once, in the order given."""
    numbers: list[str] = []
    for part in _PHONE_LIST_SEPARATORS.split(normalise(text)):
        if not part.strip():
            continue
        numbers += [number for number in _numbers_in(part.split()) if number not in numbers]
    if not numbers:
        raise AnswerError("empty")
    return numbers


def _numbers_in(pieces: list[str]) -> list[str]:
    """Numbers written with spaces inside and between them: from the left, the longest run of pieces that is a
    number (``170 0000 0456 170 0000 0457`` → two numbers)."""
    found: list[str] = []
    start = 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            try:
                found.append(parse_phone(" ".join(pieces[start:end])))
            except AnswerError:
                continue
            start = end
            break
        else:
            raise AnswerError("not_a_phone")
    return found


def parse_province(text: str) -> str:
    """A mainland province-level division through jubao's ``Province`` type (``广东`` → ``广东省``)."""
    try:
        return _PROVINCE.validate_python(normalise(text))
    except ValidationError:
        raise AnswerError("not_a_province") from None


# --- files ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file as recorded now: where it is (relative to the case file when it can be) and its SHA-256."""

    path: str
    sha256: str
    name: str


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read as ``jubao documents`` reads evidence (``jubao.evidence.sha256_file``): a regular
    file of bounded size only. A FIFO, device, endless pseudo-file or too large a file is an ``OSError`` (callers
    say the file cannot be read), never a read that waits or goes on for ever."""
    from jubao.bounded import TooLargeError  # noqa: PLC0415 - only when a file is fingerprinted
    from jubao.evidence import sha256_file  # noqa: PLC0415

    try:
        return sha256_file(path)
    except TooLargeError as error:
        raise OSError(errno.EFBIG, "file too large to fingerprint", str(path)) from error


def parse_file(text: str, *, cwd: Path, case_dir: Path) -> EvidenceFile:
    """An existing file (a path typed, or dragged into the terminal: quotes and ``\\ `` escapes are undone), with
    its SHA-256 computed now. Stored relative to the case file's folder when it lies under it, else absolute."""
    raw = text.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        raw = raw[1:-1]
    raw = raw.replace("\\ ", " ")
    if not raw:
        raise AnswerError("empty")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = cwd / path
    if not path.exists():
        raise AnswerError("no_such_file")
    if not path.is_file():
        raise AnswerError("not_a_file")
    try:
        digest = sha256_of(path)
    except OSError:
        raise AnswerError("file_unreadable") from None
    resolved = path.resolve()
    try:
        stored = resolved.relative_to(case_dir.resolve()).as_posix()
    except ValueError:
        stored = str(resolved)
    return EvidenceFile(path=stored, sha256=digest, name=path.name)


# --- dates and times -----------------------------------------------------------------------------------------------

PERIOD_HOURS: dict[str, int] = {
    "凌晨": 3,
    "清晨": 7,
    "早上": 8,
    "早晨": 8,
    "上午": 10,
    "中午": 12,
    "下午": 15,
    "傍晚": 18,
    "晚上": 20,
    "晚间": 20,
    "夜里": 23,
    "夜间": 23,
    "半夜": 23,
    "深夜": 23,
}
"""The hour a period word alone stands for (``11月16日 晚上`` → 20:00)."""

NO_TIME = time(12, 0)
"""The time recorded when only a date is given (see the module docstring)."""

_AFTERNOON = {"下午", "傍晚", "晚上", "晚间", "夜里", "夜间"}
_LATE_NIGHT = {"半夜", "深夜"}
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "昨晚": 1, "前天": 2, "今晚": 0}
_FILLER = re.compile(r"大概|大约|约|左右|前后|的时候|时候|的|在|那天|号码|期间|,|\s")
_DATE = re.compile(r"(?:(?P<year>\d{4}|\d{2})\s*[年./-]\s*)?(?P<month>\d{1,2})\s*[月./-]\s*(?P<day>\d{1,2})\s*[日号]?")
_CLOCK = re.compile(r"(?P<hour>\d{1,2})\s*:\s*(?P<minute>\d{2})(?:\s*:\s*\d{2})?")
_HOUR = re.compile(r"(?P<hour>\d{1,2})\s*[点时](?:\s*(?P<minute>\d{1,2})\s*分?|(?P<half>半)|(?P<quarter>一刻|1刻))?")


@dataclass(frozen=True)
class When:
    """A parsed moment (Beijing time, naive) and whether the time of day was given or is the ``NO_TIME`` guess."""

    moment: datetime
    time_given: bool

    def text(self) -> str:
        """As the case file writes it: ``2026-11-16 21:30``."""
        return self.moment.strftime("%Y-%m-%d %H:%M")


def parse_datetime(text: str, today: date) -> When:
    """A date and time of day as people write them (see the module docstring). Raises ``AnswerError``."""
    rest = re.sub(r"(?<=\d)T(?=\d)", " ", chinese_numerals_to_digits(normalise(text)))  # ISO 2026-11-16T21:30
    if not rest:
        raise AnswerError("empty")
    day, rest = _take_date(rest, today)
    period = next((word for word in sorted(PERIOD_HOURS, key=len, reverse=True) if word in rest), None)
    if "今晚" in text or "昨晚" in text:
        period = period or "晚上"
    if period:
        rest = rest.replace(period, " ")
    clock, rest = _take_clock(rest, period)
    if _FILLER.sub("", rest):
        raise AnswerError("not_a_date")
    if clock is None:
        clock = time(PERIOD_HOURS[period], 0) if period else NO_TIME
        given = period is not None
    else:
        given = True
    moment = datetime.combine(day, clock)
    if moment.date() > today:
        raise AnswerError("date_in_future")
    return When(moment=moment, time_given=given)


def _take_date(text: str, today: date) -> tuple[date, str]:
    for word, back in _RELATIVE_DAYS.items():
        if word in text:
            return today - timedelta(days=back), text.replace(word, " ")
    match = _DATE.search(text)
    if match is None:
        iso = re.match(r"\s*(\d{4})(\d{2})(\d{2})\b", text)  # 20261116
        if iso is None:
            raise AnswerError("not_a_date")
        year, month, day_number = (int(group) for group in iso.groups())
        return _checked_date(year, month, day_number), text[iso.end() :]
    month, day_number = int(match["month"]), int(match["day"])
    if match["year"] is not None:
        year = int(match["year"])
        year += 2000 if year < 100 else 0
        day = _checked_date(year, month, day_number)
    else:
        day = _checked_date(today.year, month, day_number)
        if day > today:
            day = _checked_date(today.year - 1, month, day_number)
    return day, text[: match.start()] + " " + text[match.end() :]


def _checked_date(year: int, month: int, day: int) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise AnswerError("not_a_date") from None
    if value < EARLIEST_DATE:
        raise AnswerError("date_too_early")
    return value


def _take_clock(text: str, period: str | None) -> tuple[time | None, str]:
    match = _CLOCK.search(text) or _HOUR.search(text)
    if match is None:
        return None, text
    hour = int(match["hour"])
    groups: dict[str, Any] = match.groupdict()
    minute = int(groups.get("minute") or 0)
    if groups.get("half"):
        minute = 30
    elif groups.get("quarter"):
        minute = 15
    if (period in _AFTERNOON | _LATE_NIGHT and hour == 12) or (hour == 24 and minute == 0):
        hour, minute = 23, 59  # 晚上12点 / 24点: the midnight that ends the day named
    elif (period in _AFTERNOON and hour < 12) or (period == "中午" and hour < 6):
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise AnswerError("not_a_time")
    return time(hour, minute), text[: match.start()] + " " + text[match.end() :]
