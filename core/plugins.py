"""Finding, loading and isolating plugins. No global state: each ``PluginSet`` owns its pluggy manager.

Built-in plugins (``jubao_plugins.*``) and third-party ones are found the same way, through the ``jubao``
entry-point group, so that whatever a built-in channel can do, a third-party package can too.

A plugin is loaded as one unit: it is imported, its hooks are checked against the contract (a misspelt hook name
is refused with the nearest real one suggested), every hook it implements is called, and what it contributes —
channels, document formats, features and rule directories — is validated *together with* what the plugins
accepted before it; its rules are checked and compiled against jubao's rules, its own features and the channels
known so far. If anything fails, the whole plugin is dropped (nothing of it is used, not even its rules) and one
line names it and the problem; the rest keep working. ``strict`` re-raises instead.

A plugin's exceptions are reported by type and place (file:line in the plugin), never by their message: a message
may quote the case, which holds other people's names and numbers. Built-in plugins load before third-party ones,
so a third-party plugin cannot take over a built-in channel id.

Plugins are disabled by name with ``disabled=`` or the ``JUBAO_DISABLE_PLUGINS`` environment variable (comma
separated). Nothing is loaded at import time: call ``load_plugins()``.

What discovery reads from files — each template plugin's ``channel.yaml``, whether a plugin's rules pass the
rules check, the titles of its document templates — is kept in a cache per installed set (``jubao.cache``) and
reused while the set and those files are unchanged; plugin code itself is always imported and its hooks called.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import sysconfig
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import EntryPoint, entry_points
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy
from pydantic import ValidationError

from jubao import cache, hookspecs
from jubao.channel import Channel
from jubao.documents_api import Document, DocumentFormat
from jubao.plugin_facts import Feature
from jubao.ruleset import RuleSet, RuleSetError, RuleSource, bundled_source, load_ruleset, ruleset_with

if TYPE_CHECKING:
    from jubao.case import Case
    from jubao.evaluation import Evaluation

ENTRY_POINT_GROUP = "jubao"
DISABLE_ENV = "JUBAO_DISABLE_PLUGINS"
STRICT_ENV = "JUBAO_STRICT_PLUGINS"
BUILTIN_DISTRIBUTION = "jubao"
TEMPLATE_CHANNEL_FILE = "channel.yaml"
HOOK_NAMES = ("register_channels", "register_document_formats", "register_facts", "rule_sources", "build_documents")


class PluginError(Exception):
    """A plugin could not be used (raised only in strict mode; otherwise recorded in ``PluginSet.errors``)."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"plugin {plugin}: {message}")
        self.plugin = plugin
        self.message = message


@dataclass(frozen=True)
class PluginWarning:
    """Something a plugin did at run time that did not stop the run (a channel drafted nothing, a feature raised)."""

    plugin: str
    message: str

    def __str__(self) -> str:
        return f"plugin {self.plugin}: {self.message}"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str | None
    distribution: str | None
    hooks: tuple[str, ...]


@dataclass
class PluginSet:
    """The loaded plugins and what they contributed (only plugins that loaded whole)."""

    manager: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    channels: dict[str, Channel] = field(default_factory=dict)
    channel_owner: dict[str, str] = field(default_factory=dict)
    formats: dict[str, DocumentFormat] = field(default_factory=dict)
    format_owner: dict[str, str] = field(default_factory=dict)
    features: dict[str, Feature] = field(default_factory=dict)
    feature_owner: dict[str, str] = field(default_factory=dict)
    rule_sources: list[RuleSource] = field(default_factory=list)
    errors: list[PluginError] = field(default_factory=list)
    warnings: list[PluginWarning] = field(default_factory=list)
    """Run-time warnings (appended from any thread; read them after a run)."""
    deprecations: list[PluginWarning] = field(default_factory=list)
    """Plugins using a deprecated part of the contract (docs/plugins/api-policy.md): said once, never fatal."""
    _warn_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _discovery: cache.DiscoveryCache | None = field(default=None, repr=False, compare=False)
    """The discovery cache of this set (``jubao.cache``): document titles are kept there too."""

    @cached_property
    def ruleset(self) -> RuleSet:
        """jubao's rules plus every loaded plugin's rules, channels and features (each already checked)."""
        return ruleset_with(
            self.rule_sources,
            [(cid, channel.name) for cid, channel in self.channels.items()],
            [feature.spec() for feature in self.features.values()],
        )

    def warn(self, plugin: str, message: str) -> None:
        with self._warn_lock:
            warning = PluginWarning(plugin, message)
            if warning not in self.warnings:
                self.warnings.append(warning)

    def compute_features(self, case: Case) -> dict[str, Any]:
        """Every plugin feature's value for ``case``; a feature that raises or returns a wrong value is ``None``
        (unknown) and a warning names it (never the value)."""
        values: dict[str, Any] = {}
        for name, feature in self.features.items():
            try:
                values[name] = feature.value_for(case)
            except Exception as exc:
                self.warn(self.feature_owner[name], f"feature {name}: {describe_exception(exc)}")
                values[name] = None
        return values


