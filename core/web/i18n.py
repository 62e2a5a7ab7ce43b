"""The web app's words in Chinese and English (``locales/zh.yaml``, ``locales/en.yaml`` beside this module; the
same keys in both, a test checks). Kept apart from the CLI's catalogue so that each can change on its own."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any, cast

from starlette.requests import HTTPConnection

from jubao.i18n import LANGS, Lang, _flatten
from jubao.packaged_yaml import load_packaged_yaml

LANG_COOKIE = "jubao_lang"


@cache
def catalog(lang: Lang) -> dict[str, str]:
    text = files("jubao.web").joinpath("locales", f"{lang}.yaml").read_text(encoding="utf-8")
    return _flatten(cast(dict[str, Any], load_packaged_yaml(text)))


def wt(key: str, lang: Lang, /, **params: object) -> str:
    """Translate ``key``; English, then the key itself, when missing — a missing string never breaks a page."""
    template = catalog(lang).get(key) or catalog("en").get(key)
    if template is None:
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def request_lang(connection: HTTPConnection, default: Lang = "zh") -> Lang:
    """The language the person chose (cookie), else the server's default."""
    chosen = connection.cookies.get(LANG_COOKIE)
    for lang in LANGS:
        if chosen == lang:
            return lang
    return default
