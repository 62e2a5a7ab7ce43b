"""Closed vocabularies of the case format.

Each vocabulary is a ``StrEnum`` so that a case file names values in stable snake_case English (tools and
later rules depend on them) while people read them in Chinese or English through ``jubao.i18n``
(``vocab.<EnumName>.<value>`` keys). Adding a member is a format change: document it in
docs/case-format.md and give it labels in both locale files (a test checks both).
"""

from __future__ import annotations

from enum import StrEnum


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
