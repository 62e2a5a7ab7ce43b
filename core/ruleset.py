"""Load the rule files into a checked, ordered ``RuleSet``.

Loading is strict: a file that does not parse or validate, or a rule that refers to an unknown fact, parameter,
channel or characterisation, stops the load with every problem listed (file, line, rule id). Lint findings that
do not make the rules wrong (a parameter nobody uses) are warnings, shown by ``jubao rules check``.

Rules are ordered into *strata*: a rule that reads a derived fact runs in a later stratum than every rule that
concludes it. Within a stratum nothing a rule reads can change, so negation is sound and the order of firing does
not matter; between strata the conclusions are combined (max, union, …) as the fact catalogue says.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from typing import Any

from pydantic import BaseModel, ValidationError

from jubao import __version__
from jubao.compile import MAX_BRANCHES, Compiler, rule_branches
from jubao.conditions import (
    ORDER_OPS,
    SET_OPS,
    Leaf,
    Op,
    ParamRef,
    leaves,
    located_leaves,
    required_leaves,
)
from jubao.features import FEATURE_NAMES, PARAMETERS_READ
from jubao.problems import Problem, Severity, format_loc, problems_from_validation_error
from jubao.rules import (
    CatalogueFile,
    Channel,
    FactSpec,
    FactType,
    Parameter,
    ParameterFile,
    Rule,
    RuleFile,
    Text,
)
from jubao.sourcemap import SourceDocument, SourceError, parse_trusted_yaml
from jubao_rules import rules_root

CATALOGUE = "catalogue.yaml"
CATALOGUE_NOT_FIRST = (
    "only the first rule directory (jubao's own rules) declares the catalogue; a plugin adds channels with "
    "register_channels and features with register_facts"
)
"""A plugin's rules cannot replace jubao's catalogue (its facts, channels and characterisations): the ids it lists
are known whatever plugins are installed (``jubao.case_checks.catalogue_channel_ids``)."""
PARAMETER_DIR = "parameters"
SKIPPED_DIRS = ("tests", "statutes", "calendar", "__pycache__")
SKIPPED_FILES = ("sources.yaml",)
"""At the top of a rule directory: not rules. ``sources.yaml`` is the source list citations name (``jubao.sources``)."""


class RuleSetError(Exception):
    """The rule files cannot be used; ``problems`` lists why (each with file, line and rule id)."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the rule files")
        self.problems = problems


