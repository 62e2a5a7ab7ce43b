"""Read YAML and JSON documents while remembering where every value came from.

Why not plain ``yaml.safe_load``:

* it follows YAML 1.1, where ``no`` is ``False``, ``010`` is octal, ``1:30`` is the integer 90 and an unquoted
  date becomes a ``date`` — so a consent answer ``no``, a landline or a duration silently change meaning.
  The loader below keeps only YAML 1.2-style booleans (true/false), plain decimal integers and plain floats;
  everything else stays text for pydantic to parse, exactly as it would from JSON;
* it forgets positions, and people fixing a case file need the line of each problem;
* it accepts duplicate keys (the last one wins) and aliases (a "billion laughs" file can exhaust memory).
  Both are refused here.

Speed: positions are needed only to report a problem, so ``parse_yaml`` reads a case with libyaml's C parser and
builds the data in one pass without them (≈6× faster than PyYAML's pure-Python composer, and a fraction of its
memory); the first ``position_of`` call re-reads the text with the position-tracking composer. Anything that fast pass
cannot vouch for — any error, an alias, a duplicate or complex key, a merge key, a tag other than the plain ones,
deep nesting — is read the slow way from the start, so problems, their order and their places are exactly those of
the slow reader. ``parse_json`` reads JSON with ``json`` and locates problems the same lazy way.
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import yaml
import yaml.cyaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jubao import parsed_cache

Loc = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based (line, column)

_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_REPLACED_TAGS = {_TAG_BOOL, _TAG_INT, _TAG_FLOAT, _TAG_TIMESTAMP}


class SourceError(Exception):
    """The document cannot be read. ``code`` is stable; ``line``/``column`` are 1-based when known.

    ``params`` never hold text read from the document (a key, a tag, an anchor, a character of a value: any may be
    personal data): a syntax error says *what kind* of mistake it is (``what``, one of ``SYNTAX_KINDS``; ``detail``
    is the same in English words), never what was written."""

    def __init__(self, code: str, line: int | None = None, column: int | None = None, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.line = line
        self.column = column
        self.params = params


class _ValueErrorsLocated:
    """Mixed into every loader (before its constructor class)."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """PyYAML's constructors fail with a bare ``ValueError``/``KeyError``/``IndexError``/``AttributeError`` on some
        values (``!!int x``, ``!!int ""``, ``!!bool x``, ``!!timestamp x``, an integer of more than 4,300 digits): a
        located syntax error instead of a traceback. The value itself is never quoted (it may be personal data)."""
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except (ValueError, LookupError, AttributeError, TypeError, ArithmeticError) as exc:
            long_number = isinstance(node, ScalarNode) and len(node.value) > sys.get_int_max_str_digits()
            what = _LONG_NUMBER if long_number and node.tag in (_TAG_INT, _TAG_FLOAT) else _UNREADABLE_VALUE
            raise yaml.constructor.ConstructorError(None, None, what, node.start_mark) from exc


_LONG_NUMBER = "number too long"
_UNREADABLE_VALUE = "cannot read this value as its tag says"


# --- What kind of syntax error: words of our own, never PyYAML's message (it quotes the text it read) -------------

SYNTAX_KINDS = (
    "tag", "anchor", "directive", "merge", "typed_value", "long_number", "complex_key", "tab", "bad_start",
    "block_scalar", "escape", "unclosed", "missing_colon", "colon", "list_item", "structure", "flow", "documents",
    "bad_character", "other",
    "json_value", "json_key", "json_colon", "json_comma", "json_unterminated", "json_control", "json_escape",
    "json_extra", "json_other",
)  # fmt: skip
"""Every ``what`` a syntax error can have; each has a message ``problem_detail.<what>`` in the locale files."""

_YAML_CONTEXTS = (
    ("while scanning a tag", "tag"),
    ("while parsing a tag", "tag"),
    ("while scanning an anchor", "anchor"),
    ("while scanning an alias", "anchor"),
    ("found duplicate anchor", "anchor"),
    ("while scanning a directive", "directive"),
    ("while scanning a block scalar", "block_scalar"),
    ("while scanning a double-quoted scalar", "escape"),
    ("while scanning a quoted scalar", "unclosed"),
    ("while scanning a simple key", "missing_colon"),
    ("while parsing a flow", "flow"),
    ("expected a single document", "documents"),
)
_YAML_PROBLEMS = (
    ("could not determine a constructor for the tag", "tag"),
    ("found undefined tag handle", "tag"),
    ("found non-specific tag", "tag"),
    ("expected non-empty name appended to the tag", "tag"),
    ("expected URI", "tag"),
    ("duplicate tag handle", "directive"),
    ("found duplicate YAML directive", "directive"),
    ("found incompatible YAML document", "directive"),
    ("found undefined alias", "anchor"),
    ("found unconstructable recursive node", "anchor"),
    ("found character '\\t'", "tab"),
    ("found character", "bad_start"),
    ("mapping values are not allowed", "colon"),
    ("block sequence entries are not allowed", "list_item"),
    ("sequence entries are not allowed", "list_item"),
    ("mapping keys are not allowed", "structure"),
    ("expected <block end>", "structure"),
    ("expected the node content", "structure"),
    ("expected '<document start>'", "documents"),
    ("invalid indentation or unclosed", "flow"),
    ("found unhashable key", "complex_key"),
    ("expected a mapping for merging", "merge"),
    ("expected a mapping or list of mappings for merging", "merge"),
    (_LONG_NUMBER, "long_number"),
    (_UNREADABLE_VALUE, "typed_value"),
    ("failed to convert base64", "typed_value"),
    ("failed to decode base64", "typed_value"),
    ("expected a mapping node", "typed_value"),
    ("expected a sequence", "typed_value"),
    ("expected a mapping of length 1", "typed_value"),
    ("expected a single mapping item", "typed_value"),
    ("expected a scalar node", "typed_value"),
)
"""PyYAML's messages start with fixed words and quote what was read after them (``… the tag '!李小红'``): the kind
is told by the fixed start only, so nothing written in the file can choose it or reach the message."""

_JSON_MESSAGES = (
    ("Expecting value", "json_value"),
    ("Expecting property name", "json_key"),
    ("Expecting ':'", "json_colon"),
    ("Expecting ',' delimiter", "json_comma"),
    ("Unterminated string", "json_unterminated"),
    ("Invalid control character", "json_control"),
    ("Invalid \\", "json_escape"),
    ("Extra data", "json_extra"),
    (_LONG_NUMBER, "long_number"),
)


def _yaml_kind(exc: yaml.YAMLError) -> str:
    """The kind of a PyYAML error: by its context (what was being read), else by the start of its problem."""
    context = str(getattr(exc, "context", None) or "")
    problem = str(getattr(exc, "problem", None) or "")
    for start, kind in _YAML_CONTEXTS:
        if context.startswith(start):
            return kind
    for start, kind in _YAML_PROBLEMS:
        if problem.startswith(start):
            return kind
    return "other"


def _json_kind(message: str) -> str:
    for start, kind in _JSON_MESSAGES:
        if message.startswith(start):
            return kind
    return "json_other"


def _syntax_error(code: str, kind: str, line: int | None = None, column: int | None = None,
                  **params: str) -> SourceError:  # fmt: skip
    """A ``SourceError`` saying what kind of mistake it is: ``what`` for the translated message, ``detail`` the same
    in English (for the rule loaders, which print it)."""
    from jubao.i18n import t  # noqa: PLC0415 - only when there is an error: reading a case needs no messages

    return SourceError(code, line, column, what=kind, detail=t(f"problem_detail.{kind}", "en", **params), **params)


class _CaseLoader(_ValueErrorsLocated, yaml.SafeLoader):
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


_LOCATING = threading.Lock()
"""Held while a lazily read document computes its positions (rare: only to report a problem or a rule's line)."""


def _new_lock_after_fork() -> None:
    """A child forked while another thread held the lock would wait for it for ever: it starts with a new one."""
    global _LOCATING  # noqa: PLW0603 - replaced in the child only
    _LOCATING = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock_after_fork)


