"""Hand-computed checks of the pandas reference marts, so the reference itself can be trusted."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import reference_marts as ref
from edge_lake import (
    CORRUPT_FILE,
    EDGE_END,
    EDGE_START,
    GIB,
    RawFile,
    arrow_table,
    raw_files,
    resources,
    sample,
    utc,
    write_edge_lake,
)
from pyarrow import parquet as pq

REPO = Path(__file__).resolve().parents[2]
NODE_PATTERNS = REPO / "seeds" / "cluster_node_patterns.csv"
WORKLOAD_PATTERNS = REPO / "seeds" / "workload_type_patterns.csv"
D1, D2 = EDGE_START, EDGE_END


def write(root: Path, raw: RawFile) -> Path:
    """Write one RawFile below root and return its path."""
    target = root / raw.path
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(arrow_table(raw), target)
    return target


def reference(files: list[Path], **kwargs: object) -> dict[str, pd.DataFrame]:
    """compute_reference over the edge window with the repo seeds."""
    options: dict[str, object] = {
        "start_date": D1,
        "end_date": D2,
        "node_patterns_csv": NODE_PATTERNS,
        "workload_patterns_csv": WORKLOAD_PATTERNS,
    }
    options.update(kwargs)
    return ref.compute_reference(files, **options)  # type: ignore[arg-type]


def row_of(frame: pd.DataFrame, **match: object) -> pd.Series:
    """The single row of frame whose columns equal ``match``."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in match.items():
        mask &= (frame[column] == value).to_numpy()
    rows = frame[mask]
    assert len(rows) == 1, f"expected one row for {match}, got {len(rows)}"
    return rows.iloc[0]


# --- percentiles, aggregates, cleaning ---------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2, 3, 4, 5], 4.8),
        ([5, 1, 4, 2, 3], 4.8),
        ([10, 20], 19.5),
        ([7], 7.0),
        ([], 0.0),
        ([float("nan"), 1, 2], 1.95),
        (list(range(1, 101)), 95.05),
    ],
)
def test_p95_is_linear_interpolation(values: list[float], expected: float) -> None:
    assert ref.p95(values) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_aggregate_ignores_nulls_and_defaults_to_zero() -> None:
    values = np.array([np.nan, 2.0, 4.0, np.nan])
    assert ref.aggregate(values, "max") == 4.0
    assert ref.aggregate(values, "sum") == 6.0
    assert ref.aggregate(values, "mean") == 3.0
    assert ref.aggregate(values, "p95") == pytest.approx(3.9)
    for how in ("max", "sum", "mean", "p95"):
        assert ref.aggregate(np.array([np.nan, np.nan]), how) == 0.0


def test_clean_metrics_nulls_negative_nan_and_infinite() -> None:
    frame = pd.DataFrame({c: [1.0, 0.0, -0.1, np.nan, np.inf, -np.inf] for c in ref.METRIC_COLUMNS})
    cleaned = ref.clean_metrics(frame)
    for column in ref.METRIC_COLUMNS:
        values = cleaned[column].tolist()
        assert values[:2] == [1.0, 0.0]
        assert all(math.isnan(v) for v in values[2:])


# --- reading, window, de-duplication ------------------------------------------------------------


def dup_row(ts: str, node: str, cpu: float = 0.5) -> dict[str, object]:
    return sample(utc(ts), "ns", "pod", "c", node, **resources(), cpu_usage=cpu)