class RuleProblem(Problem):
    """A problem in a rule file."""

    file: str = ""
    rule_id: str | None = None

    def render(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        rule = f" rule {self.rule_id}:" if self.rule_id else ""
        path = f" {self.path}:" if self.path else ""
        return f"{where}:{rule}{path} {self.detail or self.code}"


@dataclass(frozen=True)
class RuleSource:
    """A directory of rule files: the bundled rules/ or a plugin's."""

    name: str
    root: Traversable


@dataclass
class RuleSet:
    """Validated rules, parameters and catalogue, ordered into strata, with a content hash."""

    rules: tuple[Rule, ...]
    parameters: dict[str, Parameter]
    facts: dict[str, FactSpec]
    channels: dict[str, Channel]
    characterisation_labels: dict[str, Text]
    strata: tuple[tuple[Rule, ...], ...]
    content_hash: str
    rule_origin: Mapping[str, str] = field(default_factory=dict)
    """rule id -> "file:line" where it is defined."""
    warnings: tuple[RuleProblem, ...] = ()

    @property
    def version(self) -> str:
        return f"{__version__}+rules.{self.content_hash[:12]}"


def bundled_source() -> RuleSource:
    return RuleSource("jubao", rules_root())


@functools.cache
def bundled_ruleset() -> RuleSet:
    """The bundled rules, loaded once per process (they are package data and do not change while it runs)."""
    return load_ruleset([bundled_source()])


@functools.lru_cache(maxsize=16)
def _cached_ruleset(
    sources: tuple[RuleSource, ...], channels: tuple[tuple[str, Text], ...], facts: tuple[str, ...]
) -> RuleSet:
    specs = [FactSpec.model_validate_json(spec) for spec in facts]  # JSON in the key: specs hold lists
    return load_ruleset(sources, extra_channels=channels, extra_facts=specs)


def ruleset_with(
    plugin_sources: Iterable[RuleSource],
    plugin_channels: Iterable[tuple[str, Text]],
    plugin_facts: Iterable[FactSpec] = (),
) -> RuleSet:
    """The bundled rules plus plugins' rule directories, channels and features (cached per combination)."""
    sources = tuple(plugin_sources)
    channels = tuple(sorted(plugin_channels, key=lambda item: item[0]))
    facts = tuple(spec.model_dump_json() for spec in sorted(plugin_facts, key=lambda spec: spec.name))
    if not sources and not channels and not facts:
        return bundled_ruleset()
    return _cached_ruleset((bundled_source(), *sources), channels, facts)


def load_ruleset(
    sources: Iterable[RuleSource] | None = None,
    *,
    extra_channels: Iterable[tuple[str, Text]] = (),
    extra_facts: Iterable[FactSpec] = (),
) -> RuleSet:
    """Load, validate and order the rules of ``sources`` (default: the bundled rules).

    ``extra_channels`` are ``(id, name)`` of channels registered by plugins: rules may route to them too, and the
    name a channel declares is the one used everywhere (the catalogue only lists ids it routes to).
    ``extra_facts`` are features plugins compute (``register_facts``): rules may read them."""
    sources = list(sources) if sources is not None else [bundled_source()]
    problems: list[RuleProblem] = []
    digest = hashlib.sha256()
    catalogue: CatalogueFile | None = None
    parameters: dict[str, Parameter] = {}
    rules: list[Rule] = []
    located: dict[str, tuple[str, SourceDocument, int]] = {}
    origin = RuleOrigins(located)
    for position, source in enumerate(sources):
        for relative, item in _yaml_files(source.root):
            label = f"{source.name}:{relative}"
            raw = item.read_bytes()
            digest.update(label.encode() + b"\0" + raw + b"\0")
            if relative == CATALOGUE and position > 0:
                problems.append(_problem(label, "catalogue_not_first", CATALOGUE_NOT_FIRST))
            elif relative == CATALOGUE:
                parsed = _parse(label, raw, CatalogueFile, problems)
                if isinstance(parsed, CatalogueFile):
                    catalogue = parsed
            elif relative.startswith(PARAMETER_DIR + "/"):
                parsed = _parse(label, raw, ParameterFile, problems)
                if isinstance(parsed, ParameterFile):
                    for parameter in parsed.parameters:
                        if parameter.name in parameters:
                            problems.append(
                                _problem(label, "duplicate_parameter", f"parameter {parameter.name} is defined twice")
                            )
                        parameters[parameter.name] = parameter
            else:
                document = _document(label, raw, problems)
                parsed = _validate(label, document, RuleFile, problems) if document else None
                if isinstance(parsed, RuleFile) and document is not None:
                    for index, rule in enumerate(parsed.rules):
                        if rule.id in located:
                            line = document.position_of(("rules", index))
                            problems.append(
                                _problem(label, "duplicate_rule", f"rule id also defined at {origin[rule.id]}",
                                         rule_id=rule.id, line=line[0] if line else None)
                            )  # fmt: skip
                        else:
                            located[rule.id] = (label, document, index)
                        rules.append(rule)
    if catalogue is None:
        problems.append(_problem(CATALOGUE, "missing_catalogue", "no catalogue.yaml among the rule sources"))
        raise RuleSetError(problems)
    facts = {spec.name: spec for spec in catalogue.facts}
    channels = _named_channels(catalogue.channels, extra_channels)
    checker = _Checker(
        facts, channels, catalogue.characterisations, parameters=parameters, origin=origin, located=located
    )
    problems.extend(checker.check_catalogue())
    for spec in extra_facts:
        if spec.name in facts:
            problems.append(_problem("<plugin facts>", "duplicate_fact", f"fact {spec.name} is already declared"))
        facts[spec.name] = spec
    for rule in rules:
        problems.extend(checker.check_rule(rule))
    problems.extend(checker.check_reachability(rules))
    strata, cycle_problems = _stratify(rules, facts, origin)
    problems.extend(cycle_problems)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise RuleSetError(errors)
    return RuleSet(
        rules=tuple(rules),
        parameters=parameters,
        facts=facts,
        channels=channels,
        characterisation_labels=dict(catalogue.characterisations),
        strata=strata,
        content_hash=digest.hexdigest(),
        rule_origin=origin,
        warnings=tuple(p for p in problems if p.severity is Severity.WARNING) + tuple(checker.unused_parameters(rules)),
    )


def _named_channels(declared: Iterable[Channel], registered: Iterable[tuple[str, Text]]) -> dict[str, Channel]:
    """The catalogue's channel ids with the names their plugins declare (one source for a channel's name); an id
    whose plugin is not installed is named by its id."""
    channels = {channel.id: channel for channel in declared}
    for channel_id, name in registered:
        known = channels.get(channel_id)
        channels[channel_id] = known.model_copy(update={"name": name}) if known else Channel(id=channel_id, name=name)
    for channel_id, channel in channels.items():
        if channel.name is None:
            channels[channel_id] = channel.model_copy(update={"name": Text(zh=channel_id, en=channel_id)})
    return channels


# --- reading files ------------------------------------------------------------------------------------------


def _yaml_files(root: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for item in sorted(root.iterdir(), key=lambda entry: entry.name):
        relative = f"{prefix}{item.name}"
        if item.is_dir():
            if item.name not in SKIPPED_DIRS:
                yield from _yaml_files(item, relative + "/")
        elif item.name.endswith((".yaml", ".yml")) and relative not in SKIPPED_FILES:
            yield relative, item


def _problem(file: str, code: str, detail: str, *, rule_id: str | None = None, line: int | None = None,
             warning: bool = False) -> RuleProblem:  # fmt: skip
    return RuleProblem(
        code=code, file=file, detail=detail, rule_id=rule_id, line=line,
        severity=Severity.WARNING if warning else Severity.ERROR,
    )  # fmt: skip


def _document(label: str, raw: bytes, problems: list[RuleProblem]) -> SourceDocument | None:
    try:
        document = parse_trusted_yaml(raw.decode("utf-8"), allow_aliases=True)
    except UnicodeDecodeError:
        problems.append(_problem(label, "not_utf8", "file is not UTF-8"))
        return None
    except SourceError as exc:
        problems.append(_problem(label, exc.code, str(exc.params.get("detail", exc.code)), line=exc.line))
        return None
    if document.data is None:
        problems.append(_problem(label, "empty_file", "file is empty"))
        return None
    return document


def _parse(label: str, raw: bytes, model: type[BaseModel], problems: list[RuleProblem]) -> BaseModel | None:
    document = _document(label, raw, problems)
    return _validate(label, document, model, problems) if document else None


def _validate(
    label: str, document: SourceDocument, model: type[BaseModel], problems: list[RuleProblem]
) -> BaseModel | None:
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        for problem in problems_from_validation_error(exc, model):
            loc = _clean_loc(problem.at or problem.loc)  # a project's own file: an unknown key may be named
            position = document.position_of(loc)
            rule_id = _rule_id_at(document.data, loc)
            problems.append(
                RuleProblem(
                    code=problem.code, loc=loc, line=position[0] if position else None,
                    column=position[1] if position else None, file=label, rule_id=rule_id,
                    detail=f"{problem.message('en')} [{format_loc(loc)}]",
                )
            )  # fmt: skip
        return None


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's union tags from a location so that it names keys that are really in the file."""
    cleaned: list[str | int] = []
    for index, part in enumerate(loc):
        if part == "leaf" or (part in ("all", "any", "not") and index + 1 < len(loc) and loc[index + 1] == part):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _rule_id_at(data: Any, loc: tuple[str | int, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(data, dict):
        rules = data.get("rules")
        if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rule_id = rules[loc[1]].get("id")
            return rule_id if isinstance(rule_id, str) else None
    return None


# --- semantic checks ----------------------------------------------------------------------------------------


_OPS_BY_TYPE: dict[FactType, frozenset[Op]] = {
    FactType.BOOL: frozenset({Op.EQ, Op.NE, Op.EXISTS}),
    FactType.INT: frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.EXISTS} | ORDER_OPS),
    FactType.NUMBER: frozenset({Op.EQ, Op.NE, Op.EXISTS} | ORDER_OPS),
    FactType.ENUM: frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.EXISTS}),
    FactType.SET: frozenset(SET_OPS | {Op.EXISTS}),
}


