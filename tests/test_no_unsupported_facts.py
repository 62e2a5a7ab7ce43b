"""No sentence asserts a fact the case does not hold (issue 11, item 2): a property test over generated cases.

Two thousand random fictional cases (``jubao.generate``: borrowers and contacts who report, guarantors, debt
buyers and platforms, consent yes / no / unknown, no contact reached or thirty, employers on a landline, notes in
the first person, conduct in 2025, in 2026 or in episodes months apart …) are evaluated and drafted for every
routed channel, plus the shared 证据清单. Every document is then checked against ``phrases()``: a table of
fact-bearing phrases, each a pattern, the condition on the case under which a filing may say it, why, and an
example the pattern must match. Dates of the law come from the statute library, the time bar from the police
channel's data.

How a document is read:

* guides (``purpose == "guide"``) are not checked: they hold the channel's data and the advice moved out of the
  filings, not statements about the case;
* 【待补充：…】 blanks are taken out first: a blank asserts nothing;
* text in quotation marks (“…”) is taken out: a quoted statute or a quoted account (报告人陈述：“…”) is not the
  filing's own assertion (the rows about quoting and about contacts' data, ``CasePhrase``, read the whole text);
* a pattern matches within one sentence (。；and line breaks end a sentence).

A failure names the phrase, the channel and document, how many documents said it, and the seed of the first case
that shows it: ``random_case_data(random.Random(seed))`` rebuilds that case alone.
"""

from __future__ import annotations

import calendar
import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

import phonenumbers
import pytest

from jubao import Case, Engine, PluginSet, drafting_context, load_case
from jubao.drafting import render_core_template, trim_note, zh_phone
from jubao.evaluation import Evaluation
from jubao.evidence import fingerprint
from jubao.generate import random_case_data
from jubao.plugins import build_documents
from jubao.statutes import bundled_statutes
from jubao.types import CASE_TIMEZONE
from jubao.vocabulary import Behaviour, ConsentAnswer, CreditorRole, LenderKind, Medium, ReporterRole, TargetKind
from tests.conftest import EXAMPLES

CASES = 2_000
SEED = 11_000_000
"""Case n is ``random_case_data(random.Random(SEED + n))``."""
QUICK_CASES = 300
"""Cases 0..299 in every test run; the rest (300..1,999) in the ``slow`` run, which CI runs once (50 s of CPU)."""
TODAY = date(2026, 11, 25)
"""Every generated date is on or before 2026-11-12 (``jubao.generate.LATEST``)."""
EVIDENCE_LIST = "证据清单"
"""The channel name failures use for the shared evidence list."""
NAMING_CHANNELS = frozenset({"police", "court_civil"})
"""Where contacts' names and numbers may appear (docs/documents.md, 隐私): the police and the courts. A contact's
own version (a document id ``contact_<n>…``) may hold that contact's data too."""


def _first_day(provision_id: str) -> datetime:
    """When the newest version of a provision took effect (its issue date if it gives no other), in case time."""
    version = bundled_statutes().provision(provision_id).versions[-1]
    day = version.effective_from or version.version
    assert day is not None, provision_id
    return datetime(day.year, day.month, day.day, tzinfo=CASE_TIMEZONE)


REVISION_DAY = _first_day("public_order.no_contact_order")
"""The revised 治安管理处罚法 (2026-01-01): 禁止接触 and the 2025-revision article numbers apply from this day."""
GUIDELINE_DAY = _first_day("cba_collection_guideline.third_parties")
"""中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》: issued 2026-01-30, not cited for conduct before."""
NFRA_KINDS = frozenset({LenderKind.BANK, LenderKind.CONSUMER_FINANCE, LenderKind.AUTO_FINANCE})
"""Institutions the 银行业保险业消费投诉处理管理办法 (银保监会令2020年第3号) covers, of the kinds a case can name."""
LOCAL_KINDS = frozenset(
    {LenderKind.MICROLOAN, LenderKind.ONLINE_MICROLOAN, LenderKind.FINANCING_GUARANTEE, LenderKind.PRIVATE_INDIVIDUAL,
     LenderKind.UNLICENSED}
)  # fmt: skip
"""Kinds that order certainly does not cover (a platform counts by its funder)."""
LICENSED_KINDS = frozenset(
    {LenderKind.BANK, LenderKind.CONSUMER_FINANCE, LenderKind.AUTO_FINANCE, LenderKind.MICROLOAN,
     LenderKind.ONLINE_MICROLOAN, LenderKind.FINANCING_GUARANTEE}
)  # fmt: skip
SUCCESSORS = frozenset({CreditorRole.GUARANTOR, CreditorRole.DEBT_BUYER})
"""Collecting parties that never lent the money (代偿后追偿, 债权受让)."""
REMOTE = frozenset({Medium.CALL, Medium.SMS, Medium.WECHAT, Medium.QQ, Medium.APP_PUSH, Medium.GROUP_CHAT,
                    Medium.SOCIAL_POST})  # fmt: skip
