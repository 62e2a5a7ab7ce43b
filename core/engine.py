"""The rules engine: evaluates a case against the rule set with durable_rules. The only module importing it.

How durable_rules is driven, and why (each point was measured or reproduced; see docs/architecture.md):

* Rules are ordered into strata (``jubao.ruleset``); each stratum is one durable ruleset whose rules match one
  fact per case. Conclusions are combined between strata, so negation and "highest vote wins" are exact.
* The C module is driven directly (``assert_fact`` → ``start_action_for_state`` → ``complete_and_start_action``)
  with no ``Host``: no background timer threads, no per-action Python closures.
* Each ruleset keeps **one long-lived session**; a case's fact is asserted, its firings collected, and the fact
  retracted. Creating a session per case costs ~100 µs (durable allocates and clears ~764 KiB per session).
* durable 2.0.28 never initialises a session's action-context pointers and frees them on ``delete_state``: a
  session in which no rule ever fired corrupts the heap when deleted. Every ruleset therefore has a sentinel
  rule, and each session is warmed with one sentinel action before use.
* Calls into the C module hold the GIL but a case spans many calls, so evaluation of the durable part is
  serialised by a per-engine lock: the engine is safe to share between threads (threads add no throughput;
  use processes to scale).
* ``fork()`` while another thread evaluates copies that lock *held* (by a thread the child does not have) and the
  durable sessions half-way through a case. Every live engine is therefore re-initialised in the child
  (``os.register_at_fork``): a new lock, and — only if an evaluation was in progress at the fork — new durable
  rulesets, built on the child's first evaluation (~10 ms); the half-used ones are left alone, never deleted
  (deleting a session mid-case is what corrupts durable's heap). The parent is not slowed or blocked.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import threading
import uuid
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal, Self

import orjson

from jubao._compat import require_supported_python
from jubao.case import Case
from jubao.case_checks import channel_problems
from jubao.compile import CASE_TAG, SENTINEL_TAG, Compiler, FactEncoder, shard
from jubao.conditions import Leaf, Op, ParamRef, holds, leaf_holds, required_leaves
from jubao.conditions import explain as explain_condition
from jubao.evaluation import (
    EVALUATION_FORMAT,
    CharacterisationResult,
    Classification,
    Evaluation,
    FactValue,
    FiredRule,
    Reason,
    RouteResult,
    RuleCheck,
    SeverityResult,
    SeverityVote,
    Trace,
    WhyNot,
    fast_construct,
)
from jubao.features import compute_features, conduct_end
from jubao.loading import CaseFileError, as_case
from jubao.plugins import PluginSet, load_plugins
from jubao.rules import Combine, FactSpec, FactType, Rule, Text
from jubao.ruleset import RuleSet
from jubao.types import CASE_TIMEZONE

Backend = Literal["durable", "python"]


class EngineError(Exception):
    """Evaluation failed inside the engine (durable_rules refused something, or the rules contradict)."""


class ConflictError(EngineError):
    """Two rules concluded different values for a single-valued fact."""


class EngineClosedError(EngineError):
    """The engine was closed; build a new one."""


class Engine:
    """Evaluates cases. Build once and reuse: compiling rules into durable_rules is the expensive part.

    ``Engine()`` uses the bundled rules; pass a ``RuleSet`` for others. ``backend="python"`` evaluates the same
    rules with the plain-Python condition evaluator (the test oracle; no durable_rules involved).
    Use as a context manager, or call ``close()``, to release durable_rules' memory.
    """

    def __init__(
        self, ruleset: RuleSet | None = None, *, plugins: PluginSet | None = None, backend: Backend = "durable"
    ) -> None:
        """``plugins``: whose rules and channels to use; by default the engine loads the installed plugins
        (``load_plugins()``, honouring ``JUBAO_DISABLE_PLUGINS``) and owns that manager. Pass a ``PluginSet`` to
        choose exactly (``load_plugins(entry_points_group=None, extra=[...])``). ``ruleset`` overrides both."""
        if ruleset is None:
            plugins = plugins if plugins is not None else load_plugins()
            ruleset = plugins.ruleset
        self.plugins = plugins
        self.ruleset = ruleset
        self.backend = backend
        self._lock = threading.Lock()
        self._closed = False
        self._records = {rule.id: _RuleRecords(rule, len(self.ruleset.strata)) for rule in self.ruleset.rules}
        self._guards = [_StratumGuard(stratum, self.ruleset.facts) for stratum in self.ruleset.strata]
        self._fact_values: dict[tuple[str, str], FactValue] = {}
        self._memo = _Memo()
        self._derived_names = [name for name, spec in self.ruleset.facts.items() if spec.derived]
        self._channel_order = {cid: index for index, cid in enumerate(self.ruleset.channels)}
        self._characterisation_order = {cid: i for i, cid in enumerate(self.ruleset.characterisation_labels)}
        self._param_cache: dict[date, dict[str, Any]] = {}
        self._finalise_after = _finalisation_schedule(self.ruleset)
        self._durable: _DurableStrata | None = None
        self._rebuild_durable = False
        """Set in a forked child whose parent was evaluating at the fork: durable is rebuilt before its next use."""
        if backend == "durable":
            self._durable = _DurableStrata(self.ruleset)
        _LIVE_ENGINES.add(self)

    # --- lifecycle ---------------------------------------------------------------------------------------

    def close(self) -> None:
        """Release durable_rules' rulesets and sessions. Idempotent."""
        with self._lock:
            if not self._closed and self._durable is not None:
                self._durable.close()
            self._closed = True

    def _after_fork_in_child(self) -> None:
        """In a forked child: a fresh lock; durable rebuilt before next use if the fork caught an evaluation."""
        # Replaced whatever it says: a thread that had just acquired it but not yet got the GIL back leaves it taken
        # while ``locked()`` still says free. ``locked()`` is true only once that thread is inside the evaluation,
        # i.e. when durable may hold half a case.
        busy = self._lock.locked()
        self._lock = threading.Lock()
        if busy and self._durable is not None and not self._closed:
            self._durable.abandon()
            self._durable = None
            self._rebuild_durable = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # a forgotten close() must not leak the C-level rulesets
        with contextlib.suppress(Exception):  # nothing sensible to do at interpreter shutdown
            self.close()

    # --- evaluation --------------------------------------------------------------------------------------

    def evaluate(
        self, case: Case | Mapping[str, Any], *, as_of: date | None = None, today: date | None = None
    ) -> Evaluation:
        """Classify ``case`` and route it.

        ``case``: a ``Case`` (from ``jubao.load_case``, ``parse_case_text`` or ``parse_case``), or a mapping, which
        is validated first (``CaseFileError`` with every problem if invalid). Anything else raises
        ``jubao.loading.NotACaseError`` (a ``CaseFileError`` and a ``TypeError``). A prior complaint naming a
        channel id that neither the rules nor an installed plugin know raises ``CaseFileError`` (code
        ``unknown_channel``, with the known ids and the nearest).
        ``as_of``: the date whose law applies — by default the day of the latest incident (continuing conduct is
        judged by the law in force when it ends). ``today``: the date the evaluation is made (default: today in
        Beijing), used for how long ago things happened.
        """
        case = as_case(case)
        unknown = channel_problems(case, self.ruleset.channels)
        if unknown:  # a complaint to a channel no plugin knows (a typo) would otherwise be ignored in silence
            raise CaseFileError("<data>", unknown)
        as_of = as_of or conduct_end(case)
        today = today or datetime.now(CASE_TIMEZONE).date()
        features = compute_features(case, today=today, param=self._params_on(as_of).get, param_on=self._param_on)
        if self.plugins is not None and self.plugins.features:
            features.update(self.plugins.compute_features(case))
        return self.evaluate_features(features, as_of=as_of, today=today)

    def evaluate_features(self, features: dict[str, Any], *, as_of: date, today: date) -> Evaluation:
        """Evaluate precomputed features (what ``evaluate`` does after ``jubao.features``); for rule tests."""
        param_values = self._params_on(as_of)
        param = param_values.get
        values: dict[str, Any] = dict(features)
        conclusions: dict[str, list[tuple[Rule, Any]]] = defaultdict(list)
        fired: list[tuple[int, Rule]] = []
        self._finalise(values, conclusions, self._finalise_after[-1])
        with self._lock:
            if self._closed:
                raise EngineClosedError("this Engine was closed")
            if self._rebuild_durable:
                self._durable = _DurableStrata(self.ruleset)
                self._rebuild_durable = False
            for index, stratum in enumerate(self.ruleset.strata):
                if self._guards[index].excludes(values, param):
                    positions = []
                elif self._durable is not None:
                    positions = self._durable.fire(index, values, param_values, as_of)
                else:
                    positions = [
                        i for i, rule in enumerate(stratum) if rule.in_force(as_of) and holds(rule.when, values, param)
                    ]
                for position in sorted(positions):
                    rule = stratum[position]
                    fired.append((index, rule))
                    for name, value in rule.then.set.items():
                        conclusions[name].append((rule, value))
                self._finalise(values, conclusions, self._finalise_after[index])
        return self._assemble(as_of, today, features, values, fired)

    def explain(self, case: Case | Mapping[str, Any], *, as_of: date | None = None, today: date | None = None) -> Trace:
        """``evaluate`` plus, for every channel not routed, the rules that could have routed it and what failed.

        ``case`` is taken as by ``evaluate`` (a ``Case``, or a mapping validated first)."""
        evaluation = self.evaluate(case, as_of=as_of, today=today)
        param = self._params_on(evaluation.as_of).get
        values = {**evaluation.features, **evaluation.facts}
        values = {k: frozenset(v) if isinstance(v, list) else v for k, v in values.items()}
        by_id = {rule.id: rule for rule in self.ruleset.rules}
        fired = tuple(
            item.model_copy(update={"matched": tuple(explain_condition(by_id[item.rule].when, values, param)[1])})
            for item in evaluation.fired
        )
        evaluation = evaluation.model_copy(update={"fired": fired})
        routed = set(evaluation.route_ids())
        why_not: list[WhyNot] = []
        for channel in self.ruleset.channels.values():
            if channel.id in routed:
                continue
            checks = []
            for rule in self.ruleset.rules:
                if not any(route.channel == channel.id for route in rule.then.routes):
                    continue
                _, failed = explain_condition(rule.when, values, param)
                in_force = rule.in_force(evaluation.as_of)
                checks.append(
                    RuleCheck(
                        rule=rule.id, title=rule.title, in_force=in_force, failed=tuple(failed) if in_force else ()
                    )
                )
            why_not.append(WhyNot(channel=channel.id, name=channel.label, rules=tuple(checks), note=channel.why_not))
        return Trace(evaluation=evaluation, why_not=tuple(why_not))

    # --- internals ---------------------------------------------------------------------------------------

    def _param_on(self, name: str, day: date) -> Any:
        """One parameter's value on ``day`` (features apply a rule of conduct only to acts done while in force)."""
        parameter = self.ruleset.parameters.get(name)
        return parameter.value_on(day) if parameter is not None else None

    def _params_on(self, day: date) -> dict[str, Any]:
        """Every parameter's value on ``day`` (cached: cases cluster on few dates)."""
        cached = self._param_cache.get(day)
        if cached is None:
            cached = {name: parameter.value_on(day) for name, parameter in self.ruleset.parameters.items()}
            if len(self._param_cache) > 4096:
                self._param_cache.clear()
            self._param_cache[day] = cached
        return cached

    def _finalise(
        self, values: dict[str, Any], conclusions: dict[str, list[tuple[Rule, Any]]], names: Iterable[str]
    ) -> None:
        for name in names:
            spec = self.ruleset.facts[name]
            values[name] = _combine(spec, conclusions.get(name, []))

    def _assemble(self, as_of: date, today: date, features: dict[str, Any], values: dict[str, Any],
                  fired: list[tuple[int, Rule]]) -> Evaluation:  # fmt: skip
        # Per-rule records (fired-rule entries, reasons, severity votes) are built once per engine and shared:
        # they are frozen, and building ~60 models per case cost more than running the rules.
        rs = self.ruleset
        records = self._records
        derived = {name: _jsonable(values[name]) for name in self._derived_names}
        voters: list[SeverityVote] = []
        characterised: dict[str, list[str]] = {}
        routed: dict[str, list[str]] = {}
        for _, rule in fired:
            record = records[rule.id]
            if record.severity_vote is not None:
                voters.append(record.severity_vote)
            for cid in record.characterises:
                characterised.setdefault(cid, []).append(rule.id)
            for channel in record.channels:
                routed.setdefault(channel, []).append(rule.id)
        return fast_construct(
            Evaluation,
            format=EVALUATION_FORMAT,
            ruleset_version=rs.version,
            ruleset_hash=rs.content_hash,
            as_of=as_of,
            today=today,
            features={name: (sorted(v) if type(v) is frozenset else v) for name, v in features.items()},
            facts=derived,
            classification=self._classification(values),
            severity=self._severity(int(values["severity"]), voters),
            characterisations=self._characterisations(characterised),
            routes=self._routes(routed),
            fired=tuple(records[rule.id].fired[stratum] for stratum, rule in fired),
        )

    def _fact_value(self, name: str, value: Any) -> FactValue:
        key = (name, str(value))
        cached = self._fact_values.get(key)
        if cached is None:
            spec = self.ruleset.facts[name]
            label = (spec.labels or {}).get(str(value))
            cached = FactValue(name=name, value=_jsonable(value), label=label)
            self._fact_values[key] = cached
        return cached

    def _classification(self, values: dict[str, Any]) -> Classification:
        return fast_construct(
            Classification,
            lender_kind=values["lender_kind"],
            regulator=self._fact_value("regulator", values["regulator"]),
            licence_status=self._fact_value("licence_status", values["licence_status"]),
            illegal_debt=bool(values["illegal_debt"]),
            illegal_debt_indicators=tuple(
                self._fact_value("illegal_debt_indicators", v) for v in sorted(values["illegal_debt_indicators"])
            ),
            contacts_reached=values["contacts_reached"],
            contacts_exposed=values["contacts_exposed"],
            contacts_bucket=self._fact_value("contacts_bucket", values["contacts_bucket"]),
            ongoing=bool(values["ongoing"]),
        )

    def _severity(self, level: int, votes: list[SeverityVote]) -> SeverityResult:
        votes.sort(key=lambda vote: -vote.level)
        labels = self.ruleset.facts["severity"].labels or {}
        label = labels.get(str(level), Text(zh=f"S{level}", en=f"S{level}"))
        return fast_construct(SeverityResult, level=level, label=label, reasons=tuple(votes))

    def _characterisations(self, characterised: dict[str, list[str]]) -> tuple[CharacterisationResult, ...]:
        order = self._characterisation_order
        return tuple(
            self._memo.get(("characterisation", cid, *rules), self._characterisation, cid, rules)
            for cid, rules in sorted(characterised.items(), key=lambda item: order[item[0]])
        )

    def _characterisation(self, cid: str, rules: list[str]) -> CharacterisationResult:
        confidence = "possible"
        reasons = []
        for rule_id in rules:
            record = self._records[rule_id]
            if record.characterises[cid] == "likely":
                confidence = "likely"
            reasons.append(record.reason)
        label = self.ruleset.characterisation_labels[cid]
        return fast_construct(
            CharacterisationResult, id=cid, label=label, confidence=confidence, reasons=tuple(reasons)
        )

    def _routes(self, routed: dict[str, list[str]]) -> tuple[RouteResult, ...]:
        routes = [self._memo.get(("route", channel, *rules), self._route, channel, rules)
                  for channel, rules in routed.items()]  # fmt: skip
        routes.sort(key=lambda route: (route.priority, self._channel_order[route.channel]))
        return tuple(routes)

    def _route(self, channel: str, rules: list[str]) -> RouteResult:
        priority: int | None = None
        modes: list[str] = []
        reasons = []
        for rule_id in rules:
            for route, reason in self._records[rule_id].routes:
                if route.channel != channel:
                    continue
                priority = route.priority if priority is None else min(priority, route.priority)
                modes += [mode for mode in route.modes if mode not in modes]
                reasons.append(reason)
        return fast_construct(
            RouteResult,
            channel=channel,
            name=self.ruleset.channels[channel].label,
            priority=priority,
            modes=tuple(modes),
            reasons=tuple(reasons),
        )


