"""Benchmark: loading a case file against its number of incidents, YAML and JSON (issue 14: fast loading).

    python bench/load.py             # 100, 1,000, 10,000 incidents; median of 3 rounds (1 round above 5 s)
    python bench/load.py --quick     # 100, 1,000 incidents, 1 round, no memory run (CI smoke run)

The case is examples/credit-card-employer.yaml with its four incidents repeated (``benchlib.scaled_case_data``),
written as a block-style YAML file and as an indented JSON file. Timed in this process (CPU time,
``time.process_time``): ``jubao.load_case(path)`` — read, parse, normalise, validate — and, as the floor of the
parsing part, the fastest plain parser at hand on the same text (``orjson.loads`` for JSON; libyaml's
``CSafeLoader`` for YAML when PyYAML has it, else the pure-Python ``SafeLoader``). ``parse_case_text`` on the same
text is shown too (``load_case`` minus reading the file). Peak memory: ``tracemalloc`` around one ``load_case`` at
the largest size (a separate, untimed run: tracing slows Python down).

Before issue 14: 1.1–1.4 ms per incident (PyYAML's pure-Python composer; JSON re-parsed by it for positions),
15 s and 250 MiB peak at 10,000 incidents.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import case_text, cpu_of, environment_line, median, scaled_case_data, table

ONE_ROUND_ABOVE = 5.0


def raw_parser(fmt: str) -> tuple[str, Callable[[str], Any]]:
    """The fastest plain parser for ``fmt`` here, and its name."""
    if fmt == "json":
        import orjson  # noqa: PLC0415

        return "orjson.loads", orjson.loads
    import yaml  # noqa: PLC0415

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        return "yaml CSafeLoader", lambda text: yaml.load(text, Loader=loader)
    return "yaml SafeLoader", yaml.safe_load


def timed(work: Callable[[], Any], rounds: int) -> tuple[float, int]:
    times = []
    for _ in range(rounds):
        seconds, _ = cpu_of(work)
        times.append(seconds)
        if seconds > ONE_ROUND_ABOVE:
            break
    return median(times), len(times)


def peak_mib(work: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000], metavar="N")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--quick", action="store_true", help="CI smoke run: 100 and 1,000 incidents, 1 round")
    options = parser.parse_args(argv)
    if options.quick:
        options.sizes, options.rounds, options.no_memory = [100, 1000], 1, True

    from jubao import load_case, parse_case_text  # noqa: PLC0415

    print(environment_line())
    rows = []
    memory: list[str] = []
    with tempfile.TemporaryDirectory(prefix="jubao-bench-load-") as folder:
        warm = Path(folder) / "warm.yaml"
        warm.write_text(case_text(scaled_case_data(4), "yaml"), encoding="utf-8")
        load_case(warm)  # imports and model building, untimed
        for fmt in ("yaml", "json"):
            raw = raw_parser(fmt)[1]
            for size in options.sizes:
                text = case_text(scaled_case_data(size), fmt)
                path = Path(folder) / f"case-{size}.{fmt}"
                path.write_text(text, encoding="utf-8")
                loaded, rounds = timed(functools.partial(load_case, path), options.rounds)
                parsed, _ = timed(functools.partial(parse_case_text, text, fmt=fmt), options.rounds)
                floor, _ = timed(functools.partial(raw, text), options.rounds)
                rows.append([fmt, f"{size:,}", f"{len(text.encode()) / 2**20:.2f}", f"{loaded:.3f}",
                             f"{loaded / size * 1e3:.3f}", f"{parsed:.3f}", f"{floor:.3f}",
                             f"{loaded / floor:.1f}" if floor > 0 else "", str(rounds)])  # fmt: skip
                print(f"  {fmt} {size:>6}: load_case {loaded:.3f} s CPU", flush=True)
                if not options.no_memory and size == max(options.sizes):
                    peak = peak_mib(functools.partial(load_case, path))
                    memory.append(f"{fmt} {size:,} incidents: peak {peak:.1f} MiB (tracemalloc, one load_case; the "
                                  f"text itself is {len(text.encode()) / 2**20:.1f} MiB)")  # fmt: skip
    print(f"\nload_case on the example scaled; CPU time, median of up to {options.rounds} round(s); "
          f"floor = plain parser of the same text (YAML: {raw_parser('yaml')[0]}; JSON: orjson.loads)")  # fmt: skip
    print(table(rows, ["format", "incidents", "MiB", "load_case s", "ms/incident", "parse_case_text s",
                       "floor s", "× floor", "rounds"]))  # fmt: skip
    for line in memory:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
