"""Entry point of the ``jubao`` command.

Error policy: usage errors exit 2 (click), invalid input exits 2 with every problem listed, an unexpected
exception prints one sentence and exits 1 — a traceback only with ``--debug`` (it may contain personal data).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from jubao import __version__
from jubao._compat import unsupported_python_message
from jubao.cli.documents_cmd import documents, evidence
from jubao.cli.due_cmd import due
from jubao.cli.evaluate import evaluate, explain
from jubao.cli.new_cmd import new
from jubao.cli.next_cmd import next_command
from jubao.cli.plan_cmd import plan
from jubao.cli.plugins_cmd import channels, plugin, plugins
from jubao.cli.record_cmd import filed, replied
from jubao.cli.reference_cmd import facts, statutes
from jubao.cli.rules_cmd import rules
from jubao.cli.schema import schema
from jubao.cli.serve_cmd import serve
from jubao.cli.state import CliState, state
from jubao.cli.validate import validate
from jubao.i18n import DEFAULT_LANG, ENV_VAR, LANGS

EXIT_INTERNAL_ERROR = 1


class JubaoGroup(click.Group):
    """Turns unexpected exceptions into one translated sentence unless ``--debug`` is on."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt, BrokenPipeError):
            raise  # click reports these itself (a closed pipe, as in `jubao … | head`, exits quietly)
        except Exception as exc:
            current = state()
            if current.debug:
                raise
            click.echo(_internal_error_sentence(current, exc), err=True)
            ctx.exit(EXIT_INTERNAL_ERROR)


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


cli.add_command(new)
cli.add_command(validate)
cli.add_command(evaluate)
cli.add_command(explain)
cli.add_command(rules)
cli.add_command(plugins)
cli.add_command(channels)
cli.add_command(plugin)
cli.add_command(schema)
cli.add_command(documents)
cli.add_command(evidence)
cli.add_command(plan)
cli.add_command(filed)
cli.add_command(replied)
cli.add_command(due)
cli.add_command(next_command)
cli.add_command(facts)
cli.add_command(statutes)
cli.add_command(serve)


def main() -> None:
    """Console-script entry point."""
    message = unsupported_python_message()
    if message:
        click.echo(message, err=True)
        sys.exit(EXIT_INTERNAL_ERROR)
    cli(prog_name="jubao")