SENTENCE_END = "。；;\n"
_QUOTED = re.compile(r"“[^“”]*”")
_BLANK = re.compile(r"【[^【】]*】")


# --- what a case holds -------------------------------------------------------------------------------------------


@dataclass
class Facts:
    """What one case holds, computed from the case (and the rules' evaluation) — never from a template."""

    seed: int
    case: Case
    evaluation: Evaluation

    @cached_property
    def third_party_reached(self) -> bool:
        """Someone other than the borrower was reached: a contact listed as reached, or an incident that reached a
        contact (the reporting contact too) or a group."""
        targets = (i.target.kind is not TargetKind.BORROWER for i in self.case.incidents)
        return bool(self.case.contacts.reached) or any(targets)

    @property
    def consent(self) -> ConsentAnswer:
        return self.case.debt.contact_list_consent

    @property
    def harvested(self) -> bool:
        return self.case.contacts.harvested_list_size is not None

    @property
    def role(self) -> CreditorRole:
        return self.case.lender.creditor_role

    @cached_property
    def total_acts(self) -> int:
        return sum(i.count for i in self.case.incidents)

    @cached_property
    def conduct(self) -> list[datetime]:
        """Every moment of conduct: starts and ends."""
        return [m for i in self.case.incidents for m in (i.time, i.until) if m is not None]

    def conduct_from(self, day: datetime) -> bool:
        return any(moment >= day for moment in self.conduct)

    def conduct_before(self, day: datetime) -> bool:
        return any(moment < day for moment in self.conduct)

    @cached_property
    def landline_contact_ids(self) -> set[str]:
        return {c.id for c in self.case.contacts.reached if c.phone and _is_landline(c.phone)}

    @cached_property
    def third_parties_only_on_landlines(self) -> bool:
        """Every third party reached is a listed contact whose number is a landline (an employer's switchboard)."""
        targets = [i.target for i in self.case.incidents if i.target.kind is not TargetKind.BORROWER]
        listed = {c.id for c in self.case.contacts.reached}
        return bool(listed) and listed == self.landline_contact_ids and all(t.contact in listed for t in targets)

    @property
    def reporter_on_landline(self) -> bool:
        phone = self.case.reporter.phone
        return phone is not None and _is_landline(phone)

    @cached_property
    def reporter_is_guarantor(self) -> bool:
        """A reporting contact whom the case marks as a guarantor of the loan."""
        if self.case.reporter.role is ReporterRole.BORROWER:
            return False
        return any(i.target.guarantor for i in self.case.incidents if i.target.kind is TargetKind.CONTACT)

    @cached_property
    def emergency_contact(self) -> bool:
        return any(c.emergency_contact for c in self.case.contacts.reached) or any(
            i.target.emergency_contact for i in self.case.incidents
        )

    @cached_property
    def employer_told(self) -> bool:
        contacts = {c.id: c for c in self.case.contacts.reached}
        for incident in self.case.incidents:
            target = incident.target
            relation = contacts[target.contact].relation if target.contact else target.relation
            if relation == "employer" and Behaviour.DEBT_DISCLOSURE in incident.behaviours:
                return True
        return False

    def replies(self, *, received: bool) -> bool:
        """Whether some earlier complaint (to a channel or a carrier) has, or has not, had a reply."""
        answers = [p.reply_received for p in self.case.prior_complaints]
        answers += [c.reply_received for c in self.case.carrier_complaints]
        return received in answers

    @cached_property
    def nfra_respondent(self) -> bool | None:
        """Whether the institution complained of is covered by 银保监会令2020年第3号 (None: cannot tell)."""
        lender = self.case.lender
        funder = lender.funding_institution
        if lender.kind is LenderKind.LOAN_PLATFORM and funder is not None:
            return True if funder.kind in NFRA_KINDS else None
        if lender.kind in NFRA_KINDS:
            return True
        return False if lender.kind in LOCAL_KINDS or lender.kind is LenderKind.LOAN_PLATFORM else None

    @property
    def credit_card(self) -> bool:
        name = self.case.lender.name or ""
        return self.case.lender.kind is LenderKind.BANK and "信用卡" in name

    def within_public_order_limitation(self, months: int) -> bool:
        """Whether ``TODAY`` is within ``months`` of the end of the conduct (the day, or the month's last day)."""
        last = max(self.conduct).astimezone(CASE_TIMEZONE).date()
        month = last.month - 1 + months
        year, month = last.year + month // 12, month % 12 + 1
        limit = date(year, month, min(last.day, calendar.monthrange(year, month)[1]))
        # Reported to the police within the window, the conduct was discovered in time (公安机关办理行政案件程序规定
        # Art. 154): the limitation no longer bars a penalty.
        told = (p.filed_on for p in self.case.prior_complaints if p.channel == "police" and p.filed_on <= TODAY)
        return limit >= TODAY or any(day <= limit for day in told)

    @cached_property
    def contact_secrets(self) -> dict[int, list[str]]:
        """Contact n (from 1) → their name and every usual spelling of their number."""
        secrets: dict[int, list[str]] = {}
        for n, contact in enumerate(self.case.contacts.reached, start=1):
            found = [contact.name] if contact.name else []
            if contact.phone:
                found += _spellings(contact.phone)
            if found:
                secrets[n] = found
        return secrets

    @cached_property
    def first_person_notes(self) -> list[str]:
        """The reporter's notes written in the first person, as a document would carry them (closing stop dropped)."""
        return [trim_note(i.note) for i in self.case.incidents if i.note and "我" in i.note]


