"""Reading the YAML files jubao ships (message catalogues, word lists, interview questions).

They are read at every start, so they are parsed by libyaml's C loader where PyYAML has it — ten times faster
than the pure-Python one, with exactly ``yaml.safe_load``'s meaning (the same resolvers and constructors). Case
files and rule files are read by ``jubao.sourcemap`` instead: they need positions, duplicate-key checks and YAML
1.2-like typing; these files are ours and are checked by tests.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_packaged_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, by libyaml when available."""
    return yaml.load(text, Loader=_LOADER)
