"""Reading the YAML files jubao ships (message catalogues, word lists, interview questions).

They are read at every start, so they are parsed by libyaml's C loader where PyYAML has it — ten times faster
than the pure-Python one, with exactly ``yaml.safe_load``'s meaning (the same resolvers and constructors) — and the
data is kept in jubao's cache for the next runs (``jubao.parsed_cache``). Case
files and rule files are read by ``jubao.sourcemap`` instead: they need positions, duplicate-key checks and YAML
1.2-like typing; these files are ours and are checked by tests.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_packaged_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, by libyaml when available — or the same data from jubao's cache
    (``jubao.parsed_cache``) when this text was read before."""
    from jubao import parsed_cache  # noqa: PLC0415 - not for `jubao --version`, which reads no file

    data = parsed_cache.PARSED.get("packaged", text)
    if data is parsed_cache.MISS:
        data = yaml.load(text, Loader=_LOADER)
        parsed_cache.PARSED.put("packaged", text, data)
    return data
