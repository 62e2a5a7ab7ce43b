"""Starting ``jubao serve`` when it is already running (a second window, a second double-click): the port is taken
by jubao itself, so the person is pointed at that jubao (exit 0) instead of being told to pick another port and
ending up with two servers. Only jubao counts: a port taken by another program is still an error.

The first jubao is a real process (``start_server``); the second run is the command through ``CliRunner``."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from jubao.cli.main import cli
from tests.web.conftest import RunningServer, start_server, stop_server


@pytest.fixture
def running(tmp_path: Path) -> Iterator[RunningServer]:
    server = start_server(tmp_path / "first")
    yield server
    stop_server(server)


@pytest.fixture
def no_default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No store named by the environment, and a default data directory inside the test's own folder (should the
    command start a server after all, it must not touch the person's real one)."""
    monkeypatch.delenv("JUBAO_DB", raising=False)
    monkeypatch.delenv("JUBAO_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


def _port(server: RunningServer) -> int:
    port = urlsplit(server.url).port
    assert port is not None
    return port


def _serve(port: int, *args: str, lang: str = "zh") -> Result:
    return CliRunner().invoke(cli, ["--lang", lang, "serve", "--port", str(port), "--no-browser", *args])


def test_a_second_start_points_at_the_jubao_already_running(running: RunningServer, no_default_store: Path) -> None:
    port = _port(running)
    started = time.monotonic()
    result = _serve(port)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"jubao 已经在运行：{running.url}（是之前在另一个窗口里启动的 jubao serve）。"
        "不用再启动一次，用浏览器打开这个地址就行。\n"
    )
    assert time.monotonic() - started < 10
    english = _serve(port, lang="en")
    assert english.exit_code == 0
    assert english.output.startswith(f"jubao is already running: {running.url} (a jubao serve started earlier")
    assert not no_default_store.exists()  # no second store was made
    assert running.process.poll() is None  # and the first jubao still runs


def test_a_second_start_with_its_own_store_is_refused_not_redirected(
    running: RunningServer, no_default_store: Path, tmp_path: Path
) -> None:
    """``--data-dir`` (or ``--db``) names a store; the running jubao may use another, and showing its cases as if
    they were the ones asked for would be wrong."""
    port = _port(running)
    result = _serve(port, "--data-dir", str(tmp_path / "second"))
    assert result.exit_code == 1
    assert result.output.startswith(f"✗ 端口 {port} 上已经有一个 jubao 在运行（{running.url}），")
    assert f"或者换一个端口，例如 --port {port + 1}。" in result.output
    assert not (tmp_path / "second").exists()


def test_a_running_jubao_with_a_token_is_named_with_where_the_token_is(tmp_path: Path, no_default_store: Path) -> None:
    server = start_server(tmp_path / "first", auth=True)
    try:
        result = _serve(_port(server))
    finally:
        stop_server(server)
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("它要求访问口令：口令显示在启动它的那个窗口里。")
    assert server.token is not None
    assert server.token not in result.output  # never printed by anyone but the jubao that made it


def test_a_port_taken_by_another_program_is_still_an_error(no_default_store: Path) -> None:
    """Another web server on the port answers, but not as jubao: the old message, exit 1."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def answer() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"info": {"title": "x"}}')

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        result = _serve(port)
    finally:
        listener.close()
    assert result.exit_code == 1
    said = f"✗ 端口 {port} 已被占用或不能使用（Address already in use）。换一个端口，例如 --port {port + 1}。\n"
    assert result.output == said
    assert not no_default_store.exists()
