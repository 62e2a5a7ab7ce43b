"""Read YAML and JSON documents while remembering where every value came from.

Why not plain ``yaml.safe_load``:

* it follows YAML 1.1, where ``no`` is ``False``, ``010`` is octal, ``1:30`` is the integer 90 and an unquoted
  date becomes a ``date`` — so a consent answer ``no``, a landline or a duration silently change meaning.
  The loader below keeps only YAML 1.2-style booleans (true/false), plain decimal integers and plain floats;
  everything else stays text for pydantic to parse, exactly as it would from JSON;
* it forgets positions, and people fixing a case file need the line of each problem;
* it accepts duplicate keys (the last one wins) and aliases (a "billion laughs" file can exhaust memory).
  Both are refused here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.cyaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Loc = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based (line, column)

_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_REPLACED_TAGS = {_TAG_BOOL, _TAG_INT, _TAG_FLOAT, _TAG_TIMESTAMP}


class SourceError(Exception):
    """The document cannot be read. ``code`` is stable; ``line``/``column`` are 1-based when known."""

    def __init__(self, code: str, line: int | None = None, column: int | None = None, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.line = line
        self.column = column
        self.params = params


class _CaseLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like implicit typing and no aliases."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise SourceError("yaml_alias", mark.line + 1, mark.column + 1)
        return super().compose_node(parent, index)


_CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CaseLoader.add_implicit_resolver(_TAG_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CaseLoader.add_implicit_resolver(_TAG_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_CaseLoader.add_implicit_resolver(
    _TAG_FLOAT,
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


@dataclass
class SourceDocument:
    """Parsed data plus a map from field paths to positions."""

    data: Any
    positions: dict[Loc, Position] = field(default_factory=dict)

    def position_of(self, loc: Loc) -> Position | None:
        """Position of ``loc``, or of its nearest ancestor present in the file (e.g. for a missing field)."""
        for end in range(len(loc), -1, -1):
            found = self.positions.get(loc[:end])
            if found is not None:
                return found
        return None


class _TrustedLoader(_CaseLoader):
    """For files the project writes itself (rules, catalogues): aliases allowed, to avoid repeating citations."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        return yaml.composer.Composer.compose_node(self, parent, index)


if getattr(yaml, "__with_libyaml__", False):
    _CParser: Any = getattr(yaml.cyaml, "CParser")  # noqa: B009 - not in the type stubs

    class _FastTrustedLoader(_CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # type: ignore[misc]
        """libyaml's C parser with our 1.2-like resolvers: ~10x faster for the rule files loaded at start-up."""

        yaml_implicit_resolvers = _CaseLoader.yaml_implicit_resolvers

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _TRUSTED: type = _FastTrustedLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _TRUSTED = _TrustedLoader


def parse_yaml(text: str, *, allow_aliases: bool = False) -> SourceDocument:
    """Parse one YAML document; raise ``SourceError`` for syntax errors, aliases (unless allowed) and duplicate
    keys."""
    try:
        loader = _TRUSTED(text) if allow_aliases else _CaseLoader(text)
    except yaml.reader.ReaderError as exc:
        bad_line = text.count("\n", 0, exc.position) + 1
        raise SourceError("yaml_syntax", bad_line, detail=f"control character #x{exc.character:04x}") from exc
    try:
        root = loader.get_single_node()
        if root is None:
            return SourceDocument(data=None)
        positions: dict[Loc, Position] = {}
        _index(root, (), positions)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise SourceError("yaml_syntax", line, column, detail=str(exc.problem or exc.context or "")) from exc
    except yaml.YAMLError as exc:
        raise SourceError("yaml_syntax", detail=type(exc).__name__) from exc
    except RecursionError as exc:
        raise SourceError("too_deep") from exc
    finally:
        loader.dispose()
    return SourceDocument(data=data, positions=positions)


def _index(node: Node, loc: Loc, positions: dict[Loc, Position]) -> None:
    positions.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                mark = key_node.start_mark
                raise SourceError("yaml_complex_key", mark.line + 1, mark.column + 1)
            key = key_node.value
            if key in seen:
                mark = key_node.start_mark
                raise SourceError("duplicate_key", mark.line + 1, mark.column + 1, first_line=str(seen[key]))
            seen[key] = key_node.start_mark.line + 1
            child = (*loc, key)
            positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _index(value_node, child, positions)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*loc, index), positions)


def _reject_constant(name: str) -> None:
    raise SourceError("json_not_finite", constant=name)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise SourceError("duplicate_key")
        result[key] = value
    return result


def parse_json(text: str) -> SourceDocument:
    """Parse JSON strictly (no NaN/Infinity, no duplicate keys); positions come from the YAML composer,
    which reads JSON too, and are simply absent when it cannot."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise SourceError("json_syntax", exc.lineno, exc.colno, detail=exc.msg) from exc
    except RecursionError as exc:
        raise SourceError("too_deep") from exc
    try:
        positions = parse_yaml(text).positions
    except SourceError:
        positions = {}
    return SourceDocument(data=data, positions=positions)
