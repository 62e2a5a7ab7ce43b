"""The court_civil channel's drafting code: the documents it builds (see the package docstring).

Imported the first time one of its documents is drafted, not when the plugin loads
(``TemplateChannel(__name__, build=".drafting:build")``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jubao import (
    CASE_TIMEZONE,
    Behaviour,
    Case,
    CaseView,
    ConsentAnswer,
    Contact,
    CreditorRole,
    Document,
    Drafter,
    DraftingContext,
    LenderKind,
    Medium,
    Relation,
    ReporterRole,
    TargetKind,
    trim_note,
    vocab,
    zh_date,
    zh_phone,
)

FORMATS = ["docx", "md"]  # filings: printable DOCX and a Markdown copy
ONGOING_WITHIN = "policy.ongoing_within_days"
"""The rules parameter: how recent the last incident must be for harassment to count as ongoing."""

# Conduct towards the borrower that intrudes on the peace of private life (民法典 1033(1)), beyond collection
# itself: a court will not order a lender to stop lawful collection, only the harassment.
HARASSMENT_OF_BORROWER = frozenset(
    {
        Behaviour.INSULT,
        Behaviour.DEFAMATION,
        Behaviour.THREAT_VIOLENCE,
        Behaviour.THREAT_EXPOSURE,
        Behaviour.DOCTORED_IMAGES,
        Behaviour.FAKE_LEGAL_DOCUMENT,
        Behaviour.IMPERSONATING_OFFICIAL,
        Behaviour.SEXUAL_HARASSMENT,
        Behaviour.EXCESSIVE_FREQUENCY,
        Behaviour.HOME_OR_WORK_VISIT,
        Behaviour.STALKING,
        Behaviour.EXTORTION,
    }
)
REPUTATION_HARM = frozenset({Behaviour.DEFAMATION, Behaviour.DOCTORED_IMAGES})
# Posts that stay visible until removed: a group chat or social-media post showing images or personal data.
PUBLIC_MEDIA = frozenset({Medium.GROUP_CHAT, Medium.SOCIAL_POST})
PUBLISHED = frozenset({Behaviour.DOCTORED_IMAGES, Behaviour.PERSONAL_DATA_EXPOSURE, Behaviour.DEFAMATION})
# Conduct towards a third party that tells them of the debt (an incident with no behaviour recorded is plain dunning
# of the third party, which tells them too).
DISCLOSURE = frozenset(
    {
        Behaviour.DEBT_DISCLOSURE,
        Behaviour.DEMAND_PAYMENT_FROM_THIRD_PARTY,
        Behaviour.PERSONAL_DATA_EXPOSURE,
        Behaviour.DOCTORED_IMAGES,
        Behaviour.DEFAMATION,
        Behaviour.GROUP_BLAST,
    }
)
LANDLINE = "固定电话号码"
"""``CaseView.phone_kind`` of a fixed line."""
# Sector rules that bar an institution from collecting from third parties unrelated to the debt, by its kind
# (provision id in the statute library, and how the filing names the institution).
CREDIT_CARD_RULE = "credit_card_rules.collection"
SECTOR_RULES = {
    LenderKind.CONSUMER_FINANCE: ("consumer_finance_rules.collection", "消费金融公司"),
    LenderKind.MICROLOAN: ("microloan_rules.collection", "小额贷款公司"),
    LenderKind.ONLINE_MICROLOAN: ("microloan_rules.collection", "小额贷款公司"),
}


@dataclass(frozen=True)
class Party:
    """A natural-person party (plaintiff / applicant) as the complaint's party table lists it."""

    name: str | None
    sex: str | None
    birth: str | None
    id_number: str | None
    address: str | None
    phone: str | None
    relation: str | None  # to the borrower, for a contact
    spouse: bool = False  # the borrower's spouse: the debt may be argued to be a joint marital debt
    phone_word: str = "联系方式"  # 手机号码 / 固定电话号码 / 电话号码 (CaseView.phone_kind), 联系方式 with no number
    company_line: bool = False  # reached on the employer's landline: not a natural person's phone


@dataclass(frozen=True)
class Defendant:
    """An organisation (or unknown operator) sued or named as respondent."""

    role: str  # 出借人 / 发卡机构 / 融资担保公司，追偿权人 / 债权受让人 / 借款 App 运营方 / 资金方 / 催收机构
    name: str | None
    app_name: str | None
    credit_code: str | None
    acting_for: str | None
    numbers: tuple[str, ...]
    address: str | None = None  # 住所, where the case gives it (lender.address)


