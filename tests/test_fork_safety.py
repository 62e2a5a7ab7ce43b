"""An engine stays usable in a child forked while other threads evaluate with it.

``fork()`` copies only the forking thread; a lock another thread held at that moment stays held in the child for
ever, and durable_rules' sessions are copied half-way through that thread's case. Before the fix every child
deadlocked on its first evaluation (20 of 20). Each child here must evaluate a case, get the same routes as the
parent, and exit 0; a child that hangs is killed at a deadline so that a regression fails instead of hanging CI.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from jubao import Engine, load_case
from jubao.batch import start_method
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX only")

CASE = EXAMPLES / "credit-card-employer.yaml"
CHILDREN = 20
THREADS = 4
DEADLINE = 30.0
"""Seconds for all children together: each needs a few ms (a fresh durable build at most); only a hang takes long."""
CAUGHT_BUSY = 10
"""Exit code of a child that found its engine mid-evaluation at the fork (and evaluated correctly all the same)."""


@pytest.fixture
def busy_engine() -> Iterator[tuple[Engine, frozenset[str]]]:
    """An engine that ``THREADS`` threads keep evaluating with until the test ends, and the case's routes."""
    case = load_case(CASE)
    engine = Engine()
    expected = frozenset(engine.evaluate(case).route_ids())
    stop = threading.Event()

    def evaluate() -> None:
        while not stop.is_set():
            engine.evaluate(case)

    threads = [threading.Thread(target=evaluate, daemon=True) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        yield engine, expected
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        engine.close()


def _child(engine: Engine, expected: frozenset[str]) -> int:
    """Runs in the forked child: evaluate once; 0 (or CAUGHT_BUSY) if the routes are the parent's."""
    try:
        caught = getattr(engine, "_rebuild_durable", False)  # (getattr: the test also runs on code without it)
        routes = frozenset(engine.evaluate(load_case(CASE)).route_ids())
    except BaseException:  # any failure is the exit code; nothing may print a case
        return 3
    if routes != expected:
        return 4
    return CAUGHT_BUSY if caught else 0


def _wait_all(pids: list[int], deadline: float) -> dict[int, int | None]:
    """Each child's exit code, or None for one still running at ``deadline`` (then killed)."""
    codes: dict[int, int | None] = {}
    while len(codes) < len(pids) and time.monotonic() < deadline:
        for pid in pids:
            if pid not in codes:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    codes[pid] = os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    for pid in pids:
        if pid not in codes:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            codes[pid] = None
    return codes


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of fork:DeprecationWarning")
def test_children_forked_while_threads_evaluate_can_evaluate(busy_engine: tuple[Engine, frozenset[str]]) -> None:
    engine, expected = busy_engine
    time.sleep(0.1)  # let every thread get going
    pids = []
    for _ in range(CHILDREN):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; its exit code is the result
            code = 5
            try:
                code = _child(engine, expected)
            finally:
                os._exit(code)
        pids.append(pid)
        time.sleep(0.005)
    codes = _wait_all(pids, time.monotonic() + DEADLINE)
    hung = sum(code is None for code in codes.values())
    failed = sorted(code for code in codes.values() if code not in (None, 0, CAUGHT_BUSY))
    assert (hung, failed) == (0, []), f"{hung} of {CHILDREN} children hung; exit codes of the failed: {failed}"
    caught = sum(code == CAUGHT_BUSY for code in codes.values())
    print(f"{caught} of {CHILDREN} forks caught an evaluation in progress", file=sys.stderr)


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of fork:DeprecationWarning")
def test_a_child_forked_mid_evaluation_rebuilds_durable_and_the_parent_is_untouched() -> None:
    """The path the threads above hit by chance, made certain: the lock is held at the fork."""
    case = load_case(CASE)
    with Engine() as engine:
        expected = frozenset(engine.evaluate(case).route_ids())
        before = engine._durable
        with engine._lock:  # as if another thread were half-way through a case
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                code = 5
                try:
                    code = _child(engine, expected)
                finally:
                    os._exit(code)
        (exit_code,) = _wait_all([pid], time.monotonic() + DEADLINE).values()
        assert exit_code == CAUGHT_BUSY
        assert engine._durable is before  # the parent keeps its rulesets and its lock
        assert frozenset(engine.evaluate(case).route_ids()) == expected


def test_the_batch_process_pool_never_forks() -> None:
    """jubao.batch starts workers with forkserver or spawn (durable_rules' state is not copied into them); the
    at-fork hook does not change that choice."""
    assert start_method() in ("forkserver", "spawn")
    assert start_method() in multiprocessing.get_all_start_methods()
