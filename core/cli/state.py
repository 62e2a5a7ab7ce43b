"""Options shared by every command (language, debug), kept on the click context."""

from __future__ import annotations

from dataclasses import dataclass

import click

from jubao.i18n import Lang, t


@dataclass(frozen=True)
class CliState:
    lang: Lang
    debug: bool

    def t(self, key: str, /, **params: object) -> str:
        return t(key, self.lang, **params)


def state() -> CliState:
    """The current invocation's ``CliState`` (commands run only under the ``jubao`` group)."""
    obj = click.get_current_context().find_object(CliState)
    return obj if obj is not None else CliState(lang="zh", debug=False)