class _Memo:
    """Each channel's route and each characterisation, shared between the cases that reach it by the same rules.

    They are frozen, so sharing is safe. A key is one channel (or characterisation) and the rules that fired for
    it, so how many there can be depends on the rule set, not on how many cases an engine evaluates: a long-running
    engine (``jubao serve``, a batch worker) stays the same size. (Keying whole results by every rule that fired,
    as before, added ~9 KB for nearly every new case: +177 MiB over 20,000 generated cases.) The limit only guards
    against a pathological rule set; it may be read and filled from many threads (a lost race only means building
    an equal object twice).
    """

    LIMIT = 4096

    def __init__(self) -> None:
        self._items: dict[tuple[Any, ...], Any] = {}

    def get(self, key: tuple[Any, ...], build: Callable[..., Any], *args: Any) -> Any:
        found = self._items.get(key)
        if found is None:
            found = build(*args)
            if len(self._items) >= self.LIMIT:
                self._items.clear()
            self._items[key] = found
        return found


class _StratumGuard:
    """Skips a stratum that cannot fire, without asking durable_rules.

    Every rule in the stratum is required (by a top-level ``all`` conjunct) to meet a condition on a derived
    fact that is already final when the stratum starts. If for every rule such a condition is false, no rule
    can fire and the durable call is skipped. Strata with a rule that has no such guard always run. Sound by
    construction; the differential test (durable vs the Python evaluator) checks it on random cases.
    """

    def __init__(self, rules: tuple[Rule, ...], facts: dict[str, FactSpec]) -> None:
        self._per_rule: list[list[Callable[[dict[str, Any], Callable[[str], Any]], bool]]] | None = []
        for rule in rules:
            guards = [_leaf_test(leaf) for leaf in required_leaves(rule.when) if facts[leaf.fact].derived]
            if not guards:
                self._per_rule = None
                break
            self._per_rule.append(guards)

    def excludes(self, values: dict[str, Any], param: Callable[[str], Any]) -> bool:
        if self._per_rule is None:
            return False
        return not any(all(test(values, param) for test in guards) for guards in self._per_rule)


