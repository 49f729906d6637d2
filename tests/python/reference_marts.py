"""Independent pandas/numpy reference implementation of the kube-finops marts.

This module deliberately shares no code or SQL with the dbt project: it re-implements the rules
from the specification in plain Python so a test can compare the dbt marts with it on edge-case
data. It favours obviousness over speed (the edge lake is small).

Pipeline, one function per step:

1. :func:`read_raw` reads the Parquet files, unions them by column name and normalises types.
2. :func:`clean_metrics` turns negative / NaN / infinite metric values into NULL (NaN here).
3. :func:`restrict_to_window` keeps the minutes of the report window and adds ``date``.
4. :func:`deduplicate` keeps one sample per (namespace, pod, container, minute).
5. :func:`classify` adds cluster_type, workload_domain and workload_type.
6. :func:`build_daily_enriched` and the ``build_*`` functions build the marts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def is_null(value: object) -> bool:
    """True for None, NaN, NaT and pandas.NA (cells read back from DuckDB or Parquet)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


GIB = float(1024**3)
"""Bytes per GB (the SPEC's GB is a GiB)."""

TIMESTAMP_COLUMN = "timestamp"
IDENTITY_COLUMNS: tuple[str, ...] = ("namespace", "pod", "container")
LABEL_COLUMNS: tuple[str, ...] = ("node", "cluster")
METRIC_COLUMNS: tuple[str, ...] = (
    "cpu_request",
    "cpu_limit",
    "cpu_usage",
    "cpu_throttled",
    "mem_request",
    "mem_limit",
    "mem_usage",
    "mem_rss",
    "oom_event",
    "pv_capacity",
    "pv_used",
    "energy_joules",
)
UNKNOWN = "UNKNOWN"
UNKNOWN_NODE = "unknown"
OTHER_WORKLOAD = "other"

DEFAULT_VARS: dict[str, float] = {
    "status_shortage_cores": 0.5,
    "status_throttle_ratio": 0.2,
    "status_cpu_waste_core_hours": 10.0,
    "status_pv_waste_gb_hours": 50.0,
    "usage_score_weight_cpu": 1.0,
    "usage_score_weight_mem": 0.11,
    "usage_score_weight_pv": 0.02,
    "pareto_critical_below_pct": 20.0,
    "pareto_high_below_pct": 50.0,
    "pareto_medium_below_pct": 80.0,
    "gov_waste_min_core_hours": 24.0,
}

STATUS_OOM = "OOM Killed"
STATUS_SHORTAGE = "Request Shortage"
STATUS_OVER = "Over-allocated"
STATUS_OPTIMIZED = "Optimized"
RECOMMEND_MEMORY = "Upsize Memory Limit (OOM Detected)"
RECOMMEND_CPU = "Upsize CPU Request/Limit (Throttling Detected)"

# --- mart layouts -----------------------------------------------------------------------------

DAILY_KEY: tuple[str, ...] = (
    "date",
    "cluster_type",
    "workload_domain",
    "namespace",
    "workload_type",
    "node",
    "pod",
    "container",
)
NS_KEY: tuple[str, ...] = ("date", "cluster_type", "namespace")


@dataclass(frozen=True)
class Aggregate:
    """One daily aggregate: output column <- how(source) / scale."""

    column: str
    source: str
    how: str  # "max" | "p95" | "mean" | "sum"
    scale: float = 1.0