def test_dedup_latest_timestamp_then_later_file_then_later_row(tmp_path: Path) -> None:
    a = RawFile(
        "dt=2026-07-01/hour=05/a.parquet",
        [
            dup_row("2026-07-01T05:10:40", "win-ts"),
            dup_row("2026-07-01T05:11:20", "lose-file"),
            dup_row("2026-07-01T05:13:59.9", "win-frac"),
            dup_row("2026-07-01T05:13:00.1", "lose-frac"),
        ],
    )
    b = RawFile(
        "dt=2026-07-01/hour=05/b.parquet",
        [
            dup_row("2026-07-01T05:12:30", "lose-row"),
            dup_row("2026-07-01T05:10:10", "lose-ts"),
            dup_row("2026-07-01T05:11:20", "win-file"),
            dup_row("2026-07-01T05:59:30", "lose-path"),
            dup_row("2026-07-01T05:12:30", "win-row"),
        ],
    )
    c = RawFile("dt=2026-07-01/hour=06/a.parquet", [dup_row("2026-07-01T05:59:30", "win-path")])
    files = [write(tmp_path, raw) for raw in (c, b, a)]  # input order must not matter
    samples = ref.read_raw(files)
    samples = ref.restrict_to_window(samples, start_date=D1, end_date=D2, report_timezone="UTC")
    kept = ref.deduplicate(samples)
    by_minute = {
        m.strftime("%H:%M"): node for m, node in zip(kept["minute"], kept["node"], strict=True)
    }
    assert by_minute == {
        "05:10": "win-ts",
        "05:11": "win-file",
        "05:12": "win-row",
        "05:13": "win-frac",
        "05:59": "win-path",
    }


def test_exact_duplicates_count_once(tmp_path: Path) -> None:
    row = sample(utc("2026-07-01T05:20"), "ns", "pod", "c", "cmp-1", energy_joules=100.0)
    path = write(tmp_path, RawFile("dt=2026-07-01/hour=05/a.parquet", [row, dict(row)]))
    daily = reference([path])["daily_enriched"]
    assert daily["minutes_running"].tolist() == [1]
    assert daily["energy_joules_sum"].tolist() == [100.0]


def test_kst_date_boundary_and_window(tmp_path: Path) -> None:
    stamps = [
        "2026-06-30T14:59:59.900",  # KST 06-30 23:59 -> outside
        "2026-06-30T15:00:00",  # KST 07-01 00:00
        "2026-07-01T14:59:00",  # KST 07-01 23:59
        "2026-07-01T15:00:00",  # KST 07-02 00:00
        "2026-07-02T14:59:59.999",  # KST 07-02 23:59
        "2026-07-02T15:00:00",  # KST 07-03 00:00 -> outside
    ]
    rows = [sample(utc(ts), "ns", "pod", "c", "cmp-1") for ts in stamps]
    path = write(tmp_path, RawFile("dt=2026-07-01/hour=00/a.parquet", rows))
    daily = reference([path])["daily_enriched"]
    assert dict(zip(daily["date"], daily["minutes_running"], strict=True)) == {D1: 2, D2: 2}


def test_unaligned_timestamps_floor_to_the_minute(tmp_path: Path) -> None:
    rows = [
        sample(utc("2026-07-01T12:03:59.900"), "ns", "pod", "c", "cmp-1", cpu_usage=1.0),
        sample(utc("2026-07-01T12:04:00"), "ns", "pod", "c", "cmp-1", cpu_usage=2.0),
    ]
    path = write(tmp_path, RawFile("dt=2026-07-01/hour=12/a.parquet", rows, unit="ms"))
    samples = ref.restrict_to_window(
        ref.read_raw([path]), start_date=D1, end_date=D2, report_timezone="Asia/Seoul"
    )
    assert [m.strftime("%H:%M:%S") for m in samples["minute"]] == ["12:03:00", "12:04:00"]


@pytest.mark.parametrize(("naive_tz", "expected_date"), [("UTC", D2), ("Asia/Seoul", D1)])
def test_naive_timestamps_use_raw_naive_timezone(
    tmp_path: Path, naive_tz: str, expected_date: date
) -> None:
    row = sample(utc("2026-07-01T20:00"), "ns", "pod", "c", "cmp-1")
    path = write(tmp_path, RawFile("dt=2026-07-01/hour=20/a.parquet", [row], naive=True))
    daily = reference([path], raw_naive_timezone=naive_tz)["daily_enriched"]
    assert daily["date"].tolist() == [expected_date]


