"""The whole plugin contract: every hook a jubao plugin can implement.

A plugin is a module (or object) with functions decorated ``@hookimpl`` whose names match the hooks below, made
known through the ``jubao`` entry-point group (built-in plugins are registered the same way). Plugin authors
import only from ``jubao``::

    from jubao import Channel, DraftingContext, Drafter, hookimpl

A plugin is one unit: its channels, formats, facts and rules are checked together when it loads, and if any of
them fails (or a hook raises, returns the wrong type or does not finish in time) the whole plugin is dropped with
one line naming it; the others keep working. What a third-party plugin's hooks return is checked, its code runs
under a time limit, and its exceptions are reported by type and place only (docs/plugins/hooks.md, "What jubao
guarantees"; ``jubao.plugins``, ``jubao.watchdog``).
Every hook here is documented in docs/plugins/hooks.md with this exact signature (a test checks).

``PLUGIN_API`` is the version of this contract; docs/plugins/api-policy.md says what may change and how.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

from jubao.channel import Channel
from jubao.documents_api import Document, DocumentFormat
from jubao.plugin_facts import Feature

if TYPE_CHECKING:  # only for the annotations: importing the drafting context pulls in Jinja2
    from jubao.case import Case
    from jubao.context import DraftingContext
    from jubao.evaluation import Evaluation

PROJECT = "jubao"
PLUGIN_API = "1.3"
"""Major.minor of the plugin contract. A minor bump adds (a hook, a context attribute); a major one removes or
changes something, after a deprecation period (docs/plugins/api-policy.md)."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_channels(register: Callable[[Channel], None]) -> None:
    """Register the reporting channels this plugin provides.

    Call ``register(channel)`` once per :class:`jubao.Channel`. Each channel is validated when registered; a
    duplicate id (another plugin already registered it) drops this plugin with a message naming both, and the id
    of a built-in channel is reserved (even when that built-in plugin is disabled).

    :param register: call it with each ``Channel``.
    """


@hookspec
def register_facts(register: Callable[[Feature], None]) -> None:
    """Declare features this plugin computes from the case, for its own rules.

    Call ``register(feature)`` once per :class:`jubao.Feature` (name, type, description, ``compute(case)``).
    The value is checked against the declared type for every case; the feature is listed by ``jubao facts list``
    and can be read by this plugin's rules like any of jubao's features.

    :param register: call it with each ``Feature``.
    """


@hookspec
def rule_sources() -> list[Path | Traversable]:  # type: ignore[empty-body]
    """Directories of rule files this plugin contributes.

    Each directory holds ``*.yaml`` rule files, optionally ``parameters/*.yaml`` and golden tests in
    ``tests/*.yaml``, in exactly the format of jubao's own ``rules/`` (docs/rules.md). They are checked and
    compiled together with jubao's rules when the plugin loads, so a plugin's routing rule can send cases to its
    own channel without any change to jubao, and a rule error drops only this plugin. Return directories inside
    your package (``importlib.resources.files(__name__) / "rules"``).

    :return: a list of directories.
    """


@hookspec
def register_document_formats(register: Callable[[DocumentFormat], None]) -> None:
    """Register document formats (how a rendered document is written to a file).

    Call ``register(fmt)`` once per :class:`jubao.DocumentFormat`. Channels name the formats they produce by id;
    jubao's own ids (``md``, ``txt``, ``json``, ``docx``) are reserved. ``write`` must return ``bytes`` and
    ``accepts`` a ``bool``.

    :param register: call it with each ``DocumentFormat``.
    """


@hookspec
def build_documents(  # type: ignore[empty-body]
    context: DraftingContext, channel: Channel, case: Case, evaluation: Evaluation
) -> list[Document]:
    """Build the documents for one of this plugin's channels, for one case.

    jubao calls this only on the plugin that registered ``context.channel`` and only for a channel the case is
    routed to (or that the user asked for), so there is nothing to filter. ``context`` carries the case, its
    evaluation, the channel, every channel's name and the rules' parameters in force; render templates with
    ``Drafter(__name__, context)``. Documents state only facts from the case, in Chinese; where a required item is
    missing, leave a visible blank (【待补充：…】) rather than inventing it. Return at least one document: a routed
    channel with none is reported as a warning (and fails the test kit).

    Take only the arguments you use (pluggy passes those your function names); new plugins take ``context``
    alone. ``channel``, ``case`` and ``evaluation`` are the same objects as ``context.channel`` …; they are kept
    for plugins written against plugin API 1.0 and deprecated (docs/plugins/api-policy.md).

    :param context: the drafting context (``jubao.DraftingContext``).
    :param channel: deprecated: ``context.channel``.
    :param case: deprecated: ``context.case``.
    :param evaluation: deprecated: ``context.evaluation``.
    :return: the documents.
    """
