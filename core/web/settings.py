"""What one ``jubao serve`` process was started with (the CLI builds it; tests build it directly)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from jubao.i18n import Lang

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""Addresses that only this machine can reach: serving on them needs no ``--auth``."""


class WebSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    db_url: str | None = None
    """SQLAlchemy URL of the store; ``None``: SQLite in ``data_dir``."""
    data_dir: Path | None = None
    """Where the SQLite database and evidence copies live; ``None``: the user's data directory (platformdirs)."""
    auth_token: str | None = None
    """When set, every request must carry it (``Authorization: Bearer``) or a session made by signing in with it."""
    lang: Lang = "zh"
    """The pages' language until the person switches."""
    max_json_bytes: int = 2 * 1024 * 1024
    """Largest request body for JSON, YAML and form posts (a case with thousands of incidents fits)."""
    max_upload_bytes: int = 50 * 1024 * 1024
    """Largest evidence file or imported case (a long call recording fits)."""

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS

    @property
    def origin_hosts(self) -> frozenset[str]:
        """Host names a request may name in ``Host`` (DNS-rebinding defence) when serving locally."""
        return LOCAL_HOSTS | {"[::1]"}