DAILY_AGGREGATES: tuple[Aggregate, ...] = (
    Aggregate("cpu_request_max", "cpu_request", "max"),
    Aggregate("cpu_limit_max", "cpu_limit", "max"),
    Aggregate("cpu_usage_p95", "cpu_usage", "p95"),
    Aggregate("cpu_usage_avg", "cpu_usage", "mean"),
    Aggregate("cpu_throttled_max", "cpu_throttled", "max"),
    Aggregate("mem_request_max", "mem_request", "max", GIB),
    Aggregate("mem_limit_max", "mem_limit", "max", GIB),
    Aggregate("mem_usage_p95", "mem_usage", "p95", GIB),
    Aggregate("mem_usage_avg", "mem_usage", "mean", GIB),
    Aggregate("mem_rss_p95", "mem_rss", "p95", GIB),
    Aggregate("mem_rss_max", "mem_rss", "max", GIB),
    Aggregate("oom_strike_sum", "oom_event", "sum"),
    Aggregate("pv_capacity_max", "pv_capacity", "max", GIB),
    Aggregate("pv_used_p95", "pv_used", "p95", GIB),
    Aggregate("energy_joules_sum", "energy_joules", "sum"),
)
DAILY_DERIVED: tuple[str, ...] = (
    "cpu_allocated_core_hours",
    "cpu_usage_core_hours",
    "mem_allocated_gb_hours",
    "mem_usage_gb_hours",
    "pv_allocated_gb_hours",
    "pv_usage_gb_hours",
    "cpu_waste_core_hours",
    "mem_waste_gb_hours",
    "pv_waste_gb_hours",
    "cpu_shortage_cores",
)
DAILY_FLAGS: tuple[str, ...] = (
    "is_oom_killed",
    "cpu_request_missing",
    "mem_request_missing",
    "cpu_limit_missing",
    "mem_limit_missing",
    "has_no_request",
    "has_no_limit",
)
DAILY_COLUMNS: tuple[str, ...] = (
    *DAILY_KEY,
    "minutes_running",
    *(agg.column for agg in DAILY_AGGREGATES),
    *DAILY_DERIVED,
    *DAILY_FLAGS,
    "status",
)
NS_USAGE_SUMS: dict[str, str] = {
    "cpu_used_ch": "cpu_usage_core_hours",
    "cpu_alloc_ch": "cpu_allocated_core_hours",
    "cpu_waste_ch": "cpu_waste_core_hours",
    "mem_used_gh": "mem_usage_gb_hours",
    "mem_alloc_gh": "mem_allocated_gb_hours",
    "mem_waste_gh": "mem_waste_gb_hours",
    "pv_used_gh": "pv_usage_gb_hours",
    "pv_alloc_gh": "pv_allocated_gb_hours",
    "pv_waste_gh": "pv_waste_gb_hours",
}
NS_USAGE_COLUMNS: tuple[str, ...] = (
    *NS_KEY,
    *NS_USAGE_SUMS,
    "container_cnt",
    "final_usage_score",
)
PARETO_COLUMNS: tuple[str, ...] = (
    *NS_KEY,
    "total_waste_core_hours",
    "minutes_running_sum",
    "container_cnt",
    "total_allocated_core_hours",
    "waste_rank",
    "waste_share_pct",
    "waste_cumsum_pct",
    "waste_cumsum_before_pct",
    "grade",
)

MART_NAMES: tuple[str, ...] = (
    "daily_enriched",
    "ns_usage_daily",
    "pareto_ns",
    "gov_risk_oom",
    "gov_waste_candidates",
    "gov_violations",
)
MART_KEYS: dict[str, tuple[str, ...]] = {
    "daily_enriched": DAILY_KEY,
    "ns_usage_daily": NS_KEY,
    "pareto_ns": NS_KEY,
    "gov_risk_oom": DAILY_KEY,
    "gov_waste_candidates": DAILY_KEY,
    "gov_violations": DAILY_KEY,
}
MART_COLUMNS: dict[str, tuple[str, ...]] = {
    "daily_enriched": DAILY_COLUMNS,
    "ns_usage_daily": NS_USAGE_COLUMNS,
    "pareto_ns": PARETO_COLUMNS,
    "gov_risk_oom": (*DAILY_COLUMNS, "recommendation"),
    "gov_waste_candidates": (*DAILY_COLUMNS, "waste_rank"),
    "gov_violations": DAILY_COLUMNS,
}

# --- entry point ------------------------------------------------------------------------------