def _is_landline(number: str) -> bool:
    if not number.startswith("+"):
        return False
    kind = phonenumbers.number_type(phonenumbers.parse(number))
    return kind == phonenumbers.PhoneNumberType.FIXED_LINE


def _spellings(number: str) -> list[str]:
    """010 5555 0110, 01055550110, +861055550110 (and 139 0000 0001, 13900000001 …)."""
    national = zh_phone(number)
    return list(dict.fromkeys([national, national.replace(" ", ""), number]))


# --- what a document says --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drafted:
    channel: str
    id: str
    purpose: str
    text: str

    @cached_property
    def plain(self) -> str:
        """The text without blanks."""
        return _BLANK.sub("", self.text)

    @cached_property
    def assertions(self) -> str:
        """The text without blanks and without anything in quotation marks (innermost first)."""
        text, previous = self.plain, None
        while text != previous:
            previous, text = text, _QUOTED.sub("“…”", text)
        return text

    @cached_property
    def first_person(self) -> bool:
        """Written in the reporter's own voice (本人…, 我…) rather than about a party (投诉人系…, 原告认为…): a note
        in the first person may stand bare there."""
        return not re.search(rf"{THIRD_PERSON}(系|是|认为|已于|不是|与)", self.assertions)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in SENTENCE_END) + 1
    rights = [i for i in (text.find(mark, end) for mark in SENTENCE_END) if i >= 0]
    return text[left : min(rights, default=len(text))].strip()


# --- the table ---------------------------------------------------------------------------------------------------

Allowed = Callable[[Facts, Drafted, str], bool]
"""(what the case holds, the document, the sentence that says it) → whether the document may say it."""


@dataclass(frozen=True)
class Phrase:
    id: str
    pattern: str
    allowed: Allowed
    reason: str
    example: str
    """A sentence the pattern must match (so that a typo in a pattern cannot silence a row)."""
    purposes: tuple[str, ...] = ("filing", "aid")

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    def findings(self, facts: Facts, doc: Drafted) -> Iterable[str]:
        text = doc.assertions
        for match in self.regex.finditer(text):
            sentence = _sentence(text, match.start(), match.end())
            if not self.allowed(facts, doc, sentence):
                yield sentence


@dataclass(frozen=True)
class CasePhrase:
    """A phrase that depends on the case (a contact's name, the reporter's own note): ``find`` yields the
    offending excerpts of a document."""

    id: str
    find: Callable[[Facts, Drafted], Iterable[str]]
    reason: str
    purposes: tuple[str, ...] = ("filing", "aid")

    def findings(self, facts: Facts, doc: Drafted) -> Iterable[str]:
        return self.find(facts, doc)


def never(_facts: Facts, _doc: Drafted, _sentence: str) -> bool:
    return False


def _months(plugins: PluginSet) -> int:
    deadline = next(d for d in plugins.channels["police"].deadlines if d.id == "public_order_limitation")
    assert deadline.unit == "months", deadline
    assert deadline.length is not None
    return deadline.length


def _bare_first_person_notes(facts: Facts, doc: Drafted) -> Iterable[str]:
    if doc.first_person:
        return
    for note in facts.first_person_notes:
        for match in re.finditer(re.escape(note[:8]), doc.plain):
            if doc.plain[max(0, match.start() - 1) : match.start()] != "“":
                yield _sentence(doc.plain, match.start(), match.end())


def _contact_data(facts: Facts, doc: Drafted) -> Iterable[str]:
    if doc.channel in NAMING_CHANNELS:
        return
    own = re.match(r"contact_(\d+)", doc.id)
    for n, secrets in facts.contact_secrets.items():
        if own and int(own.group(1)) == n:
            continue
        for secret in secrets:
            index = doc.text.find(secret)
            if index >= 0:
                yield f"{secret}: {_sentence(doc.text, index, index + len(secret))}"


THIRD_PERSON = "(投诉人|请求人|举报人|原告|申请人|投诉举报人|申诉人|控告人|线索提供人|异议申请人)"
ROLE_PARTIES = "(贵机构|被投诉机构|被举报人|被投诉举报人|被投诉人|被申请人|被告|该机构|贵公司)"
FILERS = "(投诉人|请求人|举报人|原告|申请人|投诉举报人|申诉人|控告人|线索提供人|本人|我)"
ATTRIBUTED = re.compile(r"据[^，。；]{0,12}(了解|所述|所知|陈述|告知)")
"""A sentence that gives a statement as the reporter's account (据投诉举报人了解，…) rather than as fact."""


