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
may quote the case, which holds other people's names and numbers (``jubao.plugin_exceptions``).

Third-party plugins cannot take over what jubao ships, whatever order the entry points come in: a plugin is
*built-in* only if its entry point is one the ``jubao`` distribution itself declares (name and target, read from
that distribution's own metadata — a distribution that merely calls itself "jubao" is not enough), and the
channel ids of the built-in plugins (even one that is disabled or failed) and jubao's own format ids are
*reserved*: a third-party plugin registering one is refused and named.

Nothing a third-party plugin hands back is trusted: every hook result is type-checked, and channels, formats,
features and documents are validated again field by field (an instance built with ``model_construct`` or a
subclass changing behaviour is rebuilt as the plain model, or refused). Third-party plugin code runs under a time
limit (``jubao.watchdog``: ``JUBAO_PLUGIN_TIMEOUT`` for importing it, each registration hook and each feature
value, ``JUBAO_PLUGIN_DRAFTING_TIMEOUT`` for each ``build_documents`` call and each document a format writes); one
that overruns is reported, skipped, and never called again in that run. jubao's own built-in plugins are part of
jubao: they run inline, unchecked and unlimited, so a normal run costs nothing extra.

Plugins are disabled by name with ``disabled=`` or the ``JUBAO_DISABLE_PLUGINS`` environment variable (comma
separated). Nothing is loaded at import time: call ``load_plugins()``.

What discovery reads from files — each template plugin's ``channel.yaml``, whether a plugin's rules pass the
rules check, the titles of its document templates — is kept in a cache per installed set (``jubao.cache``) and
reused while the set and those files are unchanged; plugin code itself is always imported and its hooks called.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from importlib.metadata import EntryPoint, PackageNotFoundError, distribution, entry_points
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy
from pydantic import BaseModel, ValidationError

from jubao import cache, hookspecs
from jubao.channel import Channel
from jubao.documents_api import JSON_PAYLOAD, MARKDOWN, PLAIN_TEXT, Document, DocumentFormat
from jubao.plugin_exceptions import PluginRunError, describe_exception, first_line, validation_fields
from jubao.plugin_facts import Feature
from jubao.ruleset import RuleSet, RuleSetError, RuleSource, bundled_source, load_ruleset, ruleset_with
from jubao.watchdog import (
    DEFAULT_DRAFTING_TIMEOUT,
    DEFAULT_TIMEOUT,
    DRAFTING_TIMEOUT_ENV,
    TIMEOUT_ENV,
    PluginTimeout,
    run_limited,
    timeout_from_env,
)

if TYPE_CHECKING:
    from jubao.case import Case
    from jubao.evaluation import Evaluation

ENTRY_POINT_GROUP = "jubao"
DISABLE_ENV = "JUBAO_DISABLE_PLUGINS"
STRICT_ENV = "JUBAO_STRICT_PLUGINS"
BUILTIN_DISTRIBUTION = "jubao"
TEMPLATE_CHANNEL_FILE = "channel.yaml"
HOOK_NAMES = ("register_channels", "register_document_formats", "register_facts", "rule_sources", "build_documents")
CORE_FORMAT_IDS = frozenset({MARKDOWN.id, PLAIN_TEXT.id, JSON_PAYLOAD.id, "docx"})
"""Format ids of jubao's own formats (``jubao.MARKDOWN``, ``PLAIN_TEXT``, ``JSON_PAYLOAD``, ``DOCX``): the index,
the evidence list and every built-in channel are written in them, so no third-party plugin may register one."""


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
    builtin: set[str] = field(default_factory=set)
    """The loaded plugins that are jubao's own (declared by the ``jubao`` distribution): run inline, unlimited."""
    hung: set[str] = field(default_factory=set)
    """Plugins that overran their time limit during this run: never called again (their channels report it)."""
    timeout: float | None = DEFAULT_TIMEOUT
    """Seconds a third-party plugin's feature may take per case (``JUBAO_PLUGIN_TIMEOUT``; None: no limit)."""
    drafting_timeout: float | None = DEFAULT_DRAFTING_TIMEOUT
    """Seconds a third-party ``build_documents`` call or format write may take (``JUBAO_PLUGIN_DRAFTING_TIMEOUT``)."""
    _seen_warnings: dict[PluginWarning, object] = field(default_factory=dict, repr=False)
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
        """Record a run-time warning once. Safe from any thread without a lock (so nothing here can be left locked
        in a forked child): ``dict.setdefault`` is atomic, and only the caller whose token went in appends."""
        warning = PluginWarning(plugin, message)
        token = object()
        if self._seen_warnings.setdefault(warning, token) is token:
            self.warnings.append(warning)

    def compute_features(self, case: Case) -> dict[str, Any]:
        """Every plugin feature's value for ``case``; a feature that raises, returns a wrong value or overruns its
        time (third-party plugins: ``timeout``) is ``None`` (unknown) and a warning names it (never the value)."""
        values: dict[str, Any] = {}
        for name, feature in self.features.items():
            owner = self.feature_owner[name]
            values[name] = None
            if owner in self.hung:
                continue
            seconds = None if owner in self.builtin else self.timeout
            try:
                values[name] = run_limited(partial(feature.value_for, case), seconds=seconds, name=owner)
            except PluginTimeout as timeout:
                self.hung.add(owner)
                self.warn(owner, f"feature {name}: {_overran(timeout, TIMEOUT_ENV)}")
            except (Exception, SystemExit) as exc:
                self.warn(owner, f"feature {name}: {describe_exception(exc)}")
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
    Built-in plugins (declared by the ``jubao`` distribution) load first, then the others by name, then ``extra``
    (third-party too). Time limits for third-party code come from ``JUBAO_PLUGIN_TIMEOUT`` and
    ``JUBAO_PLUGIN_DRAFTING_TIMEOUT`` (seconds; 0 turns a limit off).
    """
    if strict is None:
        strict = strict_from_env()
    blocked = set(disabled) | disabled_from_env()
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    result = PluginSet(
        manager=manager,
        timeout=timeout_from_env(TIMEOUT_ENV, DEFAULT_TIMEOUT),
        drafting_timeout=timeout_from_env(DRAFTING_TIMEOUT_ENV, DEFAULT_DRAFTING_TIMEOUT),
    )

    def fail(plugin: str, message: str, cause: BaseException | None = None) -> None:
        error = PluginError(plugin, message)
        if strict:
            raise error from None
        result.errors.append(error)

    candidates: list[tuple[str, EntryPoint | None, Any]] = []
    identity = _DistIdentity(entry_points_group)
    if entry_points_group:
        points = sorted(entry_points(group=entry_points_group), key=lambda ep: (not identity.builtin(ep), ep.name))
        candidates += [(entry.name, entry, None) for entry in _without_repeats(points, identity)]
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
    builtin_names = {name for name, point, _ in candidates if point is not None and identity.builtin(point)}
    reserved = _Reserved(channels=set(builtin_names), formats=set(CORE_FORMAT_IDS) if builtin_names else set())
    for name, point, given in candidates:
        if name in blocked:
            manager.set_blocked(name)
            continue
        builtin = point is not None and identity.builtin(point)
        seconds = None if builtin else result.timeout
        try:
            plugin = run_limited(partial(_obtain, point, given), seconds=seconds, name=name)
        except _Refused as refused:
            fail(name, refused.message)
            continue
        except PluginTimeout as timeout:
            fail(name, f"import {_overran(timeout, TIMEOUT_ENV)}")
            continue
        problem = _register(manager, name, plugin)
        if problem is not None:
            fail(name, problem)
            continue
        try:
            collect = partial(_contribution, manager, name, plugin, checked=not builtin)
            contribution = run_limited(collect, seconds=seconds, name=name)
            _accept(result, name, contribution, reserved=None if builtin else reserved)
        except _Refused as refused:
            manager.unregister(plugin)
            fail(name, refused.message)
            continue
        except PluginTimeout as timeout:
            manager.set_blocked(name)  # unregisters it, and nothing registers that name again in this set
            fail(name, f"registration hooks {_overran(timeout, TIMEOUT_ENV)}")
            continue
        if builtin:
            result.builtin.add(name)
            reserved.channels.update(channel.id for channel in contribution.channels)
            reserved.formats.update(fmt.id for fmt in contribution.formats)
        result.deprecations += _deprecated_use(manager, name, plugin)
        distribution, version = identity.of(point) if point is not None else (None, None)
        hooks = tuple(
            sorted(caller.name for caller in manager.get_hookcallers(plugin) or [] if contribution.uses(caller.name))
        )
        result.plugins.append(PluginInfo(name, version, distribution, hooks))


def _obtain(point: EntryPoint | None, given: Any) -> Any:
    """The plugin object: the entry point's target imported (or ``given``), or a ``TemplateChannel`` for a package
    that ships only a ``channel.yaml``. Runs the plugin's import-time code, hence under the time limit."""
    plugin = given
    if point is not None:
        try:
            plugin = point.load()
        except (Exception, SystemExit) as exc:
            raise _Refused(f"failed to import {point.value}: {describe_exception(exc, loading=True)}") from None
    try:
        template = _is_template_package(plugin)
    except (Exception, SystemExit) as exc:
        raise _Refused(f"invalid plugin: {describe_exception(exc, loading=True)}") from None
    if template:
        try:
            return _template_channel(plugin.__name__)
        except (Exception, SystemExit) as exc:
            raise _Refused(f"{TEMPLATE_CHANNEL_FILE}: {describe_exception(exc, loading=True)}") from None
    return plugin


def _overran(timeout: PluginTimeout, variable: str) -> str:
    """``did not finish within 10 s (JUBAO_PLUGIN_TIMEOUT); skipped for the rest of this run``."""
    return f"did not finish within {timeout.seconds:g} s ({variable}); skipped for the rest of this run"


@dataclass
class _Reserved:
    """Ids only built-in plugins may register: their channel ids (also those of a built-in plugin that is disabled
    or failed: built-in plugins are named after their channel) and jubao's own format ids."""

    channels: set[str]
    formats: set[str]


def _without_repeats(points: list[EntryPoint], identity: _DistIdentity) -> list[EntryPoint]:
    """The entry points, less a second declaration of a built-in one (same name and target: the same code)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for point in points:
        key = (point.name, point.value)
        if identity.builtin(point):
            if key in seen:
                continue
            seen.add(key)
        kept.append(point)
    return kept


class _DistIdentity:
    """Each entry point's distribution name and version, its metadata read once per distribution (not once per
    entry point and attribute: 16 built-in plugins share one distribution), and whether it is built-in."""

    def __init__(self, group: str | None = ENTRY_POINT_GROUP) -> None:
        self._known: dict[int, tuple[Any, tuple[str | None, str | None]]] = {}
        self._group = group
        self._builtin: set[tuple[str, str]] | None = None

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
        """Whether ``point`` is one of the entry points jubao's own distribution declares (name and target).

        Not "its distribution is named jubao": any installed package can write ``Name: jubao`` in its metadata,
        and would then sort among the built-ins and take their channel ids. The distribution found *by* the name
        jubao — the one pip manages, whose entry points ``entry_points()`` reports — is jubao; its entry points,
        whatever else declares the same, load jubao's own code."""
        if self._builtin is None:
            self._builtin = set()
            if self._group:
                declared: Iterable[EntryPoint] = ()
                with contextlib.suppress(PackageNotFoundError):  # not installed (run from a source tree): none
                    declared = distribution(BUILTIN_DISTRIBUTION).entry_points.select(group=self._group)
                self._builtin = {(entry.name, entry.value) for entry in declared}
        return (point.name, point.value) in self._builtin


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
        return f"invalid plugin: {first_line(str(exc))}"
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
    refused: list[str] = field(default_factory=list)
    """What ``register`` refused, kept even if the plugin caught the exception and carried on."""

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