class SourceDocument:
    """Parsed data plus a map from field paths to positions, built on first use when the text was read without it
    (``positions`` is then computed by re-reading the text; it is empty if that fails)."""

    __slots__ = ("_locate", "_positions", "data")

    def __init__(self, data: Any, positions: dict[Loc, Position] | None = None) -> None:
        self.data = data
        self._positions = positions
        self._locate: Callable[[], dict[Loc, Position]] | None = None

    @classmethod
    def lazy(cls, data: Any, locate: Callable[[], dict[Loc, Position]]) -> SourceDocument:
        """``data`` whose positions ``locate()`` computes when first asked for."""
        document = cls(data)
        document._locate = locate
        return document

    @property
    def positions(self) -> dict[Loc, Position]:
        positions = self._positions
        if positions is None:
            with _LOCATING:  # documents are shared by threads (a rule set's); compute once, never half
                if self._positions is None:
                    self._positions = self._locate() if self._locate is not None else {}
                    self._locate = None
                positions = self._positions
        return positions

    @property
    def located(self) -> bool:
        """Whether the positions have been computed (a lazily read document has none until a problem is located)."""
        return self._positions is not None

    def position_of(self, loc: Loc) -> Position | None:
        """Position of ``loc``, or of its nearest ancestor present in the file (e.g. for a missing field)."""
        positions = self.positions
        for end in range(len(loc), -1, -1):
            found = positions.get(loc[:end])
            if found is not None:
                return found
        return None

    def __repr__(self) -> str:  # never the data: it may be personal
        return f"SourceDocument(<{type(self.data).__name__}>, located={self.located})"


