"""Read the dbt reporting tables (schema `reporting`) and the optional marts for one cluster."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
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
class Window:
    """The window the reporting tables were built for (inclusive report-timezone dates)."""

    start: date
    end: date
    timezone: str
    days: int

    def label(self) -> str:
        return f"{self.start.isoformat()} .. {self.end.isoformat()} ({self.timezone})"


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
    rightsizing: pd.DataFrame | None = None
    rightsizing_note: str = ""
    dormant: pd.DataFrame | None = None
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

    def columns(self, schema: str, name: str) -> list[str]:
        rows = self.con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
        return [r[0] for r in rows]

    def window(self) -> Window:
        if not self.relation_exists(REPORTING_SCHEMA, "rpt_window"):
            raise ReportError(
                f"{self.path} has no table {REPORTING_SCHEMA}.rpt_window: build the report tables "
                "first (make report, or dbt build --select +path:models/marts/reporting)"
            )
        row = self.con.execute(
            f"select window_start_date, window_end_date, report_timezone, window_days "
            f"from {REPORTING_SCHEMA}.rpt_window"
        ).fetchone()
        if row is None:
            raise ReportError(f"{REPORTING_SCHEMA}.rpt_window is empty")
        return Window(start=row[0], end=row[1], timezone=str(row[2]), days=int(row[3]))

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
        rightsizing, note = self._rightsizing(cluster, window)
        return ClusterData(
            cluster=cluster,
            window=window,
            kpis=kpis,
            tables=tables,
            cpu_rows=cpu_rows,
            mem_rows=mem_rows,
            container_days=container_days,
            rightsizing=rightsizing,
            rightsizing_note=note,
            dormant=self._dormant(cluster),
        )

    def _dormant(self, cluster: str) -> pd.DataFrame | None:
        """dormant_namespaces of the cluster when that mart exists (SPEC §13), costliest first."""
        name = "dormant_namespaces"
        if not self.relation_exists(MARTS_SCHEMA, name):
            return None
        return self.con.execute(
            f"select * from {MARTS_SCHEMA}.{name} where cluster_type = ? "
            "order by held_cost_per_month desc nulls last, namespace",
            [cluster],
        ).df()

    def _rightsizing(self, cluster: str, window: Window) -> tuple[pd.DataFrame | None, str]:
        """rightsizing_recommendations of this window when that mart exists (SPEC §8)."""
        name = "rightsizing_recommendations"
        if not self.relation_exists(MARTS_SCHEMA, name):
            return None, f"Right-sizing recommendations are not built yet ({MARTS_SCHEMA}.{name})."
        present = self.columns(MARTS_SCHEMA, name)
        wanted = [c for c in RIGHTSIZING_COLUMNS if c in present]
        if "cluster_type" not in present or not wanted:
            return None, f"{MARTS_SCHEMA}.{name} has an unexpected layout; not shown."
        condition = ""
        params: list[Any] = [cluster]
        if "window_end_date" in present:
            condition = " and cast(window_end_date as date) = ?"
            params.append(window.end)
        order = SEVERITY_ORDER if "severity" in present else "1"
        if "monthly_cost_delta" in present:
            order += ", monthly_cost_delta"
        order += ", " + ", ".join(c for c in ("namespace", "workload", "container") if c in present)
        frame = self.con.execute(
            f"select {', '.join(wanted)} from {MARTS_SCHEMA}.{name} "
            f"where cluster_type = ?{condition} order by {order}",
            params,
        ).df()
        if frame.empty:
            return (
                frame,
                f"No right-sizing recommendation for the lookback window ending {window.end}.",
            )
        return frame, ""
