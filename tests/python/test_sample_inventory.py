"""The sample lake's inventory snapshots (kube_finops.sample_inventory) agree with its raw samples
and hold the governance mix the marts need."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from kube_finops.lake.contract import HOUR_FILES_GLOB, INVENTORY_KINDS, INVENTORY_SCHEMAS, RAW_DIR
from kube_finops.sample_data import LakeNotEmptyError, generate_lake

START = date(2026, 7, 1)
DEMO = {"namespaces": 60, "pods_per_namespace": 3, "containers_per_pod": 2}
LAST_DAY = "2026-07-02"  # the window is 2026-07-01..02 in Asia/Seoul


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lake")
    summary = generate_lake(path, START, 2, seed=7, progress=False, **DEMO)
    assert summary.files == 48 and summary.inventory_files == 48 * len(INVENTORY_KINDS)
    return path


@pytest.fixture(scope="module")
def con(lake: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"create view raw as select * from read_parquet('{lake}/raw/{HOUR_FILES_GLOB}')")
    for kind in INVENTORY_KINDS:
        glob = f"{lake}/inventory/{kind}/{HOUR_FILES_GLOB}"
        con.execute(f"create view {kind} as select * from read_parquet('{glob}')")
    con.execute(
        "create view owner_of as select namespace, "
        "labels['governance_io_tenant_owner'] as owner, "
        "annotations['governance_io_ttl_expire_date'] as ttl, timestamp from namespaces"
    )
    return con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_every_kind_has_one_file_per_raw_hour_in_the_contract_schema(lake: Path) -> None:
    raw = sorted(
        p.parent.relative_to(lake / RAW_DIR) for p in (lake / RAW_DIR).glob(HOUR_FILES_GLOB)
    )
    for kind in INVENTORY_KINDS:
        files = sorted((lake / "inventory" / kind).glob(HOUR_FILES_GLOB))
        assert [p.parent.relative_to(lake / "inventory" / kind) for p in files] == raw
        assert pq.read_schema(files[0]).equals(INVENTORY_SCHEMAS[kind])


def test_namespaces_nodes_and_pods_are_the_raw_ones(con: duckdb.DuckDBPyConnection) -> None:
    raw_ns = "select distinct namespace, cluster from raw"
    assert rows(con, f"{raw_ns} except select namespace, cluster from namespaces") == []
    assert rows(con, f"select namespace, cluster from namespaces except {raw_ns}") == []
    # a node's cluster is one its samples carry (raw puts a few DaemonSet pods on edge nodes)
    assert rows(con, "select node, cluster from nodes except select node, cluster from raw") == []
    assert rows(con, "select distinct node from raw except select node from nodes") == []
    # every pod with samples in an hour is in that hour's owners, and no other
    hour_pods = (
        "select distinct date_trunc('hour', timestamp) as hour, namespace, pod from raw "
        "except select timestamp, namespace, pod from owners"
    )
    assert rows(con, hour_pods) == []
    assert (
        rows(
            con,
            "select timestamp, namespace, pod from owners except "
            "select distinct date_trunc('hour', timestamp), namespace, pod from raw",
        )
        == []
    )


def test_owner_names_match_the_pod_names(con: duckdb.DuckDBPyConnection) -> None:
    kinds = dict(rows(con, "select owner_kind, count(*) from owners group by 1"))
    assert set(kinds) == {"Deployment", "StatefulSet", "CronJob", "DaemonSet", "Pod"}
    bad = rows(
        con,
        """
        select owner_kind, owner_name, pod from owners where not case owner_kind
            when 'Pod' then pod = owner_name
            when 'StatefulSet' then regexp_full_match(pod, owner_name || '-[0-9]+')
            when 'CronJob' then regexp_full_match(pod, owner_name || '-[0-9]{8}-[a-z0-9]{5}')
            when 'Deployment' then regexp_full_match(pod, owner_name || '-[a-z0-9]{10}-[a-z0-9]{5}')
            else regexp_full_match(pod, owner_name || '-[a-z0-9]{5}') end
        """,
    )
    assert bad == []


def test_nodes_have_idle_allocatable_above_the_busiest_minute(
    con: duckdb.DuckDBPyConnection,
) -> None:
    over = rows(
        con,
        """
        with per_minute as (
            select node, timestamp, sum(coalesce(cpu_request, 0)) as cpu,
                sum(coalesce(mem_request, 0)) as mem
            from raw group by all
        ), peak as (select node, max(cpu) as cpu, max(mem) as mem from per_minute group by 1)
        select peak.node from peak
        join nodes c on c.node = peak.node and c.resource = 'cpu'
        join nodes m on m.node = peak.node and m.resource = 'memory'
        where peak.cpu * 1.25 > c.allocatable + 1e-9 or peak.mem * 1.25 > m.allocatable
            or c.allocatable >= c.capacity
        """,
    )
    assert over == []


def test_governance_mix(con: duckdb.DuckDBPyConnection) -> None:
    last = "timestamp = (select max(timestamp) from namespaces)"
    owners = dict(rows(con, f"select namespace, owner from owner_of where {last}"))
    tenants = [n for n in owners if n.startswith("team-")]
    labelled = [n for n in tenants if owners[n]]
    assert 0.6 <= len(labelled) / len(tenants) <= 0.95 and len(labelled) < len(tenants)
    assert owners["kube-system"] is None and owners["legacy-apps"] is None
    assert owners["monitoring"] == owners["ingress-nginx"] == "platform-team"
    tiers = {
        r[0] for r in rows(con, "select distinct labels['governance_io_tier'] from namespaces")
    }
    assert {"developer", "platform"} <= tiers
    ttl = dict(rows(con, f"select namespace, ttl from owner_of where {last} and ttl is not null"))
    assert sum(v == "someday" for v in ttl.values()) == 1
    dates = {n: v for n, v in ttl.items() if v != "someday"}
    assert any(v < LAST_DAY for v in dates.values())  # passed
    assert any(LAST_DAY < v <= "2026-07-09" for v in dates.values())  # within 7 days
    assert (
        [n for n, o in owners.items() if o == "oscar"]
        == [n for n, o in owners.items() if o == "oscar" and ttl.get(n, "9") < LAST_DAY]
        != []
    )
    assert [n for n, o in owners.items() if o == "mallory"] == ["team-041-sandbox"]
    purposes = rows(
        con, "select count(distinct annotations['governance_io_purpose']) from namespaces"
    )
    assert purposes[0][0] >= 3


def test_one_namespace_gets_its_owner_label_on_the_last_day(con: duckdb.DuckDBPyConnection) -> None:
    late = rows(
        con,
        """
        select namespace, min(timestamp) filter (where owner is not null) as labelled_from,
            min(timestamp) as first_seen
        from owner_of where namespace like 'team-%' group by 1
        having labelled_from > first_seen
        """,
    )
    assert len(late) == 1
    assert late[0][1] == datetime(2026, 7, 1, 15, tzinfo=UTC)  # 2026-07-02 00:00 in Seoul


def test_quota_used_is_what_the_pods_request_at_the_end_of_the_hour(
    con: duckdb.DuckDBPyConnection,
) -> None:
    mismatch = rows(
        con,
        """
        with last_minute as (
            select date_trunc('hour', timestamp) as hour, namespace,
                sum(coalesce(cpu_request, 0)) as cpu, count(distinct pod) as pods
            from raw where minute(timestamp) = 59 group by all
        )
        select q.namespace, q.timestamp, q.used, l.cpu from quotas q
        join last_minute l on l.hour = q.timestamp and l.namespace = q.namespace
        where q.resource = 'requests.cpu' and abs(q.used - round(l.cpu, 3)) > 1e-9
        """,
    )
    assert mismatch == []
    assert rows(con, "select count(distinct resource) from quotas") == [(7,)]
    assert rows(con, "select count(*) from quotas where namespace not like 'team-%'") == [(0,)]


def test_quota_statuses_mix(con: duckdb.DuckDBPyConnection) -> None:
    status = dict(
        rows(
            con,
            """
            with q as (
                select namespace, max(used / hard) as ratio_max, max(used > hard) as exceeded
                from quotas where resource = 'requests.cpu' group by 1
            )
            select case when exceeded then 'exceeded' when ratio_max >= 0.9 then 'almost_full'
                when ratio_max < 0.3 then 'oversized' else 'fit' end as status, count(*)
            from q group by 1
            """,
        )
    )
    assert status["exceeded"] == 1
    assert status["almost_full"] >= 2 and status["oversized"] >= 2 and status["fit"] >= 2


def test_buckets_of_active_dormant_and_expired_owners(con: duckdb.DuckDBPyConnection) -> None:
    buckets = {
        r[0]: r[1:]
        for r in rows(
            con,
            "select bucket, min(usage_bytes), max(usage_bytes), max(usage_bytes > quota_bytes) "
            "from buckets group by 1",
        )
    }
    assert {"oscar-data", "mallory-data", "devops-test"} <= set(buckets)
    assert buckets["oscar-data"][0] == buckets["oscar-data"][1]  # idle owners: no growth
    assert buckets["mallory-data"][0] == buckets["mallory-data"][1]
    assert any(lo < hi for b, (lo, hi, _) in buckets.items() if b.endswith("-data"))
    assert not any(over for _, _, over in buckets.values())  # MinIO enforces quotas


def test_raw_files_do_not_depend_on_the_inventory(tmp_path: Path) -> None:
    def digest(lake: Path) -> str:
        files = sorted((lake / RAW_DIR).glob(HOUR_FILES_GLOB))
        return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()

    small = {"namespaces": 24, "pods_per_namespace": 2, "containers_per_pod": 1}
    generate_lake(tmp_path / "a", START, 1, seed=3, progress=False, **small)
    generate_lake(tmp_path / "b", START, 1, seed=3, progress=False, inventory=False, **small)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert not (tmp_path / "b" / "inventory").exists()
    shutil.rmtree(tmp_path / "a" / RAW_DIR)  # raw is free, the inventory is not
    with pytest.raises(LakeNotEmptyError, match="inventory"):
        generate_lake(tmp_path / "a", START, 1, seed=3, progress=False, **small)