def strict_from_env() -> bool:
    """``JUBAO_STRICT_PLUGINS`` is set to something other than empty, 0, false or no."""
    return os.environ.get(STRICT_ENV, "").strip().lower() not in ("", "0", "false", "no")


def disabled_from_env() -> set[str]:
    return {name.strip() for name in os.environ.get(DISABLE_ENV, "").split(",") if name.strip()}


def load_plugins(
    *,
    disabled: Iterable[str] = (),
    strict: bool | None = None,
    entry_points_group: str | None = ENTRY_POINT_GROUP,
    extra: Iterable[tuple[str, Any]] = (),
) -> PluginSet:
    """Load plugins from the entry-point group (None: none) plus ``extra`` ``(name, plugin)`` pairs.

    ``disabled`` adds to ``JUBAO_DISABLE_PLUGINS``; ``strict`` defaults to ``JUBAO_STRICT_PLUGINS`` being set.
    Built-in plugins (distribution ``jubao``) load first, then the others by name, then ``extra``.
    """
    if strict is None:
        strict = strict_from_env()
    blocked = set(disabled) | disabled_from_env()
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    result = PluginSet(manager=manager)

    def fail(plugin: str, message: str, cause: BaseException | None = None) -> None:
        error = PluginError(plugin, message)
        if strict:
            raise error from None
        result.errors.append(error)

    candidates: list[tuple[str, EntryPoint | None, Any]] = []
    identity = _DistIdentity()
    if entry_points_group:
        points = sorted(entry_points(group=entry_points_group), key=lambda ep: (not identity.builtin(ep), ep.name))
        candidates += [(entry.name, entry, None) for entry in points]
    candidates += [(name, None, plugin) for name, plugin in extra]
    discovery = cache.DiscoveryCache.for_set(
        (point.name, point.value, *identity.of(point)) for _, point, _ in candidates if point is not None
    )
    result._discovery = discovery
    token = cache.set_active(discovery)
    try:
        _load_candidates(result, manager=manager, candidates=candidates, blocked=blocked, identity=identity, fail=fail)
    finally:
        cache.reset_active(token)
    discovery.save()
    return result


def _load_candidates(
    result: PluginSet,
    *,
    manager: pluggy.PluginManager,
    candidates: list[tuple[str, EntryPoint | None, Any]],
    blocked: set[str],
    identity: _DistIdentity,
    fail: Any,
) -> None:
    for name, point, given in candidates:
        if name in blocked:
            manager.set_blocked(name)
            continue
        plugin = given
        if point is not None:
            try:
                plugin = point.load()
            except Exception as exc:
                fail(name, f"failed to import {point.value}: {describe_exception(exc)}", exc)
                continue
        if _is_template_package(plugin):
            try:
                plugin = _template_channel(plugin.__name__)
            except Exception as exc:
                fail(name, f"{TEMPLATE_CHANNEL_FILE}: {describe_exception(exc)}")
                continue
        problem = _register(manager, name, plugin)
        if problem is not None:
            fail(name, problem)
            continue
        try:
            contribution = _contribution(manager, name, plugin)
            _accept(result, name, contribution)
        except _Refused as refused:
            manager.unregister(plugin)
            fail(name, refused.message)
            continue
        result.deprecations += _deprecated_use(manager, name, plugin)
        distribution, version = identity.of(point) if point is not None else (None, None)
        hooks = tuple(
            sorted(caller.name for caller in manager.get_hookcallers(plugin) or [] if contribution.uses(caller.name))
        )
        result.plugins.append(PluginInfo(name, version, distribution, hooks))