def phrases(limitation_months: int) -> list[Phrase | CasePhrase]:
    """The table. Each row: id, pattern, when a filing may say it, why, and an example the pattern matches."""
    return [
        Phrase(
            "zero_contacts",
            r"(?<!\d)0\s?(名|人|位)(联系人)?",
            never,
            "a count of zero contacts is not a fact to state: leave the clause out",
            "其中联系了借款人通讯录中的0名联系人",
        ),
        Phrase(
            "delete_third_party_data",
            r"删除[^。；;\n]{0,40}(第三人|联系人)[^。；;\n]{0,12}(个人)?信息",
            lambda f, d, s: f.third_party_reached or f.harvested or "delete_contact_data" in f.case.wants,
            "deleting third parties' data is asked only where the case shows it used (third party reached) or held "
            "(harvested-list size) — or the reporter asks for it",
            "停止处理并删除以获取借款人手机通讯录等方式取得的第三人个人信息",
        ),
        Phrase(
            "pipl_13_23_about_third_parties",
            r"个人信息保护法》第(二十|十)三条[^。；;\n]*(联系人|第三人)|(联系人|第三人)[^。；;\n]*个人信息保护法》第(二十|十)三条",
            lambda f, d, s: f.third_party_reached,
            "PIPL Art. 13/23 violations against third parties are claimed only where a third party was reached",
            "依《中华人民共和国个人信息保护法》第十三条，处理联系人的手机号码等个人信息没有合法依据",
        ),
        Phrase(
            "never_authorised_contact_list",
            r"(从未|没有|未曾|并未)[^。；;\n]{0,10}(授权|同意)[^。；;\n]{0,16}(读取|获取|使用)[^。；;\n]{0,8}通讯录"
            r"|未经[^。；;\n]{0,16}同意[^。；;\n]{0,8}(读取|获取)[^。；;\n]{0,8}通讯录",
            lambda f, d, s: f.consent is ConsentAnswer.NO or bool(ATTRIBUTED.search(s)),
            "that the borrower never allowed access to the contact list is stated only when contact_list_consent is no",
            "原告从未授权被告读取手机通讯录",
        ),
        Phrase(
            "never_consented",
            r"(从未|从来没有|从没)[^。；;\n]{0,20}(同意|授权)",
            lambda f, d, s: f.consent is ConsentAnswer.NO or bool(ATTRIBUTED.search(s)),
            "从未…同意 is a fact only the case can give (debt.contact_list_consent: no); otherwise leave it out or "
            "say what is known",
            "投诉人从未同意其处理本人的个人信息",
        ),
        Phrase(
            "holds_the_contact_list",
            r"掌握[^。；;\n]{0,12}通讯录",
            lambda f, d, s: (
                (f.harvested or f.consent is ConsentAnswer.YES) and ("使用" not in s or f.third_party_reached)
            ),
            "reaching contacts does not show the lender holds the contact list (the numbers may come from the loan "
            "application): say it holds the list only with a harvested-list size or consent yes, and that it used it "
            "only where a third party was reached",
            "说明贵机构掌握并使用了请求人的通讯录信息",
        ),
        Phrase(
            "read_the_contact_list",
            r"(以|通过)(读取|获取)[^。；;\n]{0,16}通讯录|(读取|获取)了[^。；;\n]{0,16}通讯录"
            r"|读取[^。；;\n]{0,16}通讯录，并将",
            lambda f, d, s: f.harvested or f.consent is ConsentAnswer.YES or ("等方式" in s and f.third_party_reached),
            "that the App read the contact list is a fact only with consent yes or a harvested-list size ('以读取…等"
            "方式取得' may stand where a third party was reached)",
            "删除其通过读取原告手机通讯录取得的原告通讯录信息",
        ),
        Phrase(
            "lender_wording_for_a_successor",
            rf"出借人[：:]|（出借人）|{ROLE_PARTIES}(系|是|作为)?(该笔借款的)?出借人|{ROLE_PARTIES}的借款人"
            rf"|系{ROLE_PARTIES}借款人|向{ROLE_PARTIES}借款",
            lambda f, d, s: f.role not in SUCCESSORS,
            "a guarantor collecting by recourse, or a debt buyer, never lent the money: it is not the 出借人 (the "
            "lender it paid, or that sold the debt, is), and the borrower is not its 借款人",
            "投诉人系贵机构借款人",
        ),
        Phrase(
            "successor_wording_for_a_lender",
            r"代偿|追偿|债权(受让|转让)|受让[^。；;\n]{0,4}债权",
            lambda f, d, s: f.role in SUCCESSORS,
            "代偿/追偿/受让 describe a guarantor or a debt buyer only",
            "该公司代偿后向原告追偿",
        ),
        Phrase(
            "credit_card_as_loan",
            r"(?<!原)(?<!不是)出借人|借款合同编号|借款本金",
            lambda f, d, s: not f.credit_card or "没有写" in s,
            "a credit card has a 发卡机构 and a 持卡人, not a lender, a loan contract or a principal",
            "借款合同编号：CC-1",
        ),
        Phrase(
            "contacts_mobile_numbers_on_landlines",
            r"联系人[^。；;\n]{0,6}手机号码",
            lambda f, d, s: not f.third_parties_only_on_landlines,
            "an employer reached on a company landline has no 手机号码 in this case",
            "处理联系人的手机号码等个人信息没有合法依据",
        ),
        Phrase(
            "landline_called_a_mobile",
            r"手机号码[：:]?\s?(\+86\s?)?0\d{2,3}[\s-]?\d{4}",
            never,
            "a landline (010 5555 0110) is a 固定电话号码, not a 手机号码",
            "手机号码：010 5555 0199",
        ),
        Phrase(
            "reporters_mobile_number",
            rf"{FILERS}的手机号码|{FILERS}是手机号码",
            lambda f, d, s: not f.reporter_on_landline,
            "a reporter whose number is a work landline has no 手机号码 in this case",
            "删除投诉人的手机号码及其他个人信息",
        ),
        CasePhrase(
            "first_person_note_unquoted",
            _bare_first_person_notes,
            "a note in the reporter's own words ('每天给我妈打电话') stands in a third-person filing only as a "
            "quotation (报告人陈述：“…”)",
        ),
        Phrase(
            "repeated_for_a_single_act",
            r"多次|反复",
            lambda f, d, s: f.total_acts > 1,
            "one act (one incident, count 1) is not 多次 or 反复",
            "被告多次联系原告",
        ),
        Phrase(
            "revised_public_order_law_for_2025_conduct",
            r"治安管理处罚法》（2025 年修订）|新法",
            lambda f, d, s: f.conduct_from(REVISION_DAY),
            "conduct before 2026-01-01 is judged under the 2012 text: no 2025-revision article",
            "《中华人民共和国治安管理处罚法》（2025 年修订）第五十条第二款",
            purposes=("filing",),
        ),
        Phrase(
            "no_contact_order_for_2025_conduct",
            r"禁止接触",
            lambda f, d, s: f.conduct_from(REVISION_DAY),
            "禁止接触 exists only in the revised law (from 2026-01-01): never for conduct all before it",
            "责令被控告人在一定期限内禁止接触控告人",
        ),
        Phrase(
            "old_public_order_law_for_2026_conduct",
            r"治安管理处罚法》（2012 年修正）",
            lambda f, d, s: f.conduct_before(REVISION_DAY),
            "conduct all from 2026-01-01 is judged under the revised law",
            "《中华人民共和国治安管理处罚法》（2012 年修正）第四十二条第（五）项",
        ),
        Phrase(
            "guideline_before_its_issue",
            r"催收工作指引",
            lambda f, d, s: f.conduct_from(GUIDELINE_DAY),
            "a guideline issued on 2026-01-30 is not cited against conduct before it",
            "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》（行业自律规范）要求",
        ),
        Phrase(
            "public_order_penalty_after_the_time_bar",
            r"(给予|请求|依法)[^。；;\n]{0,6}治安管理处罚(?!法)",
            lambda f, d, s: f.within_public_order_limitation(limitation_months),
            f"a 治安 penalty cannot be asked for once {limitation_months} months have passed since the conduct ended "
            "(police channel, public_order_limitation)",
            "依法给予治安管理处罚",
            purposes=("filing",),
        ),
        Phrase(
            "night_contact",
            r"在夜间联系的情形|夜间催收|夜间打来|深夜来电",
            lambda f, d, s: bool(f.evaluation.features.get("night_contact")),
            "contact at night is stated only when the rules found it (night window in force on the conduct date)",
            "其中有在夜间联系的情形",
        ),
        Phrase(
            "employer_told",
            r"向[^。；;\n]{0,8}(工作)?单位透露",
            lambda f, d, s: f.employer_told,
            "only a debt disclosed to a contact with relation employer is a disclosure to the employer",
            "向原告的工作单位透露了原告的欠款信息",
        ),
        Phrase(
            "harvested_list_size",
            r"约\s?\d+\s?条",
            lambda f, d, s: f.harvested,
            "a harvested-list size is stated only when the case gives one",
            "贵机构获取的通讯录共约300条",
        ),
        Phrase(
            "funder",
            r"资金(提供)?方",
            lambda f, d, s: f.case.lender.funding_institution is not None,
            "a funder is named only when the case gives one",
            "资金提供方：示例银行",
        ),
        Phrase(
            "principal",
            r"借款本金|本金人民币",
            lambda f, d, s: f.case.debt.principal is not None,
            "the principal is stated only when the case gives it",
            "借款本金人民币3,000元",
        ),
        Phrase(
            "overdue_days",
            r"逾期约\s?\d+\s?天",
            lambda f, d, s: f.case.debt.overdue_days is not None,
            "days overdue are stated only when the case gives them",
            "催收发生时已逾期约40天",
        ),
        Phrase(
            "disputed",
            r"对(债务|欠款)金额有异议",
            lambda f, d, s: f.case.debt.disputed,
            "a dispute over the amount is stated only when the case says so",
            "投诉人对债务金额有异议",
        ),
        Phrase(
            "earlier_complaint",
            r"已于\d{4}年\d{1,2}月\d{1,2}日[^。；;\n]{0,40}(投诉|反映|举报|报案|申诉|控告)",
            lambda f, d, s: bool(f.case.prior_complaints or f.case.carrier_complaints),
            "an earlier complaint is stated only when the case records one",
            "投诉人已于2026年11月20日向被投诉机构投诉",
        ),
        Phrase(
            "reply_received",
            r"(?<![未没])(已|并于[^。；;\n]{0,12})收到(书面)?答复|已答复",
            lambda f, d, s: f.replies(received=True),
            "a reply is stated only when the case records one",
            "已收到答复：称将规范催收",
        ),
        Phrase(
            "no_reply",
            r"(尚未|至今未|未)收到(书面)?答复|尚未答复",
            lambda f, d, s: f.replies(received=False),
            "that no reply came is stated only for a complaint the case records without a reply",
            "截至本文书提交之日，尚未收到书面答复",
        ),
        Phrase(
            "contact_as_a_financial_consumer",
            r"金融消费投诉|金融消费者",
            lambda f, d, s: (
                f.case.reporter.role is ReporterRole.BORROWER or bool(re.search(r"不是[^。；;\n]{0,8}金融消费", s))
            ),
            "a contact who reports is not a 金融消费者: their 12378 filing is a 举报 (or 信访)",
            "金融消费投诉书",
        ),
        Phrase(
            "nfra_complaint_clock_for_others",
            r"银行业保险业消费投诉处理管理办法",
            lambda f, d, s: f.nfra_respondent is not False,
            "the 15/30/60-day clock of 银保监会令2020年第3号 binds only the institutions it covers (not microloan, "
            "financing-guarantee or unlicensed lenders)",
            "依照《银行业保险业消费投诉处理管理办法》第二十一条的规定",
        ),
        Phrase(
            "banned_debt_collection_for_licensed_lenders",
            r"明令禁止[^。；;\n]{0,12}讨债",
            lambda f, d, s: f.case.lender.kind not in LICENSED_KINDS,
            "collection outsourced by a licensed institution is lawful; only unlicensed 讨债 is banned",
            "实际从事已被明令禁止的讨债（催收）业务",
        ),
        Phrase(
            "emergency_contact",
            r"紧急联系人",
            lambda f, d, s: f.emergency_contact,
            "an emergency contact is mentioned only when the case marks one",
            "借款人曾将原告的号码填写为紧急联系人",
            purposes=("filing",),
        ),
        Phrase(
            "not_a_guarantor",
            r"(不是|也不是|并非)[^。；;\n]{0,16}担保人",
            lambda f, d, s: not f.reporter_is_guarantor,
            "a reporting contact whom the case marks as a guarantor is not 'not a guarantor'",
            "投诉人不是借款人，也不是担保人",
        ),
        Phrase(
            "remote_means",
            r"以电话、短信等方式(侵扰|反复)",
            lambda f, d, s: any(i.medium in REMOTE for i in f.case.incidents),
            "'by phone, SMS' only where something came by phone, SMS or online",
            "以电话、短信等方式反复联系本人",
        ),
        Phrase(
            "posted_online",
            r"(在|通过)(群聊|社交平台)",
            lambda f, d, s: any(
                i.medium in (Medium.GROUP_CHAT, Medium.SOCIAL_POST) or i.target.kind is TargetKind.GROUP
                for i in f.case.incidents
            ),
            "posts in group chats or on social media are stated only when the case records some",
            "删除其在群聊、社交平台等处发布的内容",
        ),
        Phrase(
            "ongoing",
            r"近期仍在发生",
            lambda f, d, s: f.evaluation.classification.ongoing,
            "'still going on' only when the rules found the harassment ongoing",
            "侵权行为近期仍在发生",
        ),
        Phrase(
            "acting_for",
            r"自称(代表|受)",
            lambda f, d, s: any(c.acting_for for c in f.case.collectors),
            "whom the collectors claimed to act for is stated only when the case records it",
            "催收人员自称代表示例借",
        ),
        Phrase(
            "no_lending_licence",
            r"没有(取得)?放贷(业务的经营许可|资质)",
            lambda f, d, s: (
                f.case.lender.kind is LenderKind.UNLICENSED
                or f.evaluation.classification.licence_status.value == "unlicensed"
            ),
            "that the lender has no licence is stated only when the case or the rules say so",
            "被投诉举报人没有放贷业务的经营许可",
        ),
        Phrase(
            "fingerprint_since_collection",
            r"自(收集|取得|采集)[^。；;\n]{0,8}(起|以来|后)[^。；;\n]{0,8}未(被)?(改动|修改|篡改)",
            never,
            "a SHA-256 shows a file unchanged since its fingerprint was recorded, not since it was collected",
            "说明该电子文件自收集之时起未被改动",
        ),
        CasePhrase(
            "contact_named_outside_police_and_court",
            _contact_data,
            "contacts' names and numbers appear only in documents for the police and the courts and in the "
            "contact's own version (docs/documents.md, 隐私) — also inside evidence, notes and replies",
        ),
    ]


