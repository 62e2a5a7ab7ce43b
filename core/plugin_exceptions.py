"""How a plugin's exception is told: by its type and its place in the plugin's code, never by its message.

A message may quote the case, which holds other people's names and numbers; so ``describe_exception`` is the one
way a plugin's exception is printed, logged or saved (index.json, index.md), and a pydantic validation error is
told by model and field with pydantic's own wording only where that cannot hold the input. ``jubao.plugins``
uses it for every plugin failure it reports.
"""

from __future__ import annotations

import re
import sysconfig
import traceback
import typing
from pathlib import Path

import pluggy
from pydantic import ValidationError

from jubao.watchdog import PluginTimeout


class PluginRunError(Exception):
    """A plugin failed while jubao ran it; the message names the plugin, the exception type and the place."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"plugin {plugin}: {message}")
        self.plugin = plugin
        self.message = message


def describe_exception(exc: BaseException, *, loading: bool = False) -> str:
    """``ValueError at jubao_wechat/__init__.py:42`` — the type and the deepest place in plugin code, never the
    message (it may quote the case): the one way a plugin's exception is printed or saved (index.json, index.md).

    A validation error names the model and the fields with pydantic's message only where that message cannot hold
    the input (``validation_fields``). jubao's own ``PluginRunError``/``PluginTimeout`` are ours: their text is
    said. ``loading`` (plugin import, no case loaded yet): an import problem names the missing module, a syntax
    error its file and line — attributes that at run time a plugin could fill with anything.
    """
    if isinstance(exc, PluginRunError):
        return str(exc)
    if isinstance(exc, PluginTimeout):
        return f"{type(exc).__name__}: {exc}"
    if isinstance(exc, ValidationError):
        return f"invalid {_code_name(exc.title)} ({validation_fields(exc)})"
    if loading and isinstance(exc, ModuleNotFoundError) and exc.name and _MODULE_NAME.fullmatch(exc.name):
        return f"{type(exc).__name__}: no module named {exc.name}"
    if loading and isinstance(exc, SyntaxError) and exc.filename:
        return f"{type(exc).__name__} at {_short(exc.filename)}:{exc.lineno}"
    frames = traceback.extract_tb(exc.__traceback__)
    own = [frame for frame in frames if not _is_jubao_core(frame.filename)]
    frame = (own or frames)[-1] if frames else None
    return f"{type(exc).__name__} at {_short(frame.filename)}:{frame.lineno}" if frame else type(exc).__name__


_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SAFE_CONTEXT = frozenset(
    {"class", "class_name", "discriminator", "expected", "expected_schemes", "expected_tags", "field_type",
     "min_length", "max_length", "actual_length", "expected_plural", "ge", "gt", "le", "lt", "multiple_of",
     "pattern", "max_digits", "decimal_places", "whole_digits", "encoding", "method_name"}
)  # fmt: skip
"""Context values pydantic puts into its messages that come from the model, never from the input (an ``error``
holds a validator's exception text, a ``tag`` the input's own tag: messages with those are not said)."""


def validation_fields(exc: ValidationError) -> str:
    """``filing.0.address: Field required; id: string_pattern_mismatch …`` without a value from the input: no
    ``input``; a message only where it is pydantic's own text filled from the model (a validator's ``ValueError``
    text, a custom error or a union tag are said by their error type); a location part that is not a field name
    or an index (a dict key: data) is ``*``."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False, include_context=True):
        where = ".".join(_location_part(part) for part in error["loc"])
        context = error.get("ctx") or {}
        said = (
            error["msg"] if error["type"] in _known_error_types() and set(context) <= _SAFE_CONTEXT else error["type"]
        )
        parts.append(f"{where}: {said}" if where else said)
    return "; ".join(parts)


def _location_part(part: str | int) -> str:
    return str(part) if isinstance(part, int) or _FIELD_NAME.fullmatch(part) else "*"


def _code_name(title: str) -> str:
    """A validation error's title (the model's name) if it looks like one, else ``data``."""
    return title if re.fullmatch(r"[A-Za-z_][\w\[\], .]*", title, flags=re.ASCII) else "data"


_KNOWN_ERROR_TYPES: frozenset[str] | None = None


def _known_error_types() -> frozenset[str]:
    """pydantic-core's own error types (a ``PydanticCustomError``'s type is not among them: its message is the
    author's, and may hold anything)."""
    global _KNOWN_ERROR_TYPES  # noqa: PLW0603 - computed once, when an error is first described
    if _KNOWN_ERROR_TYPES is None:
        from pydantic_core import core_schema  # noqa: PLC0415

        _KNOWN_ERROR_TYPES = frozenset(typing.get_args(core_schema.ErrorType))
    return _KNOWN_ERROR_TYPES


_NOT_PLUGIN_CODE = (str(Path(__file__).resolve().parent), str(Path(pluggy.__file__).resolve().parent),
                    sysconfig.get_paths()["stdlib"])  # fmt: skip


def _is_jubao_core(filename: str) -> bool:
    """jubao's own code, pluggy and the standard library: the place to report is the plugin's frame above."""
    return filename.startswith(_NOT_PLUGIN_CODE)


def _short(filename: str) -> str:
    """The last two path parts (package/module.py): enough to find the line, without the user's home folder."""
    parts = Path(filename).parts
    return "/".join(parts[-2:])


def first_line(text: str) -> str:
    """The first line of a message (a rules error, an exception a plugin raised at import)."""
    return text.strip().splitlines()[0] if text.strip() else text


__all__ = ["PluginRunError", "describe_exception", "first_line", "validation_fields"]
