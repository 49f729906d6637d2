"""Read the dbt reporting tables (schema `reporting`) and the marts the report shows for one
cluster. Their columns are dbt contracts (models/marts/**/_*.yml, exposures in
models/marts/reporting/_reporting.yml): a renamed or dropped column fails `dbt build`, so this
module reads them by name without checking their layout."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from kube_finops.report.errors import ReportError

log = logging.getLogger(__name__)

REPORTING_SCHEMA = "reporting"
MARTS_SCHEMA = "marts"

# table -> ORDER BY used when reading one cluster's rows (the tables carry the ranks)
CLUSTER_TABLES: dict[str, str] = {
    "rpt_cluster_kpis": "cluster_type",
    "rpt_ns_pareto": "waste_rank",
    "rpt_ns_daily": "date, score_rank",
    "rpt_daily_trend": "date",
    "rpt_workload_summary": "cpu_waste_rank",
    "rpt_workload_daily": "workload_type, date",
    "rpt_status_counts": "status",
    "rpt_workload_status": "workload_type, status",
    "rpt_workload_distribution": "metric, workload_type",
    "rpt_risk_containers": "risk_rank",
    "rpt_violations": "violation_rank",
    "rpt_ns_risk": "risk_rank",
    "rpt_ns_trend_band": "trend_rank, date",
    "rpt_capacity_forecast": "metric, series desc, date",
    "rpt_tenants": "cost_rank",
    "rpt_capacity_layers": "date",
    "rpt_quota_fit": "quota_rank",
    "rpt_quota_overcommit": "date",
    "rpt_namespace_lifecycle": "lifecycle_rank",
}
# tables of no cluster (every cluster's report shows all their rows) -> ORDER BY
GLOBAL_TABLES: dict[str, str] = {
    "rpt_bucket_lifecycle": "bucket_rank",
}
# rows of rpt_container_days the sheets and distribution charts need
CPU_SHEET_FILTER = "is_cpu_top_waste"
MEM_SHEET_FILTER = "is_mem_top_waste"

RIGHTSIZING_COLUMNS = (
    "severity",
    "recommendation_type",
    "namespace",
    "workload_kind",
    "workload",
    "container",
    "current_cpu_request",
    "recommended_cpu_request",
    "current_cpu_limit",
    "recommended_cpu_limit",
    "current_mem_request_gb",
    "recommended_mem_request_gb",
    "current_mem_limit_gb",
    "recommended_mem_limit_gb",
    "days_observed",
    "cpu_usage_p95",
    "cpu_throttled_max",
    "mem_usage_p95_gb",
    "mem_rss_max_gb",
    "oom_count",
    "monthly_cost_delta",
    "currency",
    "message",
    "kubectl_command",
)
SEVERITY_ORDER = (
    "case severity when 'critical' then 1 when 'warning' then 2 when 'ok' then 3 else 4 end"
)


@dataclass(frozen=True)
class Rules:
    """The thresholds, bands, weights and month length the build used: the effective dbt vars,
    as rpt_window holds them (the report never restates a dbt default)."""

    status_shortage_cores: float
    status_throttle_ratio: float
    status_cpu_waste_core_hours: float
    status_pv_waste_gb_hours: float
    usage_score_weight_cpu: float
    usage_score_weight_mem: float
    usage_score_weight_pv: float
    pareto_critical_below_pct: float
    pareto_high_below_pct: float
    pareto_medium_below_pct: float
    report_top_waste_share: float
    hours_per_month: float
    lookback_days: int
    rightsizing_throttle_ratio: float
    dormant_days: int
    dormant_cpu_epsilon_cores: float
    quota_almost_full_ratio: float
    quota_oversized_ratio: float
    quota_headroom: float
    quota_overcommit_ratio: float
    ttl_warning_days: int
    ttl_grace_days: int
    bucket_expire_days: int
    shared_cost_split: str
    idle_cost: str

    @classmethod
    def of(cls, values: Sequence[Any]) -> Rules:
        """From rpt_window's values in field order (as column_list() selects them)."""
        kinds = {"int": int, "str": str}
        return cls(
            **{
                f.name: kinds.get(str(f.type), float)(v)
                for f, v in zip(fields(cls), values, strict=True)
            }
        )

    @staticmethod
    def column_list() -> str:
        return ", ".join(f.name for f in fields(Rules))

    def throttle_rule(self) -> str:
        """When a container-day counts as a throttling risk."""
        return f"> {percent(self.status_throttle_ratio)} of CFS periods throttled"

    def pareto_bands(self) -> str:
        """The Pareto grade bands on the cumulative share of the namespaces ranked above."""
        return (
            f"< {number(self.pareto_critical_below_pct)}% Critical, "
            f"< {number(self.pareto_high_below_pct)}% High, "
            f"< {number(self.pareto_medium_below_pct)}% Medium, else Low"
        )

    def quota_rules(self) -> str:
        """How quota_fit judges a quota."""
        return (
            f"exceeded: used above hard on a snapshot; almost full: used / hard >= "
            f"{percent(self.quota_almost_full_ratio)}; oversized: used / hard < "
            f"{percent(self.quota_oversized_ratio)} on every day of the last {self.lookback_days} "
            f"days; recommended hard = max used x {number(self.quota_headroom)}"
        )

    def lifecycle_rules(self) -> str:
        """How gov_namespace_lifecycle and gov_bucket_lifecycle choose their rows."""
        return (
            f"expiring: TTL within {self.ttl_warning_days} days; expired namespaces are deleted "
            f"{self.ttl_grace_days} days after their TTL; buckets of owners with no active "
            f"namespace get an expiry rule of {self.bucket_expire_days} days"
        )

    def chargeback_rules(self) -> str:
        """How tenant_cost_daily spreads shared and idle cost."""
        shared = (
            "in proportion to allocated cost"
            if self.shared_cost_split == "weighted"
            else "evenly over the tenants"
        )
        idle = (
            "kept on the __idle__ row"
            if self.idle_cost == "keep"
            else "spread like the shared cost"
        )
        return f"shared namespaces' cost split {shared}; idle capacity {idle}"

    def score_formula(self) -> str:
        """final_usage_score of ns_usage_daily."""
        return (
            f"Score = CPU core-h x {number(self.usage_score_weight_cpu)} + memory GiB-h x "
            f"{number(self.usage_score_weight_mem)} + PV GiB-h x "
            f"{number(self.usage_score_weight_pv)}"
        )