# --- drafting ----------------------------------------------------------------------------------------------------


@dataclass
class Hit:
    """A phrase one document of some cases said: how often, and the first case and sentence."""

    seed: int
    excerpt: str
    count: int = 0


@dataclass
class Findings:
    """(phrase, channel, document) → its ``Hit``; channel → the first case it failed to draft."""

    found: dict[tuple[str, str, str], Hit] = field(default_factory=dict)
    errors: dict[str, tuple[int, str]] = field(default_factory=dict)

    def add(self, key: tuple[str, str, str], seed: int, excerpt: str) -> None:
        self.found.setdefault(key, Hit(seed, excerpt)).count += 1

    def report(self, table: list[Phrase | CasePhrase]) -> str:
        reasons = {row.id: row.reason for row in table}
        lines = []
        for (row, channel, document), hit in sorted(self.found.items()):
            lines.append(f"[{row}] {channel}/{document}: {hit.count} document(s); first: case seed {hit.seed}")
            lines.append(f"    says: {hit.excerpt[:300]}")
            lines.append(f"    why not: {reasons[row]}")
        for channel, (seed, error) in sorted(self.errors.items()):
            lines.append(f"[draft_error] {channel}: case seed {seed}: {error}")
        return "\n".join(lines)


def draft(plugins: PluginSet, case: Case, evaluation: Evaluation, errors: dict[str, str]) -> list[Drafted]:
    """Every routed channel's documents, and the shared evidence list, as text (no file is written). A channel
    that fails to draft a valid case is recorded in ``errors`` (channel → error)."""
    drafted = []
    for route in evaluation.routes:
        try:
            documents = build_documents(plugins, route.channel, case, evaluation)
        except Exception as error:  # a template that crashes on a valid case is a finding too
            errors[route.channel] = f"{type(error).__name__}: {str(error)[:300]}"
            continue
        drafted += [Drafted(route.channel, d.id, d.purpose, d.text()) for d in documents]
    evidence = render_core_template(
        "evidence_list",
        drafting_context(plugins, None, case, evaluation),
        document_id="evidence_list",
        fingerprints={p.id: p for p in fingerprint(case, Path())},
    )
    drafted.append(Drafted(EVIDENCE_LIST, "evidence_list", "filing", evidence.text()))
    return drafted


