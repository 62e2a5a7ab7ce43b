"""What the benchmarks share: CPU-time measurement, medians, the scaled example case, and where things are.

Every benchmark measures CPU time, not wall time (the machine is shared: another process slows the wall clock,
not the CPU a run needs): ``time.process_time()`` for work in this process and ``getrusage(RUSAGE_CHILDREN)``
deltas around a subprocess (which include its own children once they have been waited for). Each reports medians
of rounds and ratios against a baseline measured in the same run.
"""

from __future__ import annotations

import copy
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
EXAMPLE = REPO / "examples" / "credit-card-employer.yaml"
"""The case the issue measured (4 incidents, 2 contacts, 3 evidence items)."""


def jubao_command() -> list[str]:
    """How to start this interpreter's ``jubao``: its console script beside ``sys.executable``, else ``-m``."""
    script = Path(sys.executable).with_name("jubao")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jubao"]


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Run:
    cpu: float
    """CPU seconds of the child (and its children)."""
    wall: float
    returncode: int
    stdout: bytes
    stderr: bytes


_SUBREAPER = False


def _become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``).

    A child that uses worker processes through multiprocessing's forkserver leaves the forkserver running for a
    moment after it exits; orphaned, it would be reaped by init and its CPU time (and that of the workers it
    reaped) lost. As subreaper this process inherits and waits for it, so ``RUSAGE_CHILDREN`` counts it."""
    global _SUBREAPER  # noqa: PLW0603 - once per process
    if not _SUBREAPER and sys.platform == "linux":
        import ctypes  # noqa: PLC0415

        libc = ctypes.CDLL(None, use_errno=True)
        _SUBREAPER = libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    return _SUBREAPER


def _reap_all() -> None:
    """Wait for every remaining descendant handed to this process (see ``_become_subreaper``)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def run_child(argv: Sequence[str], *, env: Mapping[str, str] | None = None, stdin: bytes | None = None,
              cwd: Path | None = None) -> Run:  # fmt: skip
    """Run ``argv`` to completion, and every process it started; its CPU time is the change in
    ``RUSAGE_CHILDREN`` (so nothing else may run meanwhile; this process must have no other children)."""
    reaping = _become_subreaper()
    before, start = children_cpu(), time.perf_counter()
    done = subprocess.run(list(argv), input=stdin, capture_output=True, env=dict(env) if env is not None else None,
                          cwd=cwd, check=False)  # fmt: skip
    if reaping:
        _reap_all()
    return Run(children_cpu() - before, time.perf_counter() - start, done.returncode, done.stdout, done.stderr)


def cpu_of(work: Callable[[], Any]) -> tuple[float, Any]:
    """CPU seconds of ``work()`` in this process, and what it returned."""
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def median(values: Iterable[float]) -> float:
    return float(statistics.median(list(values)))


def environment_line() -> str:
    """Interpreter, jubao version and machine, for the head of a benchmark's output."""
    try:
        import jubao  # noqa: PLC0415

        version = jubao.__version__
    except Exception:  # informational only
        version = "?"
    return (f"python {platform.python_version()} ({sys.executable}), jubao {version}, "
            f"{os.cpu_count()} cores, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")  # fmt: skip


def editable_install() -> bool:
    """Whether the jubao being measured is an editable install (``pip install -e``). Such a venv runs the
    install's import hook (a ``.pth`` file) at every Python start, ``python -c pass`` included: ~10 ms here."""
    import json  # noqa: PLC0415
    from importlib.metadata import PackageNotFoundError, distribution  # noqa: PLC0415

    try:
        text = distribution("jubao").read_text("direct_url.json")
    except PackageNotFoundError:
        return False
    return bool(text and json.loads(text).get("dir_info", {}).get("editable"))


def has_api(name: str) -> bool:
    """Whether ``jubao.<name>`` exists in the installed jubao (benchmarks run before and after features land)."""
    import jubao  # noqa: PLC0415

    try:
        getattr(jubao, name)
    except AttributeError:
        return False
    return True


# --- the example, scaled ---------------------------------------------------------------------------------------


def example_data() -> dict[str, Any]:
    import yaml  # noqa: PLC0415

    with EXAMPLE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _shifted(value: Any, hours: int) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (moment - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def scaled_case_data(incidents: int) -> dict[str, Any]:
    """The example with ``incidents`` incidents: its four, repeated, each copy 6 hours before the one before it.

    The latest incident stays the example's latest (so the law applied and the routes do not change); a copy
    keeps its medium, target, behaviours, note and evidence. With 1,000 incidents the conduct spans ~2 months,
    with 10,000 ~2 years — a victim harassed for months easily has hundreds of incidents (issue 14)."""
    data = example_data()
    originals = data["incidents"]
    scaled = []
    for index in range(incidents):
        incident = copy.deepcopy(originals[index % len(originals)])
        shift = 6 * (index // len(originals))
        incident["time"] = _shifted(incident["time"], shift)
        if "until" in incident:
            incident["until"] = _shifted(incident["until"], shift)
        scaled.append(incident)
    data["incidents"] = scaled
    return data


def case_text(data: Mapping[str, Any], fmt: str) -> str:
    """``data`` as a YAML (block style, like a hand-written case) or JSON case file."""
    if fmt == "json":
        import json  # noqa: PLC0415

        return json.dumps(data, ensure_ascii=False, indent=2, default=str)
    import yaml  # noqa: PLC0415

    return str(yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, default_flow_style=False))


def table(rows: Sequence[Sequence[str]], header: Sequence[str], *, first: int = 0) -> str:
    """A plain-text table: the first column left-aligned (width ``first`` or the longest), the others right."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    widths[0] = max(widths[0], first)
    lines = []
    for row in [header, *rows]:
        cells = [str(row[0]).ljust(widths[0])] + [str(cell).rjust(widths[i]) for i, cell in enumerate(row) if i]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
