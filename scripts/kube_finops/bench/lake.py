"""The raw lake a benchmark reads: generated once per (scale, days, seed) by
`python -m kube_finops.sample_data` and reused while its marker file matches."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from kube_finops.bench.errors import BenchError
from kube_finops.lake.contract import HOUR_FILES_GLOB

log = logging.getLogger("kube_finops.bench.lake")

MARKER = "bench-lake.json"


@dataclass(frozen=True)
class LakeSpec:
    """Report-timezone days first_day .. first_day + days - 1 at a sample_data scale preset."""

    scale: str
    first_day: date
    days: int
    seed: int = 42
    timezone: str = "Asia/Seoul"
    namespaces: int | None = None  # overrides the preset (the harness's own test uses a few)
    energy: bool = False  # energy_joules is left out: step2's explicit schema has no such column
    row_order: str = "series"  # hour files series by series, as make extract writes them

    def marker(self) -> dict[str, str | int]:
        data = asdict(self)
        data["first_day"] = self.first_day.isoformat()
        return data

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)


def ensure_lake(
    lake: Path, spec: LakeSpec, *, cwd: Path, env: Mapping[str, str], progress: bool
) -> None:
    """Generate the lake unless `lake` already holds exactly `spec`."""
    marker = lake / MARKER
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")) == spec.marker():
        log.info(
            "reusing the %s lake %s (%s, %d day(s))", spec.scale, lake, spec.first_day, spec.days
        )
        return
    if lake.exists():
        log.info("replacing %s (it holds other data)", lake)
        shutil.rmtree(lake)
    command = [
        sys.executable,
        "-m",
        "kube_finops.sample_data",
        "--lake",
        str(lake),
        "--start-date",
        spec.first_day.isoformat(),
        "--days",
        str(spec.days),
        "--scale",
        spec.scale,
        "--seed",
        str(spec.seed),
        "--timezone",
        spec.timezone,
        # the users' step2 reads an explicit raw-contract schema without the optional Kepler column
        "--no-energy",
        "--row-order",
        spec.row_order,
    ]
    if spec.namespaces is not None:
        command += ["--namespaces", str(spec.namespaces)]
    if not progress:
        command.append("--no-progress")
    log.info("generating the %s lake: %s", spec.scale, " ".join(command))
    done = subprocess.run(command, cwd=cwd, env=dict(env), check=False)
    if done.returncode != 0:
        raise BenchError(f"sample_data exited with {done.returncode} while writing {lake}")
    marker.write_text(json.dumps(spec.marker(), indent=2) + "\n", encoding="utf-8")


def count_rows(raw: Path, first_day: date, last_day: date, timezone: str) -> int:
    """Samples whose timestamp falls in the report-timezone days (what every contender reads)."""
    zone = ZoneInfo(timezone)
    start = f"{first_day.isoformat()} 00:00:00"
    end = f"{(last_day + timedelta(days=1)).isoformat()} 00:00:00"
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        row = con.execute(
            "select count(*) from read_parquet(?, hive_partitioning = true, union_by_name = true) "
            "where timestamp >= timezone(?, ?::timestamp) "
            "and timestamp < timezone(?, ?::timestamp)",
            [str(raw / HOUR_FILES_GLOB), zone.key, start, zone.key, end],
        ).fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0
