"""Entry point of the ``jubao`` command.

Error policy: usage errors exit 2 (click), invalid input exits 2 with every problem listed, an unexpected
exception prints one sentence and exits 1 — a traceback only with ``--debug`` (it may contain personal data).

Start-up: a subcommand's module is imported only when that command runs or shows its own help (``COMMANDS``; a
new subcommand goes there, with its one-line help), so ``jubao --version`` and ``jubao --help`` load no command.
"""

from __future__ import annotations

import errno
import gc
import importlib
import os
import sys
from gettext import gettext as _
from typing import Any, NamedTuple

import click

from jubao._compat import unsupported_python_message
from jubao._version import __version__
from jubao.cli.encoding import fit_streams
from jubao.cli.state import CliState, state
from jubao.i18n import DEFAULT_LANG, ENV_VAR, LANGS, Lang

EXIT_INTERNAL_ERROR = 1
EXIT_INVALID = 2


class LazyCommand(NamedTuple):
    """Where a subcommand lives, and its one-line help for ``jubao --help`` (without importing its module)."""

    module: str
    attribute: str
    summary: str
    """The first paragraph of the command's help: what ``jubao --help`` shortens to fit (a test checks it is still
    the command's own)."""


COMMANDS: dict[str, LazyCommand] = {
    "new": LazyCommand(
        "jubao.cli.new_cmd",
        "new",
        "一问一答，写出案件文件；对已有文件只补问缺少或写错的内容 / interview to write (or complete) a case file.",
    ),
    "validate": LazyCommand(
        "jubao.cli.validate",
        "validate",
        "校验案件文件（YAML 或 JSON；- 表示标准输入）/ validate case files (YAML or JSON; - for stdin).",
    ),
    "evaluate": LazyCommand(
        "jubao.cli.evaluate", "evaluate", "分类并推荐举报渠道 / classify a case and route it to channels."
    ),
    "explain": LazyCommand(
        "jubao.cli.evaluate",
        "explain",
        "列出触发的规则及依据；对未推荐的渠道说明原因 / the rules that fired, and why-not for the other channels.",
    ),
    "rules": LazyCommand("jubao.cli.rules_cmd", "rules", "检查和测试规则文件 / lint and test the rule files."),
    "plugins": LazyCommand(
        "jubao.cli.plugins_cmd",
        "plugins",
        "列出已加载的插件 / list loaded plugins (name, version, hooks, channels).",
    ),
    "channels": LazyCommand("jubao.cli.plugins_cmd", "channels", "举报渠道 / reporting channels."),
    "plugin": LazyCommand("jubao.cli.plugins_cmd", "plugin", "插件开发 / for plugin authors."),
    "schema": LazyCommand("jubao.cli.schema", "schema", "导出 JSON Schema / export a JSON Schema (draft 2020-12)."),
    "documents": LazyCommand(
        "jubao.cli.documents_cmd",
        "documents",
        "为推荐的每个渠道生成文书，并附证据清单和目录 / draft the documents for every routed channel.",
    ),
    "evidence": LazyCommand(
        "jubao.cli.documents_cmd", "evidence", "证据文件：核对是否被改动 / evidence files: check they are unchanged."
    ),
    "plan": LazyCommand(
        "jubao.cli.plan_cmd",
        "plan",
        "行动计划：先后步骤、期限和逾期后的下一步 / the plan: ordered steps, dates, and what to do when they pass.",
    ),
    "filed": LazyCommand(
        "jubao.cli.record_cmd",
        "filed",
        "记下已向某个渠道提交了投诉或举报（更新案件文件）/ record that you filed with a channel.",
    ),
    "replied": LazyCommand(
        "jubao.cli.record_cmd",
        "replied",
        "记下某个渠道已经答复（更新最近一次尚未答复的投诉）/ record a channel's reply to your latest complaint.",
    ),
    "due": LazyCommand(
        "jubao.cli.due_cmd",
        "due",
        "列出文件夹里所有案件的期限（已过期的和即将到期的，按日期先后）/ every deadline across a folder's cases.",
    ),
    "next": LazyCommand(
        "jubao.cli.next_cmd",
        "next_command",
        "这周要做的事：每一步向哪里、怎样提交，带什么，留什么凭证，哪天前提交 / what to do this week.",
    ),
    "facts": LazyCommand("jubao.cli.reference_cmd", "facts", "规则可读取的事实 / facts rules can read."),
    "statutes": LazyCommand("jubao.cli.reference_cmd", "statutes", "法条库 / the statute library templates cite."),
    "serve": LazyCommand(
        "jubao.cli.serve_cmd",
        "serve",
        "打开本机网页版（适合不熟悉命令行的人）和 HTTP API / the local web app and HTTP API.",
    ),
}
"""Every subcommand, imported only when it runs or shows its own help: so that ``jubao --version``, ``--help``
and each command load only what they use (``tests/test_startup.py``)."""


