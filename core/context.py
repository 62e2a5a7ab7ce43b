"""The drafting context: everything a channel plugin may know when it drafts documents for one case.

jubao builds one ``DraftingContext`` per (case, channel) and passes it to the channel's ``build_documents`` hook.
It carries the case, its evaluation and the channel, plus what plugins used to fetch from jubao's internals: the
name of every channel (one source: each channel's own ``channel.yaml``), the rules' parameters in force on the
conduct date, and the statute library. A plugin therefore needs nothing from jubao but this object and
``Drafter`` — the same for built-in and third-party plugins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from jubao.case import Case
from jubao.channel import Channel
from jubao.evaluation import Evaluation
from jubao.rules import Text

if TYPE_CHECKING:
    from jubao.plugins import PluginSet
    from jubao.statutes import Statutes


@dataclass(frozen=True)
class DraftingContext:
    """One case, its evaluation and one channel, with the names and parameters documents may mention."""

    case: Case
    evaluation: Evaluation
    channel: Channel | None
    """The channel being drafted for (``None`` only for jubao's own documents: the evidence list, the index)."""
    channel_names: Mapping[str, Text] = field(default_factory=dict)
    """Every known channel id → its name, as the channel itself declares it."""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    """Every rules parameter (``policy.ongoing_within_days`` …) → its value in force on ``evaluation.as_of``."""
    statutes: Statutes | None = None
    """The statute library (default: jubao's bundled one)."""

    def channel_name(self, channel_id: str, lang: str = "zh") -> str:
        """A channel's name (the id itself when no installed plugin or rule file names it)."""
        name = self.channel_names.get(channel_id)
        if name is None:
            return channel_id
        return name.en if lang == "en" else name.zh

    def param(self, name: str) -> Any:
        """A rules parameter's value in force on the conduct date, or ``None`` if there is no such parameter."""
        return self.parameters.get(name)

    def routed(self, channel_id: str) -> bool:
        """Whether the rules routed this case to ``channel_id``."""
        return any(route.channel == channel_id for route in self.evaluation.routes)

    @property
    def as_of(self) -> date:
        return self.evaluation.as_of

    def library(self) -> Statutes:
        if self.statutes is not None:
            return self.statutes
        from jubao.statutes import bundled_statutes  # noqa: PLC0415 - loaded once, only when drafting

        return bundled_statutes()


def drafting_context(plugins: PluginSet, channel_id: str | None, case: Case, evaluation: Evaluation) -> DraftingContext:
    """The context for drafting ``channel_id``'s documents (or jubao's own, with ``None``) from ``plugins``."""
    ruleset = plugins.ruleset
    names = {cid: channel.label for cid, channel in ruleset.channels.items()}
    names.update({cid: channel.name for cid, channel in plugins.channels.items()})
    parameters = {name: parameter.value_on(evaluation.as_of) for name, parameter in ruleset.parameters.items()}
    channel = plugins.channels.get(channel_id) if channel_id else None
    return DraftingContext(
        case=case, evaluation=evaluation, channel=channel, channel_names=names, parameters=parameters
    )
