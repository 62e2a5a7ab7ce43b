"""User-facing text in Chinese (default) and English.

Messages live in ``locales/zh.yaml`` and ``locales/en.yaml`` (package data) under dotted keys, with
``str.format`` placeholders. Keeping text out of code lets a translator work without reading Python, and a test
checks that both files have the same keys and placeholders. Identifiers and JSON keys stay English; only what
a person reads is translated.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any, Literal, cast

from jubao.packaged_yaml import load_packaged_yaml

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
ENV_VAR = "JUBAO_LANG"


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = str(value)
    return flat


@cache
def catalog(lang: Lang) -> dict[str, str]:
    """All messages of one language, flattened to dotted keys (read once per process)."""
    text = files("jubao").joinpath("locales", f"{lang}.yaml").read_text(encoding="utf-8")
    return _flatten(cast(dict[str, Any], load_packaged_yaml(text)))


MISSING_VALUE = "…"
"""Shown for a placeholder that was given no value: a message a person reads never shows ``{name}`` (a test checks
that every problem carries the values its message needs; this is the net under that test)."""


def t(key: str, lang: Lang, /, **params: object) -> str:
    """Translate ``key``; fall back to English, then to the key itself, so a missing string never crashes.

    A placeholder without a value becomes ``…``, never a raw ``{name}``; a value is inserted as it is, never read
    as a template itself (``{x}`` in a value stays ``{x}``)."""
    template = catalog(lang).get(key) or catalog("en").get(key)
    if template is None:
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return _lenient_format(template, params)


class _Lenient(string.Formatter):
    """``str.format`` that never fails: missing names become ``MISSING_VALUE``, a format spec that does not suit
    the value is ignored."""

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(key, MISSING_VALUE) if isinstance(key, str) else MISSING_VALUE

    def get_field(self, field_name: str, args: Any, kwargs: Mapping[str, Any]) -> tuple[Any, Any]:
        try:
            found: tuple[Any, Any] = super().get_field(field_name, args, kwargs)
        except (LookupError, AttributeError, TypeError, ValueError):
            return MISSING_VALUE, field_name
        return found

    def format_field(self, value: Any, format_spec: str) -> str:
        try:
            return str(super().format_field(value, format_spec))
        except (ValueError, TypeError):
            return str(value)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        try:
            return super().convert_field(value, conversion)
        except ValueError:
            return value


def _lenient_format(template: str, params: Mapping[str, object]) -> str:
    try:
        return _Lenient().vformat(template, (), params)
    except ValueError:  # the template itself is malformed (an unpaired brace): shown as written
        return template


def placeholders(template: str) -> set[str]:
    """The names of the ``{placeholders}`` in ``template`` (empty for a malformed template)."""
    try:
        return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError:
        return set()


def template(key: str, lang: Lang) -> str | None:
    """The raw message of ``key`` in ``lang`` (English when ``lang`` lacks it), or ``None``."""
    return catalog(lang).get(key) or catalog("en").get(key)


def has(key: str, lang: Lang) -> bool:
    """Whether ``key`` has a message in ``lang``."""
    return key in catalog(lang)
