"""Closed vocabularies of the case format.

Each vocabulary is a ``StrEnum`` so that a case file names values in stable snake_case English (tools and
later rules depend on them) while people read them in Chinese or English through ``jubao.i18n``
(``vocab.<EnumName>.<value>`` keys). Adding a member is a format change: document it in
docs/case-format.md and give it labels in both locale files (a test checks both).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, TypeVar, cast

from jubao.i18n import catalog
from jubao.packaged_yaml import load_packaged_yaml


class ReporterRole(StrEnum):
    """Who is filing: the borrower, or someone from the borrower's contact list."""

    BORROWER = "borrower"
    CONTACT = "contact"


class LenderKind(StrEnum):
    """Lender categories; each maps to a supervising regulator."""

    BANK = "bank"
    CONSUMER_FINANCE = "consumer_finance"
    AUTO_FINANCE = "auto_finance"
    MICROLOAN = "microloan"
    ONLINE_MICROLOAN = "online_microloan"
    FINANCING_GUARANTEE = "financing_guarantee"
    LOAN_PLATFORM = "loan_platform"
    DEBT_BUYER = "debt_buyer"
    PRIVATE_INDIVIDUAL = "private_individual"
    UNLICENSED = "unlicensed"
    UNKNOWN = "unknown"


class CreditorRole(StrEnum):
    """What the collecting party is to the debt: it decides who the respondent is and how filings name the parties.

    A financing guarantor that paid the lender (代偿) collects by right of recourse (追偿): it never lent the money,
    so "出借人/借款人" wording is wrong for it. A debt buyer holds an assigned claim (债权受让). A platform (助贷/导流)
    arranged the loan that a funder made.
    """

    LENDER = "lender"
    GUARANTOR = "guarantor"
    DEBT_BUYER = "debt_buyer"
    PLATFORM = "platform"


class Carrier(StrEnum):
    """A telecom carrier a complaint was made to (before 12300)."""

    CHINA_MOBILE = "china_mobile"
    CHINA_UNICOM = "china_unicom"
    CHINA_TELECOM = "china_telecom"
    CHINA_BROADNET = "china_broadnet"
    OTHER = "other"


class ConsentAnswer(StrEnum):
    """Whether the borrower agreed to contact-list access; "unknown" is a real answer, not a gap."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Medium(StrEnum):
    """How a collector reached someone."""

    CALL = "call"
    SMS = "sms"
    WECHAT = "wechat"
    QQ = "qq"
    APP_PUSH = "app_push"
    GROUP_CHAT = "group_chat"
    SOCIAL_POST = "social_post"
    IN_PERSON = "in_person"
    LETTER = "letter"
    OTHER = "other"


class TargetKind(StrEnum):
    """Who an incident reached: the borrower, one contact, or a group / public audience."""

    BORROWER = "borrower"
    CONTACT = "contact"
    GROUP = "group"


class Relation(StrEnum):
    """A contact's relation to the borrower."""

    FAMILY = "family"
    SPOUSE = "spouse"
    COLLEAGUE = "colleague"
    EMPLOYER = "employer"
    FRIEND = "friend"
    OTHER = "other"


class Behaviour(StrEnum):
    """What the collector did in an incident. Closed so that rules can rely on it."""

    DEBT_DISCLOSURE = "debt_disclosure"
    DEMAND_PAYMENT_FROM_THIRD_PARTY = "demand_payment_from_third_party"
    INSULT = "insult"
    DEFAMATION = "defamation"
    THREAT_VIOLENCE = "threat_violence"
    THREAT_EXPOSURE = "threat_exposure"
    THREAT_CREDIT_REPORT = "threat_credit_report"
    DOCTORED_IMAGES = "doctored_images"
    FAKE_LEGAL_DOCUMENT = "fake_legal_document"
    IMPERSONATING_OFFICIAL = "impersonating_official"
    SEXUAL_HARASSMENT = "sexual_harassment"
    EXCESSIVE_FREQUENCY = "excessive_frequency"
    HOME_OR_WORK_VISIT = "home_or_work_visit"
    STALKING = "stalking"
    RESTRICTING_LIBERTY = "restricting_liberty"
    GROUP_BLAST = "group_blast"
    PERSONAL_DATA_EXPOSURE = "personal_data_exposure"
    EXTORTION = "extortion"


