"""A channel's declaration shipped as package data (``channel.yaml``): read, validated, cached during discovery.

Apart from ``jubao.drafting`` so that loading plugins (every command) does not import Jinja2 and the drafting
machinery: a channel is declared at start-up, its documents are drafted only by the commands that write them.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from jubao.cache import active as active_discovery
from jubao.cache import stamp as file_stamp
from jubao.channel import Channel
from jubao.sourcemap import parse_yaml


def channel_from_package(package: str, filename: str = "channel.yaml") -> Channel:
    """Read a channel declaration shipped as YAML package data (law is data: numbers, dates, sources).

    While plugins are being discovered (``jubao.cache.active()``), the validated channel is kept in the discovery
    cache and read back from it (validated again) as long as the file's size and modification time are unchanged.
    """
    path = files(package) / filename
    discovery = active_discovery()
    if discovery is None or not isinstance(path, Path):  # a zip's files have no modification time to check
        return _read_channel(path)
    stored = discovery.get("channel", path)
    if isinstance(stored, str):
        try:
            return Channel.model_validate_json(stored)
        except ValueError:  # pydantic's ValidationError: a stale or foreign entry, read the file
            pass
    before = file_stamp(path)
    channel = _read_channel(path)
    dumped = _faithful_json(channel)
    if dumped is not None:
        discovery.put("channel", path, before, dumped)
    return channel


def _read_channel(path: Traversable) -> Channel:
    text = path.read_text(encoding="utf-8")
    return Channel.model_validate(parse_yaml(text, allow_aliases=True).data)


def _faithful_json(channel: Channel) -> str | None:
    """The channel as JSON that validates back to an identical channel (the same values and the same fields set),
    or None if it does not (then it is not cached)."""
    dumped = channel.model_dump_json(exclude_unset=True)
    try:
        again = Channel.model_validate_json(dumped)
    except ValueError:
        return None
    same = again == channel and again.model_dump_json() == channel.model_dump_json()
    return dumped if same and again.model_dump_json(exclude_unset=True) == dumped else None
