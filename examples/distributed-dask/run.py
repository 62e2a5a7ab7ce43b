"""Evaluate JSON Lines case files with jubao on Dask: partition, evaluate each partition on a worker, combine.

    python run.py cases.jsonl [more.jsonl …] --out OUT [--partitions N] [--workers N] [--today YYYY-MM-DD]
                  [--as-of YYYY-MM-DD] [--lang zh|en] [--scheduler processes|tcp://HOST:8786]

1. Partition: the cases (one JSON object per line; blank lines dropped) are split, in order, into ``--partitions``
   files of nearly equal size, ``OUT/parts/part-00000.jsonl`` …; each knows the index of its first case.
2. Evaluate: a ``dask.bag`` with one element per partition; each task runs ``jubao.evaluate_many`` over its file
   (one engine per worker process) and writes ``OUT/results/part-00000.results.jsonl``.
3. Combine: the result files, in partition order, make ``OUT/results.jsonl`` — one line per case, in input order,
   the same lines ``jubao evaluate --jsonl`` writes (``source`` names the partition file and line a case was read
   from).

``--scheduler processes`` (the default) is Dask's local multiprocessing scheduler (``--workers`` processes, started
with "spawn"). ``--scheduler tcp://HOST:8786`` sends the tasks to a running Dask cluster instead (needs
``pip install "dask[distributed]"``; the workers need jubao installed and ``OUT`` on a file system they all see).
Exit status: 0 if every case was evaluated, 2 if any was invalid.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

import dask
import dask.bag as db
import jubao_dask_tasks as tasks
from jubao_dask_tasks import Partition

import jubao


def case_lines(inputs: Sequence[Path]) -> Iterator[bytes]:
    """Every case line of the inputs, in order (blank lines left out), without holding a file in memory."""
    for path in inputs:
        with path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    yield line if line.endswith(b"\n") else line + b"\n"


def partition(inputs: Sequence[Path], parts_dir: Path, partitions: int) -> list[Partition]:
    """Split the cases into ``partitions`` files of nearly equal size, keeping their order."""
    total = sum(1 for _ in case_lines(inputs))
    parts_dir.mkdir(parents=True, exist_ok=True)
    sizes = [total // partitions + (1 if n < total % partitions else 0) for n in range(partitions)]
    parts: list[Partition] = []
    lines = case_lines(inputs)
    first = 0
    for number, size in enumerate(size for size in sizes if size):
        path = parts_dir / f"part-{number:05d}.jsonl"
        with path.open("wb") as out:
            for _ in range(size):
                out.write(next(lines))
        parts.append(Partition(str(path), first, size))
        first += size
    return parts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path, help="JSON Lines files, one case per line")
    parser.add_argument("--out", type=Path, required=True, help="folder for the partitions and the results")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="local worker processes")
    parser.add_argument("--partitions", type=int, default=None, help="default: 2 per worker")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="default: today in Beijing")
    parser.add_argument("--as-of", dest="as_of", type=date.fromisoformat, default=None)
    parser.add_argument("--lang", choices=("zh", "en"), default="en", help="language of problem messages")
    parser.add_argument("--scheduler", default="processes", help="processes, or a cluster's tcp:// address")
    options = parser.parse_args(argv)

    # One "today" for every partition, whichever worker runs it and whenever.
    today = options.today or datetime.now(jubao.CASE_TIMEZONE).date()
    out: Path = options.out
    shutil.rmtree(out / "parts", ignore_errors=True)
    shutil.rmtree(out / "results", ignore_errors=True)
    (out / "results").mkdir(parents=True)
    parts = partition(options.inputs, out / "parts", options.partitions or 2 * options.workers)

    bag = db.from_sequence(parts, npartitions=max(1, len(parts))).map(
        tasks.evaluate_partition, out_dir=str(out / "results"), today=today, as_of=options.as_of, lang=options.lang
    )
    if options.scheduler == "processes":
        summaries = bag.compute(scheduler="processes", num_workers=options.workers)
    else:  # a running cluster (dask.distributed); its workers import the task module sent here
        from dask.distributed import Client  # noqa: PLC0415 - only with a cluster

        with Client(options.scheduler) as client:
            client.upload_file(tasks.__file__)
            summaries = bag.compute()

    with (out / "results.jsonl").open("wb") as combined:
        for summary in summaries:
            with open(summary.results, "rb") as results:
                shutil.copyfileobj(results, combined)
    ok = sum(summary.ok for summary in summaries)
    bad = sum(summary.bad for summary in summaries)
    print(f"{ok + bad} cases in {len(parts)} partitions: {ok} evaluated, {bad} invalid; {out / 'results.jsonl'}",
          file=sys.stderr)  # fmt: skip
    print(f"dask {dask.__version__}, jubao {jubao.__version__}", file=sys.stderr)
    return 2 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
