"""Tests for the synthetic raw lake generator (kube_finops.sample_data)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from kube_finops.lake.contract import HOUR_FILES_GLOB, RAW_DIR, RAW_SCHEMA
from kube_finops.sample_data import LakeSummary, generate_lake, main

REPO = Path(__file__).resolve().parents[2]
START = date(2026, 7, 1)
SMALL = {"namespaces": 24, "pods_per_namespace": 3, "containers_per_pod": 2}


def hour_files(lake: Path) -> list[Path]:
    return sorted((lake / RAW_DIR).glob(HOUR_FILES_GLOB))


def read_lake(lake: Path) -> pa.Table:
    return pa.concat_tables(pq.read_table(path) for path in hour_files(lake))


def small_lake(lake: Path, seed: int = 42) -> LakeSummary:
    return generate_lake(lake, START, 1, seed=seed, progress=False, **SMALL)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lake")
    summary = small_lake(path)
    assert summary.files == 24
    assert summary.rows == sum(pq.read_metadata(p).num_rows for p in hour_files(path))
    return path


@pytest.fixture(scope="module")
def samples(lake: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("raw", read_lake(lake))
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


def test_one_file_per_utc_hour_of_the_kst_day(lake: Path) -> None:
    got = [p.relative_to(lake).as_posix() for p in hour_files(lake)]
    expected = [f"raw/dt=2026-06-30/hour={h:02d}/part-0000.parquet" for h in range(15, 24)]
    expected += [f"raw/dt=2026-07-01/hour={h:02d}/part-0000.parquet" for h in range(15)]
    assert got == expected


def test_schema_is_exactly_the_contract(lake: Path) -> None:
    for path in hour_files(lake):
        assert pq.read_schema(path).remove_metadata() == RAW_SCHEMA, path


def test_timestamps_are_minute_aligned_inside_the_file_hour(lake: Path) -> None:
    for path in hour_files(lake):
        day = path.parent.parent.name.removeprefix("dt=")
        hour = int(path.parent.name.removeprefix("hour="))
        lo = datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")
        micros = pq.read_table(path, columns=["timestamp"]).column(0).cast(pa.int64()).to_numpy()
        assert len(micros) > 0
        assert (micros % 60_000_000 == 0).all(), path
        assert micros.min() >= int(lo.timestamp()) * 1_000_000, path
        assert micros.max() < int((lo + timedelta(hours=1)).timestamp()) * 1_000_000, path


def test_same_seed_same_data_other_seed_differs(lake: Path, tmp_path: Path) -> None:
    small_lake(tmp_path / "same")
    small_lake(tmp_path / "other", seed=7)
    first = hour_files(lake)
    for a, b in zip(first, hour_files(tmp_path / "same"), strict=True):
        assert pq.read_table(a).equals(pq.read_table(b)), a
    assert not read_lake(lake).equals(read_lake(tmp_path / "other"))


def test_one_sample_per_container_and_minute(samples: duckdb.DuckDBPyConnection) -> None:
    dupes = scalar(
        samples,
        "select count(*) from (select 1 from raw "
        "group by namespace, pod, container, timestamp having count(*) > 1)",
    )
    assert dupes == 0


def test_values_are_physically_plausible(samples: duckdb.DuckDBPyConnection) -> None:
    bad = scalar(
        samples,
        """select count(*) from raw where cpu_usage < 0 or cpu_throttled not between 0 and 1
           or mem_rss > mem_usage or pv_used > pv_capacity or oom_event not in (0, 1)
           or node is null or namespace is null or pod is null or container is null""",
    )
    assert bad == 0
    changing = scalar(
        samples,
        """select count(*) from (select 1 from raw group by namespace, pod, container
           having count(distinct coalesce(cpu_request, -1)) > 1
               or count(distinct coalesce(mem_limit, -1)) > 1)""",
    )
    assert changing == 0, "requests/limits are per container, constant over its life"


def test_pv_only_on_the_lexically_first_container(samples: duckdb.DuckDBPyConnection) -> None:
    query = """
        with firsts as (
            select namespace, pod, min(container) as first_container from raw group by all
        )
        select
            count(*) filter (where container <> first_container
                             and (pv_capacity <> 0 or pv_used <> 0)),
            count(*) filter (where container = first_container and pv_capacity > 0)
        from raw join firsts using (namespace, pod)
    """
    on_others, on_first = samples.execute(query).fetchone()
    assert on_others == 0
    assert on_first > 0


def test_every_profile_is_present(samples: duckdb.DuckDBPyConnection) -> None:
    assert scalar(samples, "select count(*) from raw where oom_event > 0") > 0
    assert scalar(samples, "select count(*) from raw where cpu_throttled > 0.2") > 0
    no_request = """select count(*) from (select 1 from raw group by namespace, pod, container
                    having max(coalesce(cpu_request, 0)) = 0)"""
    assert scalar(samples, no_request) > 0
    shortage = """select count(*) from (select 1 from raw group by namespace, pod, container
                  having quantile_cont(cpu_usage, 0.95) - max(coalesce(cpu_request, 0)) > 0.5)"""
    assert scalar(samples, shortage) > 0
    waste = """select count(*) from (select 1 from raw group by namespace, pod, container
               having (max(cpu_request) - quantile_cont(cpu_usage, 0.95)) * count(*) / 60 > 24)"""
    assert scalar(samples, waste) > 0
    assert scalar(samples, "select count(*) from raw where cluster is not null") > 0
    assert scalar(samples, "select count(*) from raw where cluster is null") > 0
    assert scalar(samples, "select count(*) from raw where energy_joules is not null") > 0
    assert scalar(samples, "select count(*) from raw where energy_joules is null") > 0


def test_node_names_cover_every_pattern_and_unknown(samples: duckdb.DuckDBPyConnection) -> None:
    with (REPO / "seeds" / "cluster_node_patterns.csv").open() as handle:
        patterns = [re.compile(row["node_regex"]) for row in csv.DictReader(handle)]
    nodes = [row[0] for row in samples.execute("select distinct node from raw").fetchall()]
    for pattern in patterns:
        assert any(pattern.search(node) for node in nodes), pattern.pattern
    assert any(not any(p.search(node) for p in patterns) for node in nodes)


def test_pod_names_carry_controller_suffixes(samples: duckdb.DuckDBPyConnection) -> None:
    pods = [row[0] for row in samples.execute("select distinct pod from raw").fetchall()]
    assert any(re.fullmatch(r"[a-z0-9-]+-[a-z0-9]{10}-[a-z0-9]{5}", p) for p in pods)
    assert any(re.fullmatch(r"[a-z0-9-]+-\d+", p) for p in pods)
    assert any(re.fullmatch(r"[a-z0-9-]+-\d{8}-[a-z0-9]{5}", p) for p in pods)


def test_second_run_refuses_then_overwrite_replaces(lake: Path, tmp_path: Path) -> None:
    target = tmp_path / "lake"
    args = ["--lake", str(target), "--start-date", "2026-07-01", "--days", "1", "--namespaces", "3"]
    assert main([*args, "--no-progress"]) == 0
    stray = target / "raw" / "dt=2026-06-30" / "hour=15" / "stray.parquet"
    stray.write_bytes(b"")
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    proc = subprocess.run(
        [sys.executable, "-m", "kube_finops.sample_data", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert str(target) in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert stray.exists()
    assert main([*args, "--no-progress", "--overwrite"]) == 0
    assert not stray.exists()
    assert len(hour_files(target)) == 24


def test_the_last_tenant_is_an_idle_sandbox(samples: duckdb.DuckDBPyConnection) -> None:
    """A dormant namespace: requests held, CPU never above 0.01 cores."""
    namespaces = [r[0] for r in samples.sql("select distinct namespace from raw").fetchall()]
    sandboxes = [n for n in namespaces if n.endswith("-sandbox")]
    assert len(sandboxes) == 1
    requested, peak = samples.sql(
        "select sum(coalesce(cpu_request, 0)), max(cpu_usage) from raw where namespace = ?",
        params=[sandboxes[0]],
    ).fetchone()
    assert requested > 0
    assert peak <= 0.01
    busiest = scalar(samples, "select max(cpu_usage) from raw where namespace not like '%sandbox'")
    assert busiest > 0.1


def test_series_order_and_no_energy_write_the_same_samples(lake: Path, tmp_path: Path) -> None:
    other = tmp_path / "series"
    generate_lake(
        other, START, 1, seed=42, progress=False, energy=False, row_order="series", **SMALL
    )
    assert len(hour_files(other)) == len(hour_files(lake))
    first = pq.read_table(hour_files(other)[3])
    assert "energy_joules" not in first.column_names
    keys = ["cluster", "namespace", "pod", "container", "timestamp"]
    rows = first.select(keys).to_pylist()
    assert rows == sorted(rows, key=lambda r: tuple((r[k] is None, r[k]) for k in keys))
    by_time = read_lake(lake).drop_columns(["energy_joules"])
    by_series = read_lake(other)
    assert by_series.num_rows == by_time.num_rows
    order = [(k, "ascending") for k in [*keys, "node"]]
    assert by_series.sort_by(order).equals(by_time.sort_by(order))


def test_unknown_row_order_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="row_order must be one of time, series, not 'x'"):
        generate_lake(tmp_path, START, 1, progress=False, row_order="x", **SMALL)