def _call(manager: pluggy.PluginManager, plugin: Any, hook: str, *, loading: bool = False, **kwargs: Any) -> Any:
    """Call one plugin's implementation of ``hook`` (if any) with the arguments it names. Whatever the plugin
    raises — ``SystemExit`` too: a plugin does not end jubao's run — is ``_Refused`` (type and place only;
    ``loading``: see ``describe_exception``)."""
    caller = getattr(manager.hook, hook)
    for impl in caller.get_hookimpls():
        if impl.plugin is plugin:
            try:
                return True, impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            except _Refused:  # what the plugin registered was invalid: already said precisely
                raise
            except (Exception, SystemExit) as exc:
                raise _Refused(f"{hook} failed: {describe_exception(exc, loading=loading)}") from None
    return False, None


def _contribution(manager: pluggy.PluginManager, name: str, plugin: Any, *, checked: bool = True) -> _Contribution:
    """Call the plugin's registration hooks and collect what it registers. ``checked`` (third-party plugins):
    every item is validated again field by field, and a format's ``write``/``accepts`` are guarded at run time."""
    found = _Contribution()

    def registering(hook: str, accept: Callable[[Any], Any], into: list[Any]) -> Callable[[Any], None]:
        def register(item: Any) -> None:
            try:
                into.append(accept(item))
            except _Refused as refused:
                found.refused.append(refused.message)
                raise
            except Exception as exc:  # a check of ours failing on something very odd: still the plugin's problem
                found.refused.append(f"{hook}: registered something invalid ({type(exc).__name__})")
                raise _Refused(found.refused[-1]) from None

        return register

    checks: list[tuple[str, Callable[..., Any], list[Any]]] = [
        ("register_channels", _validated_channel, found.channels),
        ("register_document_formats", _format, found.formats),
        ("register_facts", _feature, found.features),
    ]
    for hook, check, into in checks:
        _call(manager, plugin, hook, loading=True, register=registering(hook, partial(check, checked=checked), into))
    if found.refused:
        raise _Refused(found.refused[0])
    called, returned = _call(manager, plugin, "rule_sources", loading=True)
    if called:
        found.rule_sources += [RuleSource(name, directory) for directory in _rule_directories(returned)]
    return found


