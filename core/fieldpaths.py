"""Walk a pydantic model's fields as documented paths (``incidents[].target.kind``).

Used by the documentation test (every field of the case format must be documented) and, later, by channel
adapters that tell a user which case path to fill in.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from jubao.problems import _inner_model


def field_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Yield every field path of ``model``, depth first; list items are written ``name[]``."""
    for name, info in model.model_fields.items():
        annotation = info.annotation
        path = f"{prefix}{name}{'[]' if _is_sequence(annotation) else ''}"
        yield path
        inner = _inner_model(annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            yield from field_paths(inner, path + ".")


def _is_sequence(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (tuple, list):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_sequence(arg) for arg in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _is_sequence(typing.get_args(annotation)[0])
    return False