class EvidenceKind(StrEnum):
    """Kinds of evidence a reporter can hold."""

    CALL_LOG = "call_log"
    SMS_SCREENSHOT = "sms_screenshot"
    RECORDING = "recording"
    CHAT_SCREENSHOT = "chat_screenshot"
    WITNESS_STATEMENT = "witness_statement"
    LOAN_CONTRACT = "loan_contract"
    APP_SCREENSHOT = "app_screenshot"
    OTHER = "other"


class Want(StrEnum):
    """What the reporter wants to achieve; documents turn these into requests (诉求)."""

    STOP_CONTACT = "stop_contact"
    STOP_THIRD_PARTY_CONTACT = "stop_third_party_contact"
    DELETE_CONTACT_DATA = "delete_contact_data"
    IDENTIFY_COLLECTOR = "identify_collector"
    WRITTEN_REPLY = "written_reply"
    APOLOGY = "apology"
    COMPENSATION = "compensation"
    PUNISHMENT = "punishment"
    NO_CONTACT_ORDER = "no_contact_order"
    CREDIT_REPORT_CORRECTION = "credit_report_correction"


ALL_VOCABULARIES: tuple[type[StrEnum], ...] = (
    ReporterRole,
    LenderKind,
    CreditorRole,
    Carrier,
    ConsentAnswer,
    Medium,
    TargetKind,
    Relation,
    Behaviour,
    EvidenceKind,
    Want,
)


# --- Words people write for these values (meaning-safe input) ----------------------------------------------------
#
# A case file stores the English values above. People write Chinese: the label of a value (``vocab.<Enum>.<value>``
# in locales/zh.yaml, e.g. 同事, 录音, 电话) or an everyday word for it (网络小贷, 微信, 领导). The words accepted
# besides the labels are data: ``vocabulary_aliases.yaml`` (package data), which documents each decision.
# ``jubao.loading`` uses ``lookup`` to normalise a case before validating it; the interview and other tools can use
# it for a single answer.

ALIASES_FILE = "vocabulary_aliases.yaml"
"""The alias data file, next to this module (package data)."""

E = TypeVar("E", bound=StrEnum)

_IGNORED_IN_WORDS = str.maketrans("", "", " \t\u3000_-")