def _rule_directories(returned: Any) -> list[Path | Traversable]:
    """What ``rule_sources`` returned, checked: a list (or other iterable) of existing directories, or None."""
    if returned is None:
        return []
    if isinstance(returned, str | bytes | Path | Mapping) or not isinstance(returned, Iterable):
        raise _Refused(f"rule_sources returned a {type(returned).__name__}, not a list of directories")
    try:
        directories = list(returned)
    except (Exception, SystemExit) as exc:
        raise _Refused(f"rule_sources failed: {describe_exception(exc)}") from None
    for directory in directories:
        if not isinstance(directory, Path | Traversable):
            kind = type(directory).__name__
            raise _Refused(
                f"rule_sources: a {kind} is not a directory (return pathlib.Path or importlib.resources objects)"
            )
        try:
            is_dir = directory.is_dir()
        except (Exception, SystemExit) as exc:
            raise _Refused(f"rule_sources: {describe_exception(exc)}") from None
        if not is_dir:
            raise _Refused(f"rule_sources: {directory!s} is not a directory")
    return directories


def _accept(result: PluginSet, name: str, found: _Contribution, *, reserved: _Reserved | None = None) -> None:
    """Add ``found`` to ``result`` if it fits with what is there; otherwise refuse the plugin whole. ``reserved``
    (for a third-party plugin): ids that only built-in plugins may register."""
    if reserved is not None:
        taken = sorted({c.id for c in found.channels} & reserved.channels)
        if taken:
            raise _Refused(f"channel id {', '.join(taken)} is reserved for jubao's built-in channel; choose another id")
        taken = sorted({f.id for f in found.formats} & reserved.formats)
        if taken:
            raise _Refused(
                f"document format id {', '.join(taken)} is reserved for jubao's own format; choose another id"
            )
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
        result.formats[fmt.id] = fmt if reserved is None else _guarded_format(result, name, fmt)
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
        raise _Refused(f"rules: {first_line(first)}{more}") from None
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


