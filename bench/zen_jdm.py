"""Benchmark: jubao's engine against GoRules' zen-engine (Rust, Python bindings) running the same rules.

    python bench/zen_jdm.py              # 5,000 generated cases x 3 rounds
    python bench/zen_jdm.py --quick      # 300 cases x 1 round (CI smoke run)
    python bench/zen_jdm.py --dump g.json   # also write the generated JDM graph (open it in GoRules' editor)

zen-engine is not a jubao dependency: install it into the venv for this benchmark only
(``python -m pip install zen-engine``). Without it the script says so and exits 0.

The translation is mechanical and complete: every rule of the engine's rule set (the bundled rules/*.yaml plus the
installed plugins' rules, ``Engine().ruleset``) becomes one row of a JDM decision table, one table per stratum
(hit policy ``collect``), in the same order as the engine runs them. A row's condition is the rule's ``when``
written in the ZEN expression language with jubao's two-valued semantics for unknown facts (``jubao.conditions``:
an unknown fact is unequal to everything, unordered and contains nothing; a parameter not in force makes its leaf
false), plus the rule's effective dates. Its outputs are the rule's conclusions. After each stratum an expression
node combines the conclusions into derived facts exactly as the fact catalogue says (single / any / max / union,
defaults when no rule concludes), so later strata read them; a last expression node collects the legal
characterisations and, per channel, the lowest route priority. Input: the same precomputed features
(``jubao.features``), the parameters in force on the conduct date and the date itself.

Every generated case is evaluated by all three before anything is timed, and the script refuses to report if zen
or the hand-written floor disagrees with ``Engine.evaluate`` on any case (regulator, licence status, severity,
characterisations, routes with priorities) — the three do the same work.

Timed per case, CPU time of this process (``time.process_time``; zen's own threads included), median of rounds:
  (a) ``Engine.evaluate(case)``: features, the strata through durable_rules, the full ``Evaluation``;
  (b) the hand-written floor (bench/handwritten.py): features + the decisions as plain Python;
  (z) zen-engine: features + the JDM decision (input conversion and reading the result included);
  (z0) zen-engine with a graph of no rules (input -> output), same input: what a call costs before any rule;
  (f) features alone, the part (a), (b) and (z) share.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

TODAY = date(2026, 11, 20)

# --- translation: RuleSet -> JDM ------------------------------------------------------------------------


def _literal(value: Any) -> str:
    """A ZEN expression literal for a rule value (strings JSON-quoted, booleans lower-case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple | frozenset | set):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    raise TypeError(f"no ZEN literal for {type(value).__name__}")


def _param(name: str) -> str:
    return f"p[{json.dumps(name)}]"


