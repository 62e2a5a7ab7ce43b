"""``jubao serve``: the local web app and HTTP API (``jubao.web``), or ``--wipe`` to delete everything it stored.

Binding to anything but this machine requires ``--auth``: a random token is made, printed once, and required on
every request. Logs carry no request line (uvicorn's access log is off) and no exception text or trace.
"""

from __future__ import annotations

import errno
import logging
import secrets
import socket
import threading
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jubao.cli.common import EXIT_FAILED, EXIT_INVALID
from jubao.cli.params import PathParam
from jubao.cli.state import CliState, state

if TYPE_CHECKING:
    from jubao.store import StoreError


class _NoTraces(logging.Filter):
    """Drop exception text and traces from the server's log records (they may quote a case)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            kind = record.exc_info[0].__name__ if record.exc_info[0] else "Exception"
            record.msg, record.args, record.exc_info, record.exc_text = f"request failed: {kind}", (), None, None
        return True


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="监听地址；本机以外的地址必须加 --auth / address to listen on; beyond this machine it needs --auth.",
)
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="端口（0：自动选一个空闲端口）/ port (0: any free port).",
)
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    envvar="JUBAO_DB",
    help="数据库地址（默认：用户数据目录中的 SQLite；机构共享用 postgresql://…）/ database URL "
    "(default: SQLite in your data directory; postgresql://… for an organisation).",
)
@click.option(
    "--data-dir",
    type=PathParam(path_type=Path, file_okay=False),
    envvar="JUBAO_DATA_DIR",
    help="数据目录（数据库和证据副本）/ data directory (database and evidence copies).",
)
@click.option("--auth", is_flag=True, help="生成访问口令并要求每个请求都带上 / make an access token and require it.")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器 / do not open the browser.")
@click.option(
    "--wipe",
    is_flag=True,
    help="删除 jubao serve 保存的全部案件和证据副本后退出 / delete all stored cases and evidence copies, then exit.",
)
@click.option("--yes", is_flag=True, help="--wipe 时不再确认 / do not ask before --wipe deletes.")  # fmt: skip
def serve(*, host: str, port: int, db_url: str | None, data_dir: Path | None, auth: bool, no_browser: bool, wipe: bool,
          yes: bool) -> None:  # fmt: skip
    """打开本机网页版（适合不熟悉命令行的人）和 HTTP API / the local web app and HTTP API."""
    current = state()
    if wipe:
        _wipe(db_url, data_dir, yes)
        return
    # The web stack (FastAPI, uvicorn, SQLAlchemy) is imported only by this command: other commands stay fast.
    from jubao.web.settings import WebSettings  # noqa: PLC0415

    settings = WebSettings(host=host, port=port, db_url=db_url, data_dir=data_dir, lang=current.lang,
                           auth_token=secrets.token_urlsafe(24) if auth else None)  # fmt: skip
    if not settings.is_local and not auth:
        click.echo("✗ " + current.t("serve.need_auth", host=host), err=True)
        raise click.exceptions.Exit(EXIT_INVALID)
    sock = _bind(host, port, default_store=db_url is None and data_dir is None, no_browser=no_browser)
    import uvicorn  # noqa: PLC0415

    from jubao.store import StoreError  # noqa: PLC0415
    from jubao.web.app import create_app  # noqa: PLC0415

    try:
        app = create_app(settings)
    except StoreError as error:
        sock.close()
        click.echo("✗ " + _store_failed(current, error), err=True)
        raise click.exceptions.Exit(EXIT_FAILED) from None
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else ("127.0.0.1" if host in ("0.0.0.0", "::") else host)
    url = f"http://{shown_host}:{bound_port}/"
    click.echo(current.t("serve.started", url=url))
    click.echo(current.t("serve.store", where=app.state.store.where))
    if settings.auth_token is not None:
        click.echo(current.t("serve.token", token=settings.auth_token))
    if not no_browser:
        click.echo(current.t("serve.opening"))
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    logging.getLogger("uvicorn.error").addFilter(_NoTraces())
    logging.getLogger("jubao.web").addFilter(_NoTraces())
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


_STORE_ERRORS = frozenset(
    {
        "bad_url_not_a_url",
        "bad_url_sqlite_path",
        "unsupported_db_driver",
        "unsupported_db_backend",
        "unsupported_db_newer",
        "unsupported_db_cannot_migrate",
        "missing_driver",
        "unavailable_data_dir",
        "unavailable_sqlite",
        "unavailable_postgresql",
        "unavailable_wipe",
        "cannot_write",
        "cannot_write_wipe",
        "disk_full",
    }
)
"""The store's refusals ``jubao serve`` (and ``--wipe``) can meet, as ``code`` or ``code_kind``: each has its own
sentence in the CLI catalogue (``serve.store_error.*``) saying what is wrong and what to do."""


def _store_failed(current: CliState, error: StoreError) -> str:
    """Why the store cannot be opened (or wiped), in the person's language and with what to do about it; the
    system's or the driver's own words only inside it, as ``{system}``. A refusal without its own sentence (none
    today) falls back to the store's English message."""
    params = error.params
    kind = params.get("kind")
    for key in (f"{error.code}_{kind}", error.code):
        if key in _STORE_ERRORS:
            system = params.get("system") or params.get("reason") or ""
            return current.t(
                f"serve.store_error.{key}",
                system=system,
                driver=params.get("driver", ""),
                revision=params.get("revision", ""),
            )
    return current.t("serve.store_failed", reason=str(error))