class _DistIdentity:
    """Each entry point's distribution name and version, its metadata read once per distribution (not once per
    entry point and attribute: 16 built-in plugins share one distribution)."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[Any, tuple[str | None, str | None]]] = {}

    def of(self, point: EntryPoint) -> tuple[str | None, str | None]:
        dist = point.dist
        if dist is None:
            return (None, None)
        known = self._known.get(id(dist))
        if known is None or known[0] is not dist:
            metadata = dist.metadata
            known = (dist, (metadata["Name"], metadata["Version"]))
            self._known[id(dist)] = known
        return known[1]

    def builtin(self, point: EntryPoint) -> bool:
        return self.of(point)[0] == BUILTIN_DISTRIBUTION


def _is_template_package(module: Any) -> bool:
    """A package with no hook implementation that ships a ``channel.yaml``: a channel made only of data."""
    name = getattr(module, "__name__", None)
    if not name or not hasattr(module, "__path__"):
        return False
    if any(hasattr(getattr(module, attr, None), f"{hookspecs.PROJECT}_impl") for attr in dir(module)):
        return False
    try:
        return (files(name) / TEMPLATE_CHANNEL_FILE).is_file()
    except (ModuleNotFoundError, TypeError):
        return False


def _template_channel(package: str) -> Any:
    from jubao.template_channel import TemplateChannel  # noqa: PLC0415 - the drafting stack only when needed

    return TemplateChannel(package)


DEPRECATED_ARGUMENTS = {"build_documents": ("channel", "case", "evaluation")}
"""Hook arguments kept for plugins written against plugin API 1.0 (docs/plugins/api-policy.md)."""


def _deprecated_use(manager: pluggy.PluginManager, name: str, plugin: Any) -> list[PluginWarning]:
    notes = []
    for hook, arguments in DEPRECATED_ARGUMENTS.items():
        for impl in getattr(manager.hook, hook).get_hookimpls():
            used = [arg for arg in impl.argnames if arg in arguments]
            if impl.plugin is plugin and used:
                message = f"{hook}({', '.join(used)}) is deprecated since plugin API 1.1: take `context` instead"
                notes.append(PluginWarning(name, message))
    return notes


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _register(manager: pluggy.PluginManager, name: str, plugin: Any) -> str | None:
    """Register ``plugin``; a problem (misspelt hook, wrong arguments) as one line, or None."""
    try:
        manager.register(plugin, name=name)
    except ValueError as exc:  # registered twice under two names
        return f"invalid plugin: {exc}"
    except pluggy.PluginValidationError as exc:
        return f"invalid plugin: {_first_line(str(exc))}"
    unknown = _unknown_hooks(manager, plugin)  # an implementation without a spec is a misspelt hook name
    if unknown:
        manager.unregister(plugin)
        hints = []
        for hook in dict.fromkeys(unknown):
            nearest = difflib.get_close_matches(hook, HOOK_NAMES, n=1)
            hints.append(f"{hook}" + (f" (did you mean {nearest[0]}?)" if nearest else ""))
        return f"unknown hook {', '.join(hints)}; the hooks are {', '.join(HOOK_NAMES)}"
    return None


def _unknown_hooks(manager: pluggy.PluginManager, plugin: Any) -> list[str]:
    names = []
    for caller in manager.hook.__dict__.values():
        unspecified = isinstance(caller, pluggy.HookCaller) and not caller.has_spec()
        if unspecified and any(impl.plugin is plugin for impl in caller.get_hookimpls()):
            names.append(caller.name)
    return names


@dataclass
class _Contribution:
    channels: list[Channel] = field(default_factory=list)
    formats: list[DocumentFormat] = field(default_factory=list)
    features: list[Feature] = field(default_factory=list)
    rule_sources: list[RuleSource] = field(default_factory=list)

    def uses(self, hook: str) -> bool:
        """Whether the plugin's implementation of ``hook`` contributes anything (a ``TemplateChannel`` implements
        every hook, but a channel without rules or features uses only some; ``jubao plugins`` lists those)."""
        contributed = {
            "register_channels": self.channels,
            "register_document_formats": self.formats,
            "register_facts": self.features,
            "rule_sources": self.rule_sources,
        }
        return hook not in contributed or bool(contributed[hook])


def _call(manager: pluggy.PluginManager, plugin: Any, hook: str, **kwargs: Any) -> Any:
    """Call one plugin's implementation of ``hook`` (if any) with the arguments it names."""
    caller = getattr(manager.hook, hook)
    for impl in caller.get_hookimpls():
        if impl.plugin is plugin:
            try:
                return True, impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            except _Refused:  # what the plugin registered was invalid: already said precisely
                raise
            except Exception as exc:
                raise _Refused(f"{hook} failed: {describe_exception(exc)}") from None
    return False, None