class JdmTranslator:
    """Writes a ``RuleSet`` as a JDM graph (see the module docstring)."""

    def __init__(self, ruleset: Any) -> None:
        from jubao.rules import FactType  # noqa: PLC0415 - jubao imported after sys.path is set

        self.ruleset = ruleset
        self.set_facts = {name for name, spec in ruleset.facts.items() if spec.type is FactType.SET}

    # conditions

    def condition(self, condition: Any) -> str:
        from jubao.conditions import All, Any_, Leaf, Not  # noqa: PLC0415

        if isinstance(condition, Leaf):
            return self.leaf(condition)
        if isinstance(condition, Not):
            return f"not ({self.condition(condition.not_)})"
        if isinstance(condition, All):
            return "(" + " and ".join(self.condition(child) for child in condition.all) + ")"
        if isinstance(condition, Any_):
            return "(" + " or ".join(self.condition(child) for child in condition.any) + ")"
        raise TypeError(f"unknown condition {type(condition).__name__}")

    def leaf(self, leaf: Any) -> str:
        from jubao.conditions import ORDER_OPS, Op, ParamRef  # noqa: PLC0415

        fact, op, value = leaf.fact, leaf.op, leaf.value
        if op is Op.EXISTS:
            return f"{fact} != null" if value is True else f"{fact} == null"
        if isinstance(value, ParamRef):
            param = _param(value.param)
            zen_op = {Op.EQ: "==", Op.NE: "!=", Op.LT: "<", Op.LTE: "<=", Op.GT: ">", Op.GTE: ">="}.get(op)
            if zen_op is None:
                raise ValueError(f"parameters cannot be used with '{op}'")
            if op is Op.NE:
                return f"({param} != null and ({fact} == null or {fact} != {param}))"
            return f"({param} != null and {fact} != null and {fact} {zen_op} {param})"
        if fact in self.set_facts:
            values = value if isinstance(value, list) else [value]
            if op is Op.CONTAINS:
                return f"({fact} != null and {_literal(value)} in {fact})"
            if op is Op.NOT_CONTAINS:
                return f"not ({fact} != null and {_literal(value)} in {fact})"
            if op is Op.CONTAINS_ANY:
                return f"({fact} != null and some({_literal(values)}, # in {fact}))"
            raise ValueError(f"operator {op} does not apply to the set fact {fact}")
        if op is Op.EQ:
            return f"{fact} == {_literal(value)}"
        if op is Op.NE:
            return f"{fact} != {_literal(value)}"
        if op in ORDER_OPS:
            symbol = {Op.LT: "<", Op.LTE: "<=", Op.GT: ">", Op.GTE: ">="}[op]
            return f"({fact} != null and {fact} {symbol} {_literal(value)})"
        if op is Op.IN:
            return f"{fact} in {_literal(value)}"
        if op is Op.NOT_IN:
            return f"not ({fact} in {_literal(value)})"
        raise ValueError(f"operator {op} does not apply to the fact {fact}")

    def rule_condition(self, rule: Any) -> str:
        parts = []
        if rule.effective_from is not None:
            parts.append(f"as_of >= {rule.effective_from.toordinal()}")
        if rule.effective_to is not None:
            parts.append(f"as_of <= {rule.effective_to.toordinal()}")
        parts.append(self.condition(rule.when))
        return " and ".join(parts)

    # graph

    def graph(self) -> dict[str, Any]:
        rs = self.ruleset
        nodes: list[dict[str, Any]] = [_node("input", "inputNode", "request")]
        last_writer: dict[str, int] = {}
        for index, stratum in enumerate(rs.strata):
            for rule in stratum:
                for name in rule.then.set:
                    last_writer[name] = index
        derived = [name for name, spec in rs.facts.items() if spec.derived]
        unwritten = [name for name in derived if name not in last_writer]
        if unwritten:  # facts no rule concludes hold their defaults from the start
            nodes.append(self._combine_node("defaults", unwritten, passthrough=True))
        for index, stratum in enumerate(rs.strata):
            nodes.append(self._table(index, stratum))
            settled = [name for name in derived if last_writer.get(name) == index]
            if settled:
                nodes.append(self._combine_node(f"settle{index}", settled, passthrough=True))
        nodes.append(self._gather_node())
        nodes.append(self._result_node())
        nodes.append(_node("output", "outputNode", "response"))
        edges = [
            {"id": f"e{i}", "type": "edge", "sourceId": a["id"], "targetId": b["id"]}
            for i, (a, b) in enumerate(itertools.pairwise(nodes))
        ]
        return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}

    def _table(self, index: int, stratum: Sequence[Any]) -> dict[str, Any]:
        facts = sorted({name for rule in stratum for name in rule.then.set})
        outputs = [{"id": "rule", "name": "rule", "field": "rule"}]
        outputs += [{"id": f"set_{name}", "name": name, "field": name} for name in facts]
        outputs += [{"id": "characterisations", "name": "characterisations", "field": "characterisations"},
                    {"id": "routes", "name": "routes", "field": "routes"}]  # fmt: skip
        rows = []
        for position, rule in enumerate(stratum):
            row: dict[str, Any] = {"_id": f"s{index}r{position}", "_description": rule.id,
                                   "when": self.rule_condition(rule), "rule": _literal(rule.id)}  # fmt: skip
            for name in facts:
                value = rule.then.set.get(name)
                if value is not None and name in self.set_facts and not isinstance(value, list):
                    value = [value]
                row[f"set_{name}"] = "" if value is None else _literal(value)
            ids = [item.id for item in rule.then.characterisations]
            row["characterisations"] = _literal(ids) if ids else ""
            routes = [f"{{channel: {_literal(r.channel)}, priority: {r.priority}}}" for r in rule.then.routes]
            row["routes"] = "[" + ", ".join(routes) + "]" if routes else ""
            rows.append(row)
        content = {
            "hitPolicy": "collect",
            "passThrough": True,
            "outputPath": f"fired{index}",
            "inputs": [{"id": "when", "name": "condition", "field": ""}],
            "outputs": outputs,
            "rules": rows,
        }
        return {**_node(f"stratum{index}", "decisionTableNode", f"stratum {index}"), "content": content}

    def _writers(self, name: str) -> str:
        """The fired rows of every stratum with a rule concluding ``name``, concatenated."""
        strata = [i for i, stratum in enumerate(self.ruleset.strata) if any(name in r.then.set for r in stratum)]
        rows = f"fired{strata[0]}" if len(strata) == 1 else f"flatMap([{', '.join(f'fired{i}' for i in strata)}], #)"
        return f"filter({rows}, #.{name} != null)"

    def _combine(self, node_id: str, name: str) -> list[dict[str, str]]:
        """Expressions giving ``name`` its combined value (first the writers' rows, then the value from them)."""
        from jubao.rules import Combine, FactType  # noqa: PLC0415

        spec = self.ruleset.facts[name]
        default = spec.default
        if spec.type is FactType.SET:
            default = default if isinstance(default, list) else []
        fallback = _literal(default) if default is not None else "null"
        if not any(name in rule.then.set for rule in self.ruleset.rules):
            return [{"id": f"{node_id}_{name}", "key": name, "value": fallback}]
        rows = f"w_{name}"
        if spec.combine is Combine.UNION or spec.type is FactType.SET:  # no writer: [] (every set fact's default)
            value = f"flatMap($.{rows}, #.{name})"
        elif spec.combine is Combine.ANY:
            value = f"len($.{rows}) > 0 ? some($.{rows}, #.{name} == true) : {fallback}"
        elif spec.combine is Combine.MAX:
            value = f"len($.{rows}) > 0 ? max(map($.{rows}, #.{name})) : {fallback}"
        else:  # single: every writer agrees (the engine raises ConflictError otherwise; the check would see it)
            value = f"len($.{rows}) > 0 ? $.{rows}[0].{name} : {fallback}"
        return [{"id": f"{node_id}_w_{name}", "key": rows, "value": self._writers(name)},
                {"id": f"{node_id}_{name}", "key": name, "value": value}]  # fmt: skip

    def _combine_node(self, node_id: str, names: list[str], *, passthrough: bool) -> dict[str, Any]:
        expressions = [expression for name in names for expression in self._combine(node_id, name)]
        content = {"passThrough": passthrough, "expressions": expressions}
        return {**_node(node_id, "expressionNode", node_id), "content": content}

    def _gather_node(self) -> dict[str, Any]:
        fired = f"flatMap([{', '.join(f'fired{i}' for i in range(len(self.ruleset.strata)))}], #)"
        expressions = [
            {"id": "g_fired", "key": "fired", "value": fired},
            {"id": "g_routes", "key": "all_routes", "value": "flatMap(filter($.fired, #.routes != null), #.routes)"},
        ]
        return {**_node("gather", "expressionNode", "gather"), "content": {"passThrough": True,
                                                                          "expressions": expressions}}  # fmt: skip

    def _result_node(self) -> dict[str, Any]:
        per_channel = ", ".join(
            f"{cid}: some(all_routes, #.channel == {_literal(cid)}) ? "
            f"min(map(filter(all_routes, #.channel == {_literal(cid)}), #.priority)) : null"
            for cid in self.ruleset.channels
        )
        derived = [name for name, spec in self.ruleset.facts.items() if spec.derived]
        expressions = [{"id": f"r_{name}", "key": name, "value": name} for name in derived]
        expressions += [
            {"id": "r_fired", "key": "fired", "value": "map(fired, #.rule)"},
            {"id": "r_char", "key": "characterisations",
             "value": "flatMap(filter(fired, #.characterisations != null), #.characterisations)"},
            {"id": "r_routes", "key": "routes", "value": "{" + per_channel + "}"},
        ]  # fmt: skip
        return {**_node("result", "expressionNode", "result"), "content": {"expressions": expressions}}