def build(drafter: Drafter, context: DraftingContext) -> list[Document]:
    view = drafter.view()
    case = context.case
    reporter = _reporter_party(view)
    common = _common(context, view)
    common["company_lines"] = [
        _contact_party(view, c)
        for c in case.contacts.reached
        if c.willing_to_report and case.reporter.role is ReporterRole.BORROWER and view.company_line(c)
    ]
    common["contact_suits"] = case.reporter.role is ReporterRole.BORROWER and any(
        c.willing_to_report and not view.company_line(c) for c in case.contacts.reached
    )
    whole = _scope(view, None)
    version = "borrower" if case.reporter.role is ReporterRole.BORROWER else "contact"
    cause = _cause(version, reporter, common["disclosed"])
    documents = [
        drafter.render(
            "complaint", document_id=f"complaint_{version}", formats=FORMATS, plaintiff=reporter, version=version,
            contact=None, scope=whole, cause=cause, **common,
        )
    ]  # fmt: skip
    if version == "borrower":
        # One complaint per reached contact who is willing to sue, numbered as in contacts.reached (no names).
        for number, contact in enumerate(case.contacts.reached, start=1):
            if not contact.willing_to_report or view.company_line(contact):
                continue  # a staff member reached on the company switchboard: see the note in the borrower's complaint
            scope = _scope(view, contact.id)
            party = _contact_party(view, contact)
            extra = {**common, "ongoing": _recent(context, scope), "cause": _cause("contact", party, False)}
            documents.append(
                drafter.render(
                    "complaint", document_id=f"complaint_contact_{number}", formats=FORMATS,
                    plaintiff=party, version="contact", contact=contact, scope=scope, **extra,
                )
            )  # fmt: skip
    for template in ("preservation_pre_suit", "preservation_in_suit", "personality_injunction"):
        documents.append(
            drafter.render(
                template,
                formats=FORMATS,
                applicant=reporter,
                version=version,
                contact=None,
                scope=whole,
                cause=cause,
                **common,
            )
        )
    return documents


def _cause(version: str, party: Party, disclosed: bool) -> str:
    """The cause of action (案由) the filings name: a contact's own number is their personal information (not a
    company switchboard); the borrower's personal information is at issue once the debt reached third parties."""
    if version == "contact":
        return "隐私权纠纷" if party.company_line else "隐私权纠纷、个人信息保护纠纷"
    return "隐私权纠纷、个人信息保护纠纷" if disclosed else "隐私权纠纷"


def full_stop(text: str) -> str:
    """A quoted provision ends with a full stop inside the quotation marks (quotes are stored without one)."""
    return text if text.endswith(("。", "？", "！")) else f"{text}。"


# --- what the templates need beyond CaseView ------------------------------------------------------------------


def _common(context: DraftingContext, view: CaseView) -> dict[str, Any]:
    case, evaluation = context.case, context.evaluation
    card = case.is_credit_card
    third_party = [i for i in case.incidents if i.target.kind is not TargetKind.BORROWER]
    behaviours = {b for incident in case.incidents for b in incident.behaviours}
    borrower_behaviours = {
        b for incident in case.incidents if incident.target.kind is TargetKind.BORROWER for b in incident.behaviours
    }
    harassment = borrower_behaviours & HARASSMENT_OF_BORROWER
    borrower_night = bool(evaluation.features.get("night_contact_to_borrower"))
    return {
        "full": full_stop,
        "account": account,
        "defendants": _defendants(case, card),
        "terms": view.debt_terms,
        # The debt reached third parties: a contact was told of it or asked to pay (or simply dunned).
        "disclosed": any(not set(i.behaviours) or set(i.behaviours) & DISCLOSURE for i in third_party),
        "people_reached": _people_reached(case),
        # The contact list was read from the borrower's phone: only then is it the borrower's data to have deleted.
        "contact_list_read": case.contacts.harvested_list_size is not None
        or case.debt.contact_list_consent is ConsentAnswer.YES,
        "sector_rule": _sector_rule(context, view, card),
        "ongoing": evaluation.classification.ongoing,
        "borrower_harassed": bool(harassment) or borrower_night,
        "borrower_harassment": [vocab("Behaviour", b) for b in Behaviour if b in harassment],
        # How the borrower's peace was intruded on: the harassment seen, else plain collection — 反复 only when the
        # borrower was reached more than once.
        "intrusion": "、".join(
            [vocab("Behaviour", b) for b in Behaviour if b in harassment] + (["夜间催收"] if borrower_night else [])
        )
        or ("反复催收" if sum(i.count for i in case.incidents if i.target.kind is TargetKind.BORROWER) > 1 else "催收"),
        "borrower_night": borrower_night,
        "reputation_harm": bool(behaviours & REPUTATION_HARM),
        "published": any(i.medium in PUBLIC_MEDIA and set(i.behaviours) & PUBLISHED for i in case.incidents),
        "credit_card": card,
        "employer_told": _employer_told(case),
        "group_reached": any(i.target.kind is TargetKind.GROUP for i in case.incidents),
        "witness_evidence": any(e.kind.value == "witness_statement" for e in case.evidence),
        "reporter_is_guarantor": any(i.target.guarantor for i in case.incidents)
        and case.reporter.role is ReporterRole.CONTACT,
        "reporter_is_emergency_contact": any(i.target.emergency_contact for i in case.incidents)
        and case.reporter.role is ReporterRole.CONTACT,
    }


