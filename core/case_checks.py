"""Checks of a case against the installed plugins: what the case model alone cannot know.

A case names channels by id (``prior_complaints[].channel``). Which ids exist depends on the plugins installed
(a provincial plugin adds its own), so ``jubao.case`` only checks the id's form; an id no installed plugin or rule
file knows — a typo such as ``nfra12378`` — would otherwise be silently ignored: no clock started, no route
adjusted, no document mentioning the complaint. ``channel_problems`` reports each such id as an error at its
place, with the known ids and the nearest one. ``jubao validate`` and every command that evaluates a case report
them with line and column (``locate``); ``Engine.evaluate`` refuses such a case (``CaseFileError``).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from functools import cache

from jubao.case import Case
from jubao.problems import Problem
from jubao.sourcemap import SourceError, parse_trusted_yaml, positions_only
from jubao_rules import rules_root

UNKNOWN_CHANNEL = "unknown_channel"


def channel_problems(case: Case, known: Collection[str]) -> list[Problem]:
    """One ``unknown_channel`` problem per prior complaint whose ``channel`` is not in ``known`` (the ids of the
    installed plugins and rule files: ``PluginSet.ruleset.channels``)."""
    problems = []
    listed = ", ".join(sorted(known))
    for index, prior in enumerate(case.prior_complaints):
        if prior.channel in known:
            continue
        params = {"known": listed}
        nearest = _nearest(prior.channel, sorted(known))
        if nearest:
            params["suggestion"] = nearest
        problems.append(Problem(code=UNKNOWN_CHANNEL, loc=("prior_complaints", index, "channel"), params=params))
    return problems


def known_without_plugins(case: Case) -> bool:
    """Whether every prior complaint names a channel jubao's own catalogue lists: such an id is known whatever
    plugins are installed (plugins add ids and cannot replace the catalogue: ``jubao.ruleset.CATALOGUE_NOT_FIRST``),
    so ``channel_problems`` would find nothing — without loading a plugin."""
    listed = catalogue_channel_ids()
    return listed is not None and all(prior.channel in listed for prior in case.prior_complaints)


@cache
def catalogue_channel_ids() -> frozenset[str] | None:
    """The channel ids in jubao's ``rules/catalogue.yaml`` (None if it cannot be read as expected: then the plugins
    are asked, as always)."""
    try:
        data = parse_trusted_yaml((rules_root() / "catalogue.yaml").read_text(encoding="utf-8"), allow_aliases=True)
    except (OSError, UnicodeDecodeError, SourceError):
        return None
    channels = data.data.get("channels") if isinstance(data.data, dict) else None
    if not isinstance(channels, list):
        return None
    ids = [entry.get("id") if isinstance(entry, dict) else None for entry in channels]
    found = [cid for cid in ids if isinstance(cid, str)]
    return frozenset(found) if len(found) == len(ids) else None


def _nearest(given: str, known: list[str]) -> str | None:
    """The known id ``given`` most likely meant: a close spelling (``nfra12378``), or the one id that contains it or
    that it contains (``12378``, ``police_report``). None rather than a guess between ids that merely share digits."""
    close = difflib.get_close_matches(given, known, n=1, cutoff=0.75)
    if close:
        return close[0]
    overlapping = [k for k in known if min(len(k), len(given)) >= 4 and (given in k or k in given)]
    return overlapping[0] if len(overlapping) == 1 else None


def locate(problems: list[Problem], text: str) -> list[Problem]:
    """``problems`` with the line and column of their field in the case's YAML or JSON ``text`` (unchanged when
    the text cannot be read back). Only the positions are read, not the data (``positions_only``)."""
    if not problems:
        return problems
    document = positions_only(text)
    located = []
    for problem in problems:
        position = document.position_of(problem.loc)
        located.append(problem.located(*position) if position else problem)
    return located
