"""Right-sizing, cost and energy end to end (issue 5, "Done when"): a hand-made raw lake with
four workloads over seven KST days, built with the real dbt project, checked to the cent.

- `order-api` Deployment (2 replicas) requests 8 cores and uses a flat 0.8: over-allocated, set
  the request to 0.8 x 1.25 = 1 core, limit 8 kept.
- `orders-db` StatefulSet: one OOM kill and RSS 0.9375 GiB > 90% of its 1 GiB limit: shortage,
  memory limit max(1 x 1.3, 0.9375 x 1.2) = 1.3 GiB (1332Mi).
- `nightly-report` CronJob (a new Job every night, 1 hour) with no requests or limits:
  missing_settings, requests = mean usage (250m, 512Mi), limits 500m and P95 x 1.2 = 615Mi.
- `web` Deployment, right-sized (60% CPU, 70% memory): no recommendation; it has Kepler joules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import DbtRun
from kube_finops.lake.contract import partition
from kube_finops.lake.writer import write_hour_file

pytestmark = pytest.mark.slow

GIB = 2.0**30
DAYS = 7
FIRST_DAY_UTC = datetime(2026, 6, 30, 15, tzinfo=UTC)  # 2026-07-01 00:00 KST
# the default prices and rates (seed resource_prices `*` row and the dbt vars)
CPU_PRICE, MEM_PRICE, PV_PRICE = 0.031611, 0.004237, 0.0000548
IDLE_W, DYNAMIC_W, PUE, ELECTRICITY, CARBON, CARBON_PRICE = 0.74, 2.76, 1.3, 0.12, 0.45, 0.05
HOURS_PER_MONTH = 730


@dataclass
class Container:
    namespace: str
    pod: str
    container: str
    cpu_request: float | None
    cpu_limit: float | None
    cpu_usage: float
    mem_request: float | None  # GiB
    mem_limit: float | None  # GiB
    mem_usage: float  # GiB
    mem_rss: float  # GiB
    pv_capacity: float = 0.0  # GiB
    pv_used: float = 0.0  # GiB
    joules_per_minute: float | None = None
    oom_minutes: set[datetime] = field(default_factory=set)

    def row(self, ts: datetime) -> dict[str, object]:
        def gib(value: float | None) -> float | None:
            return None if value is None else value * GIB

        return {
            "timestamp": ts,
            "cluster": "compute",
            "node": "cmp-w-001",
            "namespace": self.namespace,
            "pod": self.pod,
            "container": self.container,
            "cpu_request": self.cpu_request,
            "cpu_limit": self.cpu_limit,
            "cpu_usage": self.cpu_usage,
            "cpu_throttled": 0.0,
            "mem_request": gib(self.mem_request),
            "mem_limit": gib(self.mem_limit),
            "mem_usage": gib(self.mem_usage),
            "mem_rss": gib(self.mem_rss),
            "oom_event": 1.0 if ts in self.oom_minutes else 0.0,
            "pv_capacity": gib(self.pv_capacity),
            "pv_used": gib(self.pv_used),
            "energy_joules": self.joules_per_minute,
        }


def api(pod: str) -> Container:
    return Container("production-order", pod, "app", 8.0, 8.0, 0.8, 2.0, 4.0, 1.5, 1.0)


OOM_AT = FIRST_DAY_UTC + timedelta(days=2, hours=5, minutes=17)
ALWAYS_ON = [
    api("order-api-5d8f7c9b4-x7k2p"),
    api("order-api-5d8f7c9b4-b2c4d"),
    # namespace, pod, container, CPU request/limit/usage, memory request/limit/usage/RSS (GiB)
    Container(
        *("data-team", "orders-db-0", "postgres", 1.0, 2.0, 0.5, 1.0, 1.0, 0.75, 0.9375),
        pv_capacity=10.0,
        pv_used=5.0,
        oom_minutes={OOM_AT},
    ),
    Container(
        *("frontend", "web-7c9b4d8f5g-b2c4d", "nginx", 1.0, 2.0, 0.6, 1.0, 2.0, 0.7, 0.5),
        joules_per_minute=60.0,
    ),
]


def report_job(day: int) -> Container:
    """The night's Job pod: a new scheduled-minute name every day, no requests or limits."""
    return Container(
        "batch", f"nightly-report-{29184480 + 1440 * day}-x7k2p", "report",
        None, None, 0.25, None, None, 0.5, 0.25,
    )  # fmt: skip


