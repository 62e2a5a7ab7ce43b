"""What runs on a Dask worker: evaluate one partition (a JSON Lines file of cases) and write its results.

Kept in a module of its own so that Dask sends the function by name: each worker process imports this module once
and keeps one jubao engine for every partition it is given (building an engine is the costly part of a first case).
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

import jubao


class Partition(NamedTuple):
    """One partition: a JSON Lines file of cases, and the index (among all cases) of its first case."""

    path: str
    first_index: int
    cases: int


class PartitionSummary(NamedTuple):
    results: str
    ok: int
    bad: int


@cache
def engine(disabled: tuple[str, ...] = ()) -> jubao.Engine:
    """This worker's engine: built on its first partition, reused for the others (closed when the process ends)."""
    return jubao.Engine(plugins=jubao.load_plugins(disabled=disabled))


def evaluate_partition(
    part: Partition,
    *,
    out_dir: str,
    today: date,
    as_of: date | None = None,
    lang: Literal["zh", "en"] = "en",
    disabled: tuple[str, ...] = (),
) -> PartitionSummary:
    """Evaluate the cases of ``part`` in order and write one JSON line per case to ``out_dir/<part>.results.jsonl``
    (written under a temporary name and renamed, so a retried task never leaves half a file). The ``index`` of each
    result counts among all cases, as if one process had read every partition in turn."""
    results = Path(out_dir) / f"{Path(part.path).stem}.results.jsonl"
    partial = results.with_name(results.name + f".{os.getpid()}.tmp")
    ok = bad = 0
    with open(part.path, "rb") as cases, open(partial, "w", encoding="utf-8") as out:
        for found in jubao.evaluate_many(cases, engine=engine(disabled), as_of=as_of, today=today):
            result = dataclasses.replace(found, index=part.first_index + found.index)
            out.write(result.json_line(lang) + "\n")
            ok += result.ok
            bad += not result.ok
    os.replace(partial, results)
    return PartitionSummary(str(results), ok, bad)