def _employer_told(case: Case) -> bool:
    """Whether the collectors disclosed the debt to the borrower's employer (a contact with relation employer)."""
    by_id = {c.id: c for c in case.contacts.reached}
    for incident in case.incidents:
        target = incident.target
        if target.kind is not TargetKind.CONTACT or Behaviour.DEBT_DISCLOSURE not in incident.behaviours:
            continue
        contact = by_id.get(target.contact or "")
        relation = contact.relation if contact else target.relation
        if relation is Relation.EMPLOYER:
            return True
    return False


def _recent(context: DraftingContext, scope: dict[str, Any]) -> bool:
    """``ongoing`` for one contact: their own latest incident within the rules' ``policy.ongoing_within_days``."""
    within = context.param(ONGOING_WITHIN)
    if scope["days_since"] is None or within is None:
        return False
    return context.evaluation.classification.ongoing and scope["days_since"] <= int(within)


def _scope(view: CaseView, contact_id: str | None) -> dict[str, Any]:
    """The span, count, media and evidence of all incidents, or of those that reached one contact."""
    case = view.case
    incidents = sorted(
        (i for i in case.incidents if contact_id is None or i.target.contact == contact_id), key=lambda i: i.time
    )
    third_party_media: dict[str, None] = {}
    for incident in incidents:
        if incident.target.kind is not TargetKind.BORROWER:
            label = "上门" if incident.medium is Medium.IN_PERSON else vocab("Medium", incident.medium)
            third_party_media[label] = None
    sources = [zh_phone(i.from_number) if i.from_number else i.from_account for i in incidents]
    last = max(i.until or i.time for i in incidents).astimezone(CASE_TIMEZONE).date() if incidents else None
    cited = {e for i in incidents for e in i.evidence}
    seen = {b for i in incidents for b in i.behaviours}
    today: date = view.evaluation.today
    return {
        "first": zh_date(incidents[0].time) if incidents else "",
        "last": zh_date(last),
        "days_since": max((today - last).days, 0) if last else None,
        "total": sum(i.count for i in incidents),
        "counts": view.media_counts(incidents),
        "media": list(dict.fromkeys(vocab("Medium", i.medium) for i in incidents)),
        "third_party_media": list(third_party_media),
        "sources": list(dict.fromkeys(source for source in sources if source)),
        "behaviours": [vocab("Behaviour", b) for b in Behaviour if b in seen],
        "evidence_ids": None if contact_id is None else [e.id for e in case.evidence if e.id in cited],
    }


def _from_id_number(id_number: str | None) -> tuple[str | None, str | None]:
    """Sex and date of birth as the 18-digit resident ID states them (digits 7–14, and 17: odd = male)."""
    if not id_number or len(id_number) != 18:
        return None, None
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None, None
    sex = "男" if int(id_number[16]) % 2 else "女"
    return sex, zh_date(born)


def _relation(relation: Relation | None) -> str | None:
    """How a contact stands to the borrower, as the party table words it (the borrower's 借款人…的 + this)."""
    if relation is None:
        return None
    if relation is Relation.EMPLOYER:
        return "工作单位（雇主）方人员"
    return vocab("Relation", relation)


def _reporter_party(view: CaseView) -> Party:
    reporter = view.case.reporter
    sex, birth = _from_id_number(reporter.id_number)
    relation = _relation(reporter.relation_to_borrower)
    company_line = reporter.relation_to_borrower is Relation.EMPLOYER and view.phone_kind(reporter.phone) == LANDLINE
    return Party(
        name=reporter.name,
        sex=sex,
        birth=birth,
        id_number=reporter.id_number,
        address=reporter.address,
        phone=zh_phone(reporter.phone) or None,
        relation=relation,
        spouse=reporter.relation_to_borrower is Relation.SPOUSE,
        phone_word=_phone_word(view, reporter.phone),
        company_line=company_line,
    )


