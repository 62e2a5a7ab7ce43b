"""Warnings: a case that is valid but probably does not say what its writer meant.

A warning is a ``Problem`` with ``severity=warning``: it names the place and says how to fix it, like an error, but
the case is still used. ``jubao validate`` lists them (``--strict`` turns them into errors); the commands that
evaluate a case print them on stderr, one line each. Each check is cheap and looks only at the case:

* ``count_is_times`` — an incident toward a relation (``target: {kind: contact, relation: …}``) with ``count`` > 1,
  no end time, and no contact of that relation listed: ``count`` is how many times, not how many people;
* ``group_count_is_times`` — the same for a group target without ``audience_size``;
* ``manager_as_colleague`` — a contact called 领导/经理/老板/主管/人事 … in its name (or, for an unlisted colleague,
  "我领导"/"单位领导" … in the incident's note) filed as ``colleague``: probably ``employer``;
* ``lender_kind_unknown`` — ``lender.kind`` is ``unknown``: how to find it out (contract, 征信报告, the App's 关于我们);
* ``kind_from_name`` — a kind left ``unknown`` while the name says it (示例银行 → ``bank``), for the lender, the
  funding institution and the original creditor;
* ``platform_without_funder`` — a 助贷/导流 platform without ``funding_institution`` (the funder decides the regulator);
* ``same_phone_twice`` — two listed contacts with the same number (one person listed twice counts as two).

The words looked for are data (``slips`` in vocabulary_aliases.yaml). Messages never repeat what was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jubao.case import Case, Contact, Incident, Loc
from jubao.case_checks import locate
from jubao.problems import Problem, Severity
from jubao.vocabulary import CreditorRole, LenderKind, Relation, ReporterRole, TargetKind, slip_words

COUNT_IS_TIMES = "count_is_times"
GROUP_COUNT_IS_TIMES = "group_count_is_times"
MANAGER_AS_COLLEAGUE = "manager_as_colleague"
LENDER_KIND_UNKNOWN = "lender_kind_unknown"
KIND_FROM_NAME = "kind_from_name"
PLATFORM_WITHOUT_FUNDER = "platform_without_funder"
SAME_PHONE_TWICE = "same_phone_twice"

WARNING_CODES = (
    COUNT_IS_TIMES,
    GROUP_COUNT_IS_TIMES,
    MANAGER_AS_COLLEAGUE,
    LENDER_KIND_UNKNOWN,
    KIND_FROM_NAME,
    PLATFORM_WITHOUT_FUNDER,
    SAME_PHONE_TWICE,
)
"""Every warning code (each has a ``problem.<code>`` message in both locale files)."""


def case_warnings(case: Case) -> list[Problem]:
    """Every warning for ``case``, in case order, with field paths but no positions (see ``located_warnings``)."""
    warnings: list[Problem] = []
    warnings += _counts_that_look_like_people(case)
    warnings += _managers_filed_as_colleagues(case)
    warnings += _kinds(case)
    warnings += _same_phone_twice(case.contacts.reached)
    return warnings


def located_warnings(case: Case, text: str | None) -> list[Problem]:
    """``case_warnings`` with the line and column of each in the case's YAML or JSON ``text`` (when given)."""
    warnings = case_warnings(case)
    return locate(warnings, text) if text is not None and warnings else warnings


def as_errors(problems: Iterable[Problem]) -> list[Problem]:
    """The same problems as errors (``jubao validate --strict``)."""
    return [problem.model_copy(update={"severity": Severity.ERROR}) for problem in problems]


def _warning(code: str, loc: Loc, **params: str) -> Problem:
    return Problem(code=code, loc=loc, severity=Severity.WARNING, params=params)


def _counts_that_look_like_people(case: Case) -> list[Problem]:
    listed_relations = {contact.relation for contact in case.contacts.reached}
    reporter_relation = case.reporter.relation_to_borrower if case.reporter.role is ReporterRole.CONTACT else None
    warnings = []
    for index, incident in enumerate(case.incidents):
        if incident.count <= 1 or incident.until is not None:
            continue  # one act, or a run over time: count is plainly times
        target = incident.target
        loc: Loc = ("incidents", index, "count")
        if target.kind is TargetKind.GROUP and target.audience_size is None:
            warnings.append(_warning(GROUP_COUNT_IS_TIMES, loc, count=str(incident.count)))
        elif (
            target.kind is TargetKind.CONTACT
            and target.contact is None
            and target.relation is not None
            and target.relation not in listed_relations  # people of that relation are listed: count is times
            and target.relation is not reporter_relation  # the reporter's own calls: times
        ):
            warnings.append(_warning(COUNT_IS_TIMES, loc, count=str(incident.count), relation=target.relation.value))
    return warnings