class JubaoGroup(click.Group):
    """Subcommands imported on first use (``COMMANDS``); unexpected exceptions turned into one translated sentence
    unless ``--debug`` is on."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in COMMANDS:
            command = lazy_command(cmd_name)
            self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``jubao --help``, as click writes it, from ``COMMANDS`` for commands not imported."""
        rows = [(name, self.commands.get(name) or summary_command(name)) for name in self.list_commands(ctx)]
        rows = [(name, command) for name, command in rows if not command.hidden]
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _command in rows)
        with formatter.section(_("Commands")):  # as click writes it
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            os.getcwd()
        except FileNotFoundError:  # deleted under us (an earlier `documents --out .`, another terminal): before any
            # import — on Python 3.13 even importing pydantic's compiled core then fails with a SystemError
            click.echo("✗ " + state().t("cli.cwd_gone"), err=True)
            ctx.exit(EXIT_INVALID)
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt, BrokenPipeError):
            raise  # click reports these itself (a closed pipe, as in `jubao … | head`, exits quietly)
        except OSError as exc:
            if exc.errno not in NO_SPACE_ERRNOS or state().debug:
                raise
            # Commands report the files they write themselves; what reaches here is their output (`> file` on a
            # full disk). That is the disk, not a defect in jubao: say so, and that the output is incomplete.
            _stop_writing_stdout()
            click.echo("✗ " + state().t("cli.output_no_space", reason=exc.strerror or "ENOSPC"), err=True)
            ctx.exit(EXIT_INTERNAL_ERROR)
        except Exception as exc:
            current = state()
            if current.debug:
                raise
            click.echo(_internal_error_sentence(current, exc), err=True)
            ctx.exit(EXIT_INTERNAL_ERROR)


NO_SPACE_ERRNOS = frozenset(
    code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None), getattr(errno, "EFBIG", None)) if code is not None
)
"""No space left on the device, the disk quota used up, or a file larger than the system allows."""


