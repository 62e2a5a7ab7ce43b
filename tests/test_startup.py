"""Start-up: each command imports only what it uses (issue 14).

``jubao --version`` and ``jubao --help`` import no command and no heavy library: the subcommands are imported on
first use (``jubao.cli.main.COMMANDS``), and ``--help`` lists them from one-line help texts kept in ``main.py`` —
checked here against each command's own, so the two cannot drift. The version is written once, in
``jubao._version`` (read without ``importlib.metadata``). ``validate`` and ``evaluate`` load no DOCX writer, no
calendar, no interview prompt and no web stack. Each check runs a fresh interpreter: what a test process has already
imported says nothing about a user's ``jubao``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import jubao
from jubao import _version
from jubao.cli.main import COMMANDS, cli, lazy_command, summary_command
from tests.conftest import EXAMPLES, run_probed

HEAVY = ("pydantic", "docx", "lxml", "icalendar", "durable", "fastapi", "sqlalchemy", "questionary", "ruamel",
         "prompt_toolkit", "uvicorn", "jinja2")  # fmt: skip
"""Top-level packages ``--version`` and ``--help`` must not import (``durable``: durable-rules' Python package; its
C module ``durable_rules_engine`` is probed at start, a 0.2 ms import, so that a broken build is one sentence)."""

NOT_FOR_VALIDATE = ("docx", "lxml", "icalendar", "durable", "fastapi", "sqlalchemy", "questionary", "ruamel",
                    "prompt_toolkit", "uvicorn")  # fmt: skip


def _run(tmp_path: Path, *args: str) -> tuple[str, int, set[str]]:
    """Run ``jubao ARGS`` in a fresh interpreter without the tests' JUBAO_ settings, 80 columns wide: its stdout,
    exit code and the modules it imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUBAO_")}
    env["COLUMNS"] = "80"
    result, code, modules = run_probed(tmp_path, *args, env=env)
    return result.stdout, code, modules


def _imported(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in packages)


def test_version_is_the_one_in_version_module_and_imports_nothing_heavy(tmp_path: Path) -> None:
    stdout, code, modules = _run(tmp_path, "--version")
    assert code == 0
    assert stdout.strip() == f"jubao {_version.__version__}"
    assert jubao.__version__ == _version.__version__
    assert _imported(modules, HEAVY) == []
    assert "importlib.metadata" not in modules  # the version is a constant, not looked up
    commands = sorted(m for m in modules if m.startswith("jubao.") and m.split(".")[-1] != "main")
    assert commands == [
        "jubao._compat",
        "jubao._version",
        "jubao.cli",
        "jubao.cli.encoding",  # stdlib only: lets a GBK terminal print every line (tests/test_output_encoding.py)
        "jubao.cli.state",
        "jubao.cli.terminal",
        "jubao.i18n",
        "jubao.packaged_yaml",
    ]
    assert "jubao.engine" not in modules


def test_help_lists_every_command_without_importing_any(tmp_path: Path) -> None:
    stdout, code, modules = _run(tmp_path, "--help")
    assert code == 0
    assert _imported(modules, HEAVY) == []
    assert not {where.module for where in COMMANDS.values()} & modules
    listed = [line.split()[0] for line in stdout.split("Commands:\n", 1)[1].splitlines() if line.startswith("  ")]
    assert listed == sorted(COMMANDS)


def test_help_in_a_fresh_process_is_the_help_of_the_imported_commands(tmp_path: Path) -> None:
    """What ``jubao --help`` prints from ``COMMANDS`` is what click prints from the commands themselves."""
    fresh, _, _ = _run(tmp_path, "--help")  # COLUMNS=80: click writes 78 columns
    ctx = click.Context(cli, info_name="jubao", terminal_width=78, **cli.context_settings)
    imported = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    assert all(imported.values())
    assert {name: cli.commands.get(name) for name in COMMANDS} == imported  # so the help below is theirs
    assert cli.get_help(ctx) + "\n" == fresh


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_help_is_the_commands_own(name: str) -> None:
    command = lazy_command(name)
    stand_in = summary_command(name)
    assert command.name == name
    assert not command.hidden
    assert not command.deprecated
    own = " ".join((command.short_help or command.help or "").partition("\n\n")[0].split())
    assert COMMANDS[name].summary == own, f"update COMMANDS[{name!r}] in jubao/cli/main.py to the command's help"
    for limit in (20, 45, 60, 72, 200):
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit)