def _bind(host: str, port: int, *, default_store: bool, no_browser: bool) -> socket.socket:
    """The listening socket. A port taken by a jubao started earlier (in another window, say) is not an error
    when this run asks for nothing different: that jubao is opened instead (exit 0)."""
    current = state()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        suggestion = port + 1 if port else 8766
        from jubao.cli.serve_probe import running_jubao  # noqa: PLC0415 - urllib only when the port is taken

        running = running_jubao(host, port) if error.errno == errno.EADDRINUSE else None
        if running is None:
            click.echo("✗ " + current.t("serve.port_in_use", port=port, reason=error.strerror or "",
                                        suggestion=suggestion), err=True)  # fmt: skip
            raise click.exceptions.Exit(EXIT_FAILED) from None
        url, locked = running
        login = current.t("serve.running_login") if locked else ""
        if not default_store:  # asked for a database of its own: opening that one could show other cases
            click.echo("✗ " + current.t("serve.running_other", url=url, port=port, suggestion=suggestion), err=True)
            raise click.exceptions.Exit(EXIT_FAILED) from None
        click.echo(current.t("serve.running", url=url, login=login).rstrip())
        if not no_browser:
            click.echo(current.t("serve.opening"))
            webbrowser.open(url)
        raise click.exceptions.Exit(0) from None
    sock.set_inheritable(True)
    return sock


def _wipe(db_url: str | None, data_dir: Path | None, yes: bool) -> None:
    current = state()
    from jubao.store import Store, StoreError  # noqa: PLC0415

    try:
        planned = Store.wipe_plan(db_url, data_dir=data_dir)
    except StoreError as error:
        click.echo("✗ " + _store_failed(current, error), err=True)
        raise click.exceptions.Exit(EXIT_FAILED) from None
    if not planned:
        click.echo(current.t("serve.wipe_nothing"))
        return
    click.echo(current.t("serve.wipe_list"))
    for item in planned:
        click.echo(f"  · {item}")
    if not yes and not click.confirm(current.t("serve.wipe_confirm"), default=False):
        click.echo(current.t("serve.wipe_cancelled"))
        return
    try:
        removed = Store.wipe(db_url, data_dir=data_dir)
    except StoreError as error:
        click.echo("✗ " + _store_failed(current, error), err=True)
        raise click.exceptions.Exit(EXIT_FAILED) from None
    click.echo("✓ " + current.t("serve.wipe_done", count=len(removed)))