def _leaf_test(leaf: Leaf) -> Callable[[dict[str, Any], Callable[[str], Any]], bool]:
    """A fast test for the common guard shapes (literal eq / ne / order); anything else uses ``leaf_holds``."""
    fact, value = leaf.fact, leaf.value
    if not isinstance(value, ParamRef | list):
        if leaf.op is Op.EQ:
            return lambda values, _: values.get(fact) == value
        if leaf.op is Op.NE:
            return lambda values, _: values.get(fact) != value
        if leaf.op is Op.GTE:
            return lambda values, _: (actual := values.get(fact)) is not None and actual >= value
        if leaf.op is Op.GT:
            return lambda values, _: (actual := values.get(fact)) is not None and actual > value
    return lambda values, param: leaf_holds(leaf, values, param)


class _RuleRecords:
    """What a rule contributes to a result, built once: it is the same for every case it fires on."""

    def __init__(self, rule: Rule, strata: int) -> None:
        citations = tuple(rule.citations)
        concluded = _concluded(rule)
        self.fired = [
            FiredRule(
                rule=rule.id, stratum=index, title=rule.title, matched=(), concluded=concluded, citations=citations
            )
            for index in range(strata)
        ]
        self.reason = Reason(rule=rule.id, text=rule.title, citations=citations)
        self.characterises: dict[str, str] = {}
        """Each characterisation the rule names, with "likely" if any of its mentions says so."""
        for item in rule.then.characterisations:
            if self.characterises.get(item.id) != "likely":
                self.characterises[item.id] = item.confidence
        self.routes = [(route, Reason(rule=rule.id, text=route.reason, citations=citations))
                       for route in rule.then.routes]  # fmt: skip
        self.channels = tuple(dict.fromkeys(route.channel for route in rule.then.routes))
        self.severity_vote: SeverityVote | None = None
        if "severity" in rule.then.set:
            self.severity_vote = SeverityVote(
                rule=rule.id,
                text=rule.severity_reason or rule.title,
                citations=citations,
                level=int(rule.then.set["severity"]),  # type: ignore[arg-type] # lint: severity is an int fact
            )