def _contact_party(view: CaseView, contact: Contact) -> Party:
    return Party(
        name=contact.name,
        sex=None,
        birth=None,
        id_number=None,
        address=None,
        phone=zh_phone(contact.phone) or None,
        relation=_relation(contact.relation),
        spouse=contact.relation is Relation.SPOUSE,
        phone_word=_phone_word(view, contact.phone),
        company_line=view.company_line(contact),
    )


def _phone_word(view: CaseView, number: str | None) -> str:
    """What the filing calls the party's number: never 手机号码 for a landline; 联系方式 when the case has none
    (the collectors may have reached them on WeChat)."""
    return view.phone_kind(number) if number else "联系方式"


def _people_reached(case: Case) -> int:
    """How many individual people other than the borrower were reached (listed contacts, and unlisted ones by
    relation) — not a group's audience, which the filings state separately."""
    listed = {c.id for c in case.contacts.reached}
    unlisted: set[str] = set()
    for incident in case.incidents:
        target = incident.target
        if target.kind is not TargetKind.CONTACT:
            continue
        if target.contact is not None:
            listed.add(target.contact)
        else:
            unlisted.add(target.relation.value if target.relation else "")
    return len(listed) + len(unlisted)


def _sector_rule(context: DraftingContext, view: CaseView, card: bool) -> dict[str, Any] | None:
    """The sector rule that bars the defendant's kind of institution from collecting from third parties, if one
    applies to a defendant and was in force for the conduct (a 2024 rule is not cited against 2023 conduct).
    A guarantor or debt buyer is not bound by its original creditor's sector rule."""
    lender = context.case.lender
    role = lender.creditor_role
    provision, subject, funder = None, "", False
    if card:
        provision, subject = CREDIT_CARD_RULE, "发卡银行"
    elif role in (CreditorRole.LENDER, CreditorRole.PLATFORM) and lender.kind in SECTOR_RULES:
        provision, subject = SECTOR_RULES[lender.kind]
    elif lender.funding_institution is not None and lender.funding_institution.kind in SECTOR_RULES:
        (provision, subject), funder = SECTOR_RULES[lender.funding_institution.kind], True
    if provision is None or context.library().provision(provision).on(view.as_of) is None:
        return None
    return {"id": provision, "subject": subject, "funder": funder}


def account(who: str, note: str) -> str:
    """A reporter's note quoted as someone's account — 原告陈述：“…” — never pasted as the filing's own statement
    (notes are in the reporter's words: "打给我爸爸"). Quotation marks inside become ‘…’."""
    text = trim_note(note)
    if text.startswith("“") and text.endswith("”") and text.count("“") == 1 and text.count("”") == 1:
        return f"{who}陈述，内容为：{text}"  # the note is just the message, already quoted
    inner = text.replace("“", "‘").replace("”", "’")
    return f"{who}陈述：“{inner}”"


def _defendants(case: Case, card: bool) -> list[Defendant]:
    """The collecting party, the funding institution of a platform loan, and each named agency: joint tortfeasors
    (民法典 1168, 1169). Unnamed collectors are not parties; their numbers go in the facts. The collecting party is
    named by its role: a guarantor never lent the money, a debt buyer holds an assigned claim."""
    lender = case.lender
    role = lender.creditor_role
    if role is CreditorRole.GUARANTOR:
        label = "融资担保公司，追偿权人"
    elif role is CreditorRole.DEBT_BUYER:
        label = "债权受让人"
    elif role is CreditorRole.PLATFORM or lender.funding_institution is not None:
        label = "借款 App 运营方" if lender.app_name else "助贷机构"
    else:
        label = "发卡机构" if card else "出借人"
    parties = [Defendant(label, lender.name, lender.app_name, lender.credit_code, None, (), lender.address)]
    if lender.funding_institution is not None:
        funder = lender.funding_institution
        parties.append(Defendant("资金方、出借人", funder.name, None, funder.credit_code, None, ()))
    for collector in case.collectors:
        if collector.agency_name:
            numbers = tuple(zh_phone(n) for n in collector.phones)
            parties.append(
                Defendant("催收机构", collector.agency_name, None, collector.credit_code, collector.acting_for, numbers)
            )
    return parties