def test_missing_optional_columns_are_null(tmp_path: Path) -> None:
    rows = [sample(utc("2026-07-01T01:00"), "ns", "pod", "c", None, cpu_usage=0.5)]
    omit = ("node", "cluster", "mem_rss", "pv_capacity", "pv_used", "energy_joules")
    path = write(tmp_path, RawFile("dt=2026-07-01/hour=01/a.parquet", rows, omit=omit))
    samples = ref.read_raw([path])
    assert samples["node"].tolist() == ["unknown"]
    assert samples["cluster"].tolist() == [None]
    assert samples[["mem_rss", "pv_capacity", "energy_joules"]].isna().all().all()
    daily = reference([path])["daily_enriched"]
    assert daily[["mem_rss_p95", "mem_rss_max", "pv_capacity_max"]].iloc[0].tolist() == [0, 0, 0]
    assert daily["cluster_type"].tolist() == ["UNKNOWN"]


def test_missing_identity_column_is_an_error_naming_the_file(tmp_path: Path) -> None:
    rows = [sample(utc("2026-07-01T01:00"), "ns", "pod", "c", "n")]
    path = write(tmp_path, RawFile("dt=2026-07-01/hour=01/a.parquet", rows, omit=("pod",)))
    with pytest.raises(ValueError, match=r"a\.parquet.*pod"):
        ref.read_raw([path])


# --- classification ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "node", "expected"),
    [
        (None, "cmp-gpu-01", ("COMPUTE", "gpu")),
        (None, "cmp-node-01", ("COMPUTE", "general")),
        (None, "stg-node-01", ("STORAGE", "storage")),
        (None, "edge-gw-01", ("UNKNOWN", "UNKNOWN")),
        (None, "unknown", ("UNKNOWN", "UNKNOWN")),
        ("storage", "cmp-gpu-01", ("STORAGE", "gpu")),
        ("edge", "edge-gw-01", ("EDGE", "UNKNOWN")),
        ("Compute", "stg-node-01", ("COMPUTE", "storage")),
    ],
)
def test_cluster_type_and_domain(label: str | None, node: str, expected: tuple) -> None:
    patterns = ref.load_node_patterns(NODE_PATTERNS)
    assert ref.cluster_type_and_domain(label, node, patterns) == expected


@pytest.mark.parametrize(
    ("namespace", "pod", "expected"),
    [
        ("team-a", "spark-driver", "spark"),
        ("airflow-prod", "worker-1", "airflow"),
        ("spark-jobs", "kafka-0", "kafka"),  # pod pattern (30) before namespace pattern (200)
        ("monitoring", "x", "monitoring"),
        ("monitoring-2", "x", "other"),
        ("team-a", "pg-main-0", "postgres"),
        ("team-a", "web", "other"),
    ],
)
def test_workload_type(namespace: str, pod: str, expected: str) -> None:
    patterns = ref.load_workload_patterns(WORKLOAD_PATTERNS)
    assert ref.workload_type_of(namespace, pod, patterns) == expected


# --- daily_enriched ----------------------------------------------------------------------------