def _contribution(manager: pluggy.PluginManager, name: str, plugin: Any) -> _Contribution:
    found = _Contribution()
    _call(manager, plugin, "register_channels", register=lambda item: found.channels.append(_validated_channel(item)))
    _call(manager, plugin, "register_document_formats", register=lambda item: found.formats.append(_format(item)))
    _call(manager, plugin, "register_facts", register=lambda item: found.features.append(_feature(item)))
    called, returned = _call(manager, plugin, "rule_sources")
    if called:
        for directory in list(returned or []):
            if not isinstance(directory, Path | Traversable) or not directory.is_dir():
                raise _Refused(f"rule_sources: {directory!s} is not a directory")
            found.rule_sources.append(RuleSource(name, directory))
    return found


def _accept(result: PluginSet, name: str, found: _Contribution) -> None:
    """Add ``found`` to ``result`` if it fits with what is there; otherwise refuse the plugin whole."""
    clash = [c.id for c in found.channels if c.id in result.channels]
    if clash:
        owners = ", ".join(f"{cid} (already registered by {result.channel_owner[cid]})" for cid in clash)
        raise _Refused(f"duplicate channel id: {owners}")
    if len({c.id for c in found.channels}) != len(found.channels):
        raise _Refused("registers the same channel id twice")
    clash = [f.id for f in found.formats if f.id in result.formats]
    if clash:
        owners = ", ".join(f"{fid} (already registered by {result.format_owner[fid]})" for fid in clash)
        raise _Refused(f"duplicate document format id: {owners}")
    clash = [f.name for f in found.features if f.name in result.features]
    if clash:
        owners = ", ".join(f"{fid} (already registered by {result.feature_owner[fid]})" for fid in clash)
        raise _Refused(f"duplicate feature: {owners}")
    if found.rule_sources or found.features:
        _check_rules(result, found)
    for channel in found.channels:
        result.channels[channel.id] = channel
        result.channel_owner[channel.id] = name
    for fmt in found.formats:
        result.formats[fmt.id] = fmt
        result.format_owner[fmt.id] = name
    for feature in found.features:
        result.features[feature.name] = feature
        result.feature_owner[feature.name] = name
    result.rule_sources += found.rule_sources


def _check_rules(result: PluginSet, found: _Contribution) -> None:
    """Check and compile the plugin's rules with jubao's, the plugins accepted so far and its own additions."""
    from jubao.compile import Compiler, shard  # noqa: PLC0415 - only when a plugin brings rules

    channels = {cid: c.name for cid, c in result.channels.items()} | {c.id: c.name for c in found.channels}
    facts = [f.spec() for f in (*result.features.values(), *found.features)]
    sources = [bundled_source(), *result.rule_sources, *found.rule_sources]
    discovery = result._discovery
    passed = _rules_mark(sources, channels, facts) if discovery is not None else None
    if passed is not None and discovery is not None and discovery.marked(passed):
        return  # these very files, channels and facts passed the check before
    try:
        ruleset = load_ruleset(sources, extra_channels=channels.items(), extra_facts=facts)
        compiler = Compiler(ruleset.facts)
        for stratum in ruleset.strata:
            shard(compiler, stratum)
    except RuleSetError as exc:
        first = exc.problems[0].render() if exc.problems else "rules are invalid"
        more = f" (+{len(exc.problems) - 1} more; run jubao rules check)" if len(exc.problems) > 1 else ""
        raise _Refused(f"rules: {_first_line(first)}{more}") from None
    except Exception as exc:
        raise _Refused(f"rules could not be compiled: {describe_exception(exc)}") from None
    if passed is not None and discovery is not None:
        discovery.mark(passed)


def _rules_mark(sources: list[RuleSource], channels: dict[str, Any], facts: list[Any]) -> str | None:
    """What a rules check depends on besides jubao's code (part of the cache key): every file under each rule
    directory (name, size, modification time), the channels' ids and names and the features' specs. None when a
    directory is not a plain folder (a zip): then the check always runs."""
    import pydantic_core  # noqa: PLC0415

    parts: list[Any] = ["rules-check"]
    for source in sources:
        if not isinstance(source.root, Path):
            return None
        root = str(source.root)
        found = []
        for folder, subfolders, names in os.walk(root):
            subfolders.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                found.append([os.path.relpath(path, root), *(cache.stamp(path) or (-1, -1))])
        parts.append([source.name, root, found])
    parts.append(list(channels.items()))
    parts.append([spec.model_dump_json() for spec in facts])
    encoded = pydantic_core.to_json(parts)
    return "rules:" + hashlib.sha256(encoded).hexdigest()


def _validated_channel(channel: Any) -> Channel:
    """Validate what a plugin registered (a Channel, or a plain mapping) — errors say which field is wrong."""
    try:
        return channel if isinstance(channel, Channel) else Channel.model_validate(channel)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_input=False))
        raise _Refused(f"invalid channel ({fields})") from None