def _validated_channel(channel: Any, checked: bool = True) -> Channel:
    """Validate what a plugin registered (a Channel, or a plain mapping) — errors say which field is wrong.
    ``checked``: a Channel instance is validated again too (see ``_rebuilt``)."""
    try:
        if isinstance(channel, Channel):
            return _rebuilt(Channel, channel) if checked else channel
        return Channel.model_validate(channel)
    except ValidationError as exc:
        raise _Refused(f"invalid channel ({validation_fields(exc)})") from None


def _format(fmt: Any, checked: bool = True) -> DocumentFormat:
    if not isinstance(fmt, DocumentFormat):
        raise _Refused(f"register_document_formats: registered a {type(fmt).__name__}, not a jubao.DocumentFormat")
    try:
        return _rebuilt(DocumentFormat, fmt) if checked else fmt
    except ValidationError as exc:
        raise _Refused(f"invalid document format ({validation_fields(exc)})") from None


def _feature(feature: Any, checked: bool = True) -> Feature:
    if not isinstance(feature, Feature):
        raise _Refused(f"register_facts: registered a {type(feature).__name__}, not a jubao.Feature")
    try:
        return _rebuilt(Feature, feature) if checked else feature
    except ValidationError as exc:
        raise _Refused(f"invalid feature ({validation_fields(exc)})") from None