class RuleOrigins(Mapping[str, str]):
    """rule id -> ``"file:line"``, the line looked up when asked for: a rule file is read without positions (fast) and
    they are computed only for a file whose rule is named by a problem, ``jubao explain`` or a trace."""

    def __init__(self, located: Mapping[str, tuple[str, SourceDocument, int]]) -> None:
        self._located = located

    def __getitem__(self, rule_id: str) -> str:
        label, document, index = self._located[rule_id]
        line = document.position_of(("rules", index))
        return f"{label}:{line[0] if line else '?'}"

    def __iter__(self) -> Iterator[str]:
        return iter(self._located)

    def __len__(self) -> int:
        return len(self._located)


class _Checker:
    def __init__(self, facts: dict[str, FactSpec], channels: dict[str, Channel], labels: dict[str, Text], *,
                 parameters: dict[str, Parameter], origin: Mapping[str, str],
                 located: dict[str, tuple[str, SourceDocument, int]]) -> None:  # fmt: skip
        self.located = located
        self.facts = facts
        self.channels = channels
        self.labels = labels
        self.parameters = parameters
        self.origin = origin
        self.writers: dict[str, set[Any]] = defaultdict(set)

    def _at(self, rule: Rule, code: str, detail: str, warning: bool = False, *,
            loc: tuple[str | int, ...] = ()) -> RuleProblem:  # fmt: skip
        """A problem in ``rule``, at the line of ``loc`` inside it (or of the rule) when known."""
        if rule.id in self.located:
            file, document, index = self.located[rule.id]
            position = document.position_of(("rules", index, *loc))
            return RuleProblem(code=code, file=file, rule_id=rule.id, line=position[0] if position else None,
                               column=position[1] if position else None, loc=loc, detail=detail,
                               severity=Severity.WARNING if warning else Severity.ERROR)  # fmt: skip
        file, _, line = self.origin.get(rule.id, "?:?").rpartition(":")
        return _problem(file, code, detail, rule_id=rule.id, line=int(line) if line.isdigit() else None,
                        warning=warning)  # fmt: skip

    def check_catalogue(self) -> list[RuleProblem]:
        problems: list[RuleProblem] = []
        declared = {name for name, spec in self.facts.items() if not spec.derived}
        for name in sorted(set(FEATURE_NAMES) ^ declared):
            where = (
                "computed by jubao.features but not declared" if name in FEATURE_NAMES else "declared but not computed"
            )
            problems.append(_problem(CATALOGUE, "feature_mismatch", f"feature {name}: {where}"))
        for spec in self.facts.values():
            if spec.derived and spec.default is not None and not self._value_ok(spec, spec.default):
                problems.append(_problem(CATALOGUE, "bad_default", f"fact {spec.name}: default is not a valid value"))
            for value in spec.values or []:
                if not value.replace("_", "").isalnum() or not value.isascii():
                    problems.append(
                        _problem(CATALOGUE, "bad_value", f"fact {spec.name}: value {value!r} must be snake_case")
                    )
        return problems

    def _value_ok(self, spec: FactSpec, value: Any) -> bool:
        if spec.type is FactType.BOOL:
            return isinstance(value, bool)
        if spec.type is FactType.INT:
            return isinstance(value, int) and not isinstance(value, bool)
        if spec.type is FactType.NUMBER:
            return isinstance(value, int | float) and not isinstance(value, bool)
        if spec.type is FactType.ENUM:
            return value in (spec.values or [])
        items = value if isinstance(value, list) else [value]
        return all(item in (spec.values or []) for item in items)

    def check_rule(self, rule: Rule) -> list[RuleProblem]:
        problems: list[RuleProblem] = []
        for leaf, loc in located_leaves(rule.when):
            problems.extend(self._check_leaf(rule, leaf, ("when", *loc)))
        for name, value in rule.then.set.items():
            spec = self.facts.get(name)
            at: tuple[str | int, ...] = ("then", "set", name)
            if spec is None:
                problems.append(self._at(rule, "unknown_fact", f"then.set: unknown fact {name!r}", loc=at))
            elif not spec.derived:
                problems.append(
                    self._at(rule, "not_derived", f"then.set: {name!r} is a feature; rules cannot set it", loc=at)
                )
            elif not self._value_ok(spec, value):
                problems.append(self._at(rule, "bad_value", f"then.set: {value!r} is not a valid {name}", loc=at))
            else:
                self.writers[name].add(value if not isinstance(value, list) else tuple(value))
        for index, route in enumerate(rule.then.routes):
            channel = self.channels.get(route.channel)
            at = ("then", "routes", index, "channel")
            if channel is None:
                problems.append(self._at(rule, "unknown_channel", f"routes: unknown channel {route.channel!r}", loc=at))
            elif not channel.routable:
                problems.append(
                    self._at(rule, "not_a_channel", f"routes: {route.channel!r} must never be routed to", loc=at)
                )
        for index, item in enumerate(rule.then.characterisations):
            if item.id not in self.labels:
                problems.append(self._at(rule, "unknown_characterisation", f"unknown characterisation {item.id!r}",
                                         loc=("then", "characterisations", index, "id")))  # fmt: skip
        problems.extend(self._never_fires(rule))
        if not problems:
            branches = rule_branches(Compiler(self.facts), rule)
            if branches > MAX_BRANCHES:
                problems.append(self._at(rule, "too_complex", f"{branches} alternative paths; durable_rules handles "
                                         f"at most {MAX_BRANCHES} per ruleset: split the rule"))  # fmt: skip
        return problems

    def _check_leaf(self, rule: Rule, leaf: Leaf, loc: tuple[str | int, ...]) -> list[RuleProblem]:
        spec = self.facts.get(leaf.fact)
        if spec is None:
            return [self._at(rule, "unknown_fact", f"when: unknown fact {leaf.fact!r}", loc=(*loc, "fact"))]
        at = (*loc, str(leaf.op))
        if leaf.op not in _OPS_BY_TYPE[spec.type]:
            detail = f"when: '{leaf.op}' does not apply to {spec.type} fact {leaf.fact!r}"
            return [self._at(rule, "bad_operator", detail, loc=at)]
        if isinstance(leaf.value, ParamRef):
            parameter = self.parameters.get(leaf.value.param)
            if parameter is None:
                return [self._at(rule, "unknown_parameter", f"when: unknown parameter {leaf.value.param!r}", loc=at)]
            if leaf.op not in ORDER_OPS | {Op.EQ, Op.NE}:
                return [
                    self._at(rule, "bad_parameter", "when: parameters work with eq, ne, lt, lte, gt, gte only", loc=at)
                ]
            if leaf.op in ORDER_OPS and not all(isinstance(v.value, int | float) for v in parameter.values):
                return [self._at(rule, "bad_parameter", f"when: parameter {leaf.value.param!r} is not numeric", loc=at)]
            return []
        if leaf.op is Op.EXISTS:
            return []
        values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
        bad = [v for v in values if not self._value_ok(spec, v)]
        if bad:
            return [self._at(rule, "bad_value", f"when: {bad!r} not valid for {spec.type} fact {leaf.fact!r}", loc=at)]
        return []

    def _never_fires(self, rule: Rule) -> list[RuleProblem]:
        """Detectable impossibilities among the conditions every match needs (the top-level conjuncts)."""
        problems: list[RuleProblem] = []
        required = required_leaves(rule.when)
        equal: dict[str, set[Any]] = defaultdict(set)
        for leaf in required:
            if leaf.op is Op.EQ and not isinstance(leaf.value, ParamRef):
                equal[leaf.fact].add(leaf.value)
        for fact, values in equal.items():
            if len(values) > 1:
                problems.append(
                    self._at(rule, "never_fires", f"requires {fact} to equal each of {sorted(map(str, values))}", True)
                )
        return problems

    def check_reachability(self, rules: list[Rule]) -> list[RuleProblem]:
        """A required ``eq``/``in``/``contains`` on a derived value that no rule concludes and is not the default."""
        problems: list[RuleProblem] = []
        for rule in rules:
            for leaf in required_leaves(rule.when):
                spec = self.facts.get(leaf.fact)
                if spec is None or not spec.derived or isinstance(leaf.value, ParamRef):
                    continue
                if leaf.op not in (Op.EQ, Op.IN, Op.CONTAINS):
                    continue
                possible = {v for written in self.writers.get(leaf.fact, set())
                            for v in (written if isinstance(written, tuple) else (written,))}  # fmt: skip
                default = spec.default if isinstance(spec.default, list) else [spec.default]
                possible |= set(default)
                wanted = set(leaf.value) if isinstance(leaf.value, list) else {leaf.value}
                if not wanted & possible:
                    detail = f"needs {leaf.fact} {leaf.op} {sorted(map(str, wanted))}, which no rule concludes"
                    problems.append(self._at(rule, "never_fires", detail, True))
        return problems

    def unused_parameters(self, rules: list[Rule]) -> list[RuleProblem]:
        used = {leaf.value.param for rule in rules for leaf in leaves(rule.when) if isinstance(leaf.value, ParamRef)}
        used |= set(PARAMETERS_READ)  # read by jubao.features
        return [_problem("parameters", "unused_parameter", f"parameter {name} is used by no rule", warning=True)
                for name in sorted(set(self.parameters) - used)]  # fmt: skip