def _format(fmt: Any) -> DocumentFormat:
    if not isinstance(fmt, DocumentFormat):
        raise _Refused(f"register_document_formats: registered a {type(fmt).__name__}, not a jubao.DocumentFormat")
    return fmt


def _feature(feature: Any) -> Feature:
    if not isinstance(feature, Feature):
        raise _Refused(f"register_facts: registered a {type(feature).__name__}, not a jubao.Feature")
    return feature


# --- calling plugins at run time -------------------------------------------------------------------------------


def build_documents(plugins: PluginSet, channel_id: str, case: Case, evaluation: Evaluation) -> list[Document]:
    """The documents the channel's own plugin builds for this case (only that plugin is asked).

    Raises ``PluginRunError`` (type and place, never the message) if the plugin raises or returns something that
    is not a list of documents.
    """
    from jubao.context import drafting_context  # noqa: PLC0415 - the drafting stack only when drafting

    owner = plugins.channel_owner.get(channel_id)
    if owner is None:
        return []
    plugin = plugins.manager.get_plugin(owner)
    context = drafting_context(plugins, channel_id, case, evaluation)
    arguments = {"context": context, "channel": context.channel, "case": case, "evaluation": evaluation}
    try:
        called, returned = _call(plugins.manager, plugin, "build_documents", **arguments)
    except _Refused as refused:
        raise PluginRunError(owner, refused.message) from None
    if not called:
        return []
    if returned is None:
        return []
    if isinstance(returned, str | bytes | Document) or not isinstance(returned, Iterable):
        raise PluginRunError(owner, f"build_documents returned a {type(returned).__name__}, not a list of documents")
    documents = list(returned)
    wrong = [type(item).__name__ for item in documents if not isinstance(item, Document)]
    if wrong:
        raise PluginRunError(owner, f"build_documents returned a {wrong[0]} among its documents")
    return _with_guide(context, documents)


def _with_guide(context: Any, documents: list[Document]) -> list[Document]:
    """Filings cleared of notes and unverified tags, followed by the channel's guide that now holds them."""
    from jubao.filing import separate_guidance  # noqa: PLC0415 - the drafting stack only when drafting
    from jubao.guide import channel_guide  # noqa: PLC0415

    documents = [separate_guidance(document) for document in documents]
    if not documents or context.channel is None or any(d.purpose == "guide" for d in documents):
        return documents
    return [*documents, channel_guide(context, documents, formats=list(context.channel.formats))]


class PluginRunError(Exception):
    """A plugin failed while jubao ran it; the message names the plugin, the exception type and the place."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"plugin {plugin}: {message}")
        self.plugin = plugin
        self.message = message


def describe_exception(exc: BaseException) -> str:
    """``ValueError at jubao_wechat/__init__.py:42`` — the type and the deepest place in plugin code, never the
    message (it may quote the case). Import problems name the missing module or the file and line; a validation
    error of the plugin's own data (an invalid ``channel.yaml``) names the model and the fields."""
    if isinstance(exc, ValidationError):  # the plugin's own data (channel.yaml …): field paths, never values
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_input=False))
        return f"invalid {exc.title} ({fields})"
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return f"{type(exc).__name__}: no module named {exc.name}"
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{type(exc).__name__} at {_short(exc.filename)}:{exc.lineno}"
    frames = traceback.extract_tb(exc.__traceback__)
    own = [frame for frame in frames if not _is_jubao_core(frame.filename)]
    frame = (own or frames)[-1] if frames else None
    return f"{type(exc).__name__} at {_short(frame.filename)}:{frame.lineno}" if frame else type(exc).__name__


_NOT_PLUGIN_CODE = (str(Path(__file__).resolve().parent), str(Path(pluggy.__file__).resolve().parent),
                    sysconfig.get_paths()["stdlib"])  # fmt: skip


def _is_jubao_core(filename: str) -> bool:
    """jubao's own code, pluggy and the standard library: the place to report is the plugin's frame above."""
    return filename.startswith(_NOT_PLUGIN_CODE)


def _short(filename: str) -> str:
    """The last two path parts (package/module.py): enough to find the line, without the user's home folder."""
    parts = Path(filename).parts
    return "/".join(parts[-2:])


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


__all__ = [
    "PluginError",
    "PluginInfo",
    "PluginRunError",
    "PluginSet",
    "PluginWarning",
    "build_documents",
    "describe_exception",
    "load_plugins",
]