M = typing.TypeVar("M", bound=BaseModel)


def _rebuilt(model: type[M], item: BaseModel) -> M:
    """A new ``model`` validated from ``item``'s fields (nested models too): an instance made without validation
    (``model_construct``, attributes set by hand) is checked like a mapping would be, and a subclass overriding
    what jubao calls (``Channel.missing``, ``Document.blanks``) becomes the plain model. ``ValidationError`` for a
    wrong field; ``_Refused`` if the fields cannot even be read."""
    try:
        data = item.model_dump(warnings=False)
        for name, info in model.model_fields.items():
            if info.exclude:  # a callable kept out of dumps (Feature.compute)
                data[name] = getattr(item, name)
    except Exception as exc:
        raise _Refused(f"invalid {model.__name__} ({type(exc).__name__} reading its fields)") from None
    return model.model_validate(data)


def _guarded_format(result: PluginSet, owner: str, fmt: DocumentFormat) -> DocumentFormat:
    """A third-party format whose ``write`` and ``accepts`` are run under the drafting time limit and checked:
    ``write`` must return bytes (else ``PluginRunError``), ``accepts`` a bool (else a warning and False)."""
    write, accepts = fmt.write, fmt.accepts

    def guarded_write(document: Document) -> bytes:
        if owner in result.hung:
            raise PluginRunError(owner, "skipped: it overran its time limit earlier in this run")
        try:
            data = run_limited(lambda: write(document), seconds=result.drafting_timeout, name=owner)
        except PluginTimeout as timeout:
            result.hung.add(owner)
            raise PluginRunError(owner, f"write {_overran(timeout, DRAFTING_TIMEOUT_ENV)}") from None
        except (Exception, SystemExit) as exc:
            raise PluginRunError(owner, f"write failed: {describe_exception(exc)}") from None
        if not isinstance(data, bytes):
            raise PluginRunError(owner, f"write returned a {type(data).__name__}, not bytes")
        return data

    def guarded_accepts(document: Document) -> bool:
        if accepts is None:
            return True
        if owner in result.hung:
            return False
        try:
            answer = run_limited(lambda: accepts(document), seconds=result.drafting_timeout, name=owner)
        except PluginTimeout as timeout:
            result.hung.add(owner)
            result.warn(owner, f"format {fmt.id}: accepts {_overran(timeout, DRAFTING_TIMEOUT_ENV)}")
            return False
        except (Exception, SystemExit) as exc:
            result.warn(owner, f"format {fmt.id}: accepts failed: {describe_exception(exc)}")
            return False
        if not isinstance(answer, bool):
            result.warn(owner, f"format {fmt.id}: accepts returned a {type(answer).__name__}, not a bool")
            return False
        return answer

    return fmt.model_copy(update={"write": guarded_write, "accepts": guarded_accepts if accepts else None})


