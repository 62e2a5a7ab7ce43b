"""The embedding guide's example runs as written (doc examples come from tested code)."""

from __future__ import annotations

import os
import re

import pytest

from tests.conftest import REPO


def test_embedding_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "docs" / "embedding.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    monkeypatch.chdir(REPO)
    exec(compile(code, "docs/embedding.md", "exec"), {"__name__": "embedding_example"})
    assert os.getcwd() == str(REPO)
