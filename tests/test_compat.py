"""An unsupported interpreter, or a durable-rules built without the 3.13 flag, gets one clear sentence, not a
C-level import error."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from jubao import _compat
from jubao.cli import main as cli_main

# What Python 3.13 says when durable-rules was compiled without CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject.
UNDEFINED_SYMBOL = ImportError(
    "/venv/lib/python3.13/site-packages/durable_rules_engine.cpython-313-x86_64-linux-gnu.so: "
    "undefined symbol: PyEval_CallObject"
)


@pytest.fixture
def fresh_probe() -> Iterator[None]:
    """The engine probe is cached per process; start and leave it empty around tests that fake the import."""
    _compat.broken_engine_message.cache_clear()
    yield
    _compat.broken_engine_message.cache_clear()


def _fail_import(error: ImportError) -> ModuleType:
    raise error


@pytest.mark.parametrize("version", [(3, 11), (3, 12), (3, 13)])
def test_supported_versions(version: tuple[int, int]) -> None:
    assert _compat.unsupported_python_message(version) is None


@pytest.mark.parametrize("version", [(3, 10), (3, 14), (3, 15), (4, 0)])
def test_unsupported_versions_get_one_sentence(version: tuple[int, int]) -> None:
    message = _compat.unsupported_python_message(version)
    assert message is not None
    assert message.count(". ") == 0, "one sentence"
    assert message.endswith(".")
    assert f"(this is {version[0]}.{version[1]})" in message
    assert "3.11, 3.12 or 3.13" in message


def test_this_interpreter_is_supported_and_its_engine_imports(fresh_probe: None) -> None:
    """Whatever CI runs the suite on (3.11, 3.12, 3.13) must load the real engine: the install commands work."""
    assert (sys.version_info.major, sys.version_info.minor) in _compat.SUPPORTED
    assert _compat.unsupported_python_message() is None
    _compat.require_supported_python()
    assert _compat.import_durable_rules_engine().__name__ == "durable_rules_engine"


def test_the_reinstall_command_rebuilds_durable_with_the_flag_for_this_interpreter() -> None:
    words = shlex.split(_compat.reinstall_engine_command())
    assert words[:4] == ["CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject", sys.executable, "-m", "pip"]
    assert words[4] == "install"
    # A wheel built earlier without the flag may sit in pip's cache: --no-binary does not bypass the cache, only
    # --no-cache-dir does.
    assert {"--force-reinstall", "--no-cache-dir", "--no-deps"} <= set(words)
    assert words[words.index("--no-binary") + 1] == "durable-rules"
    assert words[-1] == "durable-rules==2.0.28"
    elsewhere = "/opt/my python/bin/python3"
    assert shlex.split(_compat.reinstall_engine_command(elsewhere))[1] == elsewhere


def test_a_durable_built_without_the_flag_gets_one_sentence_with_the_command(
    monkeypatch: pytest.MonkeyPatch, fresh_probe: None
) -> None:
    monkeypatch.setattr(_compat, "_import_engine", lambda: _fail_import(UNDEFINED_SYMBOL))
    monkeypatch.setattr(_compat, "SUPPORTED", ((sys.version_info.major, sys.version_info.minor),))
    message = _compat.unsupported_python_message()
    assert message is not None
    assert message.count(". ") == 0, "one sentence"
    assert "durable-rules 2.0.28" in message
    assert "PyEval_CallObject)" in message
    assert message.endswith(_compat.reinstall_engine_command()), "ends with the command, ready to copy"
    with pytest.raises(_compat.EngineBuildError) as raised:
        _compat.import_durable_rules_engine()
    assert str(raised.value) == message
    assert isinstance(raised.value, ImportError)
    # An explicit version is a question about the version only.
    assert _compat.unsupported_python_message((sys.version_info.major, sys.version_info.minor)) is None


def test_other_import_errors_are_left_to_the_real_import(monkeypatch: pytest.MonkeyPatch, fresh_probe: None) -> None:
    missing = ModuleNotFoundError("No module named 'durable_rules_engine'")
    assert _compat.engine_build_message(missing) is None
    assert _compat.engine_build_message(UNDEFINED_SYMBOL) is not None
    monkeypatch.setattr(_compat, "_import_engine", lambda: _fail_import(missing))
    assert _compat.unsupported_python_message() is None
    _compat.require_supported_python()
    with pytest.raises(ModuleNotFoundError, match="durable_rules_engine"):
        _compat.import_durable_rules_engine()


def test_an_unsupported_version_is_refused_before_the_engine_is_touched(
    monkeypatch: pytest.MonkeyPatch, fresh_probe: None
) -> None:
    def must_not_import() -> ModuleType:
        raise AssertionError("imported durable_rules_engine on an unsupported Python")

    monkeypatch.setattr(_compat, "_import_engine", must_not_import)
    monkeypatch.setattr(_compat, "SUPPORTED", ((3, 0),))
    with pytest.raises(_compat.UnsupportedPythonError) as raised:
        _compat.import_durable_rules_engine()
    assert not isinstance(raised.value, _compat.EngineBuildError)
    assert f"(this is {sys.version_info.major}.{sys.version_info.minor})" in str(raised.value)


def test_cli_refuses_to_start_on_unsupported_python(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_main, "unsupported_python_message", lambda: "jubao needs Python 3.11, 3.12 or 3.13.")
    with pytest.raises(SystemExit) as exit_info:
        cli_main.main()
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip() == "jubao needs Python 3.11, 3.12 or 3.13."


def test_cli_with_a_durable_built_without_the_flag_prints_the_command_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fresh_probe: None
) -> None:
    monkeypatch.setattr(_compat, "_import_engine", lambda: _fail_import(UNDEFINED_SYMBOL))
    monkeypatch.setattr(_compat, "SUPPORTED", ((sys.version_info.major, sys.version_info.minor),))
    monkeypatch.setattr(sys, "argv", ["jubao", "--version"])
    with pytest.raises(SystemExit) as exit_info:
        cli_main.main()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().endswith(_compat.reinstall_engine_command())


def test_require_supported_python_raises_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_compat, "unsupported_python_message", lambda version=None: "no")
    with pytest.raises(ImportError, match="no"):
        _compat.require_supported_python()
