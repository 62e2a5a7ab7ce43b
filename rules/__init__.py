"""Core rules and parameters as data (import name ``jubao_rules``).

This package holds YAML only; ``files()`` gives installed code the directory, whether jubao runs from a
source tree or a wheel.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def rules_root() -> Traversable:
    """The directory holding the bundled rule and parameter files."""
    return files(__name__)