def generated(seed: int) -> Case:
    return Case.model_validate(random_case_data(random.Random(seed)))


def check(facts: Facts, documents: list[Drafted], table: list[Phrase | CasePhrase], findings: Findings) -> None:
    for doc in documents:
        for row in table:
            if doc.purpose not in row.purposes:
                continue
            for excerpt in row.findings(facts, doc):
                findings.add((row.id, doc.channel, doc.id), facts.seed, excerpt)
                break


# --- tests -------------------------------------------------------------------------------------------------------


def test_every_phrase_matches_its_example(plugins: PluginSet) -> None:
    """A pattern that does not match its own example would silently pass every document."""
    for row in phrases(_months(plugins)):
        if isinstance(row, Phrase):
            assert row.regex.search(row.example), row.id


def _crafted(engine: Engine, **changes: object) -> Facts:
    """A guarantor's case: one visit in March 2025, no contact reached, consent unknown, a first-person note."""
    data: dict[str, object] = {
        "reporter": {"role": "borrower", "name": "测试人", "phone": "138 0000 0001", "region": {"province": "广东省"}},
        "lender": {"name": "示例融资担保有限公司", "kind": "financing_guarantee"},
        "incidents": [
            {"time": "2025-03-02T10:00:00+08:00", "medium": "in_person", "target": {"kind": "borrower"},
             "note": "每天给我妈打电话。"}
        ],
    }  # fmt: skip
    data.update(changes)
    case = Case.model_validate(data)
    return Facts(SEED, case, engine.evaluate(case, today=TODAY))


