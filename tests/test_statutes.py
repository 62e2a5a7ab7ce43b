"""The statute library: it loads, its ids are unique, V quotes are verbatim in the law texts, versions follow dates.

The law texts that the library quotes (a ``source`` id whose entry in rules/sources.yaml names a ``lawrefbook`` file)
are copied, unchanged, into tests/data/laws/ with the same relative paths, so these tests run in every clone and
never skip; see tests/data/laws/README.md.
"""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from jubao.rules import Verification
from jubao.sources import bundled_sources, source_ids
from jubao.statutes import STATUTES_DIR, STATUTES_PACKAGE, StatuteError, bundled_statutes, load_statutes

LAWS = Path(__file__).resolve().parent / "data" / "laws"
"""Where the ``lawrefbook`` file X of a source (rules/sources.yaml) is in this repository."""

HARASSMENT = "public_order.harassment"
NO_CONTACT = "public_order.no_contact_order"
OLD_PUBLIC_ORDER_LAW = "public_order_law_2012"

ELISION = "……"
"""Marks a gap inside a quote: each part must appear in the law text, in order."""

_INVISIBLE = re.compile(r"[\s\u200b\ufeff]")
_NUMERAL = "零一二三四五六七八九十百千"
_ARTICLE_NO = re.compile(rf"第[{_NUMERAL}]+条(?:之[{_NUMERAL}]+)?")
_ARTICLE_HEADING = re.compile(rf"^[\s\u200b\ufeff]*(第[{_NUMERAL}]+条(?:之[{_NUMERAL}]+)?)[\s\u3000]")


def _normalise(text: str) -> str:
    """Drop all whitespace (including full-width and zero-width spaces): line breaks differ, characters do not."""
    return _INVISIBLE.sub("", text)


def quote_in_text(quote: str, text: str) -> bool:
    """True when the quote is in the text verbatim, ignoring whitespace; ``……`` may stand for omitted text."""
    body = _normalise(text)
    position = 0
    for part in _normalise(quote).split(ELISION):
        found = body.find(part, position) if part else -1
        if found < 0:
            return False
        position = found + len(part)
    return True


def article_text(law: str, article: str) -> str | None:
    """The text of the article that ``article`` (e.g. 第四十二条第（五）项) names, from its heading to the next."""
    wanted = _ARTICLE_NO.match(article)
    if wanted is None:
        return None
    lines: list[str] = []
    inside = False
    for line in law.splitlines():
        heading = _ARTICLE_HEADING.match(line)
        if heading or line.startswith("#"):
            if inside:
                break
            inside = heading is not None and heading.group(1) == wanted.group(0)
        if inside:
            lines.append(line)
    return "\n".join(lines) or None


def _law_text(source: str) -> str | None:
    """The statute text a ``source`` value names (its first id with a ``lawrefbook`` file), as a relative path."""
    sources = bundled_sources()
    for source_id in source_ids(source) or []:
        entry = sources.get(source_id)
        if entry is not None and entry.lawrefbook:
            return entry.lawrefbook
    return None


def _law_path(source: str) -> Path:
    return LAWS / (_law_text(source) or "")


@pytest.fixture(scope="module")
def laws() -> Path:
    assert LAWS.is_dir(), f"the law texts are missing: expected them in the repository, at {LAWS}"
    return LAWS


def test_the_bundled_library_loads_with_unique_ids_and_sources() -> None:
    statutes = load_statutes()
    raw_ids: list[str] = []
    for item in (files(STATUTES_PACKAGE) / STATUTES_DIR).iterdir():
        if item.name.endswith(".yaml"):
            raw_ids += [p["id"] for p in yaml.safe_load(item.read_text(encoding="utf-8"))["provisions"]]
    assert len(raw_ids) == len(set(raw_ids)), "a provision id is defined twice"
    assert sorted(raw_ids) == statutes.ids()
    assert len(raw_ids) >= 80
    assert bundled_statutes().ids() == statutes.ids()
    for provision_id in statutes.ids():
        for version in statutes.provision(provision_id).versions:
            where = f"{provision_id} ({version.instrument})"
            if version.status is Verification.VERIFIED:
                assert _law_text(version.source), f"{where}: a V quote cites a statute text jubao holds"
                assert version.article, where
                assert version.quote, where
            if version.article is None:
                assert version.note, f"{where}: say why the article number is left out"


