"""Built-in channel: 12363 / 中国人民银行 — only where credit reporting is involved (reference §1.6).

Two documents: a 征信异议申请 to the credit bureau or the data provider (written answer within 20 days,
《征信业管理条例》 Art. 25) and a complaint to the local PBOC branch (30 days from acceptance, Art. 26). 12363
expects the institution to have been asked first, takes no 举报, and its scope since the 2023 reform is [U].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jubao import Channel, Document, hookimpl
from jubao.case import Case
from jubao.drafting import Drafter, channel_from_package
from jubao.evaluation import Evaluation
from jubao.vocabulary import Behaviour, Want

CHANNEL = channel_from_package(__name__)


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(CHANNEL)


@hookimpl
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    if channel.id != CHANNEL.id:
        return None
    drafter = Drafter(__name__, channel, case, evaluation)
    extra = facts(case)
    return [drafter.render("credit_dispute", **extra), drafter.render("complaint", **extra)]


def facts(case: Case) -> dict[str, Any]:
    """What the credit documents rest on: credit-report threats, a wish to correct the report, the data provider."""
    lender = case.lender
    region = case.reporter.region
    parts = [region.province, region.city if region.city != region.province else None]
    funder = lender.funding_institution
    return {
        "credit_threats": any(Behaviour.THREAT_CREDIT_REPORT in i.behaviours for i in case.incidents),
        "correction_wanted": Want.CREDIT_REPORT_CORRECTION in case.wants,
        # The institution that reports the loan to the credit bureau: the funder of a platform loan, else the lender.
        "provider": funder.name if funder else "",
        "region_text": "".join(part for part in parts if part),
    }
