"""User-facing text in Chinese (default) and English.

Messages live in ``locales/zh.yaml`` and ``locales/en.yaml`` (package data) under dotted keys, with
``str.format`` placeholders. Keeping text out of code lets a translator work without reading Python, and a test
checks that both files have the same keys and placeholders. Identifiers and JSON keys stay English; only what
a person reads is translated.
"""

from __future__ import annotations

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


def t(key: str, lang: Lang, /, **params: object) -> str:
    """Translate ``key``; fall back to English, then to the key itself, so a missing string never crashes."""
    template = catalog(lang).get(key) or catalog("en").get(key)
    if template is None:
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def has(key: str, lang: Lang) -> bool:
    """Whether ``key`` has a message in ``lang``."""
    return key in catalog(lang)
