"""Interpreter support, checked before anything imports durable_rules.

durable-rules 2.0.28 (the engine, pinned) calls ``PyEval_CallObject``, which Python 3.13 removed from the C API.
It still compiles there, and imports once compiled with ``CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject``
(its setup.py overwrites CFLAGS, not CPPFLAGS; on 3.11 and 3.12 the flag only adds a macro-redefinition warning),
which the README's install commands set. Built without it, the import fails with an ``undefined symbol`` error.

So two things can stop the engine from loading, and for each the user gets one sentence saying what to do instead
of a C-level ``ImportError``: an interpreter outside 3.11–3.13 (3.14 is untested: refused), and a durable-rules
built without the flag.
"""

from __future__ import annotations

import functools
import importlib
import shlex
import sys
from types import ModuleType

SUPPORTED = ((3, 11), (3, 12), (3, 13))

ENGINE_MODULE = "durable_rules_engine"
"""The C module of durable-rules; ``jubao.engine`` is the only place that uses it."""

DURABLE_REQUIREMENT = "durable-rules==2.0.28"
DURABLE_CPPFLAGS = "-DPyEval_CallObject=PyObject_CallObject"
"""Makes durable-rules 2.0.28 import on Python 3.13; harmless (one warning) on 3.11 and 3.12."""

_MISSING_SYMBOL = "PyEval_CallObject"


class UnsupportedPythonError(ImportError):
    """Raised when jubao runs on an interpreter its engine cannot load on."""


class EngineBuildError(UnsupportedPythonError):
    """Raised when durable-rules was compiled without the flag Python 3.13 needs."""


def _versions(supported: tuple[tuple[int, int], ...] | None = None) -> str:
    *others, last = [f"{major}.{minor}" for major, minor in supported or SUPPORTED]
    return f"{', '.join(others)} or {last}" if others else last


def reinstall_engine_command(python: str | None = None) -> str:
    """The shell command that rebuilds durable-rules for ``python`` (default: this interpreter) with the flag."""
    return (
        f"CPPFLAGS={DURABLE_CPPFLAGS} {shlex.quote(python or sys.executable)} -m pip install --force-reinstall "
        f"--no-deps --no-cache-dir --no-binary durable-rules {DURABLE_REQUIREMENT}"
    )


def engine_build_message(error: ImportError) -> str | None:
    """The one-sentence fix if ``error`` (from importing the engine) means durable-rules was built without the flag.

    The sentence ends with the command, not a full stop, so that it can be copied as it is.
    """
    if _MISSING_SYMBOL not in str(error):
        return None
    return (
        "jubao's rules engine, durable-rules 2.0.28, was compiled without the flag Python 3.13 needs "
        f"(undefined symbol {_MISSING_SYMBOL}); rebuild it with: {reinstall_engine_command()}"
    )


def _import_engine() -> ModuleType:
    return importlib.import_module(ENGINE_MODULE)


@functools.cache
def broken_engine_message() -> str | None:
    """The fix if durable-rules is installed but was built without the flag; ``None`` if it imports (or is absent:
    then the plain ``ModuleNotFoundError`` of the real import says enough)."""
    try:
        _import_engine()
    except ImportError as error:
        return engine_build_message(error)
    return None


def unsupported_python_message(version: tuple[int, int] | None = None) -> str | None:
    """Return the one-sentence explanation if ``version`` is unsupported.

    Without ``version``: whether jubao's engine can load in this interpreter, that is, also whether durable-rules
    was built with the flag (see the module docstring). The CLI asks this before doing anything.
    """
    major, minor = version or (sys.version_info.major, sys.version_info.minor)
    if (major, minor) in SUPPORTED:
        return None if version else broken_engine_message()
    return (
        f"jubao needs Python {_versions()} (this is {major}.{minor}): its rules engine, durable-rules 2.0.28, "
        f"is only known to import on those; install Python {_versions(SUPPORTED[-2:])} and reinstall jubao with it."
    )


def require_supported_python() -> None:
    """Raise ``UnsupportedPythonError`` with a clear sentence if the engine cannot load in this interpreter:
    ``EngineBuildError`` (a subclass) when the interpreter is supported but durable-rules was built without the flag.
    """
    message = unsupported_python_message()
    if message:
        supported = (sys.version_info.major, sys.version_info.minor) in SUPPORTED
        raise (EngineBuildError if supported else UnsupportedPythonError)(message)


def import_durable_rules_engine() -> ModuleType:
    """The durable-rules C module, after the checks above: the one way jubao should import it."""
    require_supported_python()
    return _import_engine()