def _stop_writing_stdout() -> None:
    """Send what standard output still buffers to the null device: flushing it at exit would fail again (and print
    Python's own "Exception ignored" lines)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (tests, embedding): nothing will flush to disk
        pass


def _internal_error_sentence(current: CliState, exc: Exception) -> str:
    """One sentence naming only the exception type (its message may hold personal data).

    Must not fail itself: if the message catalogue is what broke, fall back to fixed English text.
    """
    try:
        return current.t("cli.internal_error", kind=type(exc).__name__)
    except Exception:
        return f"Internal error in jubao ({type(exc).__name__}). Run again with --debug and report it."


@click.group(cls=JubaoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="jubao", message="%(prog)s %(version)s")
@click.option(
    "--lang",
    type=click.Choice(LANGS, case_sensitive=False),
    default=DEFAULT_LANG,
    envvar=ENV_VAR,
    show_envvar=True,
    show_default=True,
    help="输出语言 / output language (zh, en).",
)
@click.option(
    "--debug",
    is_flag=True,
    envvar="JUBAO_DEBUG",
    help="出错时显示完整回溯（可能含个人信息）/ show full tracebacks (may contain personal data).",
)
@click.option(
    "--disable-plugin",
    "disabled",
    multiple=True,
    metavar="NAME",
    help="不加载该插件（可多次使用；或设置 JUBAO_DISABLE_PLUGINS=a,b）/ do not load this plugin.",
)
@click.option(
    "--strict-plugins",
    is_flag=True,
    envvar="JUBAO_STRICT_PLUGINS",
    help="插件出错即失败，而不是跳过 / fail on any plugin problem instead of skipping the plugin.",
)
@click.pass_context
def cli(ctx: click.Context, lang: str, debug: bool, disabled: tuple[str, ...], strict_plugins: bool) -> None:
    """jubao（举报）：整理催收骚扰（爆通讯录）的举报材料。

    jubao: classify reports of abusive debt collection and route them to the right channels.
    """
    ctx.obj = CliState(lang="en" if lang.lower() == "en" else "zh", debug=debug, disabled_plugins=disabled,
                       strict_plugins=strict_plugins)  # fmt: skip


def lazy_command(name: str) -> click.Command:
    """The subcommand ``name`` (a key of ``COMMANDS``), importing its module."""
    where = COMMANDS[name]
    command: click.Command = getattr(importlib.import_module(where.module), where.attribute)
    return command


def summary_command(name: str) -> click.Command:
    """A stand-in for the subcommand ``name`` that knows only its one-line help (what ``jubao --help`` shows)."""
    return click.Command(name, help=COMMANDS[name].summary)


PYDANTIC_PLUGINS_OFF = ("PYDANTIC_DISABLE_PLUGINS", "__all__")
"""Set for the whole ``jubao`` process (and the batch workers it starts). A pydantic plugin installed in the same
environment sees every model validated — here a case, with other people's names and numbers — and some send what
they see to a service (logfire); jubao sends nothing over the network. It also spares every command pydantic's scan
of all installed distributions for its entry points (2–4 ms). A program embedding jubao keeps its own choice."""


def main() -> None:
    """Console-script entry point."""
    os.environ[PYDANTIC_PLUGINS_OFF[0]] = PYDANTIC_PLUGINS_OFF[1]
    fit_streams()  # a GBK or Latin-1 terminal, or a file redirected there: every line stays printable
    message = unsupported_python_message()
    if message:
        click.echo(message, err=True)
        sys.exit(EXIT_INTERNAL_ERROR)
    try:
        cli(prog_name="jubao")
    except OSError as exc:  # output written before any command ran (--version, --help) to a full disk
        if exc.errno not in NO_SPACE_ERRNOS:
            raise
        _stop_writing_stdout()
        lang: Lang = "en" if _requested_lang(sys.argv[1:]) == "en" else "zh"
        click.echo("✗ " + CliState(lang=lang, debug=False).t("cli.output_no_space", reason=exc.strerror), err=True)
        sys.exit(EXIT_INTERNAL_ERROR)
    finally:
        # The command is over. The interpreter's shutdown collects garbage several times, each pass walking every
        # object still alive (the run's models, rules, plugins, templates); frozen, they are not walked: 30-50 ms of
        # CPU less at the end of `jubao evaluate` and `jubao documents` (docs/performance.md). Nothing jubao writes
        # waits for that collection: each file is written, flushed and closed explicitly; atexit handlers still run.
        gc.freeze()


def _requested_lang(args: list[str]) -> str:
    """The language ``--lang`` or the environment asks for, read without click (its context is gone)."""
    for index, arg in enumerate(args):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1].lower()
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1].lower()
    return os.environ.get(ENV_VAR, DEFAULT_LANG).lower()
