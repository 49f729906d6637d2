"""Quota fit, namespace lifecycle and tenant object storage end to end (issue 15, dbt side).

A small lake: sample_data's raw samples (background tenants; its own inventory left out) plus a
second raw file per hour with hand-made namespaces, and inventory snapshots (namespaces, quotas,
nodes, buckets) written in the inventory contract. The window is 2026-07-01 .. 2026-07-03
(Asia/Seoul); every expected number below is worked out by hand from these fixtures.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import REPO, DbtRun
from inventory_lake import write_inventory_hour
from test_dbt_pipeline import write_hour

pytestmark = pytest.mark.slow

GIB = 2.0**30
MIB = 2.0**20
# KST 2026-07-01 00:00 .. 2026-07-04 00:00 in UTC hours
FIRST_HOUR = datetime(2026, 6, 30, 15, tzinfo=UTC)
HOURS = 72
# (namespace, cpu request cores, cpu usage cores, memory request bytes)
CONTAINERS = [
    ("alice-old", 2.0, 0.5, 4 * GIB),
    ("bob-sandbox", 1.0, 0.001, GIB),
    ("carol-dev", 0.5, 0.3, GIB),
    ("dave-dev", 1.0, 0.8, GIB),
]
# namespace -> (owner label, TTL annotation or None)
NAMESPACES = {
    "alice-old": ("alice", "2026-07-02"),  # passed yesterday
    "bob-sandbox": ("bob", None),  # dormant: 0.001 cores used every day
    "carol-dev": ("carol", "someday"),
    "dave-dev": ("dave", "2026-12-31"),
    "frank-tmp": ("frank", "2026-07-10"),  # end_date + 7: still expiring
    "gina-tmp": ("gina", "2026-07-11"),  # end_date + 8: nothing to do
    "henry-today": ("henry", "2026-07-03"),  # TTL on end_date: expiring, not expired
    "ivan-leap": ("ivan", "2026-02-30"),  # not a calendar date
}
BUCKETS = {  # bucket -> bytes
    "bob-data": 10 * GIB,
    "alice-data": GIB,
    "dave-data": 5 * GIB,
    "erin-data": 2 * GIB,
    "scratch": 3 * GIB,
}


def tenant_hour(hour_start: datetime) -> pa.Table:
    """One container per hand-made namespace, sampled every minute of the hour."""
    minutes = [hour_start + timedelta(minutes=m) for m in range(60)]
    columns: dict[str, list] = {
        "timestamp": [],
        "node": [],
        "namespace": [],
        "pod": [],
        "container": [],
        "cpu_request": [],
        "cpu_limit": [],
        "cpu_usage": [],
        "mem_request": [],
        "mem_limit": [],
        "mem_usage": [],
    }
    for namespace, cpu_request, cpu_usage, mem_request in CONTAINERS:
        for minute in minutes:
            columns["timestamp"].append(minute)
            columns["node"].append("cmp-w-001")
            columns["namespace"].append(namespace)
            columns["pod"].append(f"{namespace}-0")
            columns["container"].append("app")
            columns["cpu_request"].append(cpu_request)
            columns["cpu_limit"].append(cpu_request)
            columns["cpu_usage"].append(cpu_usage)
            columns["mem_request"].append(mem_request)
            columns["mem_limit"].append(mem_request)
            columns["mem_usage"].append(mem_request / 4)
    table = pa.table(columns)
    return table.set_column(0, "timestamp", table["timestamp"].cast(pa.timestamp("us", tz="UTC")))


def quota_rows(step: int, last_step: int) -> list[dict[str, object]]:
    """Quota snapshot `step` of the window (0 .. last_step)."""
    cpu_used = [0.4, 1.0, 0.6][step % 3]  # dave's requests.cpu: at most 25% of 4 cores
    rows = [
        ("dave-dev", "requests.cpu", 4.0, cpu_used),
        ("dave-dev", "requests.memory", 8 * GIB, 7782 * MIB),  # 95%
        ("dave-dev", "pods", 5.0, 2.0),
        # 30% exactly on the last snapshot: not under 30% on every day
        ("dave-dev", "limits.cpu", 4.0, 1.2 if step == last_step else 0.4),
        ("alice-old", "requests.cpu", 2.0, 2.0),
        ("bob-sandbox", "requests.cpu", 8.0, 1.0),
        ("carol-dev", "pods", 5.0, 6.0),
    ]
    return [
        {
            "cluster": "compute",
            "namespace": namespace,
            "resourcequota": "compute-quota",
            "resource": resource,
            "hard": hard,
            "used": used,
        }
        for namespace, resource, hard, used in rows
    ]


def write_lake(lake: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kube_finops.sample_data",
            "--lake",
            str(lake),
            "--start-date",
            "2026-07-01",
            "--days",
            "3",
            "--scale",
            "demo",
            "--namespaces",
            "2",
            "--pods-per-namespace",
            "1",
            "--no-inventory",
            "--no-progress",
        ],
        check=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "scripts"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
    )
    snapshot_hours = range(0, HOURS, 3)
    last_step = len(snapshot_hours) - 1
    for step, h in enumerate(snapshot_hours):
        hour_start = FIRST_HOUR + timedelta(hours=h)
        write_hour(lake / "raw", hour_start, tenant_hour(hour_start), name="part-0001")
        write_inventory_hour(
            lake,
            "namespaces",
            hour_start,
            [
                {
                    "cluster": "compute",
                    "namespace": namespace,
                    "labels": {"governance_io_tenant_owner": owner},
                    "annotations": {"governance_io_ttl_expire_date": ttl} if ttl else {},
                }
                for namespace, (owner, ttl) in NAMESPACES.items()
            ],
        )
        write_inventory_hour(lake, "quotas", hour_start, quota_rows(step, last_step))
        write_inventory_hour(
            lake,
            "nodes",
            hour_start,
            [
                {"cluster": "compute", "node": "cmp-w-001", "resource": "cpu", "allocatable": 8.0},
                {
                    "cluster": "compute",
                    "node": "cmp-w-001",
                    "resource": "memory",
                    "allocatable": 32 * GIB,
                },
            ],
        )
        write_inventory_hour(
            lake,
            "buckets",
            hour_start,
            [
                {"bucket": bucket, "usage_bytes": size, "objects": 100.0, "quota_bytes": None}
                for bucket, size in BUCKETS.items()
            ],
        )
    # the remaining hours of the raw window get the hand-made containers too
    for h in range(HOURS):
        if h % 3:
            hour_start = FIRST_HOUR + timedelta(hours=h)
            write_hour(lake / "raw", hour_start, tenant_hour(hour_start), name="part-0001")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work = tmp_path_factory.mktemp("lifecycle")
    lake = work / "lake"
    write_lake(lake)
    run = DbtRun(work / "finops.duckdb", work)
    run(
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--indirect-selection",
        "cautious",
        "--select",
        "+quota_fit +quota_overcommit_daily +gov_namespace_lifecycle +gov_bucket_lifecycle "
        "+tenant_storage_daily +tenant_cost_daily",
        dbt_vars={
            "start_date": "2026-07-01",
            "end_date": "2026-07-03",
            "raw_path": str(lake / "raw"),
            "lookback_days": 3,
            "dormant_days": 3,
        },
    )
    return run


def test_quota_fit_statuses_and_recommendations(built: DbtRun) -> None:
    rows = built.query(
        "select namespace, resource, status, hard, used_max, recommended_hard, "
        "recommended_hard_quantity, command from marts.quota_fit "
        "where namespace in ('alice-old', 'bob-sandbox', 'carol-dev', 'dave-dev') "
        "order by namespace, resource"
    )
    patch = "kubectl -n {} patch resourcequota compute-quota --type merge -p "
    assert rows == [
        (
            "alice-old",
            "requests.cpu",
            "almost_full",
            2.0,
            2.0,
            2.5,
            "2500m",
            patch.format("alice-old") + """'{"spec":{"hard":{"requests.cpu":"2500m"}}}'""",
        ),
        (
            "bob-sandbox",
            "requests.cpu",
            "oversized",
            8.0,
            1.0,
            1.25,
            "1250m",
            patch.format("bob-sandbox") + """'{"spec":{"hard":{"requests.cpu":"1250m"}}}'""",
        ),
        # 6 pods x 1.25 = 7.5, rounded up to 8
        (
            "carol-dev",
            "pods",
            "exceeded",
            5.0,
            6.0,
            8.0,
            "8",
            patch.format("carol-dev") + """'{"spec":{"hard":{"pods":"8"}}}'""",
        ),
        # 30% on the last day: not under 30% on every day
        ("dave-dev", "limits.cpu", "fit", 4.0, 1.2, 1.5, "1500m", None),
        ("dave-dev", "pods", "fit", 5.0, 2.0, 3.0, "3", None),
        # at most 1 core of 4 on every day: 1 x 1.25 = 1250m
        (
            "dave-dev",
            "requests.cpu",
            "oversized",
            4.0,
            1.0,
            1.25,
            "1250m",
            patch.format("dave-dev") + """'{"spec":{"hard":{"requests.cpu":"1250m"}}}'""",
        ),
        # 7782 MiB of 8 GiB = 95%; 7782 x 1.25 = 9727.5 -> 9728 MiB
        (
            "dave-dev",
            "requests.memory",
            "almost_full",
            8 * GIB,
            7782 * MIB,
            9728 * MIB,
            "9728Mi",
            patch.format("dave-dev") + """'{"spec":{"hard":{"requests.memory":"9728Mi"}}}'""",
        ),
    ]
    # the namespace's own containers beside its quota: 1 core requested, 0.8 used
    assert built.query(
        "select distinct ns_cpu_request_cores, ns_cpu_usage_p95_cores, ns_mem_request_gb "
        "from marts.quota_fit where namespace = 'dave-dev'"
    ) == [(1.0, 0.8, 1.0)]


def test_quota_overcommit_per_cluster(built: DbtRun) -> None:
    # requests.cpu hard 4 + 2 + 8 = 14 cores on 8 allocatable; memory 8 GiB on 32
    assert built.query(
        "select date::varchar, cpu_hard_requests_cores, cpu_allocatable_cores, "
        "cpu_quota_overcommit_ratio, cpu_quota_overcommitted, mem_quota_overcommit_ratio, "
        "mem_quota_overcommitted from marts.quota_overcommit_daily "
        "where cluster_type = 'COMPUTE' order by date"
    ) == [
        (day, 14.0, 8.0, 1.75, True, 0.25, False)
        for day in ("2026-07-01", "2026-07-02", "2026-07-03")
    ]


def test_namespace_lifecycle(built: DbtRun) -> None:
    rows = built.query(
        "select namespace, owner, lifecycle_status, ttl_expire_date::varchar, ttl_raw, "
        "is_dormant, cpu_request_cores, round(held_cost_per_month, 6), action, command "
        "from marts.gov_namespace_lifecycle where namespace in "
        "('alice-old', 'bob-sandbox', 'carol-dev', 'dave-dev', 'frank-tmp', 'gina-tmp', "
        "'henry-today', 'ivan-leap') order by namespace"
    )
    # alice-old: 2 cores x 0.031611 + 4 GiB x 0.004237 per hour, x 730 hours = 58.5241
    # bob-sandbox: 1 x 0.031611 + 1 x 0.004237 = 0.035848 x 730 = 26.16904; likewise carol
    assert rows == [
        (
            "alice-old",
            "alice",
            "expired",
            "2026-07-02",
            "2026-07-02",
            False,
            2.0,
            58.5241,
            "notify alice; delete after 2026-07-09",
            "kubectl delete namespace alice-old",
        ),
        (
            "bob-sandbox",
            "bob",
            "dormant",
            None,
            None,
            True,
            1.0,
            26.16904,
            "ask bob to delete or scale down: no CPU use since at least 2026-07-01",
            None,
        ),
        (
            "carol-dev",
            "carol",
            "invalid_ttl",
            None,
            "someday",
            False,
            0.5,
            round((0.5 * 0.031611 + 0.004237) * 730, 6),
            "ask carol to fix the TTL annotation 'someday' (a YYYY-MM-DD date): "
            "governance.io/ttl-expire-date",
            None,
        ),
        (
            "frank-tmp",
            "frank",
            "expiring",
            "2026-07-10",
            "2026-07-10",
            False,
            0.0,
            0.0,
            "notify frank: TTL 2026-07-10; extend the TTL or it is deleted after 2026-07-17",
            None,
        ),
        (
            "henry-today",
            "henry",
            "expiring",
            "2026-07-03",
            "2026-07-03",
            False,
            0.0,
            0.0,
            "notify henry: TTL 2026-07-03; extend the TTL or it is deleted after 2026-07-10",
            None,
        ),
        (
            "ivan-leap",
            "ivan",
            "invalid_ttl",
            None,
            "2026-02-30",
            False,
            0.0,
            0.0,
            "ask ivan to fix the TTL annotation '2026-02-30' (a YYYY-MM-DD date): "
            "governance.io/ttl-expire-date",
            None,
        ),
    ]


def test_namespace_lifecycle_shows_the_owners_bucket_bytes(built: DbtRun) -> None:
    assert built.query(
        "select namespace, owner_bucket_bytes from marts.gov_namespace_lifecycle "
        "where namespace in ('alice-old', 'bob-sandbox', 'frank-tmp') order by namespace"
    ) == [("alice-old", GIB), ("bob-sandbox", 10 * GIB), ("frank-tmp", 0.0)]


def test_bucket_lifecycle_and_tenant_storage(built: DbtRun) -> None:
    # bob's only namespace is dormant, alice's expired, erin has none; dave is active and
    # scratch matches no bucket_owners pattern (unassigned): neither is suggested
    assert built.query(
        "select bucket, owner, bytes, round(cost_per_month, 12), owner_namespaces, reason, "
        "suggestion "
        "from marts.gov_bucket_lifecycle order by bucket"
    ) == [
        (
            "alice-data",
            "alice",
            GIB,
            0.023,
            1,
            "every namespace expired or dormant",
            "mc ilm rule add --expire-days 30 minio/alice-data",
        ),
        (
            "bob-data",
            "bob",
            10 * GIB,
            0.23,
            1,
            "every namespace expired or dormant",
            "mc ilm rule add --expire-days 30 minio/bob-data",
        ),
        (
            "erin-data",
            "erin",
            2 * GIB,
            0.046,
            0,
            "no namespace left",
            "mc ilm rule add --expire-days 30 minio/erin-data",
        ),
    ]
    # 10 GiB all day = 240 GiB-hours; 240 / 730 x 0.023 per GiB-month
    assert built.query(
        "select date::varchar, owner, bytes, objects, gib_hours, round(cost, 12), currency "
        "from marts.tenant_storage_daily where bucket in ('bob-data', 'scratch') "
        "order by bucket, date"
    ) == [
        ("2026-07-01", "bob", 10 * GIB, 100.0, 240.0, round(240 / 730 * 0.023, 12), "USD"),
        ("2026-07-02", "bob", 10 * GIB, 100.0, 240.0, round(240 / 730 * 0.023, 12), "USD"),
        ("2026-07-03", "bob", 10 * GIB, 100.0, 240.0, round(240 / 730 * 0.023, 12), "USD"),
        ("2026-07-01", "unassigned", 3 * GIB, 100.0, 72.0, round(72 / 730 * 0.023, 12), "USD"),
        ("2026-07-02", "unassigned", 3 * GIB, 100.0, 72.0, round(72 / 730 * 0.023, 12), "USD"),
        ("2026-07-03", "unassigned", 3 * GIB, 100.0, 72.0, round(72 / 730 * 0.023, 12), "USD"),
    ]


def test_object_storage_cost_in_chargeback(built: DbtRun) -> None:
    # tenant_cost_daily: bob's 10 GiB bucket on its own OBJECT_STORAGE row, 240 / 730 x 0.023,
    # the same money as tenant_storage_daily's cost
    expected = round(240 / 730 * 0.023, 12)
    assert built.query(
        "select date::varchar, namespaces, round(object_storage_cost, 12), round(total_cost, 12) "
        "from marts.tenant_cost_daily where cluster_type = 'OBJECT_STORAGE' and owner = 'bob' "
        "order by date"
    ) == [(day, 0, expected, expected) for day in ("2026-07-01", "2026-07-02", "2026-07-03")]