def test_the_table_catches_what_the_issue_found(plugins: PluginSet, engine: Engine) -> None:
    """The defects issue 11 lists, written into a document of a case that does not hold them, are found."""
    facts = _crafted(engine)
    text = (
        "联系了借款人通讯录中的0名联系人。请删除以获取借款人手机通讯录等方式取得的第三人个人信息。"
        "说明贵机构掌握并使用了请求人的通讯录信息。投诉人从未同意读取通讯录。投诉人系贵机构借款人。"
        "依《中华人民共和国个人信息保护法》第十三条，处理联系人的手机号码等个人信息没有合法依据。"
        "内容：每天给我妈打电话。被告多次上门。请依法给予治安管理处罚，责令禁止接触。"
    )
    table = phrases(_months(plugins))
    findings = Findings()
    check(facts, [Drafted("lender_complaint", "complaint", "filing", text)], table, findings)
    found = {row for row, _channel, _document in findings.found}
    assert found == {
        "zero_contacts", "delete_third_party_data", "holds_the_contact_list", "never_consented",
        "never_authorised_contact_list", "lender_wording_for_a_successor", "pipl_13_23_about_third_parties",
        "first_person_note_unquoted", "repeated_for_a_single_act", "public_order_penalty_after_the_time_bar",
        "no_contact_order_for_2025_conduct", "read_the_contact_list",
    }, findings.report(table)  # fmt: skip
    quoted = Drafted("lender_complaint", "complaint", "filing", "投诉人系借款人。报告人陈述：“每天给我妈打电话”。")
    assert not list(_bare_first_person_notes(facts, quoted))


