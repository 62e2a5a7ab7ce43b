"""Time limits for third-party plugin code: a plugin that never returns is reported and skipped, not waited for.

Python cannot kill a thread, so a limit cannot be enforced on code running in the caller's own thread. Instead the
plugin's code runs in a fresh *daemon* worker thread and the caller waits for it with a deadline
(``run_limited``). When the deadline passes the caller gets ``PluginTimeout`` and goes on; the worker is asked to
stop (an exception raised in it at its next Python instruction, ``PyThreadState_SetAsyncExc``) and, being a daemon,
never keeps the process alive. The caller's ``contextvars`` are copied into the worker, so plugin code sees the same
active caches and settings as when it is called inline.

What this cannot do, and docs/plugins/hooks.md says so:

* stop code that never returns to Python — a C extension looping or blocking while holding the GIL. The deadline
  still passes only if the worker releases the GIL now and then (every blocking system call and pure-Python loop
  does); a C loop holding it freezes the whole interpreter, the watchdog included;
* stop code that catches the stop request (``except BaseException``) and carries on: it then keeps running in the
  background, competing for the GIL, until the process exits;
* undo what the code did before it was stopped (files written, modules half imported).

Only third-party plugins run this way: jubao's own built-in plugins are part of jubao and run inline, so a normal
run starts no thread at all.
"""

from __future__ import annotations

import contextvars
import math
import os
import threading
from collections.abc import Callable
from typing import TypeVar

TIMEOUT_ENV = "JUBAO_PLUGIN_TIMEOUT"
DRAFTING_TIMEOUT_ENV = "JUBAO_PLUGIN_DRAFTING_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
"""Seconds each load-time step of a plugin (importing it, calling one registration hook) may take."""
DEFAULT_DRAFTING_TIMEOUT = 120.0
"""Seconds one run-time call (``build_documents`` for one channel and case, a format writing one document) may take:
drafting a large case legitimately takes longer than registering a channel."""

T = TypeVar("T")


class PluginTimeout(Exception):
    """The plugin's code did not return within ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"did not finish within {seconds:g} s")
        self.seconds = seconds


class _StopRequested(BaseException):
    """Raised inside a worker whose caller stopped waiting; a BaseException so that ``except Exception`` in plugin
    code does not swallow it."""


def timeout_from_env(name: str = TIMEOUT_ENV, default: float = DEFAULT_TIMEOUT) -> float | None:
    """Seconds from the environment variable ``name``: unset, empty or not a number → ``default``; ``0``, ``off``
    or ``none`` → no limit (None: the plugin runs inline, e.g. to step through it in a debugger)."""
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("0", "off", "none", "no"):
        return None
    try:
        seconds = float(raw)
    except ValueError:
        return default
    if not math.isfinite(seconds) or seconds < 0:
        return default
    return seconds if seconds > 0 else None


def run_limited(function: Callable[[], T], *, seconds: float | None, name: str = "plugin") -> T:
    """``function()``'s result (or its exception, re-raised here), or ``PluginTimeout`` once ``seconds`` passed.

    ``seconds=None`` calls ``function`` inline, without a thread. ``name`` names the worker thread (for a debugger
    or ``py-spy``); it is never printed.
    """
    if seconds is None:
        return function()
    outcome: list[tuple[bool, object]] = []
    done = threading.Event()
    context = contextvars.copy_context()

    def work() -> None:
        try:
            try:
                outcome.append((True, context.run(function)))
            except BaseException as exc:  # handed to the caller, whatever it is
                outcome.append((False, exc))
            finally:
                done.set()
        except _StopRequested:  # the stop request arrived just as the function returned: nothing left to stop
            pass

    worker = threading.Thread(target=work, name=f"jubao-plugin-{name}", daemon=True)
    worker.start()
    if not done.wait(seconds):
        _request_stop(worker, done)
        raise PluginTimeout(seconds)
    worker.join()
    ok, value = outcome[0]
    if ok:
        return value  # type: ignore[return-value]
    assert isinstance(value, BaseException)
    raise value


def _request_stop(worker: threading.Thread, done: threading.Event) -> None:
    """Raise ``_StopRequested`` in ``worker`` at its next Python instruction (best effort: see the module notes)."""
    ident = worker.ident
    if ident is None or done.is_set() or not worker.is_alive():
        return
    try:
        import ctypes  # noqa: PLC0415 - only when a plugin overran its time

        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):  # not CPython: the worker is left to finish on its own
        return
    set_async_exc(ctypes.c_ulong(ident), ctypes.py_object(_StopRequested))


__all__ = [
    "DEFAULT_DRAFTING_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "DRAFTING_TIMEOUT_ENV",
    "TIMEOUT_ENV",
    "PluginTimeout",
    "run_limited",
    "timeout_from_env",
]
