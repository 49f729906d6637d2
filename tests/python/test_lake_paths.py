"""Lake paths as a user types them: a local raw_path that does not exist stops `make build` with one
line naming it (a typo must not pass for a quiet day), an existing folder without files for the
window is a quiet day, and a path holding an apostrophe and a space builds."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO, DbtRun, dbt_env
from test_dbt_pipeline import build, write_days

pytestmark = pytest.mark.slow

VENV = Path(sys.executable).parent.parent


def make_build(work: Path, raw_path: Path, day: str) -> subprocess.CompletedProcess[str]:
    """`make build` as a user runs it, writing only below `work`."""
    env = dbt_env(work / "finops.duckdb", work)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "FINOPS_RAW_PATH"):
        env.pop(name, None)
    return subprocess.run(
        [
            "make",
            "-s",
            f"VENV={VENV}",
            "build",
            f"RAW_PATH={raw_path}",
            f"START={day}",
            f"END={day}",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_missing_local_raw_path_fails_naming_it(tmp_path: Path) -> None:
    typo = tmp_path / "lake" / "rwa"
    (tmp_path / "lake" / "raw").mkdir(parents=True)
    proc = make_build(tmp_path, typo, "2026-07-01")
    assert proc.returncode != 0
    assert f"var raw_path='{typo}' is not an existing folder" in proc.stdout + proc.stderr
    db = DbtRun(tmp_path / "finops.duckdb", tmp_path)
    assert not db.db_path.exists() or db.query(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'daily_enriched'"
    ) == [(0,)]


def test_existing_empty_raw_folder_is_a_quiet_day(dbt_run: DbtRun, tmp_path: Path) -> None:
    raw = tmp_path / "lake" / "raw"
    raw.mkdir(parents=True)
    proc = build(dbt_run, raw, "2026-07-01", "2026-07-01")
    assert "no raw files for 2026-07-01 .. 2026-07-01" in proc.stdout
    assert dbt_run.query("select count(*) from marts.daily_enriched") == [(0,)]


def test_lake_path_with_apostrophe_and_space_builds(tmp_path: Path) -> None:
    raw = tmp_path / "it's lake" / "raw"
    write_days(raw, date(2026, 7, 1), 1)  # two containers, every minute of the KST day
    proc = make_build(tmp_path, raw, "2026-07-01")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    db = DbtRun(tmp_path / "finops.duckdb", tmp_path)
    assert db.query(
        "select namespace, minutes_running, status from marts.daily_enriched order by namespace"
    ) == [("=cmd-ns", 1440, "OOM Killed"), ("team-a", 1440, "Over-allocated")]
