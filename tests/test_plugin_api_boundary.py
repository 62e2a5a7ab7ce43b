"""Built-in plugins are ordinary plugins: they import only jubao's public API (``jubao``), never a jubao
submodule or another plugin, so that whatever a built-in channel does, a third-party plugin can do too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import jubao

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
PUBLIC_MODULES = {"jubao", "jubao.testing"}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


SOURCES = sorted(PLUGINS.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PLUGINS)) for p in SOURCES])
def test_built_in_plugins_import_only_the_public_api(path: Path) -> None:
    wrong = [
        f"{path.relative_to(PLUGINS)}:{line}: {module}"
        for line, module in _imports(path)
        if (module.startswith("jubao.") and module not in PUBLIC_MODULES) or module.startswith("jubao_plugins")
    ]
    assert not wrong, "built-in plugins may import only `jubao` (the public API):\n" + "\n".join(wrong)


def test_every_name_a_plugin_imports_from_jubao_is_exported() -> None:
    missing = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "jubao":
                missing += [f"{path.name}: {a.name}" for a in node.names if a.name not in jubao.__all__]
    assert not missing


def test_the_scan_would_catch_an_internal_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from jubao.drafting import Drafter\nimport jubao_plugins.police\nfrom jubao import Drafter\n")
    assert [m for _, m in _imports(bad)] == ["jubao.drafting", "jubao_plugins.police", "jubao"]


def test_every_exported_name_resolves_and_import_jubao_stays_cheap() -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    assert all(getattr(jubao, name) is not None for name in jubao.__all__)
    heavy = "import sys, jubao; print(sorted(m for m in sys.modules if m.startswith(('durable', 'jinja2', 'docx'))))"
    loaded = subprocess.run([sys.executable, "-c", heavy], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_every_exported_name_is_on_the_reference_page() -> None:
    page = (PLUGINS.parent / "docs" / "api.md").read_text(encoding="utf-8")
    undocumented = [name for name in jubao.__all__ if name != "__version__" and f"`{name}" not in page]
    assert not undocumented, f"exported from jubao but not in docs/api.md: {undocumented}"
