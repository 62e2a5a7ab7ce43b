"""An unsupported interpreter gets one clear sentence, not a C-level import error."""

from __future__ import annotations

import pytest

from jubao import _compat
from jubao.cli import main as cli_main


@pytest.mark.parametrize("version", [(3, 11), (3, 12)])
def test_supported_versions(version: tuple[int, int]) -> None:
    assert _compat.unsupported_python_message(version) is None


@pytest.mark.parametrize("version", [(3, 10), (3, 13), (3, 14)])
def test_unsupported_versions_get_one_sentence(version: tuple[int, int]) -> None:
    message = _compat.unsupported_python_message(version)
    assert message is not None
    assert message.count(". ") == 0, "one sentence"
    assert message.endswith(".")
    assert f"{version[0]}.{version[1]}" in message
    assert "3.11 or 3.12" in message


def test_cli_refuses_to_start_on_unsupported_python(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_main, "unsupported_python_message", lambda: "jubao needs Python 3.11 or 3.12.")
    with pytest.raises(SystemExit) as exit_info:
        cli_main.main()
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip() == "jubao needs Python 3.11 or 3.12."


def test_require_supported_python_raises_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_compat, "unsupported_python_message", lambda version=None: "no")
    with pytest.raises(ImportError, match="no"):
        _compat.require_supported_python()
