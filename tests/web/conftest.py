"""Fixtures for the web app and HTTP API: a real ``jubao serve`` process on a free port, against SQLite in a
temporary data directory or against a real PostgreSQL server (``JUBAO_TEST_POSTGRESQL_URL``, which ``.ci/run``
sets after starting one), and an in-process app for fast page tests."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from jubao.web.app import create_app
from jubao.web.settings import WebSettings

POSTGRES_ENV = "JUBAO_TEST_POSTGRESQL_URL"
POSTGRES_SKIP = f"PostgreSQL: {POSTGRES_ENV} is not set"
URL_LINE = re.compile(r"(http://[^\s]+/)")
TOKEN_LINE = re.compile(r"(?:访问口令|Access token).*[：:]\s*(\S+)\s*$")


@dataclass
class RunningServer:
    url: str
    token: str | None
    process: subprocess.Popen[str]
    data_dir: Path
    output: list[str]
    reader: threading.Thread | None = None

    def client(self, *, token: bool = True, **kwargs: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"} if token and self.token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kwargs)  # type: ignore[arg-type]


def postgres_database() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards; skips when there is no server."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(POSTGRES_SKIP)
    import psycopg  # noqa: PLC0415 - only where PostgreSQL is to be used

    name = f"jubao_test_{uuid.uuid4().hex[:12]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """``None`` (SQLite in the data directory) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
    else:
        yield from postgres_database()


def start_server(data_dir: Path, *, db_url: str | None = None, auth: bool = False, host: str = "127.0.0.1",
                 lang: str = "zh", extra: tuple[str, ...] = ()) -> RunningServer:  # fmt: skip
    """Start ``python -m jubao serve`` as a real process and wait until it answers."""
    command = [sys.executable, "-m", "jubao", "--lang", lang, "serve", "--host", host, "--port", "0", "--no-browser",
               "--data-dir", str(data_dir), *extra]  # fmt: skip
    if db_url:
        command += ["--db", db_url]
    if auth:
        command.append("--auth")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("JUBAO_DB", None)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    output: list[str] = []
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(process, output, lines), daemon=True)
    reader.start()
    url = token = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (url is None or (auth and token is None)):
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:  # the process ended
            break
        if url is None and (found := URL_LINE.search(line)):
            url = found.group(1)
        if (found := TOKEN_LINE.search(line)) is not None:
            token = found.group(1)
    if url is None or (auth and token is None):
        process.kill()
        process.wait()
        reader.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        raise AssertionError("jubao serve did not start:\n" + "".join(output))
    server = RunningServer(url=url, token=token, process=process, data_dir=data_dir, output=output, reader=reader)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "api/v1/channels", headers=headers, timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    stop_server(server)
    raise AssertionError("jubao serve did not answer:\n" + "".join(output))


def _pump(process: subprocess.Popen[str], output: list[str], lines: queue.Queue[str | None]) -> None:
    """Read the server's output as it comes (a line that never comes must not block a test)."""
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line)
        lines.put(line)
    lines.put(None)


def stop_server(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.reader is not None:
        server.reader.join(timeout=10)  # the last lines, until the pipe closes
    if server.process.stdout is not None:
        server.process.stdout.close()


@pytest.fixture
def server(tmp_path: Path, db_url: str | None) -> Iterator[RunningServer]:
    """A running ``jubao serve`` (no token) on SQLite or PostgreSQL."""
    running = start_server(tmp_path / "data", db_url=db_url)
    yield running
    stop_server(running)


@pytest.fixture
def web_app(tmp_path: Path) -> Iterator[object]:
    """The app in this process (SQLite in a temporary data directory), for fast page and security tests."""
    app = create_app(WebSettings(data_dir=tmp_path / "data"))
    yield app
    app.state.store.close()
    app.state.service.close()