def test_the_table_catches_a_contact_named_outside_police_and_court(engine: Engine) -> None:
    boss = {"id": "boss", "relation": "employer", "name": "赵人事", "phone": "010 5555 0110"}
    facts = _crafted(engine, contacts={"reached": [boss]})
    for text in ("证据：赵人事的书面说明", "电话 01055550110", "电话 +861055550110", "电话 010 5555 0110"):
        assert list(_contact_data(facts, Drafted("lender_complaint", "complaint", "filing", text))), text
        assert not list(_contact_data(facts, Drafted("police", "complaint", "filing", text)))
        assert not list(_contact_data(facts, Drafted("miit_12321", "contact_1_report", "filing", text)))
    assert not list(_contact_data(facts, Drafted("lender_complaint", "complaint", "filing", "联系人1的书面说明")))


@pytest.mark.parametrize(
    ("first", "last"),
    [(0, QUICK_CASES), pytest.param(QUICK_CASES, CASES, marks=pytest.mark.slow)],
    ids=["quick", "the-rest"],
)
def test_no_sentence_asserts_a_fact_the_case_does_not_hold(
    plugins: PluginSet, engine: Engine, first: int, last: int
) -> None:
    """The property (issue 11, item 2) over ``CASES`` generated cases: every routed channel's documents and the
    证据清单, checked against ``phrases``. Drafting only builds Document objects (no file format is written); one
    plugin set and one engine serve every case."""
    table = phrases(_months(plugins))
    findings = Findings()
    started = time.process_time()
    for n in range(first, last):
        seed = SEED + n
        case = generated(seed)
        evaluation = engine.evaluate(case, today=TODAY)
        errors: dict[str, str] = {}
        documents = draft(plugins, case, evaluation, errors)
        for channel, error in errors.items():
            findings.errors.setdefault(channel, (seed, error))
        check(Facts(seed, case, evaluation), documents, table, findings)
    elapsed = time.process_time() - started
    if findings.found or findings.errors:
        count = len(findings.found) + len(findings.errors)
        pytest.fail(f"{count} finding(s) over {last - first} cases ({elapsed:.0f} s CPU):\n{findings.report(table)}")


def test_the_evidence_list_says_unchanged_since_the_fingerprint_was_recorded(
    plugins: PluginSet, engine: Engine
) -> None:
    """Item 9: a SHA-256 shows a file unchanged since its fingerprint was recorded — not since it was collected."""
    case = load_case(EXAMPLES / "credit-card-employer.yaml")
    evaluation = engine.evaluate(case, today=TODAY)
    prints = fingerprint(case, EXAMPLES)
    assert prints[0].status == "ok"
    text = render_core_template(
        "evidence_list", drafting_context(plugins, None, case, evaluation), document_id="evidence_list",
        fingerprints={p.id: p for p in prints},
    ).text()  # fmt: skip
    assert "说明该电子文件自记录校验值之时起未被改动" in text
    assert "收集时" not in text
    assert "自收集" not in text
    without_files = render_core_template(
        "evidence_list", drafting_context(plugins, None, case, evaluation), document_id="evidence_list",
        fingerprints={p.id: p for p in fingerprint(case, Path("/nonexistent"))},
    ).text()  # fmt: skip
    assert "自记录校验值之时起" not in without_files  # no file fingerprinted: nothing to compare


@pytest.fixture(scope="module")
def sample(engine: Engine) -> list[Facts]:
    """The first 300 generated cases, evaluated."""
    cases = [(SEED + n, generated(SEED + n)) for n in range(300)]
    return [Facts(seed, case, engine.evaluate(case, today=TODAY)) for seed, case in cases]


@pytest.mark.parametrize("row_id", [r.id for r in phrases(0) if isinstance(r, Phrase)])
def test_the_generated_cases_exercise_every_phrase(row_id: str, plugins: PluginSet, sample: list[Facts]) -> None:
    """Each row forbids its phrase for some generated case: a row no case can trip proves nothing."""
    (row,) = [r for r in phrases(_months(plugins)) if r.id == row_id]
    assert isinstance(row, Phrase)
    doc = Drafted("lender_complaint", "complaint", "filing", row.example)
    assert any(list(row.findings(facts, doc)) for facts in sample), f"no generated case makes {row.id} a finding"
