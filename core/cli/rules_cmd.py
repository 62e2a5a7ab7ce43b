"""``jubao rules check`` and ``jubao rules test``: lint the rule files; run the golden rule tests."""

from __future__ import annotations

import json

import click

from jubao.cli.common import EXIT_FAILED
from jubao.cli.state import state
from jubao.cli.terminal import echo, echo_json
from jubao.ruleset import RuleSetError, bundled_source, load_ruleset


@click.group()
def rules() -> None:
    """检查和测试规则文件 / lint and test the rule files."""


@rules.command("check")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def check(as_json: bool) -> None:
    """检查规则文件（未知事实、渠道、引用缺失、永不触发的规则……）/ lint the rule files.

    Exit status: 0 clean, 1 warnings only, 2 errors.
    """
    current = state()
    plugins = current.plugins()
    try:
        ruleset = load_ruleset([bundled_source(), *plugins.rule_sources],
                               extra_channels=[(cid, c.name) for cid, c in plugins.channels.items()],
                               extra_facts=[f.spec() for f in plugins.features.values()])  # fmt: skip
    except RuleSetError as exc:
        if as_json:
            echo_json(json.dumps({"valid": False, "problems": [p.render() for p in exc.problems]}, ensure_ascii=False))
        for problem in exc.problems:
            echo(f"✗ {problem.render()}", err=True)
        raise click.exceptions.Exit(2) from None
    summary = current.t("rules.summary", rules=len(ruleset.rules), strata=len(ruleset.strata),
                        params=len(ruleset.parameters), version=ruleset.version)  # fmt: skip
    if as_json:
        echo_json(json.dumps({"valid": True, "rules": len(ruleset.rules), "strata": [len(s) for s in ruleset.strata],
                               "version": ruleset.version, "hash": ruleset.content_hash,
                               "warnings": [w.render() for w in ruleset.warnings]}, ensure_ascii=False))  # fmt: skip
    else:
        for warning in ruleset.warnings:
            echo(f"! {warning.render()}", err=True)
        echo(summary)
    if ruleset.warnings:
        raise click.exceptions.Exit(EXIT_FAILED)


@rules.command("test")
@click.option("--coverage", is_flag=True, help="列出没有任何测试触发的规则 / list rules no test fires.")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None,
              help="覆盖率低于此百分比则失败 / fail if rule coverage is below this percentage.")  # fmt: skip
def test(coverage: bool, fail_under: float | None) -> None:
    """运行 rules/tests 中的规则黄金测试 / run the golden rule tests in rules/tests."""
    # The engine (and the golden-test runner, which needs it) only here: `rules check` lints without it.
    from jubao.engine import Engine  # noqa: PLC0415
    from jubao.ruletests import golden_test_files, run_all  # noqa: PLC0415

    current = state()
    plugins = current.plugins()
    with Engine(plugins=plugins) as engine:
        files = list(golden_test_files(bundled_source().root))
        for source in plugins.rule_sources:
            files += golden_test_files(source.root, source.name)
        run = run_all(engine, files)
    for problem in run.load_problems:
        echo(f"✗ {problem.render()}", err=True)
    failed = [outcome for outcome in run.outcomes if not outcome.passed]
    for outcome in failed:
        where = f"{outcome.test.file}:{outcome.test.line}" if outcome.test.line else outcome.test.file
        echo(f"✗ {where}: {outcome.test.test.name}", err=True)
        for failure in outcome.failures:
            echo(f"    {failure}", err=True)
    passed = len(run.outcomes) - len(failed)
    echo(current.t("rules.tests", passed=passed, failed=len(failed)))
    if coverage or fail_under is not None:
        fired = len(run.rule_ids) - len(run.uncovered)
        echo(current.t("rules.coverage", percent=f"{run.coverage:.1f}", fired=fired,
                             total=len(run.rule_ids)))  # fmt: skip
        for rule_id in run.uncovered:
            echo(f"  - {rule_id}")
    if failed or run.load_problems or (fail_under is not None and run.coverage < fail_under):
        raise click.exceptions.Exit(EXIT_FAILED)
