"""Interpreter support, checked before anything imports durable_rules.

durable-rules 2.0.28 (the engine, pinned) compiles on Python 3.13 but fails to import there because
``PyEval_CallObject`` was removed from the C API. Without this check a user on 3.13 would see a C-level
``ImportError`` about a symbol they have never heard of; with it they get one sentence saying what to do.
"""

from __future__ import annotations

import sys

SUPPORTED = ((3, 11), (3, 12))


class UnsupportedPythonError(ImportError):
    """Raised when jubao runs on an interpreter its engine cannot load on."""


def unsupported_python_message(version: tuple[int, int] | None = None) -> str | None:
    """Return the one-sentence explanation if ``version`` (default: this interpreter) is unsupported."""
    major, minor = version or (sys.version_info.major, sys.version_info.minor)
    if (major, minor) in SUPPORTED:
        return None
    return (
        f"jubao needs Python 3.11 or 3.12 (this is {major}.{minor}): its rules engine, durable-rules 2.0.28, "
        "does not import on other versions; install Python 3.12 and reinstall jubao with it."
    )


def require_supported_python() -> None:
    """Raise ``UnsupportedPythonError`` with a clear sentence on an unsupported interpreter."""
    message = unsupported_python_message()
    if message:
        raise UnsupportedPythonError(message)
