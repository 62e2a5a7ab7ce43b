"""jubao's version, the one place it is written.

``pyproject.toml`` reads it at build time (``[tool.setuptools.dynamic]``), so the wheel's metadata carries it;
``jubao.__version__`` and ``jubao --version`` read it from here, without ``importlib.metadata`` (which costs more
to import than the rest of ``--version``) and without the package having to be installed.
"""

__version__ = "0.1.0"