def write_lake(raw: Path) -> None:
    for hour in range(24 * DAYS):
        hour_start = FIRST_DAY_UTC + timedelta(hours=hour)
        day, local_hour = divmod(hour, 24)
        running = list(ALWAYS_ON)
        if local_hour == 2:  # 02:00-02:59 KST
            running.append(report_job(day))
        rows = [c.row(hour_start + timedelta(minutes=m)) for c in running for m in range(60)]
        table = pa.Table.from_pylist(rows)
        table = table.set_column(
            0, "timestamp", pa.array([r["timestamp"] for r in rows], pa.timestamp("us", tz="UTC"))
        )
        write_hour_file(raw / partition(hour_start), table, table.schema)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work = tmp_path_factory.mktemp("rightsizing")
    raw = work / "lake" / "raw"
    write_lake(raw)
    run = DbtRun(work / "finops.duckdb", work)
    run(
        "build",
        dbt_vars={"start_date": "2026-07-01", "end_date": "2026-07-07", "raw_path": str(raw)},
    )
    return run


def cents(value: float) -> float:
    return round(value + 0.0, 2)


def test_exactly_the_prescribed_recommendations(built: DbtRun) -> None:
    rows = built.frame(
        "select * from marts.rightsizing_recommendations order by namespace, workload"
    )
    assert list(zip(rows.namespace, rows.workload_kind, rows.workload, strict=True)) == [
        ("batch", "cronjob", "nightly-report"),
        ("data-team", "statefulset", "orders-db"),
        ("production-order", "deployment", "order-api"),
    ]
    by_workload = {r.workload: r for r in rows.itertuples()}

    api_row = by_workload["order-api"]
    assert api_row.recommendation_type == "over_allocated"
    assert api_row.cpu_rule == "over_allocated" and api_row.mem_rule is None
    assert (api_row.days_observed, api_row.cpu_over_days, api_row.replicas_max) == (7, 7, 2)
    assert api_row.cpu_usage_p95 == pytest.approx(0.8)
    assert api_row.recommended_cpu_request == pytest.approx(1.0)
    assert api_row.recommended_cpu_limit == 8.0
    assert api_row.severity == "critical"
    # (1 - 8) cores x 48 replica-hours a day, priced, times 730 / 24 days a month
    assert api_row.cpu_core_hours_delta_per_day == pytest.approx(-336.0)
    assert cents(api_row.monthly_cost_delta) == cents(-336 * CPU_PRICE * HOURS_PER_MONTH / 24)
    assert api_row.kubectl_command == (
        "kubectl -n production-order set resources deployment/order-api -c app"
        " --requests=cpu=1,memory=2Gi --limits=cpu=8,memory=4Gi"
    )
    assert api_row.message.startswith(
        "order-api (deployment) container app in production-order: requests 8 CPU but P95 is "
        "0.80 cores (mean 0.80) on 7 of 7 days; set requests cpu=1"
    )
    assert api_row.message.endswith("(saves 323.06 USD/month).")

    db = by_workload["orders-db"]
    assert (db.recommendation_type, db.cpu_rule, db.mem_rule) == ("shortage", None, "shortage")
    assert db.oom_count == 1 and db.mem_rss_max_gb == 0.9375
    assert db.recommended_mem_limit_gb == pytest.approx(1.3)
    assert db.recommended_mem_request_gb == 1.0 and db.recommended_cpu_request == 1.0
    assert db.severity == "warning" and db.monthly_cost_delta == 0
    assert db.kubectl_command == (
        "kubectl -n data-team set resources statefulset/orders-db -c postgres"
        " --requests=cpu=1,memory=1Gi --limits=cpu=2,memory=1332Mi"
    )

    job = by_workload["nightly-report"]
    assert (job.recommendation_type, job.cpu_rule, job.mem_rule) == (
        "missing_settings",
        "missing_settings",
        "missing_settings",
    )
    assert job.current_cpu_request == 0 and job.current_mem_limit_gb == 0
    assert job.recommended_cpu_request == pytest.approx(0.25)
    assert job.recommended_cpu_limit == pytest.approx(0.5)
    assert job.recommended_mem_request_gb == pytest.approx(0.5)
    assert job.recommended_mem_limit_gb == pytest.approx(0.6)
    assert job.replica_hours_per_day == pytest.approx(1.0)
    expected = (0.25 * CPU_PRICE + 0.5 * MEM_PRICE) * HOURS_PER_MONTH / 24
    assert cents(job.monthly_cost_delta) == cents(expected)
    assert job.kubectl_command == (
        "kubectl -n batch set resources cronjob/nightly-report -c report"
        " --requests=cpu=250m,memory=512Mi --limits=cpu=500m,memory=615Mi"
    )