def _node(node_id: str, kind: str, name: str) -> dict[str, Any]:
    return {"id": node_id, "type": kind, "name": name, "position": {"x": 0, "y": 0}}


# --- running it --------------------------------------------------------------------------------------


def zen_available() -> str | None:
    """zen-engine's version if it is installed, else None."""
    try:
        from importlib.metadata import version  # noqa: PLC0415

        importlib.import_module("zen")
    except ImportError:
        return None
    return version("zen-engine")


class ZenRules:
    """The engine's rule set as one zen-engine decision; ``decide`` returns what ``summary`` gives for the engine."""

    def __init__(self, ruleset: Any, *, record: bool = False) -> None:
        zen = importlib.import_module("zen")  # optional (not a jubao dependency): untyped on purpose

        self.graph = JdmTranslator(ruleset).graph()
        self._decision = zen.ZenEngine().create_decision(json.dumps(self.graph, ensure_ascii=False))
        nothing = {"nodes": [_node("input", "inputNode", "request"), _node("output", "outputNode", "response")],
                   "edges": [{"id": "e", "type": "edge", "sourceId": "input", "targetId": "output"}]}  # fmt: skip
        self._empty = zen.ZenEngine().create_decision(json.dumps(nothing))
        self.record = record
        self.reported: list[str] = []
        """With ``record``: zen's own timing of each evaluation (its ``performance`` field, wall time inside it)."""

    def empty(self, features: dict[str, Any], params: dict[str, Any], as_of: date) -> Any:
        """The same input through a graph with no rules (input -> output): what any call costs."""
        import orjson  # noqa: PLC0415 - a jubao dependency

        context = orjson.dumps({**features, "p": params, "as_of": as_of.toordinal()}, default=sorted).decode()
        return self._empty.evaluate(context)["result"]

    def decide(self, features: dict[str, Any], params: dict[str, Any], as_of: date) -> dict[str, Any]:
        """The decisions (``summary``), the rules that fired and every derived fact (``detail``)."""
        import orjson  # noqa: PLC0415 - a jubao dependency

        context = orjson.dumps({**features, "p": params, "as_of": as_of.toordinal()}, default=sorted).decode()
        response = self._decision.evaluate(context)
        result = response["result"]
        if self.record:
            self.reported.append(response["performance"])
        return result  # type: ignore[no-any-return]