def _finalisation_schedule(ruleset: RuleSet) -> list[list[str]]:
    """For each stratum, the derived facts whose last writer is in it; the last entry: facts nobody writes."""
    last_writer: dict[str, int] = {}
    for index, stratum in enumerate(ruleset.strata):
        for rule in stratum:
            for name in rule.then.set:
                last_writer[name] = index
    schedule: list[list[str]] = [[] for _ in range(len(ruleset.strata) + 1)]
    for name, spec in ruleset.facts.items():
        if spec.derived:
            schedule[last_writer.get(name, -1)].append(name)
    return schedule


def _combine(spec: FactSpec, conclusions: list[tuple[Rule, Any]]) -> Any:
    if not conclusions:
        if spec.type is FactType.SET:
            return frozenset(spec.default if isinstance(spec.default, list) else [])
        return spec.default
    values = [value for _, value in conclusions]
    if len(values) == 1:
        only = values[0]
        return frozenset(only if isinstance(only, list) else [only]) if spec.type is FactType.SET else only
    if spec.combine is Combine.ANY:
        return any(bool(v) for v in values)
    if spec.combine is Combine.MAX:
        return max(values)
    if spec.combine is Combine.UNION:
        return frozenset(itertools.chain.from_iterable(v if isinstance(v, list) else [v] for v in values))
    distinct = {json.dumps(v, sort_keys=True) for v in values}
    if len(distinct) > 1:
        rules = ", ".join(f"{rule.id}={value!r}" for rule, value in conclusions)
        raise ConflictError(f"rules disagree on {spec.name}: {rules}")
    return values[0]


