"""Click parameter types shared by the commands, kept light (click and the CLI state only): every command's
arguments are parsed before anything heavy is imported."""

from __future__ import annotations

from typing import Any

import click

from jubao.cli.state import state


class PathParam(click.Path):
    """``click.Path`` that refuses an empty value.

    An empty argument is what a script passes when its variable is unset (``jubao evaluate "$CASE"``); as a path it
    means the current folder, so ``evaluate`` evaluated every case there, ``due`` listed them and ``--out ''``
    named the folder the person is in. It is a usage error (exit 2) that says the path is empty."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str | bytes) and not value.strip():
            self.fail(state().t("cli.empty_path"), param, ctx)
        return super().convert(value, param, ctx)