def test_daily_enriched_hand_computed(tmp_path: Path) -> None:
    rows = [
        sample(
            utc(f"2026-07-01T01:0{i}"),
            "ns",
            "pod",
            "c",
            "cmp-1",
            **resources(4.0, None, 2.0, 3.0),
            cpu_usage=float(i + 1),
            mem_usage=(i + 1) * GIB,
            pv_capacity=10 * GIB if i == 0 else None,
            pv_used=GIB,
            oom_event=0.0,
        )
        for i in range(5)
    ]
    path = write(tmp_path, RawFile("dt=2026-07-01/hour=01/a.parquet", rows))
    daily = reference([path])["daily_enriched"].iloc[0]
    hours = 5 / 60
    expected = {
        "minutes_running": 5,
        "cpu_request_max": 4.0,
        "cpu_limit_max": 0.0,
        "cpu_usage_p95": 4.8,
        "cpu_usage_avg": 3.0,
        "mem_request_max": 2.0,
        "mem_usage_p95": 4.8,
        "mem_usage_avg": 3.0,
        "pv_capacity_max": 10.0,
        "pv_used_p95": 1.0,
        "cpu_allocated_core_hours": 4 * hours,
        "cpu_usage_core_hours": 4.8 * hours,
        "cpu_waste_core_hours": 0.0,
        "mem_allocated_gb_hours": 2 * hours,
        "mem_waste_gb_hours": 0.0,
        "pv_allocated_gb_hours": 10 * hours,
        "pv_usage_gb_hours": hours,
        "pv_waste_gb_hours": 9 * hours,
        "cpu_shortage_cores": 0.8,
    }
    for column, value in expected.items():
        assert daily[column] == pytest.approx(value, rel=1e-12), column
    assert daily["cpu_limit_missing"] and daily["has_no_limit"]
    assert not daily["mem_limit_missing"] and not daily["has_no_request"]
    assert daily["status"] == "Request Shortage"
    assert daily["workload_type"] == "other" and daily["cluster_type"] == "COMPUTE"


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({}, "Optimized"),
        ({"cpu_shortage_cores": 0.5}, "Optimized"),
        ({"cpu_shortage_cores": 0.5000001}, "Request Shortage"),
        ({"cpu_throttled_max": 0.2}, "Optimized"),
        ({"cpu_throttled_max": 0.2000001}, "Request Shortage"),
        ({"cpu_waste_core_hours": 10.0}, "Optimized"),
        ({"cpu_waste_core_hours": 10.01}, "Over-allocated"),
        ({"pv_waste_gb_hours": 50.0}, "Optimized"),
        ({"pv_waste_gb_hours": 50.01}, "Over-allocated"),
        (
            {"is_oom_killed": True, "cpu_shortage_cores": 3, "cpu_waste_core_hours": 99},
            "OOM Killed",
        ),
        ({"cpu_throttled_max": 0.9, "cpu_waste_core_hours": 99}, "Request Shortage"),
    ],
)
def test_status_boundaries(inputs: dict[str, float], expected: str) -> None:
    values: dict = {
        "is_oom_killed": False,
        "cpu_shortage_cores": 0.0,
        "cpu_throttled_max": 0.0,
        "cpu_waste_core_hours": 0.0,
        "pv_waste_gb_hours": 0.0,
    }
    values.update(inputs)
    assert ref.classify_status(**values) == expected


def test_status_thresholds_are_vars() -> None:
    inputs: dict = {
        "is_oom_killed": False,
        "cpu_shortage_cores": 0.3,
        "cpu_throttled_max": 0.0,
        "cpu_waste_core_hours": 0.0,
        "pv_waste_gb_hours": 0.0,
    }
    assert ref.classify_status(**inputs) == "Optimized"
    assert ref.classify_status(**inputs, settings={"status_shortage_cores": 0.25}) == (
        "Request Shortage"
    )


# --- namespace marts ---------------------------------------------------------------------------


def daily_frame(wastes: dict[str, float], cluster: str = "COMPUTE") -> pd.DataFrame:
    """A minimal daily_enriched for the namespace marts: one container per namespace."""
    return pd.DataFrame(
        {
            "date": [D1] * len(wastes),
            "cluster_type": [cluster] * len(wastes),
            "namespace": list(wastes),
            "pod": ["p"] * len(wastes),
            "minutes_running": [60] * len(wastes),
            "cpu_waste_core_hours": list(wastes.values()),
            "cpu_allocated_core_hours": [w + 1 for w in wastes.values()],
        }
    )


def pareto(wastes: dict[str, float]) -> dict[str, tuple]:
    out = ref.build_pareto_ns(daily_frame(wastes))
    return {
        row.namespace: (
            row.waste_rank,
            row.waste_share_pct,
            row.waste_cumsum_pct,
            row.waste_cumsum_before_pct,
            row.grade,
        )
        for row in out.itertuples()
    }


def test_pareto_grades_on_share_ranked_above() -> None:
    got = pareto({"a": 40.0, "b": 30.0, "c": 20.0, "d": 10.0, "e": 0.0})
    assert got == {
        "a": (1, 40.0, 40.0, 0.0, "Critical"),  # 40 % alone is still Critical
        "b": (2, 30.0, 70.0, 40.0, "High"),
        "c": (3, 20.0, 90.0, 70.0, "Medium"),
        "d": (4, 10.0, 100.0, 90.0, "Low"),
        "e": (5, 0.0, 100.0, 100.0, "Low"),
    }


