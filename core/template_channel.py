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
from typing import TYPE_CHECKING, Any

from jubao.channel import Channel, TemplateDocument
from jubao.channel_package import channel_from_package
from jubao.hookspecs import hookimpl
from jubao.plugin_facts import Feature

if TYPE_CHECKING:
    from jubao.case import Case
    from jubao.context import DraftingContext
    from jubao.documents_api import Document
    from jubao.drafting import Drafter
    from jubao.evaluation import Evaluation
    from jubao.plugins import PluginSet

CHANNEL_FILE = "channel.yaml"  # the same name jubao.plugins looks for
RULES_DIR = "rules"

# Drafting (Jinja2 and the case view) is imported when documents are drafted, not when plugins load: every
# command loads them, few draft.
TemplateValues = Callable[["DraftingContext"], Mapping[str, Any]]
Build = Callable[["Drafter", "DraftingContext"], Iterable["Document"]]


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
        from jubao.drafting import Drafter  # noqa: PLC0415 - see TemplateValues

        drafter = Drafter(self.package, context)
        if self.build is not None:
            return list(self.build(drafter, context))
        extra = dict(self.values(context)) if self.values else {}
        return [_render(drafter, item, extra) for item in self.channel.documents]


def _render(drafter: Drafter, item: TemplateDocument, extra: Mapping[str, Any]) -> Document:
    return drafter.render(
        item.template, document_id=item.id, formats=item.formats or None, purpose=item.purpose, **extra
    )


def document_titles(plugins: PluginSet, channel_id: str, case: Case, evaluation: Evaluation) -> tuple[str, ...] | None:
    """The titles of the documents ``jubao documents`` drafts for ``channel_id`` (its guide aside), read from the
    templates instead of rendering them, when the channel is a ``TemplateChannel`` that renders its ``documents``
    list (no ``build``): each template's title as ``jubao.template_titles.template_title`` finds it, and only a template
    whose title depends on the case is rendered. None for any other plugin: only drafting tells which documents it
    builds. As with drafting, a channel whose documents fail to render lists none. The titles found are kept in
    the set's discovery cache (``PluginSet._discovery.save()`` writes it)."""
    from jubao.context import drafting_context  # noqa: PLC0415 - see TemplateValues
    from jubao.documents_api import Document  # noqa: PLC0415
    from jubao.drafting import Drafter  # noqa: PLC0415
    from jubao.filing import separate_guidance  # noqa: PLC0415
    from jubao.template_titles import template_title  # noqa: PLC0415
    from jubao.watchdog import PluginTimeout, run_limited  # noqa: PLC0415

    owner = plugins.channel_owner.get(channel_id)
    if owner is None:
        return ()
    plugin = plugins.manager.get_plugin(owner)
    if not isinstance(plugin, TemplateChannel) or plugin.build is not None or plugin.channel.id != channel_id:
        return None
    if type(plugin).build_documents is not TemplateChannel.build_documents:  # a subclass drafts its own way
        return None
    if owner in plugins.hung:  # overran its time limit earlier in this run: not called again
        return ()
    discovery = plugins._discovery  # the set's own cache
    declared = [template_title(plugin.package, item.template, discovery) for item in plugin.channel.documents]
    drafted: dict[int, Document] = {}
    if any(title is None for title in declared):

        def render_case_dependent() -> None:  # the plugin's code (values) and templates: under its time limit
            context = drafting_context(plugins, channel_id, case, evaluation)
            drafter = Drafter(plugin.package, context)
            extra = dict(plugin.values(context)) if plugin.values else {}
            for index, item in enumerate(plugin.channel.documents):
                if declared[index] is None:
                    drafted[index] = _render(drafter, item, extra)

        seconds = None if owner in plugins.builtin else plugins.drafting_timeout
        try:
            run_limited(render_case_dependent, seconds=seconds, name=owner)
        except PluginTimeout:  # as for build_documents: reported by jubao documents, skipped for the rest of the run
            plugins.hung.add(owner)
            return ()
        except Exception:  # drafting fails for this case: the plan lists no documents (jubao documents says why)
            return ()
    titles = []
    for index, item in enumerate(plugin.channel.documents):
        if index in drafted:
            document = drafted[index]
        else:
            document = Document(channel=channel_id, id=item.id or item.template, title=declared[index] or "",
                                purpose=item.purpose)  # fmt: skip
        titles.append(separate_guidance(document).title)  # a filing's title loses its unverified marks
    return tuple(titles)
