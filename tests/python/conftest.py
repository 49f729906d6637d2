"""Shared pytest fixtures: run the real dbt project against a temporary DuckDB file and lake."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"


def dbt_env(db_path: Path, work_dir: Path) -> dict[str, str]:
    """Environment for a dbt subprocess that writes only below work_dir (and db_path)."""
    env = dict(os.environ)
    env.update(
        {
            "FINOPS_DUCKDB_PATH": str(db_path),
            "FINOPS_DUCKDB_TEMP_DIR": str(work_dir / "duckdb_tmp"),
            "FINOPS_DUCKDB_EXTENSION_DIR": str(REPO / ".venv" / "duckdb_extensions"),
            "DBT_PROFILES_DIR": str(REPO / ".dbt"),
            "DBT_TARGET_PATH": str(work_dir / "target"),
            "DBT_LOG_PATH": str(work_dir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    return env


def vars_arg(values: dict[str, object]) -> str:
    """Render a dbt --vars argument (YAML flow mapping)."""
    items = ", ".join(f"{key}: {_yaml_scalar(value)}" for key, value in values.items())
    return "{" + items + "}"


def _yaml_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else repr(value)
    return "'" + str(value).replace("'", "''") + "'"


class DbtRun:
    """Runs `dbt <command>` in the repo root against one DuckDB file."""

    def __init__(self, db_path: Path, work_dir: Path) -> None:
        self.db_path = db_path
        self.work_dir = work_dir

    def __call__(
        self,
        *args: str,
        dbt_vars: dict[str, object] | None = None,
        check: bool = True,
        extra_env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        cmd = [str(DBT), *args]
        if dbt_vars:
            cmd += ["--vars", vars_arg(dbt_vars)]
        env = dbt_env(self.db_path, self.work_dir)
        env.update(extra_env or {})
        proc = subprocess.run(
            cmd,
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"dbt {' '.join(args)} failed ({proc.returncode}):\n"
                f"{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
            )
        return proc

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def frame(self, sql: str):  # -> pandas.DataFrame
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql).df()


@pytest.fixture
def dbt_run(tmp_path: Path) -> DbtRun:
    """A dbt runner bound to a fresh DuckDB file under tmp_path."""
    return DbtRun(tmp_path / "finops.duckdb", tmp_path)


@pytest.fixture
def make_dbt_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], DbtRun]:
    """Factory for several independent DuckDB files in one test."""

    def factory(name: str) -> DbtRun:
        work = tmp_path_factory.mktemp(name)
        return DbtRun(work / "finops.duckdb", work)

    return factory