def test_every_command_is_listed() -> None:
    """A command added with ``cli.add_command`` is listed too; every listed one resolves."""
    ctx = click.Context(cli)
    assert set(COMMANDS) <= set(cli.list_commands(ctx))
    assert cli.get_command(ctx, "no-such-command") is None
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("validate", str(EXAMPLES / "credit-card-employer.yaml")),
        ("evaluate", "--today", "2026-11-29", str(EXAMPLES / "credit-card-employer.yaml")),
    ],
    ids=["validate", "evaluate"],
)
def test_a_case_command_loads_no_docx_calendar_prompt_or_web_stack(tmp_path: Path, args: tuple[str, ...]) -> None:
    stdout, code, modules = _run(tmp_path, *args)
    assert code == 0, stdout
    assert _imported(modules, NOT_FOR_VALIDATE) == []
    if args[0] == "validate":
        assert "jubao.engine" not in modules


def test_validate_loads_no_plugin_for_a_case_without_prior_complaints(tmp_path: Path) -> None:
    """The plugins are asked only about the channels of prior complaints that jubao's own catalogue does not list:
    validating a case without any loads none (a third of ``validate``'s time); with one, they are loaded, and an
    unknown channel id is still an error with the id it probably meant."""
    stdout, code, modules = _run(tmp_path, "validate", str(EXAMPLES / "night-calls-borrower-only.yaml"))
    assert code == 0, stdout
    assert not any(m == "jubao.plugins" or m.startswith("jubao_plugins") for m in modules)
    stdout, code, modules = _run(tmp_path, "validate", str(EXAMPLES / "credit-card-employer.yaml"))
    assert code == 0, stdout  # its prior complaint names lender_complaint: in jubao's catalogue, known to any set
    assert not any(m == "jubao.plugins" or m.startswith("jubao_plugins") for m in modules)
    typo = tmp_path / "typo.yaml"
    text = (EXAMPLES / "credit-card-employer.yaml").read_text(encoding="utf-8")
    typo.write_text(text.replace("channel: lender_complaint", "channel: lender_complain", 1), encoding="utf-8")
    assert "channel: lender_complain\n" in typo.read_text(encoding="utf-8")
    stdout, code, modules = _run(tmp_path, "validate", str(typo))
    assert code == 2, stdout  # an id the catalogue does not list: the installed plugins are asked, and none knows it
    assert "jubao_plugins.police" in modules
    result = CliRunner().invoke(cli, ["--lang", "en", "validate", str(typo)])
    assert result.exit_code == 2
    assert "lender_complaint" in result.output  # the id it probably meant


def test_the_formats_plugin_registers_jubao_docx_without_importing_it() -> None:
    """The DOCX format the built-in plugin registers (python-docx imported only when writing) is ``jubao.DOCX``."""
    from docx import Document as open_docx  # noqa: PLC0415 - the test needs python-docx; the plugin must not

    from jubao_plugins import formats  # noqa: PLC0415

    lazy, real = formats.DOCX, jubao.DOCX
    fields = {"id", "suffix", "media_type", "description"}
    assert lazy.model_dump(include=fields) == real.model_dump(include=fields)
    empty = jubao.Document(channel="police", title="空")
    document = jubao.Document(
        channel="police", title="控告书", sections=[jubao.Section(heading="事实", paragraphs=["正文。"])]
    )
    assert lazy.can_write(empty) == real.can_write(empty) is False
    assert lazy.can_write(document) == real.can_write(document) is True
    written = open_docx(BytesIO(lazy.write(document)))
    assert [p.text for p in written.paragraphs if p.text] == [
        p.text for p in open_docx(BytesIO(real.write(document))).paragraphs if p.text
    ]


def test_a_command_ends_without_collecting_what_it_built(tmp_path: Path) -> None:
    """The interpreter's shutdown collects garbage several times, each pass walking every object still alive: for
    `jubao evaluate` that was 41 ms of its 260 ms. ``main`` freezes them when the command is over (``gc.freeze``);
    what the command wrote is whole, and it exits with its own status."""
    out = tmp_path / "frozen.txt"
    script = (
        "import atexit, gc, sys\n"
        f"atexit.register(lambda: open({str(out)!r}, 'w').write(str(gc.get_freeze_count())))\n"
        "from jubao.cli.main import main\n"
        "sys.argv = ['jubao', *sys.argv[1:]]\n"
        "main()\n"
    )
    case = str(EXAMPLES / "credit-card-employer.yaml")
    result = subprocess.run([sys.executable, "-c", script, "evaluate", case, "--today", "2026-11-29", "--json"],
                            capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["routes"]
    assert int(out.read_text(encoding="utf-8")) > 10_000  # the run's objects, frozen before shutdown
    missing = tmp_path / "missing.yaml"
    result = subprocess.run([sys.executable, "-c", script, "validate", str(missing)], capture_output=True, text=True,
                            encoding="utf-8", timeout=120, check=False)  # fmt: skip
    assert result.returncode == 2  # a refusal still exits with its status
    assert int(out.read_text(encoding="utf-8")) > 0
