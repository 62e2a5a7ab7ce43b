"""Options shared by every command (language, debug), kept on the click context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

from jubao.cli.terminal import echo
from jubao.i18n import Lang, t

if TYPE_CHECKING:
    from jubao.plugins import PluginSet


@dataclass
class CliState:
    lang: Lang
    debug: bool
    disabled_plugins: tuple[str, ...] = ()
    strict_plugins: bool = False
    _plugins: PluginSet | None = field(default=None, repr=False)

    def t(self, key: str, /, **params: object) -> str:
        return t(key, self.lang, **params)

    def plugins(self) -> PluginSet:
        """The plugins for this invocation, loaded once; each plugin problem is one line on stderr."""
        if self._plugins is None:
            # Imported here: `jubao --version`, `--help` and the commands that need no plugin start without it.
            from jubao.plugins import PluginError, load_plugins  # noqa: PLC0415

            try:
                self._plugins = load_plugins(disabled=self.disabled_plugins, strict=self.strict_plugins or None)
            except PluginError as exc:
                echo(self.t("plugins.failed_strict", plugin=exc.plugin, message=exc.message), err=True)
                raise click.exceptions.Exit(1) from None
            for error in self._plugins.errors:
                echo(self.t("plugins.skipped", plugin=error.plugin, message=error.message), err=True)
            for note in self._plugins.deprecations:
                echo(self.t("plugins.deprecated", plugin=note.plugin, message=note.message), err=True)
        return self._plugins

    def report_plugin_warnings(self) -> None:
        """One stderr line per run-time plugin warning (a routed channel drafted nothing, an unknown format …);
        with ``--strict-plugins`` they fail the command (exit 1)."""
        if self._plugins is None or not self._plugins.warnings:
            return
        from jubao.plugins import strict_from_env  # noqa: PLC0415 - loaded already: plugins were used

        for warning in self._plugins.warnings:
            echo(self.t("plugins.warning", plugin=warning.plugin, message=warning.message), err=True)
        if self.strict_plugins or strict_from_env():
            raise click.exceptions.Exit(1)


def state() -> CliState:
    """The current invocation's ``CliState`` (commands run only under the ``jubao`` group)."""
    obj = click.get_current_context().find_object(CliState)
    return obj if obj is not None else CliState(lang="zh", debug=False)