def test_pareto_grade_bands_are_strict() -> None:
    got = pareto({"x": 20.0, "y": 30.0, "z": 50.0})
    assert {ns: (v[0], v[3], v[4]) for ns, v in got.items()} == {
        "z": (1, 0.0, "Critical"),
        "y": (2, 50.0, "Medium"),  # 50 is not below 50
        "x": (3, 80.0, "Low"),  # 80 is not below 80
    }
    got = pareto({"p": 80.0, "q": 20.0})
    assert got["q"][3:] == (80.0, "Low")


def test_pareto_ties_by_namespace_and_running_sum_by_row() -> None:
    got = pareto({"@at": 25.0, "=cmd-ns": 25.0, "+plus": 25.0, "-minus": 25.0})
    assert {ns: v[0] for ns, v in got.items()} == {"+plus": 1, "-minus": 2, "=cmd-ns": 3, "@at": 4}
    assert [got[ns][2] for ns in ("+plus", "-minus", "=cmd-ns", "@at")] == [25, 50, 75, 100]
    assert [got[ns][4] for ns in ("+plus", "-minus", "=cmd-ns", "@at")] == [
        "Critical",
        "High",
        "Medium",
        "Medium",  # 75 % ranked above is still below 80
    ]


def test_pareto_zero_total_waste_gives_zero_shares() -> None:
    got = pareto({"a": 0.0, "b": 0.0})
    assert got == {"a": (1, 0.0, 0.0, 0.0, "Low"), "b": (2, 0.0, 0.0, 0.0, "Low")}


def test_pareto_partitions_by_date_and_cluster() -> None:
    frame = pd.concat([daily_frame({"a": 1.0, "b": 3.0}), daily_frame({"a": 2.0}, "STORAGE")])
    out = ref.build_pareto_ns(frame)
    shares = {(r.cluster_type, r.namespace): r.waste_share_pct for r in out.itertuples()}
    assert shares == {("COMPUTE", "a"): 25.0, ("COMPUTE", "b"): 75.0, ("STORAGE", "a"): 100.0}


def test_ns_usage_daily_sums_and_score() -> None:
    daily = pd.DataFrame(
        {
            "date": [D1, D1],
            "cluster_type": ["COMPUTE"] * 2,
            "namespace": ["ns"] * 2,
            "pod": ["a", "b"],
            **{source: [1.0, 2.0] for source in ref.NS_USAGE_SUMS.values()},
        }
    )
    daily["mem_allocated_gb_hours"] = [10.0, 20.0]
    daily["pv_allocated_gb_hours"] = [100.0, 0.0]
    out = ref.build_ns_usage_daily(daily).iloc[0]
    assert out["container_cnt"] == 2 and out["cpu_alloc_ch"] == 3.0
    assert out["final_usage_score"] == pytest.approx(3.0 + 30 * 0.11 + 100 * 0.02)


# --- governance marts --------------------------------------------------------------------------


def test_gov_waste_candidates_rank_ties_by_namespace_pod() -> None:
    rows = [
        ("b", "p0", 30.0, "Over-allocated"),
        ("a", "p1", 30.0, "Over-allocated"),
        ("a", "p0", 30.0, "Over-allocated"),
        ("c", "p0", 40.0, "Over-allocated"),
        ("d", "p0", 24.0, "Over-allocated"),  # not > 24
        ("e", "p0", 50.0, "OOM Killed"),
    ]
    daily = pd.DataFrame(
        {
            "date": [D1] * len(rows),
            "cluster_type": ["COMPUTE"] * len(rows),
            "namespace": [r[0] for r in rows],
            "pod": [r[1] for r in rows],
            "container": ["c"] * len(rows),
            "node": ["n"] * len(rows),
            "cpu_waste_core_hours": [r[2] for r in rows],
            "status": [r[3] for r in rows],
        }
    )
    out = ref.build_gov_waste_candidates(daily)
    assert list(zip(out["namespace"], out["pod"], out["waste_rank"], strict=True)) == [
        ("c", "p0", 1),
        ("a", "p0", 2),
        ("a", "p1", 3),
        ("b", "p0", 4),
    ]