def compute_reference(
    raw_files: list[Path],
    *,
    start_date: date,
    end_date: date,
    report_timezone: str = "Asia/Seoul",
    raw_naive_timezone: str = "UTC",
    node_patterns_csv: Path,
    workload_patterns_csv: Path,
    vars: dict | None = None,
) -> dict[str, pd.DataFrame]:
    """Compute the six core marts (daily_enriched to the governance marts) from raw Parquet files.

    ``raw_files`` are read as given (the caller chooses the partitions); ``start_date`` and
    ``end_date`` are inclusive calendar dates in ``report_timezone``. ``vars`` overrides the
    thresholds and weights of :data:`DEFAULT_VARS`.
    """
    settings = resolve_vars(vars)
    samples = read_raw(raw_files, raw_naive_timezone=raw_naive_timezone)
    samples = clean_metrics(samples)
    samples = restrict_to_window(
        samples, start_date=start_date, end_date=end_date, report_timezone=report_timezone
    )
    samples = deduplicate(samples)
    samples = classify(
        samples,
        node_patterns=load_node_patterns(node_patterns_csv),
        workload_patterns=load_workload_patterns(workload_patterns_csv),
    )
    daily = build_daily_enriched(samples, settings)
    return {
        "daily_enriched": daily,
        "ns_usage_daily": build_ns_usage_daily(daily, settings),
        "pareto_ns": build_pareto_ns(daily, settings),
        "gov_risk_oom": build_gov_risk_oom(daily),
        "gov_waste_candidates": build_gov_waste_candidates(daily, settings),
        "gov_violations": build_gov_violations(daily),
    }


def resolve_vars(overrides: Mapping[str, object] | None) -> dict[str, float]:
    """DEFAULT_VARS updated with the known keys of ``overrides`` (values as float)."""
    settings = dict(DEFAULT_VARS)
    for name, value in (overrides or {}).items():
        if name in settings:
            settings[name] = float(value)  # type: ignore[arg-type]
    return settings


# --- reading ----------------------------------------------------------------------------------


def read_raw(files: Iterable[Path], *, raw_naive_timezone: str = "UTC") -> pd.DataFrame:
    """Union of the raw files by column name, one row per raw row.

    Columns: ``ts`` (UTC, ns), ``file_path`` (full path, the de-duplication tie-breaker),
    ``row_number`` (0-based row within the file), identity and label columns (object) and the
    metric columns (float64, NaN = NULL). Missing optional columns are NULL.
    """
    frames = [read_raw_file(Path(path), raw_naive_timezone=raw_naive_timezone) for path in files]
    if not frames:
        return _empty_raw_frame()
    return pd.concat(frames, ignore_index=True)


def read_raw_file(path: Path, *, raw_naive_timezone: str = "UTC") -> pd.DataFrame:
    """Read one raw Parquet file into the normalised layout of :func:`read_raw`."""
    table = pq.read_table(path)
    missing = [c for c in (TIMESTAMP_COLUMN, *IDENTITY_COLUMNS) if c not in table.column_names]
    if missing:
        raise ValueError(f"{path}: raw file lacks required column(s): {', '.join(missing)}")
    frame = pd.DataFrame(
        {
            "ts": utc_timestamps(table.column(TIMESTAMP_COLUMN), raw_naive_timezone, path),
            "file_path": str(path.absolute()),
            "row_number": np.arange(table.num_rows, dtype=np.int64),
        }
    )
    for column in (*IDENTITY_COLUMNS, *LABEL_COLUMNS):
        frame[column] = _string_column(table, column)
    for column in METRIC_COLUMNS:
        frame[column] = _float_column(table, column)
    frame["cluster"] = frame["cluster"].map(lambda v: None if v is None or v == "" else v)
    frame["node"] = frame["node"].map(lambda v: UNKNOWN_NODE if v is None else v)
    return frame


def utc_timestamps(column: pa.ChunkedArray, naive_timezone: str, path: Path) -> pd.Series:
    """The timestamp column as UTC datetime64[ns]; naive values are local to ``naive_timezone``."""
    if not pa.types.is_timestamp(column.type):
        raise ValueError(f"{path}: column timestamp has type {column.type}, not a timestamp")
    series = pd.Series(column.to_pandas())
    if column.type.tz is None:
        series = series.dt.tz_localize(naive_timezone)
    return series.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")


def _string_column(table: pa.Table, name: str) -> pd.Series:
    if name not in table.column_names:
        return pd.Series([None] * table.num_rows, dtype=object)
    values = table.column(name).to_pylist()
    return pd.Series([None if v is None else str(v) for v in values], dtype=object)


