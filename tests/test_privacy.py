"""Error output never repeats what was written in a rejected field: case files hold other people's data."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from jubao.cli.main import cli

SECRET_CASE = """\
reporter:
  role: borrower
  name: [王秘密]
  phone: 1391234567
  id_number: 110105199912319999
  region: {province: 火星}
lender: {name: 示例银行, credit_code: 91350100M000100Y44}
incidents:
  - time: 2026-10-01 10:00
    medium: call
    from_number: "+86 170 9876 543"
    target: {kind: borrower}
"""
SECRETS = ["王秘密", "1391234567", "110105199912319999", "火星", "91350100M000100Y44", "9876"]


def test_rejected_values_are_not_echoed(runner: CliRunner, write: Any) -> None:
    path = write("secret.yaml", SECRET_CASE)
    for args in (
        ["validate", str(path)],
        ["--lang", "en", "validate", str(path)],
        ["validate", "--json", str(path)],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2
        output = result.output
        if "--json" in args:
            assert len(json.loads(result.stdout)["files"][0]["problems"]) == 6
        for secret in SECRETS:
            assert secret not in output, (args, secret)


def test_no_command_opens_a_network_connection(tmp_path: Any, monkeypatch: Any) -> None:
    """Nothing is ever sent anywhere: every command a victim runs works with sockets made impossible (a library
    that phoned home, checked for updates or resolved a name would fail here)."""
    import socket  # noqa: PLC0415

    from tests.conftest import EXAMPLES  # noqa: PLC0415

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "__init__", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    case = str(EXAMPLES / "credit-card-employer.yaml")
    runner = CliRunner()
    for args in (
        ["validate", case],
        ["evaluate", case, "--json"],
        ["explain", case],
        ["plan", case, "--as-of", "2026-11-23", "--ics", str(tmp_path / "plan.ics")],
        ["next", case, "--as-of", "2026-11-23"],
        ["documents", case, "--today", "2026-11-23", "--out", str(tmp_path / "docs")],
        ["channels", "list"],
        ["rules", "check"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.output, result.exception)