# --- the edge lake through the reference --------------------------------------------------------


@pytest.fixture(scope="module")
def edge_marts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    root = tmp_path_factory.mktemp("edge")
    write_edge_lake(root)
    files = raw_files(root)
    assert (root / CORRUPT_FILE).exists() and all("2026-06-20" not in str(f) for f in files)
    return reference(files)


def test_edge_dedup_keeps_the_winning_rows(edge_marts: dict[str, pd.DataFrame]) -> None:
    daily = edge_marts["daily_enriched"]
    dedup = daily[daily["namespace"] == "dedup"]
    minutes = dict(zip(dedup["node"], dedup["minutes_running"], strict=True))
    assert minutes == {
        "cmp-win-ts": 1,
        "cmp-win-file": 1,
        "cmp-win-row": 1,
        "cmp-win-frac": 1,
        "cmp-win-exact": 1,
        "cmp-win-path": 2,
    }
    assert set(dedup["cluster_type"]) == {"COMPUTE"}  # the losers' 'storage' label is gone
    assert dedup["oom_strike_sum"].sum() == 0
    assert row_of(dedup, node="cmp-win-exact")["energy_joules_sum"] == 100.0
    assert row_of(dedup, node="cmp-win-ts")["cpu_usage_p95"] == 0.4


def test_edge_window_and_dates(edge_marts: dict[str, pd.DataFrame]) -> None:
    daily = edge_marts["daily_enriched"]
    assert "ghost" not in set(daily["namespace"])
    boundary = daily[daily["namespace"] == "boundary"]
    assert dict(zip(boundary["date"], boundary["minutes_running"], strict=True)) == {D1: 2, D2: 2}
    assert boundary["cpu_usage_p95"].max() < 1 and boundary["oom_strike_sum"].sum() == 0
    naive = daily[daily["namespace"] == "naive"]
    assert dict(zip(naive["date"], naive["minutes_running"], strict=True)) == {D1: 20, D2: 3}
    jupyter = row_of(daily, pod="jupyter-lab-0")
    assert jupyter["minutes_running"] == 8  # 12:00..12:05, 12:07 (twice), 12:08
    assert jupyter["cpu_usage_avg"] == pytest.approx(
        (0.1 + 0.2 + 0.3 + 0.4 + 0.5 + 0.6 + 0.7 + 0.8) / 8
    )


def test_edge_dirty_values(edge_marts: dict[str, pd.DataFrame]) -> None:
    dirty = row_of(edge_marts["daily_enriched"], pod="dirty-pod")
    assert dirty["minutes_running"] == 10
    assert dirty["cpu_usage_avg"] == pytest.approx(0.2)
    assert dirty["cpu_usage_p95"] == pytest.approx(0.29)
    assert dirty["cpu_throttled_max"] == 0.05
    assert dirty["cpu_limit_max"] == 2.0
    assert dirty["mem_request_max"] == 2.0
    assert dirty["mem_usage_p95"] == pytest.approx(1.45)  # of 0.9, 1, 1.1, 1.25, 1.5 GiB
    assert dirty["oom_strike_sum"] == 0 and not dirty["is_oom_killed"]
    for column in ("mem_rss_p95", "mem_rss_max", "pv_capacity_max", "energy_joules_sum"):
        assert dirty[column] == 0.0, column
    assert dirty["cpu_request_missing"] and dirty["has_no_request"]


def test_edge_partial_file_and_pv(edge_marts: dict[str, pd.DataFrame]) -> None:
    daily = edge_marts["daily_enriched"]
    web = row_of(daily, pod="web-nginx-7d9f")
    assert web["minutes_running"] == 60
    assert web["energy_joules_sum"] == 30 * 7.0  # only the full hour-08 file has energy
    assert web["mem_rss_max"] == pytest.approx(0.15 + 0.029)
    assert web["pv_allocated_gb_hours"] == 5.0 and web["pv_waste_gb_hours"] == 4.0
    db = row_of(daily, pod="pg-main-0", container="db")
    assert (db["cluster_type"], db["workload_domain"]) == ("STORAGE", "storage")
    assert db["status"] == "Over-allocated" and db["pv_waste_gb_hours"] > 50
    assert row_of(daily, pod="pg-main-0", container="metrics")["pv_capacity_max"] == 0


