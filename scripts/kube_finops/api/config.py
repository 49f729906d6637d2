"""API settings from environment variables (flags of `python -m kube_finops.api` override them)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PUBLISH_PATH = "data/published/finops.duckdb"
DEFAULT_TOKENS_PATH = "data/api_tokens.json"


@dataclass(frozen=True)
class Settings:
    publish_path: Path
    tokens_path: Path
    host: str = "127.0.0.1"
    port: int = 8080
    # /readyz answers 503 when the published snapshot is older than this (a nightly build + margin)
    max_snapshot_age_hours: float = 36.0
    # DuckDB threads per API process: requests run side by side, so one thread per query avoids
    # every query fanning out over the cores the other requests need
    duckdb_threads: int = 1

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            publish_path=Path(os.environ.get("FINOPS_PUBLISH_PATH") or DEFAULT_PUBLISH_PATH),
            tokens_path=Path(os.environ.get("FINOPS_API_TOKENS") or DEFAULT_TOKENS_PATH),
            host=os.environ.get("FINOPS_API_HOST") or "127.0.0.1",
            port=int(os.environ.get("FINOPS_API_PORT") or 8080),
            max_snapshot_age_hours=float(os.environ.get("FINOPS_API_MAX_SNAPSHOT_AGE_HOURS") or 36),
            duckdb_threads=int(os.environ.get("FINOPS_API_DUCKDB_THREADS") or 1),
        )
