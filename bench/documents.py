"""Benchmark: drafting a case's documents against its number of incidents (issue 14: linear, not quadratic).

    python bench/documents.py            # 1, 10, 100, 1,000 incidents, median of 3 rounds (1 round above 10 s)
    python bench/documents.py --quick    # 1, 10, 100 incidents, 1 round (CI smoke run)

The case is examples/credit-card-employer.yaml with its four incidents repeated (``benchlib.scaled_case_data``):
the same eight routed channels at every size. Timed, in this process (CPU time, ``time.process_time``):
``build_document_set`` for every routed channel in each document's own formats (DOCX, Markdown, text, JSON —
what ``jubao documents`` drafts), in memory; evaluating the case and writing the files are not included. Printed:
CPU seconds, the ratio to the 1-incident run, the cost per added incident, and the growth exponent between sizes
(1.0 = linear, 2.0 = quadratic). Each size runs in a child process under a CPU limit (``--budget``, default
90 s; ``setrlimit(RLIMIT_CPU)``): a size that reaches it is stopped and reported as "> budget", and larger sizes
are skipped — so the run stays bounded before the fix (1,000 incidents took ~30 min then).

Target (issue 14): 1,000 incidents ≤ 10 s CPU here.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import EXAMPLE, children_cpu, cpu_of, environment_line, median, scaled_case_data, table

TODAY = date(2026, 11, 29)
CREATED = datetime(2026, 11, 29, 12, 0).astimezone()
TARGET_SECONDS = 10.0
ONE_ROUND_ABOVE = 10.0
"""Above this many CPU seconds a size is run once (its median is that run)."""
STARTUP_ALLOWANCE = 15.0
"""CPU seconds a child may spend besides the timed builds (imports, the untimed build, the case)."""


def measure(size: int, rounds: int) -> dict[str, Any]:
    """In a child: one untimed build (imports, templates, caches), then ``rounds`` timed builds at ``size``."""
    from jubao import Engine, build_document_set, parse_case  # noqa: PLC0415

    with Engine() as engine:
        plugins = engine.plugins
        assert plugins is not None  # an Engine built without a rule set loads the installed plugins
        warm = parse_case(scaled_case_data(1))
        build_document_set(warm, engine.evaluate(warm, today=TODAY), plugins, base_dir=EXAMPLE.parent, created=CREATED)
        case = parse_case(scaled_case_data(size))
        evaluation = engine.evaluate(case, today=TODAY)
        print(json.dumps({"ready": time.process_time()}), flush=True)  # if stopped: how far it got
        times: list[float] = []
        files = 0
        for _ in range(rounds):
            seconds, document_set = cpu_of(
                lambda: build_document_set(case, evaluation, plugins, base_dir=EXAMPLE.parent, created=CREATED)
            )
            times.append(seconds)
            files = len(document_set.files)
            if seconds > ONE_ROUND_ABOVE:
                break
    return {"size": size, "times": times, "files": files}


def in_child(size: int, rounds: int, budget: float) -> dict[str, Any] | float:
    """``measure`` in a child process limited to ``budget`` CPU seconds (plus start-up); if it hit the limit, the
    CPU seconds its first build had taken when it was stopped."""
    limit = int(budget + STARTUP_ALLOWANCE)

    def limit_cpu() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))

    before = children_cpu()
    done = subprocess.run(
        [sys.executable, __file__, "--one", str(size), "--rounds", str(rounds)],
        capture_output=True,
        text=True,
        preexec_fn=limit_cpu,  # this process starts no threads
        check=False,
    )
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        ready = json.loads(done.stdout.strip().splitlines()[-1])["ready"] if done.stdout.strip() else 0.0
        return float(children_cpu() - before - ready)
    if done.returncode != 0:
        raise SystemExit(f"documents at {size} incidents failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000], metavar="N")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--budget", type=float, default=90.0, metavar="S",
                        help="CPU seconds a size may take before it is stopped (default 90)")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="CI smoke run: 1, 10, 100 incidents, 1 round")
    parser.add_argument("--one", type=int, metavar="N", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.one is not None:
        print(json.dumps(measure(options.one, options.rounds)))
        return 0
    if options.quick:
        options.sizes, options.rounds, options.budget = [1, 10, 100], 1, 20.0

    print(environment_line())
    results: list[tuple[int, float, int]] = []
    stopped: list[int] = []
    stopped_after = 0.0
    for size in options.sizes:
        if stopped:
            stopped.append(size)
            continue
        outcome = in_child(size, options.rounds, options.budget)
        if isinstance(outcome, float):
            stopped.append(size)
            stopped_after = outcome
            print(f"  {size:>5} incidents: stopped at the CPU limit after {outcome:.0f} s of drafting", flush=True)
            continue
        times = outcome["times"]
        results.append((size, median(times), len(times)))
        print(f"  {size:>5} incidents: {median(times):.3f} s CPU ({len(times)} round(s), {outcome['files']} files)",
              flush=True)  # fmt: skip
    if not results:
        print("no size finished within the budget")
        return 1

    base = results[0][1]
    rows = []
    for index, (size, seconds, rounds) in enumerate(results):
        per = "" if index == 0 else f"{(seconds - base) / (size - results[0][0]) * 1e3:.1f}"
        growth = ""
        if index:
            previous_size, previous = results[index - 1][0], results[index - 1][1]
            growth = f"{math.log(seconds / previous) / math.log(size / previous_size):.2f}" if previous > 0 else ""
        rows.append([f"{size:,}", f"{seconds:.3f}", f"{seconds / base:.1f}", per, growth, str(rounds)])
    for size in stopped:
        first = size == stopped[0]
        rows.append([f"{size:,}", f"> {stopped_after:.0f} (stopped)" if first else "skipped",
                     f"> {stopped_after / base:.0f}" if first else "", "", "", "0"])  # fmt: skip
    print(f"\nbuild_document_set, example case scaled, every routed channel, each document's formats; CPU time,"
          f" median of up to {options.rounds} round(s)")  # fmt: skip
    print(table(rows, ["incidents", "CPU s", "× 1 incident", "ms/added incident", "growth exp.", "rounds"]))
    at_1000 = next((seconds for size, seconds, _ in results if size == 1000), None)
    if at_1000 is not None:
        verdict = "met" if at_1000 <= TARGET_SECONDS else "missed"
        print(f"\ntarget: 1,000 incidents ≤ {TARGET_SECONDS:.0f} s CPU — {at_1000:.2f} s: {verdict}")
    elif 1000 in stopped:
        print(f"\ntarget: 1,000 incidents ≤ {TARGET_SECONDS:.0f} s CPU — stopped after {stopped_after:.0f} s: missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