def test_edge_classification(edge_marts: dict[str, pd.DataFrame]) -> None:
    daily = edge_marts["daily_enriched"]
    got = {
        row.pod: (row.cluster_type, row.workload_domain, row.node)
        for row in daily[daily["namespace"].isin(["labelled", "orphans"])].itertuples()
    }
    assert got == {
        "label-gpu-0": ("STORAGE", "gpu", "cmp-gpu-07"),
        "label-edge-0": ("EDGE", "UNKNOWN", "edge-node-9"),
        "label-mixed-0": ("COMPUTE", "storage", "stg-node-03"),
        "orphan-0": ("UNKNOWN", "UNKNOWN", "edge-gw-01"),
        "orphan-1": ("UNKNOWN", "UNKNOWN", "unknown"),
    }
    mover = daily[daily["pod"] == "kafka-broker-2"]
    assert dict(zip(mover["node"], mover["minutes_running"], strict=True)) == {
        "cmp-node-03": 30,
        "cmp-node-04": 30,
    }
    assert set(mover["workload_type"]) == {"kafka"}


def test_edge_statuses_and_governance(edge_marts: dict[str, pd.DataFrame]) -> None:
    daily = edge_marts["daily_enriched"]
    risk = daily[daily["namespace"] == "risk"]
    assert dict(zip(risk["pod"], risk["status"], strict=True)) == {
        "oom-0": "OOM Killed",
        "throttle-0": "Request Shortage",
        "throttle-edge-0": "Optimized",
        "short-exact-0": "Optimized",
        "short-above-0": "Request Shortage",
        "waste-edge-0": "Optimized",
        "over-0": "Over-allocated",
    }
    assert row_of(risk, pod="oom-0")["oom_strike_sum"] == 3
    oom = edge_marts["gov_risk_oom"]
    assert dict(zip(oom["pod"], oom["recommendation"], strict=True)) == {
        "oom-0": "Upsize Memory Limit (OOM Detected)",
        "throttle-0": "Upsize CPU Request/Limit (Throttling Detected)",
        "short-above-0": "Upsize CPU Request/Limit (Throttling Detected)",
    }
    waste = edge_marts["gov_waste_candidates"]
    assert list(zip(waste["date"], waste["pod"], waste["waste_rank"], strict=True)) == [
        (D1, "big-0", 1),
        (D1, "big-1", 2),
        (D1, "big-2", 3),
        (D2, "formula-0", 1),
        (D2, "at-0", 2),
    ]
    violations = edge_marts["gov_violations"]
    assert set(violations["pod"]) == {
        "dirty-pod",
        "norequest-0",
        "nolimit-0",
        "nothing-0",
        "orphan-1",
    }


def test_edge_pareto(edge_marts: dict[str, pd.DataFrame]) -> None:
    pareto_ns = edge_marts["pareto_ns"]
    d2 = pareto_ns[(pareto_ns["date"] == D2) & (pareto_ns["cluster_type"] == "COMPUTE")]
    assert d2.sort_values("waste_rank")["namespace"].tolist()[:4] == [
        "=cmd-ns",
        "@at",
        "+plus",
        "-minus",
    ]
    assert set(pareto_ns["grade"]) == {"Critical", "High", "Medium", "Low"}
    unknown = row_of(pareto_ns, date=D2, cluster_type="UNKNOWN")
    assert unknown["total_waste_core_hours"] == 0 and unknown["grade"] == "Low"
    assert unknown[["waste_share_pct", "waste_cumsum_pct", "waste_cumsum_before_pct"]].tolist() == [
        0,
        0,
        0,
    ]
    assert unknown["container_cnt"] == 2 and unknown["minutes_running_sum"] == 60