def _float_column(table: pa.Table, name: str) -> pd.Series:
    if name not in table.column_names:
        return pd.Series(np.full(table.num_rows, np.nan), dtype=np.float64)
    return pd.Series(table.column(name).cast(pa.float64()).to_pandas(), dtype=np.float64)


def _empty_raw_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "ts": pd.Series([], dtype="datetime64[ns, UTC]"),
            "file_path": pd.Series([], dtype=object),
            "row_number": pd.Series([], dtype=np.int64),
        }
    )
    for column in (*IDENTITY_COLUMNS, *LABEL_COLUMNS):
        frame[column] = pd.Series([], dtype=object)
    for column in METRIC_COLUMNS:
        frame[column] = pd.Series([], dtype=np.float64)
    return frame


# --- cleaning, window, de-duplication ---------------------------------------------------------


def clean_metrics(samples: pd.DataFrame) -> pd.DataFrame:
    """Negative, NaN and infinite metric values become NULL (NaN)."""
    out = samples.copy()
    for column in METRIC_COLUMNS:
        values = out[column].to_numpy(dtype=np.float64)
        usable = np.isfinite(values) & (values >= 0)
        out[column] = np.where(usable, values, np.nan)
    return out


def window_bounds_utc(
    start_date: date, end_date: date, report_timezone: str
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """UTC instants of start_date 00:00 and (end_date + 1 day) 00:00 in the report timezone."""
    lower = pd.Timestamp(start_date.isoformat()).tz_localize(report_timezone)
    upper = pd.Timestamp((end_date + timedelta(days=1)).isoformat()).tz_localize(report_timezone)
    return lower.tz_convert("UTC"), upper.tz_convert("UTC")


def restrict_to_window(
    samples: pd.DataFrame, *, start_date: date, end_date: date, report_timezone: str
) -> pd.DataFrame:
    """Add ``minute`` (UTC floor) and ``date`` (report-timezone date); keep window minutes."""
    out = samples.copy()
    out["minute"] = out["ts"].dt.floor("min")
    lower, upper = window_bounds_utc(start_date, end_date, report_timezone)
    out = out[(out["minute"] >= lower) & (out["minute"] < upper)].copy()
    out["date"] = [m.date() for m in out["minute"].dt.tz_convert(report_timezone)]
    return out


def deduplicate(samples: pd.DataFrame) -> pd.DataFrame:
    """One row per (namespace, pod, container, minute).

    The kept row has the latest original timestamp, then the later file (larger full path),
    then the later row within the file.
    """
    key = [*IDENTITY_COLUMNS, "minute"]
    ordered = samples.sort_values([*key, "ts", "file_path", "row_number"], kind="mergesort")
    return ordered.drop_duplicates(subset=key, keep="last").reset_index(drop=True)


# --- classification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NodePattern:
    """A row of cluster_node_patterns.csv."""

    priority: float
    regex: re.Pattern[str]
    cluster_type: str
    workload_domain: str


@dataclass(frozen=True)
class WorkloadPattern:
    """A row of workload_type_patterns.csv."""

    priority: float
    match_on: str
    regex: re.Pattern[str]
    workload_type: str


def _read_seed(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["priority_value"] = frame["priority"].astype(float)
    return frame.sort_values("priority_value", kind="mergesort")


def load_node_patterns(path: Path) -> list[NodePattern]:
    """Node patterns in ascending priority (file order for equal priorities)."""
    return [
        NodePattern(
            row.priority_value, re.compile(row.node_regex), row.cluster_type, row.workload_domain
        )
        for row in _read_seed(path).itertuples()
    ]


def load_workload_patterns(path: Path) -> list[WorkloadPattern]:
    """Workload type patterns in ascending priority (file order for equal priorities)."""
    return [
        WorkloadPattern(
            row.priority_value, row.match_on, re.compile(row.pattern), row.workload_type
        )
        for row in _read_seed(path).itertuples()
    ]


def match_node(node: str, patterns: Sequence[NodePattern]) -> NodePattern | None:
    """The lowest-priority node pattern whose regex is found in ``node``, if any."""
    return next((p for p in patterns if p.regex.search(node)), None)


def cluster_type_and_domain(
    cluster_label: str | None, node: str, patterns: Sequence[NodePattern]
) -> tuple[str, str]:
    """(cluster_type, workload_domain) of one sample."""
    pattern = match_node(node, patterns)
    domain = pattern.workload_domain if pattern else UNKNOWN
    if cluster_label is not None:
        return cluster_label.upper(), domain
    return (pattern.cluster_type if pattern else UNKNOWN), domain


def workload_type_of(namespace: str, pod: str, patterns: Sequence[WorkloadPattern]) -> str:
    """The workload type of the lowest-priority pattern matching the pod or namespace name."""
    for pattern in patterns:
        subject = pod if pattern.match_on == "pod" else namespace
        if pattern.match_on in ("pod", "namespace") and pattern.regex.search(subject):
            return pattern.workload_type
    return OTHER_WORKLOAD


def classify(
    samples: pd.DataFrame,
    *,
    node_patterns: Sequence[NodePattern],
    workload_patterns: Sequence[WorkloadPattern],
) -> pd.DataFrame:
    """Add cluster_type, workload_domain and workload_type to de-duplicated samples."""
    out = samples.copy()
    cluster_of = _memoise(lambda c, n: cluster_type_and_domain(c, n, node_patterns))
    workload_of = _memoise(lambda ns, pod: workload_type_of(ns, pod, workload_patterns))
    pairs = [cluster_of(c, n) for c, n in zip(out["cluster"], out["node"], strict=True)]
    out["cluster_type"] = [p[0] for p in pairs]
    out["workload_domain"] = [p[1] for p in pairs]
    out["workload_type"] = [
        workload_of(ns, pod) for ns, pod in zip(out["namespace"], out["pod"], strict=True)
    ]
    return out


def _memoise(function: Callable[..., object]) -> Callable[..., object]:
    cache: dict[tuple, object] = {}

    def wrapper(*args: object) -> object:
        if args not in cache:
            cache[args] = function(*args)
        return cache[args]

    return wrapper


# --- daily_enriched ---------------------------------------------------------------------------


def p95(values: Iterable[float]) -> float:
    """Linear-interpolation 95th percentile (numpy default) of the non-NULL values; 0 if none."""
    array = np.asarray(list(values), dtype=np.float64)
    array = array[~np.isnan(array)]
    return float(np.percentile(array, 95)) if array.size else 0.0


def aggregate(values: np.ndarray, how: str) -> float:
    """``how`` (max, sum, mean, p95) of the non-NULL values; 0 when there is none."""
    usable = values[~np.isnan(values)]
    if usable.size == 0:
        return 0.0
    if how == "max":
        return float(usable.max())
    if how == "sum":
        return float(usable.sum())
    if how == "mean":
        return float(usable.mean())
    if how == "p95":
        return p95(usable)
    raise ValueError(f"unknown aggregate {how!r}")


def daily_metrics(group: pd.DataFrame) -> dict[str, float]:
    """minutes_running and the DAILY_AGGREGATES of one daily_enriched group."""
    metrics: dict[str, float] = {"minutes_running": len(group)}
    for agg in DAILY_AGGREGATES:
        values = group[agg.source].to_numpy(dtype=np.float64)
        metrics[agg.column] = aggregate(values, agg.how) / agg.scale
    return metrics


def add_derived_columns(daily: pd.DataFrame, settings: Mapping[str, float]) -> pd.DataFrame:
    """Hours, waste, shortage, flags and status from the daily aggregates."""
    out = daily.copy()
    minutes = out["minutes_running"].astype(np.float64)
    out["cpu_allocated_core_hours"] = out["cpu_request_max"] * minutes / 60
    out["cpu_usage_core_hours"] = out["cpu_usage_p95"] * minutes / 60
    out["mem_allocated_gb_hours"] = out["mem_request_max"] * minutes / 60
    out["mem_usage_gb_hours"] = out["mem_usage_p95"] * minutes / 60
    out["pv_allocated_gb_hours"] = out["pv_capacity_max"] * minutes / 60
    out["pv_usage_gb_hours"] = out["pv_used_p95"] * minutes / 60
    for waste, alloc, used in (
        ("cpu_waste_core_hours", "cpu_allocated_core_hours", "cpu_usage_core_hours"),
        ("mem_waste_gb_hours", "mem_allocated_gb_hours", "mem_usage_gb_hours"),
        ("pv_waste_gb_hours", "pv_allocated_gb_hours", "pv_usage_gb_hours"),
    ):
        out[waste] = (out[alloc] - out[used]).clip(lower=0.0)
    out["cpu_shortage_cores"] = (out["cpu_usage_p95"] - out["cpu_request_max"]).clip(lower=0.0)
    out["is_oom_killed"] = out["oom_strike_sum"] > 0
    out["cpu_request_missing"] = out["cpu_request_max"] == 0
    out["mem_request_missing"] = out["mem_request_max"] == 0
    out["cpu_limit_missing"] = out["cpu_limit_max"] == 0
    out["mem_limit_missing"] = out["mem_limit_max"] == 0
    out["has_no_request"] = out["cpu_request_missing"] | out["mem_request_missing"]
    out["has_no_limit"] = out["cpu_limit_missing"] | out["mem_limit_missing"]
    status_inputs = out[
        [
            "is_oom_killed",
            "cpu_shortage_cores",
            "cpu_throttled_max",
            "cpu_waste_core_hours",
            "pv_waste_gb_hours",
        ]
    ].to_dict("records")
    out["status"] = [classify_status(**row, settings=settings) for row in status_inputs]
    return out


def classify_status(
    *,
    is_oom_killed: bool,
    cpu_shortage_cores: float,
    cpu_throttled_max: float,
    cpu_waste_core_hours: float,
    pv_waste_gb_hours: float,
    settings: Mapping[str, float] | None = None,
) -> str:
    """First matching status rule (strict ``>`` comparisons)."""
    limits = resolve_vars(settings)
    if is_oom_killed:
        return STATUS_OOM
    if (
        cpu_shortage_cores > limits["status_shortage_cores"]
        or cpu_throttled_max > limits["status_throttle_ratio"]
    ):
        return STATUS_SHORTAGE
    if (
        cpu_waste_core_hours > limits["status_cpu_waste_core_hours"]
        or pv_waste_gb_hours > limits["status_pv_waste_gb_hours"]
    ):
        return STATUS_OVER
    return STATUS_OPTIMIZED


def build_daily_enriched(
    samples: pd.DataFrame, settings: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """daily_enriched from classified, de-duplicated, cleaned window samples."""
    settings = resolve_vars(settings)
    records = []
    for key, group in samples.groupby(list(DAILY_KEY), sort=True, dropna=False):
        records.append({**dict(zip(DAILY_KEY, key, strict=True)), **daily_metrics(group)})
    base = pd.DataFrame.from_records(
        records, columns=[*DAILY_KEY, "minutes_running", *(a.column for a in DAILY_AGGREGATES)]
    )
    base["minutes_running"] = base["minutes_running"].astype(np.int64)
    for agg in DAILY_AGGREGATES:
        base[agg.column] = base[agg.column].astype(np.float64)
    return add_derived_columns(base, settings)[list(DAILY_COLUMNS)]


# --- namespace marts --------------------------------------------------------------------------


def build_ns_usage_daily(
    daily: pd.DataFrame, settings: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """ns_usage_daily: namespace sums of daily_enriched, no rounding."""
    settings = resolve_vars(settings)
    grouped = daily.groupby(list(NS_KEY), sort=True, dropna=False)
    out = grouped.agg(
        **{name: (source, "sum") for name, source in NS_USAGE_SUMS.items()},
        container_cnt=("pod", "size"),
    ).reset_index()
    out["container_cnt"] = out["container_cnt"].astype(np.int64)
    out["final_usage_score"] = (
        out["cpu_alloc_ch"] * settings["usage_score_weight_cpu"]
        + out["mem_alloc_gh"] * settings["usage_score_weight_mem"]
        + out["pv_alloc_gh"] * settings["usage_score_weight_pv"]
    )
    return out[list(NS_USAGE_COLUMNS)]


def pareto_grade(waste: float, before_pct: float, settings: Mapping[str, float]) -> str:
    """Grade on the cumulative share of the namespaces ranked above; no waste is Low."""
    if waste == 0:
        return "Low"
    if before_pct < settings["pareto_critical_below_pct"]:
        return "Critical"
    if before_pct < settings["pareto_high_below_pct"]:
        return "High"
    if before_pct < settings["pareto_medium_below_pct"]:
        return "Medium"
    return "Low"


def rank_pareto_partition(part: pd.DataFrame, settings: Mapping[str, float]) -> pd.DataFrame:
    """Rank, shares and grades of the namespaces of one (date, cluster_type)."""
    out = part.sort_values(
        ["total_waste_core_hours", "namespace"], ascending=[False, True], kind="mergesort"
    ).copy()
    waste = out["total_waste_core_hours"].to_numpy(dtype=np.float64)
    running = np.cumsum(waste)
    before = np.concatenate([[0.0], running[:-1]])
    total = float(running[-1]) if waste.size else 0.0
    out["waste_rank"] = np.arange(1, len(out) + 1, dtype=np.int64)
    if total == 0:
        zeros = np.zeros(len(out))
        out["waste_share_pct"], out["waste_cumsum_pct"], out["waste_cumsum_before_pct"] = (
            zeros,
            zeros,
            zeros,
        )
    else:
        out["waste_share_pct"] = 100 * waste / total
        out["waste_cumsum_pct"] = 100 * running / total
        out["waste_cumsum_before_pct"] = 100 * before / total
    out["grade"] = [
        pareto_grade(w, b, settings)
        for w, b in zip(waste, out["waste_cumsum_before_pct"], strict=True)
    ]
    return out


def build_pareto_ns(
    daily: pd.DataFrame, settings: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """pareto_ns: namespace waste ranking per (date, cluster_type)."""
    settings = resolve_vars(settings)
    base = (
        daily.groupby(list(NS_KEY), sort=True, dropna=False)
        .agg(
            total_waste_core_hours=("cpu_waste_core_hours", "sum"),
            minutes_running_sum=("minutes_running", "sum"),
            container_cnt=("pod", "size"),
            total_allocated_core_hours=("cpu_allocated_core_hours", "sum"),
        )
        .reset_index()
    )
    parts = [
        rank_pareto_partition(part, settings)
        for _, part in base.groupby(["date", "cluster_type"], sort=True, dropna=False)
    ]
    if not parts:
        return pd.DataFrame(columns=list(PARETO_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    out["minutes_running_sum"] = out["minutes_running_sum"].astype(np.int64)
    out["container_cnt"] = out["container_cnt"].astype(np.int64)
    return out[list(PARETO_COLUMNS)]


# --- governance marts -------------------------------------------------------------------------


def build_gov_risk_oom(daily: pd.DataFrame) -> pd.DataFrame:
    """gov_risk_oom: OOM / shortage rows with a recommendation."""
    mask = daily["status"].isin([STATUS_OOM, STATUS_SHORTAGE]) | (daily["oom_strike_sum"] > 0)
    out = daily[mask].copy()
    out["recommendation"] = np.where(out["is_oom_killed"], RECOMMEND_MEMORY, RECOMMEND_CPU)
    return out.reset_index(drop=True)


def build_gov_waste_candidates(
    daily: pd.DataFrame, settings: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """gov_waste_candidates: over-allocated rows wasting more than the var, ranked per cluster."""
    settings = resolve_vars(settings)
    mask = (daily["status"] == STATUS_OVER) & (
        daily["cpu_waste_core_hours"] > settings["gov_waste_min_core_hours"]
    )
    out = daily[mask].sort_values(
        ["date", "cluster_type", "cpu_waste_core_hours", "namespace", "pod", "container", "node"],
        ascending=[True, True, False, True, True, True, True],
        kind="mergesort",
    )
    out = out.copy()
    out["waste_rank"] = (out.groupby(["date", "cluster_type"]).cumcount() + 1).astype(np.int64)
    return out.reset_index(drop=True)


def build_gov_violations(daily: pd.DataFrame) -> pd.DataFrame:
    """gov_violations: rows without a request or a limit."""
    return daily[daily["has_no_request"] | daily["has_no_limit"]].reset_index(drop=True)