def _employer_words() -> list[str]:
    return [str(word) for word in slip_words("employer_person_words") or []]


def _names_employer(text: str | None) -> bool:
    """Whether a name calls the person a superior or HR (王经理, 李总监, 人事部小张)."""
    if not text:
        return False
    for word in _employer_words():
        if word.isascii():
            if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text, flags=re.IGNORECASE):
                return True
        elif word in text:
            return True
    return False


def _note_names_own_employer(note: str | None) -> bool:
    """Whether a note speaks of the borrower's (or the writer's) superior: 我领导, 我们经理, 单位领导, 公司的人事 …
    (a bare 经理 is too often the collector's self-description: 自称法务部经理)."""
    if not note:
        return False
    words = "|".join(re.escape(word) for word in _employer_words())
    return re.search(rf"(?:我|我们|我的|他|她|公司|单位|部门)的?(?:{words})", note, flags=re.IGNORECASE) is not None


def _managers_filed_as_colleagues(case: Case) -> list[Problem]:
    warnings = [
        _warning(MANAGER_AS_COLLEAGUE, ("contacts", "reached", index, "relation"))
        for index, contact in enumerate(case.contacts.reached)
        if contact.relation is Relation.COLLEAGUE and _names_employer(contact.name)
    ]
    warnings += [
        _warning(MANAGER_AS_COLLEAGUE, ("incidents", index, "target", "relation"))
        for index, incident in enumerate(case.incidents)
        if _is_unlisted_colleague(incident) and _note_names_own_employer(incident.note)
    ]
    return warnings


def _is_unlisted_colleague(incident: Incident) -> bool:
    target = incident.target
    return target.kind is TargetKind.CONTACT and target.contact is None and target.relation is Relation.COLLEAGUE


def _kind_named(name: str | None) -> LenderKind | None:
    """The kind a company name states (示例银行股份有限公司 → bank), the longest matching word winning."""
    if not name:
        return None
    table = slip_words("kind_name_words") or {}
    best: tuple[int, str] | None = None
    for kind, words in table.items():
        for word in words or []:
            if str(word) in name and (best is None or len(str(word)) > best[0]):
                best = (len(str(word)), str(kind))
    return LenderKind(best[1]) if best else None


def _kinds(case: Case) -> list[Problem]:
    warnings: list[Problem] = []
    lender = case.lender
    if lender.kind is LenderKind.UNKNOWN:
        named = _kind_named(lender.name) or _kind_named(lender.app_name)
        if named is not None:
            warnings.append(_warning(KIND_FROM_NAME, ("lender", "kind"), suggestion=named.value))
        else:
            warnings.append(_warning(LENDER_KIND_UNKNOWN, ("lender", "kind")))
    others = (("funding_institution", lender.funding_institution), ("original_creditor", lender.original_creditor))
    for part, item in others:
        if item is not None and item.kind is LenderKind.UNKNOWN:
            named = _kind_named(item.name)
            if named is not None:
                warnings.append(_warning(KIND_FROM_NAME, ("lender", part, "kind"), suggestion=named.value))
    if lender.creditor_role is CreditorRole.PLATFORM and lender.funding_institution is None:
        warnings.append(_warning(PLATFORM_WITHOUT_FUNDER, ("lender", "kind")))
    return warnings


def _same_phone_twice(contacts: tuple[Contact, ...]) -> list[Problem]:
    warnings = []
    first_with: dict[str, int] = {}
    for index, contact in enumerate(contacts):
        if contact.phone is None:
            continue
        first = first_with.setdefault(contact.phone, index)
        if first != index:
            warnings.append(
                _warning(SAME_PHONE_TWICE, ("contacts", "reached", index, "phone"), first=f"contacts.reached[{first}]")
            )
    return warnings
