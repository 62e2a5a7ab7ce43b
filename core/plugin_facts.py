"""Facts a plugin contributes: typed features computed from the case, usable in that plugin's rules.

A channel sometimes routes on something jubao's own features do not say — "the collector used WeChat accounts",
"the App is listed on a given store". A plugin declares such a feature with ``register_facts``; jubao computes it
for every case, checks the value against the declared type, and hands it to the rules like its own features.
Like jubao's features, a plugin's feature is an aggregate (a flag, a count, vocabulary values), never a name,
number or note: it appears in traces and explanations that people share.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from jubao.case import Case
from jubao.rules import FactSpec, FactType, Text, _Model

FEATURE_TYPES = (FactType.BOOL, FactType.INT, FactType.NUMBER, FactType.ENUM, FactType.SET)


class Feature(_Model):
    """A feature computed from the case by a plugin (``register_facts``).

    ``compute(case)`` returns the value: a ``bool``, an ``int``, a number, one of ``values`` (enum), a collection
    of ``values`` (set), or ``None`` when the case does not say. ``name`` must not clash with jubao's facts or
    another plugin's; prefix it with your channel or plugin name (``wechat_report_collector_used_wechat``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: FactType
    description: Text
    values: list[str] | None = None
    labels: dict[str, Text] | None = None
    compute: Callable[[Case], Any] = Field(exclude=True)

    @model_validator(mode="after")
    def _coherent(self) -> Feature:
        if self.type not in FEATURE_TYPES:
            allowed = ", ".join(t.value for t in FEATURE_TYPES)
            raise ValueError(f"a plugin feature's type must be one of {allowed}")
        self.spec()  # the same coherence rules as a catalogue fact (values for enum/set, none otherwise)
        return self

    def spec(self) -> FactSpec:
        """The catalogue entry rules are checked against."""
        return FactSpec(
            name=self.name, type=self.type, values=self.values, description=self.description, labels=self.labels
        )

    def value_for(self, case: Case) -> Any:
        """Compute and check the value; raise ``TypeError`` (naming the feature, never the value) if it is wrong."""
        value = self.compute(case)
        if value is None:
            return None
        kind = self.type
        if kind is FactType.BOOL and type(value) is bool:
            return value
        if kind is FactType.INT and type(value) is int:
            return value
        if kind is FactType.NUMBER and type(value) in (int, float):
            return float(value)
        if kind is FactType.ENUM and isinstance(value, str) and value in (self.values or ()):
            return value
        if kind is FactType.SET and not isinstance(value, str | bytes):
            try:
                items = frozenset(value)
            except TypeError:
                items = None
            if items is not None and items <= set(self.values or ()):
                return items
        raise TypeError(f"feature {self.name} ({kind.value}) computed a value of the wrong type or outside its values")
