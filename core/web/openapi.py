"""The HTTP API's OpenAPI schema, written deterministically (docs/openapi.json is this module's output).

    python -m jubao.web.openapi docs/openapi.json          # write it
    python -m jubao.web.openapi docs/openapi.json --check  # exit 1 if the file is not up to date

The document is the one ``jubao serve`` serves at ``/api/v1/openapi.json``, built from a throwaway app (a
temporary SQLite store; nothing is written elsewhere).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from jubao.fileio import write_text_atomic
from jubao.web.app import create_app
from jubao.web.settings import WebSettings


def openapi_document() -> dict[str, Any]:
    """The schema of the API, as the app serves it."""
    with tempfile.TemporaryDirectory(prefix="jubao-openapi-") as data_dir:
        app = create_app(WebSettings(data_dir=Path(data_dir)))
        try:
            return app.openapi()
        finally:
            app.state.store.close()
            app.state.service.close()


def openapi_text(document: dict[str, Any] | None = None) -> str:
    """The schema as the checked-in file has it: UTF-8 JSON, two-space indents, keys in the framework's order."""
    return json.dumps(document if document is not None else openapi_document(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [arg for arg in args if arg != "--check"]
    if len(paths) != 1:
        print("usage: python -m jubao.web.openapi PATH [--check]", file=sys.stderr)
        return 2
    path = Path(paths[0])
    text = openapi_text()
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if check:
        if current != text:
            print(f"{path} is not up to date: python -m jubao.web.openapi {path}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        write_text_atomic(path, text)
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
