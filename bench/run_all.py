"""Run every benchmark and print its output as Markdown blocks to paste into docs/performance.md.

    python bench/run_all.py --full            # the numbers for the docs (~10 min on the 2-core machine)
    python bench/run_all.py --quick           # CI smoke run: every benchmark works (~2 min; numbers not meaningful)
    python bench/run_all.py --full --only cli documents
    python bench/run_all.py --full --python /path/to/other/venv/bin/python   # measure another installation
    python bench/run_all.py --full --fresh-venv /tmp/jubao-bench-venv   # the work tree as a user installs it

``--fresh-venv DIR`` copies the work tree's files (tracked and new, as git lists them; nothing ignored) to a
scratch folder, installs that (not editable) with zen-engine into the venv DIR (made if missing, with this
interpreter's base Python; jubao reinstalled if it exists) and measures it — the way the "before" numbers in
docs/performance.md were taken. The dev venv's editable install makes every Python start slower (its import hook)
and so flatters the CLI's ratios against ``python -c pass``.

Each benchmark runs in its own process, one after the other (never two at once: they measure CPU time, but
they would still share caches and memory bandwidth). A block starts with the exact command. The run stops with a
non-zero exit status if any benchmark failed, after printing all of them.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    # name: (full arguments, quick arguments)
    "cli": ([], ["--quick"]),
    "documents": ([], ["--quick"]),
    "load": ([], ["--quick"]),
    "batch": ([], ["--quick"]),
    "zen_jdm": ([], ["--quick"]),
    "engine": ([], ["--cases", "1000", "--rss-cases", "1000", "--rounds", "1", "--processes", "1"]),
}


def git(*args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)
    except OSError:
        return "?"
    return done.stdout.strip() if done.returncode == 0 else "?"


def fresh_venv(folder: Path) -> str:
    """Install the work tree as a user would (a wheel, not editable) plus zen-engine into the venv ``folder``."""
    python = folder / "bin" / "python"
    existed = python.exists()
    if not existed:
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(folder)], check=True)
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")  # fmt: skip
    env = {**os.environ, "CPPFLAGS": "-DPyEval_CallObject=PyObject_CallObject"}  # durable-rules on 3.13 (README)
    with tempfile.TemporaryDirectory(prefix="jubao-bench-tree-") as scratch:
        for name in filter(None, listed):
            source = REPO / name
            if source.is_file():
                target = Path(scratch) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        pip = [str(python), "-m", "pip", "install", "-q"]
        steps = [[*pip, scratch, "zen-engine"]] + (
            [[*pip, "--force-reinstall", "--no-deps", scratch]] if existed else []
        )
        for step in steps:
            done = subprocess.run(step, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(step)} failed:\n{done.stderr[-3000:]}")
    return str(python)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--full", action="store_true")
    mode.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), metavar="NAME",
                        help=f"run only these ({', '.join(BENCHMARKS)})")  # fmt: skip
    parser.add_argument("--python", default=sys.executable, help="the interpreter (and so the jubao) to measure")
    parser.add_argument("--fresh-venv", type=Path, metavar="DIR",
                        help="install the work tree (not editable) into this venv and measure that")  # fmt: skip
    options = parser.parse_args(argv)
    if options.fresh_venv is not None:
        options.python = fresh_venv(options.fresh_venv.resolve())
    names = options.only or list(BENCHMARKS)
    dirty = git("status", "--short").splitlines()
    probe = "import jubao, platform; print(jubao.__version__, jubao.__file__, platform.python_version())"
    measured = subprocess.run([options.python, "-c", probe], capture_output=True, text=True, check=False)
    print(f"<!-- bench/run_all.py {'--full' if options.full else '--quick'}; "
          f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; work tree: commit {git('rev-parse', '--short', 'HEAD')}"
          f"{f' + {len(dirty)} changed files' if dirty else ''}; {platform.machine()}, {os.cpu_count()} cores; "
          f"measured: {options.python} (jubao, file, python: {measured.stdout.strip()}) -->\n")  # fmt: skip
    failed = []
    for name in names:
        full, quick = BENCHMARKS[name]
        args = full if options.full else quick
        command = ["python", f"bench/{name}.py", *args]
        print(f"### `{' '.join(command)}`\n", flush=True)
        started = time.perf_counter()
        done = subprocess.run([options.python, str(BENCH / f"{name}.py"), *args], capture_output=True, text=True,
                              cwd=REPO, check=False)  # fmt: skip
        output = done.stdout.rstrip()
        if done.returncode != 0:
            failed.append(name)
            output += f"\n\n[exit status {done.returncode}]\n{done.stderr.rstrip()[-3000:]}"
        print(f"```text\n{output}\n```\n")
        print(f"<!-- {name}: {time.perf_counter() - started:.0f} s wall -->\n", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
