"""Finding, loading and isolating plugins. No global state: each ``PluginSet`` owns its pluggy manager.

Built-in plugins (``jubao_plugins.*``) and third-party ones are found the same way, through the ``jubao``
entry-point group, so that whatever a built-in channel can do, a third-party package can too. A plugin that fails
to import, implements a misspelt hook, raises inside a hook or registers something invalid is reported as one line
naming it and skipped — the rest keep working — unless ``strict`` is set, which re-raises. Plugins are disabled by
name with ``disabled=`` or the ``JUBAO_DISABLE_PLUGINS`` environment variable (comma separated).
Nothing is loaded at import time: call ``load_plugins()``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pluggy
from pydantic import ValidationError

from jubao import hookspecs
from jubao.channel import Channel
from jubao.documents_api import Document, DocumentFormat
from jubao.ruleset import RuleSource

ENTRY_POINT_GROUP = "jubao"
DISABLE_ENV = "JUBAO_DISABLE_PLUGINS"
STRICT_ENV = "JUBAO_STRICT_PLUGINS"


class PluginError(Exception):
    """A plugin could not be used (raised only in strict mode; otherwise recorded in ``PluginSet.errors``)."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"plugin {plugin}: {message}")
        self.plugin = plugin
        self.message = message


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str | None
    distribution: str | None
    hooks: tuple[str, ...]


@dataclass
class PluginSet:
    """The loaded plugins and what they contributed."""

    manager: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    channels: dict[str, Channel] = field(default_factory=dict)
    channel_owner: dict[str, str] = field(default_factory=dict)
    formats: dict[str, DocumentFormat] = field(default_factory=dict)
    format_owner: dict[str, str] = field(default_factory=dict)
    rule_sources: list[RuleSource] = field(default_factory=list)
    errors: list[PluginError] = field(default_factory=list)


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
    """
    if strict is None:
        strict = os.environ.get(STRICT_ENV, "") not in ("", "0", "false", "no")
    blocked = set(disabled) | disabled_from_env()
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    result = PluginSet(manager=manager)

    def fail(plugin: str, message: str, cause: BaseException | None = None) -> None:
        error = PluginError(plugin, message)
        if strict:
            raise error from cause
        result.errors.append(error)

    candidates: list[tuple[str, EntryPoint | None, Any]] = []
    if entry_points_group:
        for entry in sorted(entry_points(group=entry_points_group), key=lambda ep: ep.name):
            candidates.append((entry.name, entry, None))
    candidates += [(name, None, plugin) for name, plugin in extra]
    for name, point, given in candidates:
        if name in blocked:
            manager.set_blocked(name)
            continue
        plugin = given
        if point is not None:
            try:
                plugin = point.load()
            except Exception as exc:
                fail(name, f"failed to import {point.value}: {type(exc).__name__}: {exc}", exc)
                continue
        try:
            manager.register(plugin, name=name)
            manager.check_pending()  # a misspelt hook name fails here, naming the plugin
        except (pluggy.PluginValidationError, ValueError) as exc:
            if manager.is_registered(plugin):
                manager.unregister(plugin)
            fail(name, f"invalid plugin: {exc}", exc)
            continue
        dist = point.dist if point is not None else None
        hooks = tuple(sorted(impl.name for impl in manager.get_hookcallers(plugin) or []))
        result.plugins.append(PluginInfo(name, dist.version if dist else None, dist.name if dist else None, hooks))
    _collect(result, fail)
    return result


def _collect(result: PluginSet, fail: Any) -> None:
    """Call each hook once per plugin, keeping a plugin's contributions only if all of them are valid."""
    hook = result.manager.hook
    for impl in hook.register_channels.get_hookimpls():
        pending: list[Channel] = []
        try:
            impl.function(register=lambda channel, bucket=pending: bucket.append(_as_channel(channel)))
        except Exception as exc:
            fail(impl.plugin_name, f"register_channels failed: {type(exc).__name__}: {exc}", exc)
            continue
        duplicates = [c.id for c in pending if c.id in result.channels]
        if duplicates:
            owners = ", ".join(f"{cid} (already registered by {result.channel_owner[cid]})" for cid in duplicates)
            fail(impl.plugin_name, f"duplicate channel id: {owners}")
            continue
        if len({c.id for c in pending}) != len(pending):
            fail(impl.plugin_name, "registers the same channel id twice")
            continue
        for channel in pending:
            result.channels[channel.id] = channel
            result.channel_owner[channel.id] = impl.plugin_name
    for impl in hook.register_document_formats.get_hookimpls():
        formats: list[DocumentFormat] = []
        try:
            impl.function(register=formats.append)
        except Exception as exc:
            fail(impl.plugin_name, f"register_document_formats failed: {type(exc).__name__}: {exc}", exc)
            continue
        clash = [f.id for f in formats if f.id in result.formats]
        if clash:
            fail(impl.plugin_name, f"duplicate document format id: {', '.join(clash)}")
            continue
        result.formats.update({f.id: f for f in formats})
        result.format_owner.update({f.id: impl.plugin_name for f in formats})
    for impl in hook.rule_sources.get_hookimpls():
        try:
            returned: Any = impl.function()
            directories: list[Any] = list(returned or [])
            for directory in directories:
                if not isinstance(directory, Path | Traversable) or not directory.is_dir():
                    raise ValueError(f"{directory!r} is not a directory")
        except Exception as exc:
            fail(impl.plugin_name, f"rule_sources failed: {type(exc).__name__}: {exc}", exc)
            continue
        result.rule_sources += [RuleSource(impl.plugin_name, directory) for directory in directories]


def build_documents(plugins: PluginSet, channel_id: str, case: Any, evaluation: Any) -> list[Document]:
    """The documents the channel's own plugin builds for this case (only that plugin is asked)."""
    owner = plugins.channel_owner.get(channel_id)
    if owner is None:
        return []
    plugin = plugins.manager.get_plugin(owner)
    build = getattr(plugin, "build_documents", None)
    if build is None:
        return []
    documents = build(channel=plugins.channels[channel_id], case=case, evaluation=evaluation)
    return list(documents or [])


def _as_channel(channel: Any) -> Channel:
    """Validate what a plugin registered (a Channel, or a plain mapping) — errors say which field is wrong."""
    try:
        return channel if isinstance(channel, Channel) else Channel.model_validate(channel)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_input=False))
        raise ValueError(f"invalid channel ({fields})") from None
