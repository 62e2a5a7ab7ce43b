"""Benchmark: the rules engine against the same decisions hand-written in Python, in one process.

    python bench/engine.py                     # full run: 20,000 cases x 3 rounds, RSS over 100,000 cases
    python bench/engine.py --cases 2000 --rss-cases 5000 --rounds 1   # quick smoke run

Prints cases/s and per-case latency for
  (a) Engine.evaluate (durable_rules),
  (b) hand-written Python decisions over the same features (bench/handwritten.py) — the floor, the baseline,
  (c) Engine(backend="python"), the same rule files through jubao's Python condition evaluator,
  (d) (a) across worker processes, one engine per process (how jubao scales with cores),
  (z) zen-engine (GoRules, Rust) running the same rules translated to a JDM graph (bench/zen_jdm.py; only if
      zen-engine is installed — it is not a jubao dependency),
with ratios against (b), and resident memory before and after evaluating many new cases in one engine. Every case timed
under (a) is checked against (b): the floor does the same work. Median of the rounds; the machine is shared,
so single runs vary by ±20 %.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from handwritten import decide
from jubao.case import Case
from jubao.engine import Engine
from jubao.features import compute_features, conduct_end
from jubao.generate import random_cases
from zen_jdm import ZenRules, zen_available, zen_summary

TODAY = date(2026, 11, 20)


def rss_mib() -> float:
    """Current resident set size (Linux /proc), in MiB."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(run: Callable[[Case], Any], cases: Sequence[Case]) -> tuple[float, list[float]]:
    latencies = []
    start = time.perf_counter()
    for case in cases:
        t0 = time.perf_counter()
        run(case)
        latencies.append(time.perf_counter() - t0)
    return time.perf_counter() - start, latencies


def handwritten(engine: Engine) -> Callable[[Case], dict[str, Any]]:
    def run(case: Case) -> dict[str, Any]:
        as_of = conduct_end(case)
        params = engine._params_on(as_of)
        features = compute_features(case, today=TODAY, param=params.get, param_on=engine._param_on)
        return decide(features, params, as_of)

    return run


def zen_pipeline(engine: Engine, rules: ZenRules) -> Callable[[Case], dict[str, Any]]:
    """Features as for the floor, then the decisions by zen-engine (bench/zen_jdm.py)."""

    def run(case: Case) -> dict[str, Any]:
        as_of = conduct_end(case)
        params = engine._params_on(as_of)
        features = compute_features(case, today=TODAY, param=params.get, param_on=engine._param_on)
        return zen_summary(rules.decide(features, params, as_of))

    return run


def summary(engine_result: Any) -> dict[str, Any]:
    return {
        "regulator": engine_result.facts["regulator"],
        "licence_status": engine_result.facts["licence_status"],
        "severity": engine_result.severity.level,
        "characterisations": {item.id for item in engine_result.characterisations},
        "routes": {route.channel: route.priority for route in engine_result.routes},
    }


def _worker(seed: int, count: int, barrier: Any, results: Any) -> None:
    """Generate cases and build an engine, wait for the others, then time only the evaluations."""
    cases = list(random_cases(count, seed=seed))
    with Engine() as engine:
        engine.evaluate(cases[0], today=TODAY)
        barrier.wait()
        start = time.perf_counter()
        for case in cases:
            engine.evaluate(case, today=TODAY)
        results.put((count, time.perf_counter() - start))


def across_processes(processes: int, per_process: int) -> float:
    """Cases per second of ``processes`` engines working at once (total cases / slowest worker's time)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(1000 + i, per_process, barrier, results)) for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    outcomes: list[tuple[int, float]] = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    return float(sum(count for count, _ in outcomes) / max(elapsed for _, elapsed in outcomes))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rss-cases", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args(argv)

    print(f"generating {options.cases} cases …", flush=True)
    cases = list(random_cases(options.cases, seed=42))
    with Engine() as engine, Engine(backend="python") as interpreted:
        floor = handwritten(engine)
        mismatches = sum(1 for case in cases if summary(engine.evaluate(case, today=TODAY)) != floor(case))
        if mismatches:
            print(f"hand-written decisions disagree with the engine on {mismatches} cases: fix bench/handwritten.py")
            return 1
        runs: dict[str, list[tuple[float, list[float]]]] = {"engine": [], "handwritten": [], "interpreted": []}
        zen_version = zen_available()
        zen_run = zen_pipeline(engine, ZenRules(engine.ruleset)) if zen_version else None
        if zen_run is None:
            print("zen-engine is not installed (pip install zen-engine): row (z) skipped")
        elif any(summary(engine.evaluate(case, today=TODAY)) != zen_run(case) for case in cases):
            print("zen-engine disagrees with the engine: fix the translation in bench/zen_jdm.py")
            return 1
        else:
            runs["zen"] = []
        for _ in range(options.rounds):
            runs["handwritten"].append(timed(floor, cases))
            runs["engine"].append(timed(lambda case: engine.evaluate(case, today=TODAY), cases))
            runs["interpreted"].append(timed(lambda case: interpreted.evaluate(case, today=TODAY), cases))
            if zen_run is not None:
                runs["zen"].append(timed(zen_run, cases))

        def rate(name: str) -> float:
            return statistics.median(len(cases) / total for total, _ in runs[name])

        def pct(name: str, q: float) -> float:
            latencies = sorted(runs[name][len(runs[name]) // 2][1])
            return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e6

        base = rate("handwritten")
        print(f"\n{len(cases)} cases, median of {options.rounds} round(s); ratios against the hand-written floor")
        print(f"{'':38} {'cases/s':>9} {'ratio':>7} {'p50 µs':>8} {'p99 µs':>8}")
        labels = {"engine": "(a) Engine.evaluate (durable_rules)", "handwritten": "(b) hand-written Python (floor)",
                  "interpreted": "(c) Engine(backend='python')",
                  "zen": f"(z) zen-engine {zen_version} (JDM)"}  # fmt: skip
        for name in [name for name in ("engine", "handwritten", "interpreted", "zen") if name in runs]:
            ratio = rate(name) / base
            print(f"{labels[name]:38} {rate(name):9.0f} {ratio:7.3f} {pct(name, 0.5):8.0f} {pct(name, 0.99):8.0f}")

        if "zen" in runs:
            print(f"{'(a) / (z)':38} {rate('engine') / rate('zen'):9.2f}x  (target: engine >= 2x zen-engine)")

        if options.processes > 1:
            combined = across_processes(options.processes, len(cases) // options.processes)
            label = f"(d) (a) in {options.processes} processes"
            speedup = combined / rate("engine")
            print(f"{label:38} {combined:9.0f} {combined / base:7.3f}   (all at once; {speedup:.2f}x (a))")

        # New cases, each evaluated once, generated as they go (holding them would be the growth measured): a
        # long-running engine (jubao serve, a batch worker) must not grow with the cases it has seen. Only the
        # evaluations are timed.
        before = rss_mib()
        elapsed = 0.0
        for case in random_cases(options.rss_cases, seed=4242):
            start = time.perf_counter()
            engine.evaluate(case, today=TODAY)
            elapsed += time.perf_counter() - start
        after = rss_mib()
        print(f"\nRSS over {options.rss_cases} new cases in one engine: {before:.1f} MiB -> {after:.1f} MiB "
              f"({after - before:+.1f} MiB; {options.rss_cases / elapsed:.0f} cases/s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
