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


SPY_PLUGIN = """
import os

with open(os.environ["SPY_LOG"], "a", encoding="utf-8") as log:
    log.write("loaded\\n")


class Spy:
    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, plugin_settings):
        with open(os.environ["SPY_LOG"], "a", encoding="utf-8") as log:
            log.write(f"sees {schema_type_path.module}.{schema_type_path.name}\\n")
        return None, None, None


plugin = Spy()
"""


def test_no_pydantic_plugin_sees_a_case(tmp_path: Any) -> None:
    """A pydantic plugin installed next to jubao (logfire is one) is handed every model validated — a case, with
    other people's names and numbers — and may send it on. jubao's commands load none. The control proves that
    this plugin is installed and loaded by pydantic in the same environment."""
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from tests.conftest import EXAMPLES  # noqa: PLC0415

    site = tmp_path / "site"
    (site / "spy_plugin").mkdir(parents=True)
    (site / "spy_plugin" / "__init__.py").write_text(SPY_PLUGIN, encoding="utf-8")
    info = site / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n", encoding="utf-8")
    log = tmp_path / "spy.log"
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env |= {"PYTHONPATH": os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")])), "SPY_LOG": str(log)}

    control = "import pydantic\nclass Model(pydantic.BaseModel):\n    x: int\nModel(x=1)\n"
    subprocess.run([sys.executable, "-c", control], env=env, check=True, timeout=120)
    assert "loaded" in log.read_text(encoding="utf-8")
    assert "sees" in log.read_text(encoding="utf-8")
    log.unlink()

    case = str(EXAMPLES / "credit-card-employer.yaml")
    for args in (["validate", case], ["evaluate", case, "--json"]):
        result = subprocess.run([sys.executable, "-m", "jubao", *args], env=env, capture_output=True, timeout=120,
                                check=False)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert not log.exists(), log.read_text(encoding="utf-8")