def _stratify(
    rules: list[Rule], facts: dict[str, FactSpec], origin: Mapping[str, str]
) -> tuple[tuple[tuple[Rule, ...], ...], list[RuleProblem]]:
    writers: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        for name in rule.then.set:
            writers[name].append(rule)

    def derived_reads(rule: Rule) -> set[str]:
        return {leaf.fact for leaf in leaves(rule.when) if (spec := facts.get(leaf.fact)) is not None and spec.derived}

    reads = {rule.id: derived_reads(rule)
             for rule in rules}  # fmt: skip
    level: dict[str, int] = {}
    visiting: set[str] = set()
    problems: list[RuleProblem] = []

    def depth(rule: Rule) -> int:
        if rule.id in level:
            return level[rule.id]
        if rule.id in visiting:
            file, _, line = origin.get(rule.id, "?:?").rpartition(":")
            problems.append(_problem(file, "cycle", "derived facts depend on each other in a cycle", rule_id=rule.id,
                                     line=int(line) if line.isdigit() else None))  # fmt: skip
            return 0
        visiting.add(rule.id)
        result = 0
        for name in reads[rule.id]:
            for writer in writers.get(name, []):
                result = max(result, depth(writer) + 1)
        visiting.discard(rule.id)
        level[rule.id] = result
        return result

    for rule in rules:
        depth(rule)
    count = max(level.values(), default=-1) + 1
    strata = tuple(tuple(rule for rule in rules if level[rule.id] == index) for index in range(count))
    return strata, problems
