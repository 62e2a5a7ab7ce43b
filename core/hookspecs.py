"""The whole plugin contract: every hook a jubao plugin can implement.

A plugin is a module (or object) with functions decorated ``@hookimpl`` whose names match the hooks below, made
known through the ``jubao`` entry-point group (built-in plugins are registered the same way). Plugin authors
import only from ``jubao``::

    from jubao import Channel, hookimpl

Hooks are called once per plugin, each in isolation: a plugin that raises is reported and skipped, the others
keep working. Every hook here is documented in docs/plugins/hooks.md with this exact signature (a test checks).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path

import pluggy

from jubao.case import Case
from jubao.channel import Channel
from jubao.documents_api import Document, DocumentFormat
from jubao.evaluation import Evaluation

PROJECT = "jubao"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_channels(register: Callable[[Channel], None]) -> None:
    """Register the reporting channels this plugin provides.

    Call ``register(channel)`` once per :class:`jubao.Channel`. Each channel is validated when registered; a
    duplicate id (another plugin already registered it) is an error naming both plugins.

    :param register: call it with each ``Channel``.
    """


@hookspec
def rule_sources() -> list[Path | Traversable]:  # type: ignore[empty-body]
    """Directories of rule files this plugin contributes.

    Each directory holds ``*.yaml`` rule files, optionally ``parameters/*.yaml`` and golden tests in
    ``tests/*.yaml``, in exactly the format of jubao's own ``rules/`` (docs/rules.md). They are loaded and
    validated together with jubao's rules, so a plugin's routing rule can send cases to its own channel without
    any change to jubao. Return directories inside your package (``importlib.resources.files(__name__) / "rules"``).

    :return: a list of directories.
    """


@hookspec
def register_document_formats(register: Callable[[DocumentFormat], None]) -> None:
    """Register document formats (how a rendered document is written to a file).

    Call ``register(fmt)`` once per :class:`jubao.DocumentFormat`. Channels name the formats they produce by id.

    :param register: call it with each ``DocumentFormat``.
    """


@hookspec
def build_documents(channel: Channel, case: Case, evaluation: Evaluation) -> list[Document] | None:
    """Build the documents for ``channel`` for this case, if ``channel`` is one of this plugin's channels.

    Return ``None`` for channels that are not yours. Documents state only facts from the case, in Chinese; where
    a required item is missing, leave a visible blank (【待补充：…】) rather than inventing it. Render templates
    shipped as package data of your plugin, not strings in code.

    :param channel: a channel the case is routed to.
    :param case: the validated case.
    :param evaluation: the engine's evaluation of the case.
    :return: the documents, or None.
    """