def _jsonable(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value


class _DurableStrata:
    """Per stratum, one or more durable rulesets (shards of ≤ 64 branches), each with a warmed session."""

    def __init__(self, ruleset: RuleSet) -> None:
        require_supported_python()
        import durable_rules_engine  # noqa: PLC0415 - the one import of durable_rules, after the version check

        self._c = durable_rules_engine
        self._sid = f"jubao-{uuid.uuid4().hex}"
        self._retract = orjson.dumps({"sid": self._sid, "id": CASE_TAG}).decode()
        self._handles: list[int] = []
        self._shards: list[list[tuple[int, FactEncoder]]] = []
        compiler = Compiler(ruleset.facts)
        prefix = f"jubao_{uuid.uuid4().hex}"
        try:
            for index, stratum in enumerate(ruleset.strata):
                shards = []
                for number, positions in enumerate(shard(compiler, stratum)):
                    definition = compiler.ruleset(stratum, positions)
                    handle = self._c.create_ruleset(f"{prefix}_{index}_{number}", json.dumps(definition))
                    self._handles.append(handle)
                    self._warm(handle)
                    shards.append((handle, FactEncoder([stratum[p] for p in positions], ruleset.facts)))
                self._shards.append(shards)
        except self._c.error as exc:
            self.close()
            raise EngineError(f"durable_rules rejected the compiled rules: {exc}") from exc

    def _warm(self, handle: int) -> None:
        """Run one sentinel action so the session's action context is initialised (see module docstring)."""
        sentinel = json.dumps({"sid": self._sid, "id": SENTINEL_TAG, "t": SENTINEL_TAG})
        result = self._c.assert_fact(handle, sentinel)
        started = self._c.start_action_for_state(handle, result[1])
        if not started:
            raise EngineError("durable_rules did not run the sentinel action")
        while self._c.complete_and_start_action(handle, result[1]):
            pass
        self._c.retract_fact(handle, sentinel)

    def fire(self, index: int, values: dict[str, Any], param_values: dict[str, Any], as_of: date) -> list[int]:
        """Positions (in stratum ``index``) of the rules that fire for ``values``."""
        positions: set[int] = set()
        for handle, encoder in self._shards[index]:
            positions.update(self._fire_shard(handle, encoder.encode(values, param_values, as_of)))
        return sorted(positions)

    def _fire_shard(self, handle: int, fact: dict[str, Any]) -> set[int]:
        """Assert ``fact``, collect the positions of the rules that fired, retract it."""
        fact["sid"] = self._sid
        text = orjson.dumps(fact).decode()
        try:
            code, state = self._c.assert_fact(handle, text)
        except self._c.error as exc:
            raise EngineError(f"durable_rules refused a fact: {exc}") from exc
        if code == 1:  # no rule matched; durable did not store the fact
            return set()
        if code != 0:
            raise EngineError(f"durable_rules returned {code} (a previous case left state behind)")
        positions: set[int] = set()  # durable fires a rule once per matching branch of an $or
        try:
            started = self._c.start_action_for_state(handle, state)
            message = started[1] if started else None
            while message:
                name = message[2 : message.index('"', 2)]
                positions.add(int(name[1:]))
                message = self._c.complete_and_start_action(handle, state)
        except self._c.error as exc:
            raise EngineError(f"durable_rules failed while firing rules: {exc}") from exc
        finally:
            self._c.retract_fact(handle, self._retract)  # durable finds a fact by sid and id
        return positions

    def abandon(self) -> None:
        """Forget the rulesets without deleting them (a forked child whose copy was caught mid-case)."""
        self._handles = []
        self._shards = []

    def close(self) -> None:
        for handle in self._handles:
            try:
                self._c.delete_state(handle, self._sid)
                self._c.delete_ruleset(handle)
            except self._c.error:
                pass
        self._handles = []


_LIVE_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
"""Every engine not yet garbage-collected, for re-initialising them in a forked child."""


def _reinit_after_fork() -> None:
    for engine in list(_LIVE_ENGINES):
        engine._after_fork_in_child()


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_reinit_after_fork)


def _concluded(rule: Rule) -> dict[str, Any]:
    concluded: dict[str, Any] = {**rule.then.set}
    if rule.then.routes:
        concluded["routes"] = [route.channel for route in rule.then.routes]
    if rule.then.characterisations:
        concluded["characterisations"] = [item.id for item in rule.then.characterisations]
    return concluded
