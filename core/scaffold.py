"""``jubao plugin new``: create a ready-to-install plugin package whose tests pass out of the box.

The package has the entry point, one channel, one routing rule with golden tests, one document template, and
tests written with jubao's test kit. Placeholders the author must replace are written 【…】 so that they show in
every output until replaced; the channel's provenance is marked unverified (U) until then.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from importlib.resources import files
from pathlib import Path

from jubao import __version__
from jubao.documents_api import MARKDOWN


class ScaffoldError(Exception):
    pass


def names_for(dist: str) -> dict[str, str]:
    """Distribution ``jubao-hotline-12345`` → module ``jubao_hotline_12345``, entry/channel ``hotline_12345``."""
    module = dist.replace("-", "_")
    entry = module.removeprefix("jubao_") or module
    return {"__DIST__": dist, "__MODULE__": module, "__ENTRY__": entry, "__CHANNEL__": entry}


LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "init.py.tmpl": "src/__MODULE__/__init__.py",
    "notes.md.tmpl.tmpl": "src/__MODULE__/templates/notes.md.tmpl",
    "routing.yaml.tmpl": "src/__MODULE__/rules/routing.yaml",
    "golden.yaml.tmpl": "src/__MODULE__/rules/tests/golden.yaml",
    "test_plugin.py.tmpl": "tests/test_plugin.py",
}


def create_plugin(dist: str, parent: Path, *, today: date | None = None) -> Path:
    """Write the plugin project ``parent/dist`` and return its path. Refuses to overwrite anything."""
    target = parent / dist
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    values = names_for(dist) | {
        "__JUBAO_VERSION__": __version__.split("+")[0],
        "__TODAY__": (today or date.today()).strftime("%Y, %-m, %-d"),
    }
    source = files("jubao").joinpath("scaffold")
    written: list[Path] = []
    try:
        for template, layout in LAYOUT.items():
            text = source.joinpath(template).read_text(encoding="utf-8")
            relative = layout
            for key, value in values.items():
                text = text.replace(key, value)
                relative = relative.replace(key, value)
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
        snapshot = target / "tests" / "snapshots" / "notes.md"
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(_first_snapshot(target / "src" / values["__MODULE__"] / "__init__.py"), encoding="utf-8")
    except OSError as exc:
        raise ScaffoldError(str(exc)) from exc
    return target


def _first_snapshot(init_file: Path) -> str:
    """Render the new template for the test kit's first example case, exactly as the generated test will."""
    from jubao.testing import example_cases  # noqa: PLC0415 - pulls in pytest, only needed here

    spec = importlib.util.spec_from_file_location("_jubao_scaffold_preview", init_file,
                                                  submodule_search_locations=[str(init_file.parent)])  # fmt: skip
    if spec is None or spec.loader is None:
        raise ScaffoldError(f"cannot load {init_file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        document = module.render(example_cases()[0])
    finally:
        sys.modules.pop(spec.name, None)
    return MARKDOWN.write(document).decode("utf-8")