def zen_summary(result: dict[str, Any]) -> dict[str, Any]:
    """What ``summary`` gives for an ``Evaluation``, from zen's result."""
    return {
        "regulator": result["regulator"],
        "licence_status": result["licence_status"],
        "severity": int(result["severity"]),
        "characterisations": set(result["characterisations"]),
        "routes": {channel: int(priority) for channel, priority in result["routes"].items() if priority is not None},
    }


def zen_detail(result: dict[str, Any], derived: Sequence[str]) -> dict[str, Any]:
    """The rules that fired and every derived fact, from zen's result (compared with ``detail``)."""
    facts = {name: sorted(set(v)) if isinstance(v, list) else v for name in derived for v in [result[name]]}
    return {"fired": sorted(result["fired"]), "facts": facts}


def detail(evaluation: Any) -> dict[str, Any]:
    """The rules that fired and every derived fact of an ``Evaluation``."""
    return {"fired": sorted(item.rule for item in evaluation.fired), "facts": dict(evaluation.facts)}


def pipelines(engine: Any, zen_rules: ZenRules | None) -> dict[str, Callable[[Any], Any]]:
    """The timed functions, each from a ``Case`` to its decisions."""
    from handwritten import decide  # noqa: PLC0415
    from jubao.features import compute_features, conduct_end  # noqa: PLC0415

    plugins = engine.plugins

    def features_of(case: Any) -> tuple[dict[str, Any], dict[str, Any], date]:
        as_of = conduct_end(case)
        params = engine._params_on(as_of)
        features = compute_features(case, today=TODAY, param=params.get, param_on=engine._param_on)
        if plugins is not None and plugins.features:
            features.update(plugins.compute_features(case))
        return features, params, as_of

    def floor(case: Any) -> dict[str, Any]:
        return decide(*features_of(case))

    runs: dict[str, Callable[[Any], Any]] = {
        "engine": lambda case: engine.evaluate(case, today=TODAY),
        "floor": floor,
        "features": features_of,
    }
    if zen_rules is not None:
        runs["zen"] = lambda case: zen_summary(zen_rules.decide(*features_of(case)))
        runs["zen_empty"] = lambda case: zen_rules.empty(*features_of(case))
        runs["zen_result"] = lambda case: zen_rules.decide(*features_of(case))
    return runs


def summary(evaluation: Any) -> dict[str, Any]:
    return {
        "regulator": evaluation.facts["regulator"],
        "licence_status": evaluation.facts["licence_status"],
        "severity": evaluation.severity.level,
        "characterisations": {item.id for item in evaluation.characterisations},
        "routes": {route.channel: route.priority for route in evaluation.routes},
    }


def cpu_seconds(run: Callable[[Any], Any], cases: Sequence[Any]) -> float:
    start = time.process_time()
    for case in cases:
        run(case)
    return time.process_time() - start


LABELS = {
    "engine": "(a) Engine.evaluate (durable_rules)",
    "floor": "(b) hand-written Python (floor)",
    "zen": "(z) zen-engine {version} (JDM)",
    "zen_empty": "(z0) zen-engine, a graph with no rules",
    "features": "(f) features alone (in a, b, z)",
}