def word_key(text: str) -> str:
    """How accepted words are compared: Unicode NFKC (full-width ``Ａ``/``（`` become ``A``/``(``), case-folded,
    without spaces, ``_`` and ``-`` — so ``In person``, ``in-person`` and ``IN_PERSON`` are one word."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_IGNORED_IN_WORDS).strip()


class VocabularyDataError(ValueError):
    """``vocabulary_aliases.yaml`` is inconsistent (a word for two values, an unknown vocabulary or value)."""


@cache
def _alias_data() -> dict[str, Any]:
    text = files("jubao").joinpath(ALIASES_FILE).read_text(encoding="utf-8")
    data = load_packaged_yaml(text)
    if not isinstance(data, dict):
        raise VocabularyDataError(f"{ALIASES_FILE}: not a mapping")
    return data


@cache
def unknown_words() -> frozenset[str]:
    """The words (compared with ``word_key``) that mean "not known": 不清楚, 不知道, 未知, 不详, unknown …"""
    return frozenset(word_key(str(word)) for word in _alias_data().get("unknown_words", []))


def is_unknown_word(value: object) -> bool:
    """Whether ``value`` is text that only says "not known" (不清楚, 不知道, 未知, 不详, unknown, n/a …)."""
    return isinstance(value, str) and word_key(value) in unknown_words()


def slip_words(name: str) -> Any:
    """A list or mapping from the ``slips`` section of the alias file (words ``jubao.case_warnings`` looks for)."""
    return _alias_data().get("slips", {}).get(name)


def _label_words(label: str) -> list[str]:
    """A zh label and, when it has a part in brackets, the label without it: 银行（含信用卡） → 银行."""
    words = [label]
    plain = unicodedata.normalize("NFKC", label).split("(")[0].strip()
    if plain and plain != label:
        words.append(plain)
    return words


def _words_of(vocabulary: type[StrEnum]) -> dict[str, list[str]]:
    """Every word accepted for each value of ``vocabulary``, as written (value, zh label, aliases, unknown words)."""
    labels = catalog("zh")
    data = _alias_data().get("aliases", {})
    given = data.get(vocabulary.__name__, {}) or {}
    values = {member.value for member in vocabulary}
    for value in given:
        if str(value) not in values:
            raise VocabularyDataError(f"{ALIASES_FILE}: {vocabulary.__name__} has no value {value!r}")
    words: dict[str, list[str]] = {}
    for member in vocabulary:
        found = [member.value]
        label = labels.get(f"vocab.{vocabulary.__name__}.{member.value}")
        if label:
            found += _label_words(label)
        found += [str(word) for word in given.get(member.value) or []]
        if member.value == "unknown":
            found += list(_alias_data().get("unknown_words", []))
        words[member.value] = [str(word) for word in found]
    return words


def word_conflicts(vocabulary: type[StrEnum]) -> list[str]:
    """Words that would stand for two values of ``vocabulary`` (must be empty; a test checks every vocabulary)."""
    owner: dict[str, str] = {}
    conflicts = []
    for value, words in _words_of(vocabulary).items():
        for word in words:
            key = word_key(word)
            if not key:
                conflicts.append(f"{vocabulary.__name__}.{value}: empty word")
            elif owner.setdefault(key, value) != value:
                conflicts.append(f"{vocabulary.__name__}: {word!r} is a word for {owner[key]} and {value}")
    return conflicts


@cache
def accepted_words(vocabulary: type[StrEnum]) -> Mapping[str, StrEnum]:
    """Every accepted word of ``vocabulary`` (compared with ``word_key``) and the member it stands for."""
    conflicts = word_conflicts(vocabulary)
    if conflicts:
        raise VocabularyDataError("; ".join(conflicts))
    table: dict[str, StrEnum] = {}
    for value, words in _words_of(vocabulary).items():
        for word in words:
            table[word_key(word)] = vocabulary(value)
    return MappingProxyType(table)


def lookup(vocabulary: type[E], text: object) -> E | None:
    """The member of ``vocabulary`` that ``text`` names — its English value in any case, its Chinese label or an
    alias (``lookup(Relation, "领导")`` is ``Relation.EMPLOYER``) — or ``None``. ``True``/``False`` are read as the
    words ``true``/``false`` (so ``contact_list_consent: true`` is ``yes``)."""
    if isinstance(text, bool):
        text = "true" if text else "false"
    if not isinstance(text, str):
        return None
    found = accepted_words(vocabulary).get(word_key(text))
    return cast("E | None", found)


def suggest(vocabulary: type[StrEnum], text: str) -> StrEnum | None:
    """For text that is no accepted word: the one member whose accepted words (of two characters or more) occur in
    it — 我的同事 → ``colleague`` — or ``None`` when none or several do. Only Chinese words are looked for (English
    is compared by spelling elsewhere; ``other`` is in ``mother``). A suggestion, never applied silently."""
    key = word_key(text)
    found = {
        member
        for word, member in accepted_words(vocabulary).items()
        if len(word) >= 2 and not word.isascii() and word in key
    }
    return found.pop() if len(found) == 1 else None
