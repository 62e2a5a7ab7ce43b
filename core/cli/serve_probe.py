"""Is the program holding a port a jubao serve? Asked when ``jubao serve`` finds its port taken: a jubao started
earlier (in another window) is pointed at instead of a second one being started (``jubao.cli.serve_cmd``). Imported
only then."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

PROBE_SECONDS = 3.0
"""How long to wait for whatever holds the port to answer (it is on this machine)."""


def running_jubao(host: str, port: int) -> tuple[str, bool] | None:
    """Whether the program holding ``host:port`` is a jubao serve: its address and whether it asks for a token.
    Asks its OpenAPI document (``info.title`` jubao; with ``--auth`` a jubao problem answer instead). Only this
    machine's own address is asked (the one given to ``--host``, or loopback for a wildcard), and nothing but
    that one GET goes out: no case data, no token."""
    target = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    shown = f"[{target}]" if ":" in target else target
    url = f"http://{shown}:{port}/"
    request = urllib.request.Request(url + "api/v1/openapi.json", headers={"Accept": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    try:
        with opener.open(request, timeout=PROBE_SECONDS) as response:
            body, locked = response.read(1 << 20), False
    except urllib.error.HTTPError as answer:
        body, locked = answer.read(1 << 16), answer.code == 401
    except (OSError, ValueError):
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    info = document.get("info")
    if not locked and isinstance(info, dict) and info.get("title") == "jubao":
        return url, False
    if locked and str(document.get("type", "")).startswith("https://jubao.invalid/problems/"):
        return url, True
    return None
