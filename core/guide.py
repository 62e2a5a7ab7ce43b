"""A channel's guide (办事指南): the advice that must not be inside a filing, in one document beside it.

Built by jubao for every channel that drafted documents, from the channel's own data (``filing`` routes with their
verification status, ``bring``, ``proof``, ``required_fields``) and from the notes ``jubao.filing`` moved out of the
filings, each with where in the filing it applies. It is the only place the draft disclaimer appears.
"""

from __future__ import annotations

from jubao.context import DraftingContext
from jubao.documents_api import Document, GuideNote
from jubao.drafting import render_core_template
from jubao.i18n import t
from jubao.rules import Verification

GUIDE_ID = "guide"
GUIDE_FORMATS = ("md", "docx")


def channel_guide(context: DraftingContext, documents: list[Document], formats: list[str]) -> Document:
    """The guide for ``context.channel``, given the channel's (already separated) documents."""
    channel = context.channel
    assert channel is not None  # a guide is always for one channel
    notes: list[GuideNote] = []
    for document in documents:
        notes += [note for note in document.guidance if note not in notes]
    guide = render_core_template(
        "guide",
        context,
        document_id=GUIDE_ID,
        channel=channel,
        filings=documents,
        notes=notes,
        missing=channel.missing(context.case, context.evaluation),
        status_label=_status_label,
    )
    offered = [f for f in GUIDE_FORMATS if f in formats] or ["md"]
    return guide.model_copy(update={"channel": channel.id, "purpose": "guide", "formats": offered})


def _status_label(status: Verification) -> str:
    return t(f"status.{status.value}", "zh")
