"""Rows and facts that several channels' documents share, computed once from the drafting context.

Channel plugins used to repeat this code, each with its own small drift: the timeline rows a regulator may see,
what was posted online, whether third parties were reached and by which media, the span of dates some incidents
cover, and — for the financial regulators — whom a complaint is against (the lender, or the bank or microlender
that funded a platform loan). Every function here takes the ``CaseView`` (``Drafter.view()``) or the
``DraftingContext`` a plugin already has and returns plain values that templates print, so that two channels
saying the same thing say it the same way, and a third-party plugin can say it too.

Privacy is part of the contract. ``anonymised_incidents`` names the people reached by their relation only
(借款人的同事), never by name or number: only the police, a court and the contact's own filing may name them
(``IncidentRow.target_named`` in ``CaseView.incidents``, for a channel that declares ``names_contacts``). The
free-text note of an incident is the reporter's own account: it is kept, with every contact's name and number
replaced (联系人1, 联系人1的号码 — ``CaseView`` does this for every channel that may not name contacts), and
quoted as the reporter's account (``IncidentRow.account``); a document that is published (media) must leave it
out altogether.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace

from jubao.context import DraftingContext
from jubao.documents_api import blank
from jubao.drafting import CaseView, IncidentRow, trim_note, vocab, zh_date
from jubao.vocabulary import LenderKind, Medium, TargetKind, Want

REMOTE_MEDIA: frozenset[Medium] = frozenset(
    {Medium.CALL, Medium.SMS, Medium.WECHAT, Medium.QQ, Medium.APP_PUSH, Medium.GROUP_CHAT, Medium.SOCIAL_POST}
)
"""Contact at a distance — the media 民法典 Art. 1033(1) names (电话、短信、即时通讯工具、电子邮件、传单):
everything but in person, by letter or otherwise."""

ONLINE_MEDIA: frozenset[Medium] = frozenset({Medium.GROUP_CHAT, Medium.SOCIAL_POST})
"""Where collectors publish to an audience rather than speak to one person: group chats and social posts —
what the 网信 departments treat as illegal and harmful online information."""


# --- incidents -------------------------------------------------------------------------------------------------


def anonymised_incidents(view: CaseView) -> list[IncidentRow]:
    """The timeline rows for a filing to a regulator or a company: the people reached by relation only.

    ``target_named`` is replaced by the relation too, so that no template can print a contact's name by
    mistake; each note loses its closing full stop (also inside a closing quote), because the shared
    ``_incidents.j2`` adds its own after the evidence reference.
    """
    return [replace(row, target_named=row.target, note=trim_note(row.note)) for row in view.incidents]


def reached_third_parties(rows: Iterable[IncidentRow]) -> bool:
    """Whether any of these incidents reached someone other than the borrower (a contact, a group, the public)
    — what turns collection into a disclosure of someone's debt and a use of other people's data."""
    return any(row.incident.target.kind is not TargetKind.BORROWER for row in rows)


def reached_remotely(rows: Iterable[IncidentRow]) -> bool:
    """Whether any of these incidents came by phone, SMS or online (``REMOTE_MEDIA``): only then can a filing
    cite 民法典 Art. 1033(1) on intruding on private life by those means."""
    return any(row.incident.medium in REMOTE_MEDIA for row in rows)


def incident_period(rows: list[IncidentRow]) -> str:
    """When these incidents (in timeline order, at least one) happened: 于2026年10月12日 for one day, else
    自2026年10月12日至2026年10月16日 — the end counts an incident's ``until``, as ``CaseView.period`` does for
    the whole case."""
    first = rows[0].date
    last = zh_date(max(row.incident.until or row.incident.time for row in rows))
    return f"于{first}" if first == last else f"自{first}至{last}"


@dataclass(frozen=True)
class OnlineSummary:
    """What collectors posted in group chats or on social media, summarised for one sentence of a filing."""

    numbers: str
    """The timeline numbers of those incidents: 3、5."""
    media: str
    """群聊、社交平台发帖"""
    audience: str
    """Whom they reached, by relation only: 群组或公开受众（约200人）."""
    behaviours: str
    """What the posts did: 公开借款人欠款信息、辱骂 (催收 when the case names nothing)."""


def online_summary(view: CaseView) -> OnlineSummary | None:
    """What was posted in group chats or on social media (``ONLINE_MEDIA``), or ``None`` if nothing was:
    a filing asks for such posts to be taken down only when there are some."""
    rows = [row for row in view.incidents if row.incident.medium in ONLINE_MEDIA]
    if not rows:
        return None
    behaviours = dict.fromkeys(vocab("Behaviour", b) for row in rows for b in row.incident.behaviours)
    return OnlineSummary(
        numbers="、".join(str(row.number) for row in rows),
        media="、".join(dict.fromkeys(row.medium for row in rows)),
        audience="、".join(dict.fromkeys(row.target for row in rows)),
        behaviours="、".join(behaviours) or "催收",
    )


# --- whom a financial regulator is asked to act against ---------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    """The institution a complaint is against, as a regulator's filing names it."""

    name: str
    """Its name as the filing writes it (with the App, or a blank for the operator's full name)."""
    kind: LenderKind
    platform: str
    """The loan platform the borrower used, when the respondent is the funder behind it; otherwise ``""``."""

    @property
    def via_platform(self) -> bool:
        """Whether the loan was taken out on a platform funded by the respondent."""
        return bool(self.platform)


