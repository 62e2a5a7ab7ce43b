"""Turn the interview's edits into case-file text: a new commented YAML file, or the user's file with only the new
or corrected fields changed.

* A new file is built with ruamel.yaml's round-trip types, so that it can carry comments: a header, a Chinese
  comment above each section saying what it is (``file_comments`` in questions.yaml), and end-of-line comments where
  a value needs a word (``kind: unknown`` says how to find out; an estimated number of people says it is one).
  Keys follow the case format's order; short lists and ``target`` mappings are written on one line.
* An existing file is edited with ``jubao.case_edit``'s splice (the same one ``jubao filed`` uses): the edits are
  applied to a round-trip copy, and only the lines that change are put into the user's text — every other line, with
  its comments, blank lines and quoting, stays byte-for-byte as it was.

Nothing here touches the disk; the caller validates the text and writes it atomically (``jubao.fileio``).
"""

from __future__ import annotations

import io
import typing
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from jubao.case import Case
from jubao.case_edit import splice_edit
from jubao.interview.definition import Definition
from jubao.interview.logic import Edit, Loc, field_annotation

_AMBIGUOUS_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~"})
"""Text that other YAML readers (YAML 1.1) would take for a boolean or null: always quoted."""

LAYOUT = (2, 4, 2)
"""Indentation of a new file (mapping, sequence, offset), as in the examples: ``reached:`` / ``    - id: …``."""


def render_new(edits: Iterable[Edit], definition: Definition) -> str:
    """A new case file: the edits applied to an empty document, with a header and a comment per section."""
    document = CommentedMap()
    for edit in edits:
        apply_to_document(document, edit)
    if definition.header:
        document.yaml_set_start_comment(definition.header)
    for key in document:
        comment = definition.file_comments.get(str(key))
        if comment:
            _comment_above(document, key, comment, blank_line=True)
    return _dump(document)


def render_existing(text: str, edits: Iterable[Edit], definition: Definition, *, source: str) -> str:
    """``text`` (the user's case file) with ``edits`` made, only the changed lines differing. A section the
    interview adds gets its comment too."""
    edits = list(edits)

    def change(data: Any, fmt: Literal["yaml", "json"]) -> None:
        if not isinstance(data, CommentedMap):  # an empty file or a JSON file: the caller refused those
            raise TypeError("a YAML mapping was expected")
        before = set(data)
        for edit in edits:
            apply_to_document(data, edit)
        for key in data:
            comment = definition.file_comments.get(str(key))
            if key not in before and comment:
                _comment_above(data, key, comment, blank_line=False)

    return splice_edit(text, change, source)


# --- applying edits to a round-trip document ------------------------------------------------------------------------


def apply_to_document(document: CommentedMap, edit: Edit) -> None:
    """Make ``edit`` in ``document``; new keys go where the case format puts them, new mappings and lists are
    created on the way."""
    *parents, last = edit.loc
    container: Any = document
    walked: Loc = ()
    for part in parents:
        if isinstance(part, int):
            container = container[part]
        else:
            child = container.get(part)
            if child is None:
                if edit.op == "delete":
                    return
                child = CommentedMap()
                _insert(container, walked, part, child)
            container = child
        walked = (*walked, part)
    if edit.op == "delete":
        if isinstance(last, int):
            del container[last]
        else:
            container.pop(last, None)
        return
    if edit.op == "extend":
        items = container.get(last)
        if not isinstance(items, CommentedSeq):
            items = CommentedSeq()
            _insert(container, walked, str(last), items)
        first = len(items)
        for offset, value in enumerate(edit.value):
            items.append(to_node(value, (*edit.loc, first + offset)))
        for where, text in edit.comments:
            index, *rest = where
            _eol_comment(items, (first + int(index), *rest), text)
        return
    node = to_node(edit.value, edit.loc)
    if isinstance(last, int) or last in container:
        container[last] = node
    else:
        _insert(container, walked, last, node)
    for where, text in edit.comments:
        if where:
            _eol_comment(node, where, text)
        else:
            _eol_comment(container, (last,), text)


def _insert(mapping: CommentedMap, loc: Loc, key: str, value: Any) -> None:
    """Insert ``key`` where the case format's field order puts it among the keys already there."""
    order = _field_order(loc)
    if key not in order:
        mapping[key] = value
        return
    rank = order.index(key)
    keys = list(mapping)
    position = next((i for i, existing in enumerate(keys) if existing in order and order.index(existing) > rank), None)
    if position is None:
        mapping[key] = value
    else:
        mapping.insert(position, key, value)


def _field_order(loc: Loc) -> list[str]:
    model = _model_at(loc)
    return list(model.model_fields) if model is not None else []


def _model_at(loc: Loc) -> type[BaseModel] | None:
    annotation = Case if not loc else field_annotation(loc)
    return _as_model(annotation)


def _as_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (tuple, list):
        args = typing.get_args(annotation)
        return _as_model(args[0]) if args else None
    for arg in typing.get_args(annotation):
        model = _as_model(arg)
        if model is not None:
            return model
    return None


def to_node(value: Any, loc: Loc) -> Any:
    """Plain data as round-trip nodes: mappings in field order, short lists and targets on one line, ambiguous text
    quoted, several lines as a literal block."""
    if isinstance(value, dict):
        order = _field_order(loc)
        keys = sorted(value, key=lambda k: order.index(k) if k in order else len(order))
        node = CommentedMap((key, to_node(value[key], (*loc, key))) for key in keys)
        if _inline_mapping(loc):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(to_node(item, (*loc, index)) for index, item in enumerate(value))
        if value and all(not isinstance(item, dict | list) for item in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value)
        if value.strip().lower() in _AMBIGUOUS_WORDS:
            return DoubleQuotedScalarString(value)
    return value


def _inline_mapping(loc: Loc) -> bool:
    """``target: {kind: contact, contact: mother}`` and ``- {id: colleague-1, relation: colleague}``."""
    if loc and loc[-1] == "target":
        return True
    return len(loc) == 3 and loc[:2] == ("contacts", "reached") and isinstance(loc[2], int)


def _eol_comment(container: Any, where: Loc, text: str) -> None:
    """An end-of-line comment after the value at ``where`` (relative to ``container``)."""
    *path, key = where
    for part in path:
        container = container[part]
    if isinstance(container, CommentedMap | CommentedSeq):
        container.yaml_add_eol_comment(f"# {text}", key)


def _comment_above(mapping: CommentedMap, key: Any, text: str, *, blank_line: bool) -> None:
    mapping.yaml_set_comment_before_after_key(key, before=text, indent=0)
    if blank_line:
        tokens = mapping.ca.items.get(key, [None, None])[1]
        if tokens:
            tokens[0].value = "\n" + tokens[0].value


def _dump(document: CommentedMap) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 1_000_000  # never fold a long line
    yaml.indent(mapping=LAYOUT[0], sequence=LAYOUT[1], offset=LAYOUT[2])
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()
