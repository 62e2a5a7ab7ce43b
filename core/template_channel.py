"""A channel plugin that is mostly data: ``channel.yaml`` plus templates, with at most one function of code.

Most channels' documents are a fixed list of templates that read everything from the drafting context (``ctx``).
Such a plugin's package holds ``channel.yaml`` (with a ``documents:`` list naming the templates) and
``templates/*.md.j2``:

* with no code at all, its ``__init__.py`` holds only a docstring: when jubao loads a plugin module that implements
  no hook but ships a ``channel.yaml``, it wraps it in a ``TemplateChannel`` — the package *is* the plugin;
* when templates need a few values computed in Python, the module defines one function and exposes
  ``plugin = TemplateChannel(__name__, values=template_values)``, and its entry point names that object
  (``my_channel = "my_package:plugin"``);
* when its rules route on a feature of its own, ``plugin = TemplateChannel(__name__, features=[...])``;
* when which documents there are depends on the case (one per agency, one per willing contact …), the module
  defines ``build(drafter, context)`` returning them and exposes ``plugin = TemplateChannel(__name__, build=build)``.

Registering the channel, its ``rules/`` folder (if the package has one) and rendering the documents is then
jubao's code, not repeated in every plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from jubao.channel import Channel
from jubao.context import DraftingContext
from jubao.documents_api import Document
from jubao.drafting import Drafter, channel_from_package
from jubao.hookspecs import hookimpl
from jubao.plugin_facts import Feature

CHANNEL_FILE = "channel.yaml"  # the same name jubao.plugins looks for
RULES_DIR = "rules"

TemplateValues = Callable[[DraftingContext], Mapping[str, Any]]
Build = Callable[[Drafter, DraftingContext], Iterable[Document]]


class TemplateChannel:
    """The plugin for a package made of ``channel.yaml`` and templates: registers the channel and renders its
    ``documents`` in order. ``values(context)``, if given, returns what every template gets besides ``ctx`` and
    ``channel``; ``build(drafter, context)``, if given instead, returns the documents itself. ``features`` are
    registered for the package's own rules (``rules/``, picked up when present)."""

    def __init__(
        self,
        package: str,
        *,
        values: TemplateValues | None = None,
        build: Build | None = None,
        features: Iterable[Feature] = (),
    ) -> None:
        if values is not None and build is not None:
            raise ValueError("give a TemplateChannel either values or build, not both")
        self.package = package
        self.values = values
        self.build = build
        self.features = tuple(features)
        self.channel = channel_from_package(package)
        if build is None and not self.channel.documents:
            raise ValueError(f"{package}/{CHANNEL_FILE} lists no documents: a channel without code needs them")

    @hookimpl
    def register_channels(self, register: Callable[[Channel], None]) -> None:
        register(self.channel)

    @hookimpl
    def register_facts(self, register: Callable[[Feature], None]) -> None:
        for feature in self.features:
            register(feature)

    @hookimpl
    def rule_sources(self) -> list[Traversable]:
        """The package's ``rules/`` folder, if it has one: a data-only channel can route cases to itself."""
        rules = files(self.package) / RULES_DIR
        return [rules] if rules.is_dir() else []

    @hookimpl
    def build_documents(self, context: DraftingContext) -> list[Document]:
        drafter = Drafter(self.package, context)
        if self.build is not None:
            return list(self.build(drafter, context))
        extra = dict(self.values(context)) if self.values else {}
        return [
            drafter.render(
                item.template, document_id=item.id, formats=item.formats or None, purpose=item.purpose, **extra
            )
            for item in self.channel.documents
        ]
