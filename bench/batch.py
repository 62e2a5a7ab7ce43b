"""Benchmark: what one case costs in a batch — CLI against the Python API, 1 against N processes (issue 14).

    python bench/batch.py            # 1,000 generated cases, median of 3 rounds
    python bench/batch.py --quick    # 60 cases, 1 round (CI smoke run)

Cases: ``jubao.generate.random_case_data`` (reproducible, seed 7), written as YAML files into a folder and as one
JSON Lines file. Per case, CPU time (this process: ``time.process_time``; children and their workers:
``getrusage(RUSAGE_CHILDREN)`` deltas), median of rounds; ratios against (a) in the same run:

  (a)  API: ``load_case(path)`` + ``Engine.evaluate`` (engine built once, not timed) — the baseline;
  (a0) (a) in a fresh ``python -c``: importing jubao and building the engine included, like the CLI rows' start-up;
  (a1) ``Engine.evaluate`` alone, on cases already parsed — the floor;
  (a2) (a) + the evaluation's JSON (``model_dump_json``) — what the CLI writes for each case;
  (m1) ``jubao.evaluate_many(paths, jobs=1)`` in a fresh ``python -c`` (start-up and engine included);
  (mN) the same with ``jobs=N``, N = cores (the workers' CPU included);
  (c1) ``jubao evaluate DIR --jobs 1`` — files of a folder, JSON Lines out (start-up included, spread over cases);
  (c1+) (c1) beyond its start-up: (c1) minus the same command on a folder of one case, per further case;
  (cs) ``jubao evaluate - --jobs 1`` — JSON Lines on standard input;
  (cN) ``jubao evaluate DIR --jobs N``;
  (cp) ``jubao evaluate FILE --json``, one process per case — the only way before batch mode (on a few files).

Rows whose feature is missing in the installed jubao (``evaluate_many``, a CLI taking many cases) are skipped and
say so. For the N-process rows the wall-clock speed-up over 1 process is shown too (wall time: noisy on a shared
machine, but it is what more processes buy). Target (issue 14): batch through the CLI within 1.5× of the API per
case. Judged like for like: (c1) against (a0), both paying their start-up once; (c1+) against (a), neither paying
it, is printed beside it, and (c1) against (a) — the CLI's start-up against none of the API's, the only comparison
before — too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (
    case_text,
    children_cpu,
    environment_line,
    has_api,
    jubao_command,
    median,
    run_child,
    table,
)

TODAY = date(2026, 11, 29)
TARGET = 1.5
PER_PROCESS_FILES = 10


def write_cases(folder: Path, count: int) -> tuple[list[Path], Path]:
    from jubao.generate import random_case_data  # noqa: PLC0415

    rng = random.Random(7)
    cases = folder / "cases"
    cases.mkdir()
    paths = []
    with (folder / "cases.jsonl").open("w", encoding="utf-8") as lines:
        for index in range(count):
            data = random_case_data(rng)
            path = cases / f"case-{index:05d}.yaml"
            path.write_text(case_text(data, "yaml"), encoding="utf-8")
            paths.append(path)
            lines.write(json.dumps(data, ensure_ascii=False) + "\n")
    return paths, folder / "cases.jsonl"


def cli_batch_available(jubao: list[str]) -> bool:
    """Whether ``jubao evaluate`` takes many cases (``--jobs`` in its help)."""
    done = run_child([*jubao, "evaluate", "--help"])
    return b"--jobs" in done.stdout


def self_and_children(work: Callable[[], Any]) -> tuple[float, float]:
    """CPU seconds of ``work()`` in this process plus its (waited-for) children, and the wall seconds."""
    cpu, children, wall = time.process_time(), children_cpu(), time.perf_counter()
    work()
    return time.process_time() - cpu + children_cpu() - children, time.perf_counter() - wall


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - one straight measurement
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="N for the N-process rows")
    parser.add_argument("--quick", action="store_true", help="CI smoke run: 60 cases, 1 round")
    options = parser.parse_args(argv)
    if options.quick:
        options.cases, options.rounds = 60, 1
    options.jobs = max(options.jobs, 2)

    from jubao import Engine, load_case  # noqa: PLC0415

    jubao = jubao_command()
    print(environment_line())
    today = TODAY.isoformat()
    notes: list[str] = []
    has_many = has_api("evaluate_many")
    has_cli = cli_batch_available(jubao)
    if not has_many:
        notes.append("jubao.evaluate_many does not exist in this jubao: rows (m1), (mN) skipped")
    if not has_cli:
        notes.append("`jubao evaluate` takes one case in this jubao (no --jobs): rows (c1), (cs), (cN) skipped")
    samples: dict[str, list[float]] = {}
    walls: dict[str, list[float]] = {}

    def record(key: str, cpu: float, wall: float | None = None) -> None:
        samples.setdefault(key, []).append(cpu)
        if wall is not None:
            walls.setdefault(key, []).append(wall)

    with tempfile.TemporaryDirectory(prefix="jubao-bench-batch-") as folder:
        paths, jsonl = write_cases(Path(folder), options.cases)
        stream = jsonl.read_bytes()
        one_case = Path(folder) / "one-case"
        one_case.mkdir()
        (one_case / paths[0].name).write_bytes(paths[0].read_bytes())
        with Engine() as engine:
            parsed = [load_case(path) for path in paths]
            engine.evaluate(parsed[0], today=TODAY)

            def api() -> None:
                for path in paths:
                    engine.evaluate(load_case(path), today=TODAY)

            def api_evaluate() -> None:
                for case in parsed:
                    engine.evaluate(case, today=TODAY)

            def api_json() -> None:
                for path in paths:
                    engine.evaluate(load_case(path), today=TODAY).model_dump_json()

            def api_fresh() -> None:
                script = (
                    "import sys, datetime\n"
                    "from jubao import Engine, load_case\n"
                    f"today = datetime.date.fromisoformat({today!r})\n"
                    "with Engine() as engine:\n"
                    "    for path in sys.argv[1:]:\n"
                    "        engine.evaluate(load_case(path), today=today)\n"
                )
                done = run_child([sys.executable, "-c", script, *map(str, paths)])
                if done.returncode != 0:
                    raise SystemExit(f"the API in a fresh process failed:\n{done.stderr.decode()[-2000:]}")
                record("a0", done.cpu, done.wall)

            def many(jobs: int, key: str) -> None:
                script = (
                    "import sys, datetime, jubao\n"
                    "results = list(jubao.evaluate_many(sys.argv[2:], jobs=int(sys.argv[1]), "
                    f"today=datetime.date.fromisoformat({today!r})))\n"
                    "sys.exit(0 if len(results) == len(sys.argv) - 2 and all(r.ok for r in results) else 1)\n"
                )
                done = run_child([sys.executable, "-c", script, str(jobs), *map(str, paths)])
                if done.returncode != 0:
                    raise SystemExit(f"evaluate_many(jobs={jobs}) failed:\n{done.stderr.decode()[-2000:]}")
                record(key, done.cpu, done.wall)

            def cli(args: list[str], key: str, stdin: bytes | None = None, cases: int = len(paths)) -> None:
                done = run_child([*jubao, "evaluate", *args, "--today", today], stdin=stdin)
                lines = done.stdout.count(b"\n")
                if done.returncode != 0 or lines != cases:
                    raise SystemExit(f"`jubao evaluate {' '.join(args)}` failed (exit {done.returncode}, {lines} "
                                     f"lines):\n{done.stderr.decode(errors='replace')[-2000:]}")  # fmt: skip
                record(key, done.cpu, done.wall)

            for _ in range(options.rounds):
                record("a", *self_and_children(api))
                record("a1", *self_and_children(api_evaluate))
                record("a2", *self_and_children(api_json))
                api_fresh()
                if has_many:
                    many(1, "m1")
                    many(options.jobs, "mN")
                if has_cli:
                    cli([str(paths[0].parent), "--jobs", "1"], "c1")
                    cli([str(one_case), "--jobs", "1"], "c1-one", cases=1)
                    cli(["-", "--jobs", "1"], "cs", stdin=stream)
                    cli([str(paths[0].parent), "--jobs", str(options.jobs)], "cN")
                per_process = []
                for path in paths[:PER_PROCESS_FILES]:
                    done = run_child([*jubao, "evaluate", str(path), "--json", "--today", today])
                    if done.returncode != 0:
                        raise SystemExit(f"`jubao evaluate FILE --json` failed:\n{done.stderr.decode()[-2000:]}")
                    per_process.append(done.cpu)
                record("cp", sum(per_process) * len(paths) / len(per_process))
    if "c1" in samples and "c1-one" in samples:  # per further case, scaled back to the folder's size
        count = len(paths)
        samples["c1+"] = [
            (c1 - one) * count / (count - 1) for c1, one in zip(samples["c1"], samples["c1-one"], strict=True)
        ]
    n = options.jobs
    labels = {
        "a": "(a)  API: load_case + Engine.evaluate",
        "a1": "(a1) Engine.evaluate on parsed cases",
        "a0": "(a0) (a) in a fresh python -c",
        "a2": "(a2) (a) + evaluation JSON",
        "m1": "(m1) evaluate_many(jobs=1), python -c",
        "mN": f"(mN) evaluate_many(jobs={n}), python -c",
        "c1": "(c1) jubao evaluate DIR --jobs 1",
        "c1+": "(c1+) (c1) beyond its start-up",
        "cs": "(cs) jubao evaluate - --jobs 1 (JSONL)",
        "cN": f"(cN) jubao evaluate DIR --jobs {n}",
        "cp": f"(cp) jubao evaluate FILE, a process per case (on {PER_PROCESS_FILES})",
    }
    base = median(samples["a"]) / len(paths)
    rows = []
    for key, label in labels.items():
        if key not in samples:
            rows.append([label, "skipped", "", ""])
            continue
        per_case = median(samples[key]) / len(paths)
        speedup = ""
        one = {"mN": "m1", "cN": "c1"}.get(key)
        if one in walls and key in walls:
            speedup = f"{median(walls[one]) / median(walls[key]):.2f}× wall vs {one}"
        rows.append([label, f"{per_case * 1e3:.2f}", f"{per_case / base:.2f}", speedup])
    print(f"\n{len(paths)} generated cases; CPU time per case (all processes, start-up included), "
          f"median of {options.rounds} round(s); ratio against (a)")  # fmt: skip
    print(table(rows, ["", "ms/case", "× (a)", "N processes"]))
    for note in notes:
        print(note)
    if "c1" in samples:
        like = median(samples["c1"]) / median(samples["a0"])
        beyond = median(samples["c1+"]) / median(samples["a"])
        plain = median(samples["c1"]) / median(samples["a"])
        print(f"\ntarget: CLI batch within {TARGET}× of the API per case — (c1) / (a0), both with their start-up: "
              f"{like:.2f}×: {'met' if like <= TARGET else 'missed'}; (c1+) / (a), neither: {beyond:.2f}×; "
              f"(c1) / (a), the CLI's start-up only: {plain:.2f}×")  # fmt: skip
    else:
        ratio = median(samples["cp"]) / median(samples["a"])
        print(f"\ntarget: CLI batch within {TARGET}× of the API per case — no batch mode; one process per case is "
              f"{ratio:.1f}× (a): missed")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
