"""Built-in channel: the 12348 legal-aid hotline — a phone script (通话要点) for the call.

Registered through the ``jubao`` entry-point group exactly like a third-party plugin. The channel's facts are
data in ``channel.yaml``; the script is ``templates/call_notes.md.j2``. The script summarises the case for a
hotline operator without any contact's name or number (the operator does not need them), lists what to ask and
what to bring. There is no binding clock: 12348 is an advice line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.drafting import Drafter, channel_from_package, vocab, zh_date
from jubao.evaluation import Evaluation
from jubao.ruleset import bundled_ruleset
from jubao.vocabulary import ReporterRole

CHANNEL = channel_from_package(__name__)


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    return [drafter.render("call_notes", formats=["txt", "md"], **_extras(case, evaluation))]


def _extras(case: Case, evaluation: Evaluation) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for incident in case.incidents:
        label = vocab("Medium", incident.medium)
        counts[label] = counts.get(label, 0) + incident.count
    kinds: dict[str, int] = {}
    for item in case.evidence:
        label = vocab("EvidenceKind", item.kind)
        kinds[label] = kinds.get(label, 0) + 1
    names = bundled_ruleset().channels
    prior = []
    for complaint in case.prior_complaints:
        known = names.get(complaint.channel)
        name = known.name.zh if known else complaint.channel
        replied = "已答复" if complaint.reply_received else "尚未答复"
        prior.append(f"{zh_date(complaint.filed_on)}向{name}投诉，{replied}")
    region = case.reporter.region
    parts = [region.province, region.city, region.district]
    acting_for = [c.acting_for for c in case.collectors if c.agency_name and c.acting_for]
    willing = sum(1 for c in case.contacts.reached if c.willing_to_report)
    return {
        "region": "".join(dict.fromkeys(p for p in parts if p)),
        "acting_for": list(dict.fromkeys(acting_for)),
        "media_counts": "、".join(f"{label}{count}次" for label, count in counts.items()),
        "evidence_kinds": "、".join(f"{label}{count}份" for label, count in kinds.items()),
        "prior": prior,
        "willing_contacts": willing if case.reporter.role is ReporterRole.BORROWER else 0,
        "ongoing": evaluation.classification.ongoing,
        "days_since": evaluation.features.get("days_since_last_incident"),
        "police_route": evaluation.severity.level >= 3
        or any(c.id.startswith(("criminal.", "public_order.")) for c in evaluation.characterisations),
    }