def test_every_verified_quote_is_verbatim_in_its_article(laws: Path) -> None:
    statutes = bundled_statutes()
    texts: dict[str, str] = {}
    checked = 0
    problems: list[str] = []
    for provision_id in statutes.ids():
        for version in statutes.provision(provision_id).versions:
            if version.status is not Verification.VERIFIED or not version.quote:
                continue
            path = _law_path(version.source)
            assert path.is_relative_to(laws)
            if version.source not in texts:
                assert path.is_file(), f"{provision_id}: no file {path}"
                texts[version.source] = path.read_text(encoding="utf-8")
            article = article_text(texts[version.source], version.article or "")
            if article is None:
                problems.append(f"{provision_id}: {version.article} not found in {version.source}")
            elif not quote_in_text(version.quote, article):
                problems.append(f"{provision_id}: quote is not verbatim in {version.article} of {version.source}")
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= 70


def test_harassment_is_cited_by_the_law_in_force_on_the_day() -> None:
    statutes = bundled_statutes()
    old = statutes.on(HARASSMENT, date(2025, 12, 31))
    new = statutes.on(HARASSMENT, date(2026, 1, 1))
    assert old.article == "第四十二条第（五）项"
    assert old.status is Verification.VERIFIED
    assert new.article == "第五十条第一款第（五）项"
    assert new.status is Verification.SECONDARY
    assert new.reference() == "《中华人民共和国治安管理处罚法》第五十条第一款第（五）项"
    assert statutes.on(HARASSMENT, date(2016, 5, 1)) == old


def test_no_version_or_no_provision_raises() -> None:
    statutes = bundled_statutes()
    assert statutes.provision(NO_CONTACT).on(date(2025, 12, 31)) is None
    with pytest.raises(StatuteError, match="no version in force on 2025-12-31"):
        statutes.on(NO_CONTACT, date(2025, 12, 31))
    assert statutes.on(NO_CONTACT, date(2026, 1, 1)).article == "第五十条第二款"
    with pytest.raises(StatuteError, match="no version in force"):
        statutes.on("pipl.consent_bases", date(2021, 10, 31))
    with pytest.raises(StatuteError, match="no provision"):
        statutes.on("public_order.no_such_thing", date(2026, 1, 1))


def test_renumbered_articles_of_unknown_number_are_flagged() -> None:
    statutes = bundled_statutes()
    for provision_id in (
        "public_order.threat",
        "public_order.insult_defamation",
        "public_order.impersonation",
        "public_order.limitation",
        "public_order.case_handling_period",
    ):
        old = statutes.on(provision_id, date(2025, 6, 1))
        new = statutes.on(provision_id, date(2026, 10, 1))
        assert old.article, provision_id
        assert old.source == OLD_PUBLIC_ORDER_LAW, provision_id
        assert new.article is None, provision_id
        assert new.unverified, provision_id
        assert new.reference() == "《中华人民共和国治安管理处罚法》"


def test_the_2012_public_order_quotes_are_in_the_2012_text_and_a_changed_quote_fails(laws: Path) -> None:
    law = _law_path(OLD_PUBLIC_ORDER_LAW).read_text(encoding="utf-8")
    statutes = bundled_statutes()
    old_versions = [
        version
        for provision_id in statutes.ids()
        for version in statutes.provision(provision_id).versions
        if version.source == OLD_PUBLIC_ORDER_LAW
    ]
    assert len(old_versions) == 7
    for version in old_versions:
        assert version.quote
        assert version.effective_to == date(2025, 12, 31)
        assert quote_in_text(version.quote, article_text(law, version.article or "") or "")

    quote = statutes.on(HARASSMENT, date(2025, 12, 31)).quote or ""
    assert quote_in_text(quote, law)
    assert not quote_in_text(quote.replace("五百元", "一千元"), law)
    assert not quote_in_text(quote.replace("恐吓", "恐赫"), law)
    assert not quote_in_text(quote[:30] + quote[31:], law)  # one character dropped
    # Item (五) is not in Art. 51, and the 2025 wording is not in the 2012 text.
    assert not quote_in_text(quote, article_text(law, "第五十一条") or "")
    assert not quote_in_text(statutes.on(HARASSMENT, date(2026, 1, 1)).quote or "", law)


def test_the_quote_check_ignores_whitespace_only() -> None:
    text = "第一条 甲乙丙；\n\n（一）丁戊；\n\u3000（二）己庚。"
    assert quote_in_text("甲乙丙；（一）丁戊；", text)
    assert quote_in_text("甲乙 丙；……（二）己庚。", text)
    assert not quote_in_text("（二）己庚。……甲乙丙；", text)  # parts must be in order
    assert not quote_in_text("甲乙丙;", text)  # half-width punctuation is a different character
    assert not quote_in_text("……", text)
    assert article_text(text, "第一条第（二）项") == text
    assert article_text(text, "第二条") is None