def percent(ratio: float) -> str:
    """A ratio as a percentage for text: 0.2 -> '20%', 0.125 -> '12.5%'."""
    return f"{100 * ratio:g}%"


def number(value: float) -> str:
    """A var for text without a spurious '.0': 730.0 -> '730', 0.11 -> '0.11'."""
    return f"{value:g}"


@dataclass(frozen=True)
class Window:
    """The window the reporting tables were built for (inclusive report-timezone dates) and the
    rules they were built with."""

    start: date
    end: date
    timezone: str
    days: int
    rules: Rules

    def label(self) -> str:
        return f"{self.start.isoformat()} .. {self.end.isoformat()} ({self.timezone})"

    def month(self) -> str:
        """What 'per month' means in every amount the report shows."""
        return f"a month is {number(self.rules.hours_per_month)} hours"


@dataclass
class ClusterData:
    """Everything one cluster's charts, workbook and digest show."""

    cluster: str
    window: Window
    kpis: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    cpu_rows: pd.DataFrame
    mem_rows: pd.DataFrame
    container_days: pd.DataFrame
    rightsizing: pd.DataFrame
    dormant: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


class ReportStore:
    """A read-only connection to the DuckDB file the marts were built in."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise ReportError(
                f"DuckDB file {path} does not exist: build the marts first (make build)"
            )
        self.path = path
        self.con = duckdb.connect(str(path), read_only=True)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ReportStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def relation_exists(self, schema: str, name: str) -> bool:
        row = self.con.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()
        return bool(row and row[0])

    def window(self) -> Window:
        if not self.relation_exists(REPORTING_SCHEMA, "rpt_window"):
            raise ReportError(
                f"{self.path} has no table {REPORTING_SCHEMA}.rpt_window: build the report tables "
                "first (make report, or dbt build --select +path:models/marts/reporting)"
            )
        row = self.con.execute(
            f"select window_start_date, window_end_date, report_timezone, window_days, "
            f"{Rules.column_list()} from {REPORTING_SCHEMA}.rpt_window"
        ).fetchone()
        if row is None:
            raise ReportError(f"{REPORTING_SCHEMA}.rpt_window is empty")
        start, end, timezone, days, *values = row
        return Window(
            start=start, end=end, timezone=str(timezone), days=int(days), rules=Rules.of(values)
        )

    def clusters(self) -> list[str]:
        rows = self.con.execute(
            f"select cluster_type from {REPORTING_SCHEMA}.rpt_cluster_kpis order by cluster_type"
        ).fetchall()
        return [r[0] for r in rows]

    def _cluster_frame(
        self, table: str, cluster: str, order_by: str, where: str = ""
    ) -> pd.DataFrame:
        condition = f" and {where}" if where else ""
        return self.con.execute(
            f"select * from {REPORTING_SCHEMA}.{table} where cluster_type = ?{condition} "
            f"order by {order_by}",
            [cluster],
        ).df()

    def load_cluster(self, cluster: str, window: Window) -> ClusterData:
        """All reporting rows of one cluster (the big tables only as far as the report shows)."""
        tables = {
            name: self._cluster_frame(name, cluster, order_by)
            for name, order_by in CLUSTER_TABLES.items()
        }
        kpi_rows = tables["rpt_cluster_kpis"].to_dict("records")
        kpis: dict[str, Any] = kpi_rows[0] if kpi_rows else {"cluster_type": cluster}
        cpu_rows = self._cluster_frame(
            "rpt_container_days", cluster, "cpu_waste_rank", CPU_SHEET_FILTER
        )
        mem_rows = self._cluster_frame(
            "rpt_container_days", cluster, "mem_waste_rank", MEM_SHEET_FILTER
        )
        container_days = self.con.execute(
            f"select workload_type, status, cpu_util_pct, cpu_waste_core_hours, mem_waste_gb_hours "
            f"from {REPORTING_SCHEMA}.rpt_container_days where cluster_type = ? "
            f"order by cpu_waste_rank",
            [cluster],
        ).df()
        for name, order_by in GLOBAL_TABLES.items():
            tables[name] = self.con.execute(
                f"select * from {REPORTING_SCHEMA}.{name} order by {order_by}"
            ).df()
        return ClusterData(
            cluster=cluster,
            window=window,
            kpis=kpis,
            tables=tables,
            cpu_rows=cpu_rows,
            mem_rows=mem_rows,
            container_days=container_days,
            rightsizing=self._rightsizing(cluster, window),
            dormant=self._dormant(cluster),
        )

    def _dormant(self, cluster: str) -> pd.DataFrame:
        """dormant_namespaces of the cluster, costliest first."""
        return self.con.execute(
            f"select * from {MARTS_SCHEMA}.dormant_namespaces where cluster_type = ? "
            "order by held_cost_per_month desc nulls last, namespace",
            [cluster],
        ).df()

    def _rightsizing(self, cluster: str, window: Window) -> pd.DataFrame:
        """rightsizing_recommendations of this window, most severe first."""
        return self.con.execute(
            f"select {', '.join(RIGHTSIZING_COLUMNS)} "
            f"from {MARTS_SCHEMA}.rightsizing_recommendations "
            "where cluster_type = ? and window_end_date = ? "
            f"order by {SEVERITY_ORDER}, monthly_cost_delta, namespace, workload, container",
            [cluster, window.end],
        ).df()
