"""Benchmark: what a command costs a user, against starting Python itself (issue 14: instant commands).

    python bench/cli.py              # 7 rounds
    python bench/cli.py --quick      # 1 round (CI smoke run)

Each command is run as a user runs it — this interpreter's ``jubao`` console script, in a fresh process, on
examples/credit-card-employer.yaml — and paired with ``python -c pass`` on the same interpreter: in every round
the baseline and each command run one after the other (interleaved, so a busy moment hits both). Time is CPU
time of the child (user + system, ``getrusage(RUSAGE_CHILDREN)`` deltas), the median of the rounds; the ratio
is command / baseline within this run.

Caches: jubao may keep a cache (plugin discovery, compiled templates, parsed shipped YAML, the blank DOCX) in
``$JUBAO_CACHE_DIR``. The benchmark always points it at a folder of its own. If a run leaves files there, caches
exist and each command gets two rows: **warm** (a cache warmed by an earlier run — every run after the first) and
**cold** (a new, empty cache folder for every run — the first run after installing or upgrading). Otherwise one row
per command. The user's own cache is never touched.

A second baseline, ``python -S -c pass`` (the interpreter without ``site``), is the same in every venv: the last
column compares installs. ``python -c pass`` is not: an editable install (``pip install -e``, the dev venv) runs
its import hook at every start (~10 ms here), which makes every ratio look ~2× better than in a user's install;
the benchmark says so when it sees one.

Targets (issue 14, warm): --version/--help ≤ 8×, validate/evaluate ≤ 15×, plan ≤ 20×, documents ≤ 40×. One row
without a target: ``validate`` of a first case, without prior complaints (it needs no plugin).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import EXAMPLE, editable_install, environment_line, jubao_command, median, run_child, table

TODAY = "2026-11-29"
FIRST_CASE = EXAMPLE.parent / "night-calls-borrower-only.yaml"
"""A case without prior complaints (a first report): ``validate`` loads no plugin for it."""

COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("--version", ["--version"], 8),
    ("--help", ["--help"], 8),
    ("validate", ["validate", str(EXAMPLE)], 15),
    ("validate, no prior complaints", ["validate", str(FIRST_CASE)], None),
    ("evaluate", ["evaluate", str(EXAMPLE), "--today", TODAY], 15),
    ("plan", ["plan", str(EXAMPLE), "--as-of", TODAY], 20),
    ("documents", ["documents", str(EXAMPLE), "--today", TODAY, "--out", "{out}"], 40),
]


FLOORS: list[tuple[str, str]] = [
    ("floor: import the stack", "import click, pydantic, yaml, phonenumbers, importlib.metadata"),
    ("floor: + one pydantic model", "import click, yaml, phonenumbers, importlib.metadata\n"
                                    "from pydantic import BaseModel\nclass One(BaseModel):\n    x: int"),
    ("floor: + the case model", "import jubao.case"),
]  # fmt: skip
"""What no command that reads a case can go below: the libraries the brief fixes (click, pydantic) and the ones a case
needs (PyYAML, phonenumbers; importlib.metadata, which pydantic's plugin loader imports on the first model); then
the same with one pydantic model of one field defined (what any program validating data with pydantic pays before
its own models); then jubao's case model built (pydantic models are built at import). Printed as rows without a
target, so the distance between a command and its floor is in the same table."""


def child_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUBAO_")}
    env["JUBAO_CACHE_DIR"] = str(cache)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="CI smoke run: 1 round")
    options = parser.parse_args(argv)
    if options.quick:
        options.rounds = 1
    jubao = jubao_command()
    print(environment_line())
    print(f"jubao: {' '.join(jubao)}")
    with tempfile.TemporaryDirectory(prefix="jubao-bench-cli-") as folder:
        work = Path(folder)
        counter = iter(range(1_000_000))

        def argv_of(args: list[str]) -> list[str]:
            return [*jubao, *(a.replace("{out}", str(work / f"out-{next(counter)}")) for a in args)]

        def fresh_cache() -> Path:
            return work / f"cache-{next(counter)}"

        # one run of each command: it must succeed, and tells whether jubao writes a cache
        probe = fresh_cache()
        for name, args, _ in COMMANDS:
            done = run_child(argv_of(args), env=child_env(probe), cwd=work)
            if done.returncode != 0:
                print(f"`jubao {name}` failed (exit {done.returncode}):\n{done.stderr.decode(errors='replace')}")
                return 1
        caches = probe.is_dir() and any(probe.iterdir())
        warm = probe
        if caches:
            print(f"jubao wrote a cache ({', '.join(sorted(p.name for p in probe.iterdir()))}): warm and cold rows")
        else:
            print("jubao wrote no cache into $JUBAO_CACHE_DIR: one row per command")
        variants = ["warm", "cold"] if caches else [""]
        baseline: list[float] = []
        bare: list[float] = []
        samples: dict[tuple[str, str], list[float]] = {}
        for _ in range(options.rounds):
            baseline.append(run_child([sys.executable, "-c", "pass"], cwd=work).cpu)
            bare.append(run_child([sys.executable, "-S", "-c", "pass"], cwd=work).cpu)
            for name, args, _ in COMMANDS:
                for variant in variants:
                    cache = fresh_cache() if variant == "cold" else warm
                    done = run_child(argv_of(args), env=child_env(cache), cwd=work)
                    if done.returncode != 0:
                        print(f"`jubao {name}` failed (exit {done.returncode})")
                        return 1
                    samples.setdefault((name, variant), []).append(done.cpu)
                baseline.append(run_child([sys.executable, "-c", "pass"], cwd=work).cpu)
            for label, code in FLOORS:
                samples.setdefault((label, "floor"), []).append(run_child([sys.executable, "-c", code], cwd=work).cpu)
    base, no_site = median(baseline), median(bare)
    rows = []
    verdicts = []
    for name, _, target in COMMANDS:
        for variant in variants:
            cpu = median(samples[(name, variant)])
            ratio = cpu / base
            check = ""
            if target is not None and variant in ("warm", ""):
                check = "met" if ratio <= target else "missed"
                verdicts.append(check == "met")
            label = f"jubao {name}" + (f" ({variant})" if variant else "")
            wanted = f"≤ {target:.0f}" if target is not None else ""
            rows.append([label, f"{cpu:.3f}", f"{ratio:.1f}", wanted, check, f"{cpu / no_site:.0f}"])
    print(f"\nCPU time of the child, median of {options.rounds} round(s); `python -c pass` = {base * 1e3:.1f} ms "
          f"(median of {len(baseline)} runs, interleaved); `python -S -c pass` (no site) = "
          f"{no_site * 1e3:.1f} ms")  # fmt: skip
    if editable_install():
        print("NOTE: jubao is an editable install here: its import hook runs at every Python start, so "
              "`python -c pass` costs more than in a regular install and the ratios look better than a user's. "
              "Compare installs by the last column, or measure a regular install "
              "(python bench/run_all.py --fresh-venv DIR).")  # fmt: skip
    for label, _ in FLOORS:
        cpu = median(samples[(label, "floor")])
        rows.append([label, f"{cpu:.3f}", f"{cpu / base:.1f}", "", "", f"{cpu / no_site:.0f}"])
    header = ["command (credit-card example)", "CPU s", "× python -c pass", "target", "", "× python -S"]
    print(table(rows, header))
    print(f"\ntargets met: {sum(verdicts)} of {len(verdicts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
