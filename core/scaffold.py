"""``jubao plugin new``: create a ready-to-install plugin project whose own tests pass out of the box.

The project is the tutorial's plugin (docs/plugins/tutorial.md) in miniature: the channel as data
(``channel.yaml``), one Jinja2 document template rendered by ``jubao.Drafter``, one routing rule with golden tests,
tests written with jubao's test kit and the reviewed snapshot they compare against, a ``.gitignore``, and a
``pyproject.toml`` whose package data puts every one of those files in the wheel. Placeholders the author must
replace are written 【…】 so that they show in every output until replaced; the channel's provenance is marked
unverified (U) until then.

Generating needs nothing beyond what ``pip install jubao`` installs — not pytest (the test kit is only for the
generated tests) and not the engine: the files are ``jubao/scaffold/*.tmpl`` with the names filled in, and the
first snapshot is one of them (jubao's own tests check it is exactly what the generated test renders).

The project is written into a hidden folder next to the target and renamed into place, so a failure leaves
nothing behind, and nothing that exists is ever replaced or deleted.
"""

from __future__ import annotations

import contextlib
import keyword
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import date
from importlib.metadata import entry_points
from importlib.resources import files
from pathlib import Path

from jubao import __version__

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
CHANNEL_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")  # the same rule as jubao.channel's channel ids
RESERVED_MODULES = frozenset({"jubao", "jubao_plugins", "jubao_rules"})

LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "gitignore.tmpl": ".gitignore",
    "init.py.tmpl": "src/__MODULE__/__init__.py",
    "channel.yaml.tmpl": "src/__MODULE__/channel.yaml",
    "notes.md.j2.tmpl": "src/__MODULE__/templates/notes.md.j2",
    "routing.yaml.tmpl": "src/__MODULE__/rules/routing.yaml",
    "golden.yaml.tmpl": "src/__MODULE__/rules/tests/golden.yaml",
    "test_plugin.py.tmpl": "tests/test_plugin.py",
    "snapshot.md.tmpl": "tests/snapshots/notes.md",
}
"""Template in ``jubao/scaffold/`` → path in the new project (``__MODULE__`` is replaced)."""


class ScaffoldError(Exception):
    """The project cannot be created. ``code`` names the message (``plugins.scaffold.<code>`` in the locales). Each
    is the user's to fix (a name, a folder: the command exits 2) but ``cannot_write``, a folder that refused the
    files or a full disk (exit 1, as for any output that could not be written)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


@dataclass(frozen=True)
class PluginNames:
    """The names one distribution name implies."""

    dist: str
    """``jubao-hotline-12345``: the project folder and the distribution."""
    module: str
    """``jubao_hotline_12345``: the import package."""
    entry: str
    """``hotline_12345``: the entry-point name (users disable the plugin by it) and the channel id."""

    def substitutions(self, today: date) -> dict[str, str]:
        return {
            "__DIST__": self.dist,
            "__MODULE__": self.module,
            "__ENTRY__": self.entry,
            "__CHANNEL__": self.entry,
            "__JUBAO_VERSION__": __version__.split("+")[0],
            "__TODAY__": today.isoformat(),
        }


def names_for(dist: str) -> PluginNames:
    """Distribution ``jubao-hotline-12345`` → module ``jubao_hotline_12345``, entry/channel ``hotline_12345``.

    Raises ``ScaffoldError("bad_name")`` for a name that would not make an importable package and a valid
    channel id, or that would shadow jubao's own packages.
    """
    module = dist.replace("-", "_")
    entry = module.removeprefix("jubao_") or module
    usable = (
        NAME_PATTERN.match(dist)
        and module.isidentifier()
        and not keyword.iskeyword(module)
        and module not in RESERVED_MODULES
        and CHANNEL_ID_PATTERN.match(entry)
    )
    if not usable:
        raise ScaffoldError("bad_name", name=dist)
    return PluginNames(dist=dist, module=module, entry=entry)


def render_project(names: PluginNames, today: date) -> dict[str, str]:
    """Every file of the project (relative path → text), read from jubao's package data."""
    values = names.substitutions(today)
    source = files("jubao").joinpath("scaffold")
    project: dict[str, str] = {}
    for template, layout in LAYOUT.items():
        text = source.joinpath(template).read_text(encoding="utf-8")
        project[_fill(layout, values)] = _fill(text, values)
    return project


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def create_plugin(dist: str, parent: Path, *, today: date | None = None) -> Path:
    """Write the plugin project ``parent/dist`` and return its path.

    ``parent`` must be an existing folder and ``parent/dist`` must not exist; nothing is overwritten.
    """
    names = names_for(dist)
    taken = {point.name for point in entry_points(group="jubao")}
    if names.entry in taken:
        raise ScaffoldError("taken", name=names.entry)
    parent = Path(parent)
    if not parent.is_dir():
        raise ScaffoldError("not_a_folder" if parent.exists() else "no_parent", path=str(parent))
    target = parent / dist
    if os.path.lexists(target):
        raise ScaffoldError("exists", path=str(target))
    project = render_project(names, today or date.today())
    try:
        staging = parent / f".{dist}.{secrets.token_hex(4)}.tmp"
        staging.mkdir()
    except OSError as exc:
        raise ScaffoldError("cannot_write", path=str(parent), reason=exc.strerror or type(exc).__name__) from None
    try:
        _write(staging, project)
        _move_into_place(staging, target)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise ScaffoldError("cannot_write", path=str(target), reason=exc.strerror or type(exc).__name__) from None
        raise
    return target


def _write(folder: Path, project: dict[str, str]) -> None:
    for relative, text in project.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename the finished project to ``target``, never replacing anything that appeared there meanwhile.

    Windows never renames over an existing folder. POSIX renames a folder over an *empty* one, so the name is
    first claimed with ``mkdir`` (which fails if anything — file, folder, link — is there) and the project then
    replaces that empty folder of ours in one rename.
    """
    if os.name == "nt":
        try:
            staging.rename(target)
        except FileExistsError:
            raise ScaffoldError("exists", path=str(target)) from None
        return
    try:
        target.mkdir()
    except FileExistsError:
        raise ScaffoldError("exists", path=str(target)) from None
    try:
        staging.rename(target)
    except OSError:
        with contextlib.suppress(OSError):
            target.rmdir()  # still our empty claim (rmdir refuses a folder someone has put something in)
        raise


__all__ = ["LAYOUT", "PluginNames", "ScaffoldError", "create_plugin", "names_for", "render_project"]