class _TrustedLoader(_CaseLoader):
    """For files the project writes itself (rules, catalogues): aliases allowed, to avoid repeating citations."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        return yaml.composer.Composer.compose_node(self, parent, index)


_FAST_MAX_DEPTH = 64
"""Deeper documents are read the slow way (a case is about 6 levels deep): the slow reader's own recursion limit
decides what is too deep, as before."""

_DEFAULT_TAGS = {ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
                 SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                 MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG}  # fmt: skip
_TAG_STR = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_TAG_SEQ = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_TAG_MAP = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG


_LIBYAML_NESTING_LIMITED = (0, 2, 6)
"""libyaml refuses nesting deeper than 1,000 levels from this version on. Older ones compose deeply nested input by C
recursion, which a 10 MiB file of ``[`` could overflow: with those, cases are always read the slow way."""


if getattr(yaml, "__with_libyaml__", False):
    _CParser: Any = getattr(yaml.cyaml, "CParser")  # noqa: B009 - not in the type stubs
    _WILDCARD: list[tuple[str, re.Pattern[str]]] = list(_CaseLoader.yaml_implicit_resolvers.get(None) or [])
    _RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {
        first: [*resolvers, *_WILDCARD]
        for first, resolvers in _CaseLoader.yaml_implicit_resolvers.items()
        if first is not None
    }

    class _FastTrustedLoader(
        _CParser,  # type: ignore[misc]
        _ValueErrorsLocated,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """libyaml's C parser with our 1.2-like resolvers: ~10x faster for the rule files loaded at start-up."""

        yaml_implicit_resolvers = _CaseLoader.yaml_implicit_resolvers

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    class _FastCaseLoader(_FastTrustedLoader):
        """The C parser for case files, with ``Resolver.resolve`` inlined for our resolvers (it is called for every
        scalar and was a third of the time). Same tags as ``_CaseLoader``: no path resolvers, the same regexps in the
        same order."""

        def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
            if kind is ScalarNode and implicit[0]:
                for tag, regexp in _RESOLVERS.get(value[:1], _WILDCARD):
                    if regexp.match(value):
                        return tag
            return _DEFAULT_TAGS[kind]

    _TRUSTED: type = _FastTrustedLoader
    _libyaml_version = getattr(yaml, "_yaml").get_version()  # noqa: B009 - not in the type stubs
    _FAST: type | None = _FastCaseLoader if tuple(_libyaml_version) >= _LIBYAML_NESTING_LIMITED else None
else:  # pragma: no cover - PyYAML built without libyaml
    _TRUSTED = _TrustedLoader
    _FAST = None

FAST_YAML = _FAST is not None
"""Whether case YAML is read by libyaml (PyYAML built with it, libyaml ≥ 0.2.6); otherwise always the slow way."""


def parse_yaml(text: str, *, allow_aliases: bool = False) -> SourceDocument:
    """Parse one YAML document; raise ``SourceError`` for syntax errors, aliases (unless allowed) and duplicate
    keys. Positions are computed when first asked for (see the module's docstring)."""
    with _gc_paused():
        if not FAST_YAML:
            return _parse_yaml_located(text, allow_aliases=allow_aliases)
        try:
            data = _fast_yaml_data(text, aliases=allow_aliases)
        except Exception:  # whatever it is, the slow reader says what is wrong, and where
            return _parse_yaml_located(text, allow_aliases=allow_aliases)
    return SourceDocument.lazy(data, lambda: _positions_of(text, allow_aliases))


def parse_trusted_yaml(text: str, *, allow_aliases: bool = False) -> SourceDocument:
    """``parse_yaml`` for a file that comes with jubao or an installed plugin (rules, sources, statutes, calendars,
    offences) — never a case: its data is kept in jubao's cache (``jubao.parsed_cache``) and read from there while
    the text is the same. Positions are still computed from the text when first asked for."""
    kind = "yaml+aliases" if allow_aliases else "yaml"
    data = parsed_cache.PARSED.get(kind, text)
    if data is parsed_cache.MISS:
        document = parse_yaml(text, allow_aliases=allow_aliases)
        parsed_cache.PARSED.put(kind, text, document.data)
        return document
    return SourceDocument.lazy(data, lambda: _positions_of(text, allow_aliases))


def positions_only(text: str) -> SourceDocument:
    """The positions of YAML or JSON ``text`` that was read once already, without its data (``data`` is None): to
    place what was found after loading it (a case's warnings) at half the cost of reading it again. Computed on
    first use, the same positions ``parse_yaml`` and ``parse_json`` give; none when the text cannot be read."""
    text = text.removeprefix("\ufeff")
    return SourceDocument.lazy(None, lambda: _positions_of(text))


def _positions_of(text: str, allow_aliases: bool = False) -> dict[Loc, Position]:
    try:
        with _gc_paused():
            try:
                return _fast_positions(text)
            except Exception:  # _NotFast, or libyaml refusing what the slow reader takes (surrogate escapes in JSON)
                return _parse_yaml_located(text, allow_aliases=allow_aliases).positions
    except SourceError:
        return {}


def _fast_positions(text: str) -> dict[Loc, Position]:
    """The positions ``_index`` records (a mapping child at its key, a list item and the root at their start), from
    libyaml's events: a tenth of the slow composer's time — a case's warnings are located with them. Only for a text
    the fast reader read (so no duplicate or complex keys); ``_NotFast`` for anything it leaves to the slow reader,
    and for aliases (the slow reader indexes an alias as the subtree it names)."""
    if _FAST is None or _read_slowly(text):
        raise _NotFast("text")
    loader = _FAST(text)
    try:
        get_event = loader.get_event
        get_event()  # StreamStartEvent
        if type(get_event()) is StreamEndEvent:
            return {}
        positions: dict[Loc, Position] = {}
        # One entry per open collection: [loc, is a mapping, the key just read (or _NO_KEY), next list index].
        stack: list[list[Any]] = []
        while True:
            event = get_event()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
                if not stack:
                    return positions
                continue
            if kind is not ScalarEvent and kind is not MappingStartEvent and kind is not SequenceStartEvent:
                raise _NotFast(kind.__name__)  # an alias, or more than one document
            mark = event.start_mark
            here = (mark.line + 1, mark.column + 1)
            if not stack:
                loc: Loc = ()
            else:
                top = stack[-1]
                if top[1] and top[2] is _NO_KEY:  # a key: the child is located at it
                    top[2] = event.value
                    positions[(*top[0], event.value)] = here
                    continue
                if top[1]:
                    loc = (*top[0], top[2])
                    top[2] = _NO_KEY
                else:
                    loc = (*top[0], top[3])
                    top[3] += 1
            positions.setdefault(loc, here)
            if kind is ScalarEvent:
                if not stack:
                    return positions
            else:
                stack.append([loc, kind is MappingStartEvent, _NO_KEY, 0])
    finally:
        loader.dispose()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a document is read: reading makes hundreds of thousands of objects and
    no cycles, and the collector's passes over them made reading 10,000 incidents 4× slower per incident than 1,000.
    (Left as found: on if it was on, so a thread that finishes first never turns it back on for another.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _NotFast(Exception):
    """The fast reader cannot vouch for this document: it is read the slow way."""


_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")


def _read_slowly(text: str) -> bool:
    """Whether ``text`` has what libyaml reads otherwise than PyYAML's reader: a tab outside quotes (PyYAML never
    skips a tab between tokens: ``a:<tab>b``, ``b<tab>`` at a line's end), a byte-order mark after the first
    character (libyaml skips one at the start of any line) or a block scalar header without a space before its
    comment (``>#``). Anywhere, even in quotes: such documents are read the slow way."""
    if "\t" in text or text.find("\ufeff", 1) != -1:
        return True
    return ("|" in text or ">" in text) and _HEADER_COMMENT.search(text) is not None


def _fast_yaml_data(text: str, *, aliases: bool = False) -> Any:
    """The data of ``text`` as ``_parse_yaml_located`` would give it, or an exception (any) where it might differ.

    Built straight from libyaml's events, without a node tree (a fifth of the memory): what the C composer and
    ``SafeConstructor`` would do for plain strings, mappings and lists, and the constructor's own functions for the
    other scalar tags; plus what ``_index`` checks (complex and duplicate keys). With ``aliases`` (the rule files,
    which share conditions by anchor), an alias is the very object its anchor built, as ``SafeConstructor`` gives it.
    Anything else — aliases in cases, anchors defined twice or used before they end, other tags, merge keys, more
    than one document, deep nesting — is left to the slow reader."""
    assert _FAST is not None
    if _read_slowly(text):
        raise _NotFast("text")
    loader = _FAST(text)
    try:
        return _build(loader, {} if aliases else None)
    finally:
        loader.dispose()


_SCALAR_CONSTRUCTORS = {
    tag: yaml.constructor.SafeConstructor.yaml_constructors[tag]
    for tag in ("null", "bool", "int", "float", "binary", "timestamp")
    for tag in [f"tag:yaml.org,2002:{tag}"]
}


def _build(loader: Any, anchors: dict[str, Any] | None) -> Any:
    """``anchors``: where anchored values go, or ``None`` when anchors and aliases are refused."""
    get_event = loader.get_event
    get_event()  # StreamStartEvent
    if type(get_event()) is StreamEndEvent:
        return None  # no document at all (blank, or only comments)
    defined: set[str] = set()  # every anchor seen, ended or not: the slow composer refuses one defined twice
    # One entry per open collection: [container, in flow context, key (or _NO_KEY), raw texts of its keys, anchor].
    stack: list[list[Any]] = []
    while True:
        event = get_event()
        kind = type(event)
        anchor = _new_anchor(event, anchors, defined) if kind is not AliasEvent else None
        if kind is ScalarEvent:
            value = _scalar(event, loader, bool(stack) and stack[-1][1])
            if anchor is not None and anchors is not None:  # (not None whenever there is an anchor)
                anchors[anchor] = value
            if stack and type(stack[-1][0]) is dict and stack[-1][2] is _NO_KEY:
                if event.value in stack[-1][3]:
                    raise _NotFast("key")  # a duplicate key (as written: "1" and "+1" are two keys, as for _index)
                stack[-1][3].add(event.value)
                stack[-1][2] = value
                continue
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            mapping = kind is MappingStartEvent
            if event.tag not in (None, "!", _TAG_MAP if mapping else _TAG_SEQ):
                raise _NotFast("tag")
            if len(stack) >= _FAST_MAX_DEPTH:
                raise _NotFast("deep")
            if stack and type(stack[-1][0]) is dict and stack[-1][2] is _NO_KEY:
                raise _NotFast("key")  # a complex key
            in_flow = bool(event.flow_style) or (bool(stack) and stack[-1][1])
            stack.append([{} if mapping else [], in_flow, _NO_KEY, set(), anchor])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value, _, _, _, anchor = stack.pop()
            if anchor is not None and anchors is not None:  # usable from here on (recursion: read slowly)
                anchors[anchor] = value
        elif kind is AliasEvent and anchors is not None and event.anchor in anchors:
            if stack and type(stack[-1][0]) is dict and stack[-1][2] is _NO_KEY:
                raise _NotFast("key")  # an alias as a key
            value = anchors[event.anchor]  # the same object, as SafeConstructor shares it
        else:  # an alias in a case, to an unknown or unfinished anchor (or anything unexpected)
            raise _NotFast(kind.__name__)
        if not stack:
            break
        top = stack[-1]
        container = top[0]
        if type(container) is list:
            container.append(value)
        else:
            container[top[2]] = value
            top[2] = _NO_KEY
    if type(get_event()) is not DocumentEndEvent or type(get_event()) is not StreamEndEvent:
        raise _NotFast("documents")
    return value


def _new_anchor(event: Any, anchors: dict[str, Any] | None, defined: set[str]) -> str | None:
    """The anchor ``event`` defines, if any; ``_NotFast`` where the slow reader decides (anchors in a case, one anchor
    defined twice)."""
    anchor: str | None = getattr(event, "anchor", None)
    if anchor is not None:
        if anchors is None or anchor in defined:
            raise _NotFast("anchor")
        defined.add(anchor)
    return anchor


def _scalar(event: ScalarEvent, loader: Any, in_flow: bool) -> Any:
    tag = event.tag
    value = event.value
    if tag is None or tag == "!":
        tag = loader.resolve(ScalarNode, value, event.implicit)
    if not event.style:  # plain
        if not value and tag == _TAG_STR:
            raise _NotFast("! ")  # an empty "!"-tagged node: null for PyYAML, "" for libyaml
        if in_flow and "?" in value:
            raise _NotFast("?")  # PyYAML ends a plain scalar at "?" inside [ ] and { }; libyaml does not
    if tag == _TAG_STR:
        return value
    construct = _SCALAR_CONSTRUCTORS.get(tag)  # not for merge ("<<") or value ("=") keys: the slow reader does those
    if construct is None:
        raise _NotFast("tag")
    return construct(loader, ScalarNode(tag, value, None, None, event.style))  # marks only serve errors: read slowly


_NO_KEY = object()


def _parse_yaml_located(text: str, *, allow_aliases: bool = False) -> SourceDocument:
    """The slow reader: every node composed with its position, the reference for what a document means."""
    try:
        loader = _TRUSTED(text) if allow_aliases else _CaseLoader(text)
    except yaml.reader.ReaderError as exc:
        bad_line = text.count("\n", 0, exc.position) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "?"
        raise _syntax_error("yaml_syntax", "bad_character", bad_line, character=character) from exc
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
        raise _syntax_error("yaml_syntax", _yaml_kind(exc), line, column) from exc
    except yaml.YAMLError as exc:
        raise _syntax_error("yaml_syntax", _yaml_kind(exc)) from exc
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


def _line_column(text: str, found: re.Match[str] | None) -> tuple[int | None, int | None]:
    if found is None:
        return None, None
    line_start = text.rfind("\n", 0, found.start()) + 1
    return text.count("\n", 0, found.start()) + 1, found.start() - line_start + 1


def parse_json(text: str) -> SourceDocument:
    """Parse JSON strictly (no NaN/Infinity, no duplicate keys); positions come from the YAML composer, which reads
    JSON too, when first asked for (see ``SourceDocument``), and are simply absent when it cannot."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise _syntax_error("json_syntax", _json_kind(exc.msg), exc.lineno, exc.colno) from exc
    except RecursionError as exc:
        raise SourceError("too_deep") from exc
    except SourceError as exc:
        if exc.code == "duplicate_key":
            raise _located_duplicate(text) from exc
        raise
    except ValueError as exc:  # an integer longer than int() reads (4,300 digits): located, never a traceback
        long_number = re.compile(rf"[0-9]{{{sys.get_int_max_str_digits() + 1},}}")
        line, column = _line_column(text, long_number.search(text))
        raise _syntax_error("json_syntax", "long_number", line, column) from exc
    return SourceDocument.lazy(data, lambda: _positions_of(text))


def _located_duplicate(text: str) -> SourceError:
    """A duplicate key in JSON, with its line and the line of the first one when the YAML reader (which reads JSON,
    tabs aside: outside strings they are only spacing, and a tab cannot be inside a valid JSON string) finds it;
    otherwise without a place (its message then names none)."""
    try:
        _parse_yaml_located(text.replace("\t", " "))
    except SourceError as exc:
        if exc.code == "duplicate_key":
            return exc
    except Exception:  # whatever it is, the duplicate is still reported (without its lines)
        pass
    return SourceError("duplicate_key")