# --- calling plugins at run time -------------------------------------------------------------------------------


def build_documents(
    plugins: PluginSet, channel_id: str, case: Case, evaluation: Evaluation, *, guide: bool = True
) -> list[Document]:
    """The documents the channel's own plugin builds for this case (only that plugin is asked), followed by the
    channel's guide (``guide=False``: without it — ``jubao plan`` lists the filings' titles, and drafting a guide
    only to drop it was a sixth of ``plan``'s time).

    Raises ``PluginRunError`` (type and place, never the message) if the plugin raises, returns something that
    is not a list of documents, or — a third-party plugin — overruns ``plugins.drafting_timeout`` (it is then
    skipped for the rest of the run: every later call for its channels raises at once).
    """
    from jubao.context import drafting_context  # noqa: PLC0415 - the drafting stack only when drafting

    owner = plugins.channel_owner.get(channel_id)
    if owner is None:
        return []
    if owner in plugins.hung:
        raise PluginRunError(owner, "build_documents skipped: the plugin overran its time limit earlier in this run")
    plugin = plugins.manager.get_plugin(owner)
    context = drafting_context(plugins, channel_id, case, evaluation)
    arguments: dict[str, Any] = {"context": context, "channel": context.channel, "case": case, "evaluation": evaluation}
    builtin = owner in plugins.builtin

    def draft() -> list[Document]:
        called, returned = _call(plugins.manager, plugin, "build_documents", **arguments)
        return _documents_returned(returned, checked=not builtin) if called else []

    try:
        documents = run_limited(draft, seconds=None if builtin else plugins.drafting_timeout, name=owner)
    except _Refused as refused:
        raise PluginRunError(owner, refused.message) from None
    except PluginTimeout as timeout:
        plugins.hung.add(owner)
        raise PluginRunError(owner, f"build_documents {_overran(timeout, DRAFTING_TIMEOUT_ENV)}") from None
    return _with_guide(context, documents, guide=guide)


def _documents_returned(returned: Any, *, checked: bool) -> list[Document]:
    """What ``build_documents`` returned, checked: None or an iterable of ``Document`` (``checked``: each one
    validated again, see ``_rebuilt``). Anything else is ``_Refused`` naming the type, never the value."""
    if returned is None:
        return []
    if isinstance(returned, str | bytes | Document | Mapping) or not isinstance(returned, Iterable):
        raise _Refused(f"build_documents returned a {type(returned).__name__}, not a list of documents")
    try:
        documents = list(returned)  # a generator runs the plugin's code here
    except (Exception, SystemExit) as exc:
        raise _Refused(f"build_documents failed: {describe_exception(exc)}") from None
    wrong = [type(item).__name__ for item in documents if not isinstance(item, Document)]
    if wrong:
        raise _Refused(f"build_documents returned a {wrong[0]} among its documents")
    if not checked:
        return documents
    try:
        return [_rebuilt(Document, document) for document in documents]
    except ValidationError as exc:
        raise _Refused(f"build_documents returned an invalid Document ({validation_fields(exc)})") from None


def _with_guide(context: Any, documents: list[Document], *, guide: bool = True) -> list[Document]:
    """Filings cleared of notes and unverified tags, followed (``guide``) by the channel's guide that now holds
    them."""
    from jubao.filing import separate_guidance  # noqa: PLC0415 - the drafting stack only when drafting

    documents = [separate_guidance(document) for document in documents]
    if not guide or not documents or context.channel is None or any(d.purpose == "guide" for d in documents):
        return documents
    from jubao.guide import channel_guide  # noqa: PLC0415

    return [*documents, channel_guide(context, documents, formats=list(context.channel.formats))]


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