def respondent(view: CaseView, supervised_kinds: Collection[LenderKind], *, unlicensed: bool = False) -> Respondent:
    """Whom a regulator that supervises ``supervised_kinds`` is asked to act against.

    For a loan taken out on a platform (助贷平台) and funded by an institution of those kinds, that is the funder:
    the regulator supervises it, and it answers for its partners and their collectors (金规〔2025〕9号); the
    platform is named next to it. Otherwise it is the lender. ``unlicensed``: the lender has no licence, so a
    missing operator name is not a blank to fill but something the regulator must find out.
    """
    lender = view.case.lender
    funder = lender.funding_institution
    if lender.kind is LenderKind.LOAN_PLATFORM and funder is not None and funder.kind in supervised_kinds:
        return Respondent(funder.name, funder.kind, operator_display(lender.name, lender.app_name))
    return Respondent(operator_display(lender.name, lender.app_name, unlicensed=unlicensed), lender.kind, "")


def operator_display(name: str | None, app_name: str | None, *, unlicensed: bool = False) -> str:
    """A lender or platform as filings name it: 某某公司（App：某某贷）, the company alone, or — with only the App
    known — the App's operator with a blank for its full name (for an unlicensed lender, which often hides who
    runs it, ``运营主体不明`` instead: the regulator can find out, the reporter cannot)."""
    if name and app_name:
        return f"{name}（App：{app_name}）"
    if name:
        return name
    if unlicensed:
        return f"“{app_name}”App 的实际运营者（运营主体不明）"
    return f"“{app_name}”App 的运营方{blank('运营公司全称（见借款合同或 App“关于我们”）')}"


def harvested_contacts_at_issue(view: CaseView) -> bool:
    """Whether a filing should ask for the harvested contact data to be deleted: only where the case shows the
    data was used (third parties were reached) or held (a known list size), or the reporter asks for it."""
    return bool(
        view.evaluation.features.get("third_parties_reached")
        or view.case.contacts.harvested_list_size
        or Want.DELETE_CONTACT_DATA in view.case.wants
    )


# --- law -----------------------------------------------------------------------------------------------------------


def in_force_checker(context: DraftingContext) -> Callable[[str], bool]:
    """``check(provision_id)``: whether a provision applied on the conduct date, so that templates cite a rule
    only for conduct it covers.

    A version without ``effective_from`` counts from its issue date (``version``) when it has one — a guideline
    issued on 2026-01-30 must not be cited for conduct in 2025.
    """
    statutes = context.library()
    as_of = context.as_of

    def check(provision_id: str) -> bool:
        version = statutes.provision(provision_id).on(as_of)
        if version is None:
            return False
        start = version.effective_from or version.version
        return start is None or start <= as_of

    return check