def check(engine: Any, runs: dict[str, Callable[[Any], Any]], cases: Sequence[Any], version: str | None) -> bool:
    """Whether the floor (decisions) and zen (decisions, every rule that fired, every derived fact) agree with
    the engine on every case; prints what disagrees, or what was checked."""
    derived = [name for name, spec in engine.ruleset.facts.items() if spec.derived]
    disagree = {name: 0 for name in ("floor", "zen") if name in runs}
    fired: set[str] = set()
    for case in cases:
        evaluation = runs["engine"](case)
        expected = summary(evaluation)
        disagree["floor"] += runs["floor"](case) != expected
        fired.update(item.rule for item in evaluation.fired)
        if "zen" in disagree:
            result = runs["zen_result"](case)
            disagree["zen"] += zen_summary(result) != expected or zen_detail(result, derived) != detail(evaluation)
    for name, count in disagree.items():
        if count:
            fix = "bench/handwritten.py" if name == "floor" else "the translation in bench/zen_jdm.py"
            print(f"{LABELS[name].format(version=version)} disagrees with the engine on {count} of {len(cases)} "
                  f"cases: fix {fix}")  # fmt: skip
    if any(disagree.values()):
        return False
    strata = [len(stratum) for stratum in engine.ruleset.strata]
    print(f"checked on all {len(cases)} cases: (b) makes the same decisions as (a)"
          + ("; (z) the same decisions, fires the same rules and derives the same facts" if "zen" in disagree else "")
          + f"\n({len(engine.ruleset.rules)} rules in {len(strata)} strata {strata}; {len(fired)} of them fired on "
          "at least one case)")  # fmt: skip
    return True


def _microseconds(text: str) -> float:
    """zen's ``performance`` field ("123.4µs", "1.2ms", "5ns") in µs."""
    for suffix, scale in (("ns", 1e-3), ("µs", 1.0), ("us", 1.0), ("ms", 1e3), ("s", 1e6)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * scale
    return float("nan")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="CI smoke run: 300 cases, 1 round")
    parser.add_argument("--dump", type=Path, metavar="FILE", help="write the generated JDM graph here")
    options = parser.parse_args(argv)
    if options.quick:
        options.cases, options.rounds = 300, 1

    from jubao.engine import Engine  # noqa: PLC0415
    from jubao.generate import random_cases  # noqa: PLC0415

    version = zen_available()
    print(f"generating {options.cases} cases …", flush=True)
    cases = list(random_cases(options.cases, seed=42))
    with Engine() as engine:
        zen_rules = ZenRules(engine.ruleset, record=True) if version else None
        if zen_rules is None:
            print("zen-engine is not installed (python -m pip install zen-engine): row (z) skipped")
        elif options.dump:
            options.dump.write_text(json.dumps(zen_rules.graph, ensure_ascii=False, indent=1), encoding="utf-8")
        runs = pipelines(engine, zen_rules)
        if not check(engine, runs, cases, version):
            return 1
        runs.pop("zen_result", None)
        if zen_rules is not None:
            zen_rules.reported.clear()
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(options.rounds):
            for name, run in runs.items():
                times[name].append(cpu_seconds(run, cases))
        reported = statistics.median(_microseconds(text) for text in zen_rules.reported) if zen_rules else None
    rate = {name: len(cases) / statistics.median(values) for name, values in times.items()}
    print(f"\n{len(cases)} cases, CPU time, median of {options.rounds} round(s); ratios against the hand-written floor")
    print(f"{'':40} {'cases/s':>9} {'µs/case':>9} {'ratio':>7}")
    for name in ("engine", "floor", "zen", "zen_empty", "features"):
        if name in rate:
            label = LABELS[name].format(version=version)
            print(f"{label:40} {rate[name]:9.0f} {1e6 / rate[name]:9.0f} {rate[name] / rate['floor']:7.3f}")
    if reported is not None:
        print(
            f"{'  of (z): zen’s own timing of the graph':40} {'':9} {reported:9.0f}   (its 'performance' field, "
            "median; the rest is features, the Python binding, JSON in and out)"
        )
    if "zen" in rate:
        print(f"\n(a) / (z) = {rate['engine'] / rate['zen']:.2f}x   (target: engine >= 2x zen-engine)")
    print(f"(a) / (b) = {rate['engine'] / rate['floor']:.3f}   (target: never below 0.2 of the floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