def expected_alloc(namespace: str) -> tuple[float, float, float]:
    """(cpu core-hours, memory GiB-hours, PV GiB-hours) allocated per day."""
    return {
        "production-order": (2 * 8 * 24.0, 2 * 2 * 24.0, 0.0),
        "data-team": (24.0, 24.0, 240.0),
        "batch": (0.0, 0.0, 0.0),
        "frontend": (24.0, 24.0, 0.0),
    }[namespace]


def test_namespace_costs_to_the_cent(built: DbtRun) -> None:
    rows = built.frame("select * from marts.ns_usage_daily order by date, namespace")
    assert len(rows) == 4 * DAYS
    for r in rows.itertuples():
        cpu, mem, pv = expected_alloc(r.namespace)
        assert (r.cpu_alloc_ch, r.mem_alloc_gh, r.pv_alloc_gh) == pytest.approx((cpu, mem, pv))
        assert cents(r.cpu_alloc_cost) == cents(cpu * CPU_PRICE)
        assert cents(r.mem_alloc_cost) == cents(mem * MEM_PRICE)
        assert cents(r.pv_alloc_cost) == cents(pv * PV_PRICE)
        assert r.alloc_cost == pytest.approx(cpu * CPU_PRICE + mem * MEM_PRICE + pv * PV_PRICE)
        assert r.currency == "USD"
    focus = built.frame(
        'select date, namespace, sum("BilledCost") as billed, count(*) as n'
        " from marts.focus_cost_daily group by all"
    )
    costs = {(r.date, r.namespace): r.alloc_cost for r in rows.itertuples()}
    assert len(focus) == 4 * DAYS and set(focus.n) == {3}
    for r in focus.itertuples():
        assert r.billed == pytest.approx(costs[(r.date, r.namespace)])


def expected_it_kwh(namespace: str) -> tuple[float, str]:
    def model(request: float, mean_usage: float, hours: float) -> float:
        return (IDLE_W * request + DYNAMIC_W * mean_usage) * hours / 1000

    return {
        "production-order": (2 * model(8, 0.8, 24), "model"),
        "data-team": (model(1, 0.5, 24), "model"),
        "batch": (model(0, 0.25, 1), "model"),
        "frontend": (60.0 * 1440 / 3.6e6, "kepler"),
    }[namespace]


def test_energy_and_carbon_to_the_cent(built: DbtRun) -> None:
    rows = built.frame("select * from marts.energy_ns_daily order by date, namespace")
    assert len(rows) == 4 * DAYS
    for r in rows.itertuples():
        it_kwh, source = expected_it_kwh(r.namespace)
        facility = it_kwh * PUE
        assert r.energy_source == source
        assert r.it_kwh == pytest.approx(it_kwh, abs=1e-9)
        assert r.facility_kwh == pytest.approx(facility, abs=1e-9)
        assert cents(r.electricity_cost) == cents(facility * ELECTRICITY)
        assert r.carbon_kg == pytest.approx(facility * CARBON, abs=1e-9)
        assert cents(r.carbon_cost) == cents(facility * CARBON * CARBON_PRICE)


def test_focus_export_writes_the_showback_rows(built: DbtRun, tmp_path: Path) -> None:
    from kube_finops.export_focus import ExportError, export_focus, main

    parquet, csv, rows = export_focus(built.db_path, tmp_path, date(2026, 7, 2), date(2026, 7, 3))
    # 4 namespaces x 3 resources (cpu, memory, storage) x 2 days
    assert rows == 4 * 3 * 2
    table = pq.read_table(parquet)
    assert table.num_rows == rows
    assert all(name[:1].isupper() for name in table.column_names)  # FOCUS columns only
    for column in ("ChargePeriodStart", "BilledCost", "SubAccountId", "Tags", "PricingUnit"):
        assert column in table.column_names
    assert len(csv.read_text().splitlines()) == rows + 1
    expected = sum(
        sum(
            p * q for p, q in zip((CPU_PRICE, MEM_PRICE, PV_PRICE), expected_alloc(ns), strict=True)
        )
        for ns in ("production-order", "data-team", "batch", "frontend")
    )
    assert sum(table.column("BilledCost").to_pylist()) == pytest.approx(2 * expected)

    with pytest.raises(ExportError, match="no such DuckDB file"):
        export_focus(tmp_path / "missing.duckdb", tmp_path)
    assert main(["--duckdb", str(tmp_path / "missing.duckdb"), "--out-dir", str(tmp_path)]) == 2
    assert main(["--duckdb", str(built.db_path), "--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "focus_cost_all_all.parquet").exists()
