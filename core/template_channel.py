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

``values`` and ``build`` may also be given as a reference, ``".drafting:template_values"`` (a module, relative to the
package when it starts with a dot, and a name in it). The module is then imported the first time a document is
drafted, not when the plugin loads: every command (``jubao validate``, ``jubao evaluate``, the server's start) loads
every plugin, and a plugin whose code imports the drafting helpers at module level makes all of them pay for it.

Registering the channel, its ``rules/`` folder (if the package has one) and rendering the documents is then
jubao's code, not repeated in every plugin.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

from jubao.channel import Channel, TemplateDocument
from jubao.channel_package import channel_from_package
from jubao.hookspecs import hookimpl
from jubao.plugin_exceptions import PluginRunError
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


class FunctionReference:
    """``"module:name"`` given for ``values`` or ``build``: checked when the plugin loads (the module must exist),
    imported the first time it is called. A relative module (``".drafting"``) is found in the plugin's package.

    Each problem is reported the way jubao reports a plugin's own: a malformed reference fails at the plugin's
    ``TemplateChannel(...)`` line, a missing module as the module it names (both when plugins load, so the plugin
    is skipped with that line), a missing function as ``PluginRunError`` when a document is drafted."""

    def __init__(self, package: str, reference: str, role: str) -> None:
        module, colon, name = reference.partition(":")
        if not colon or not module or not name.isidentifier():
            raise ValueError(f"{role}={reference!r}: write 'module:function', e.g. '.drafting:{_EXAMPLE[role]}'")
        try:
            self.module = importlib.util.resolve_name(module, package)
        except ImportError:  # more dots than the package has parents
            raise ValueError(f"{role}={reference!r} names a module outside the top-level package") from None
        if importlib.util.find_spec(self.module) is None:
            raise ModuleNotFoundError(f"No module named {self.module!r}", name=self.module)
        self.package = package
        self.reference = reference
        self.name = name
        self.role = role
        self._function: Callable[..., Any] | None = None

    def resolve(self) -> Callable[..., Any]:
        """The function, imported the first time. No lock of its own: Python's import lock already makes threads
        drafting at once import the module once, and a lock held across ``fork()`` would hang the child."""
        if self._function is None:
            function = getattr(importlib.import_module(self.module), self.name, None)
            if not callable(function):
                message = f"{self.role}={self.reference!r}: {self.module} has no function {self.name}"
                raise PluginRunError(self.package, message)
            self._function = function
        return self._function

    def __repr__(self) -> str:
        return f"{self.module}:{self.name}"


_EXAMPLE = {"values": "template_values", "build": "build"}


class TemplateChannel:
    """The plugin for a package made of ``channel.yaml`` and templates: registers the channel and renders its
    ``documents`` in order. ``values(context)``, if given, returns what every template gets besides ``ctx`` and
    ``channel``; ``build(drafter, context)``, if given instead, returns the documents itself. ``features`` are
    registered for the package's own rules (``rules/``, picked up when present)."""

    def __init__(
        self,
        package: str,
        *,
        values: TemplateValues | str | None = None,
        build: Build | str | None = None,
        features: Iterable[Feature] = (),
    ) -> None:
        if values is not None and build is not None:
            raise ValueError("give a TemplateChannel either values or build, not both")
        self.package = package
        self.values: TemplateValues | FunctionReference | None = (
            FunctionReference(package, values, "values") if isinstance(values, str) else values
        )
        self.build: Build | FunctionReference | None = (
            FunctionReference(package, build, "build") if isinstance(build, str) else build
        )
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
            return list(_function(self.build)(drafter, context))
        extra = self.template_values(context)
        return [_render(drafter, item, extra) for item in self.channel.documents]

    def template_values(self, context: DraftingContext) -> dict[str, Any]:
        """What ``values(context)`` adds to every template (nothing without ``values``)."""
        return dict(_function(self.values)(context)) if self.values is not None else {}


def _function(given: Callable[..., Any] | FunctionReference) -> Callable[..., Any]:
    return given.resolve() if isinstance(given, FunctionReference) else given


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
            extra = plugin.template_values(context)
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
