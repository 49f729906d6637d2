"""Tenants, capacity and chargeback end to end: a small sample lake (raw from the sample data
generator, inventory written here with pyarrow) built by the real dbt project.

Two clusters of facts on 2026-07-01 (KST):
- a labelled inventory: alice owns two team namespaces, bob one; kube-system is the only shared
  namespace. alice's total is checked against a sum worked out here from daily_enriched and the
  price seed (her namespaces' allocated cost and overage plus her allocated-cost-weighted share of
  kube-system's cost), the STORAGE nodes are too small for its requests (idle 0, flagged), and the
  owners inventory renames one workload;
- a cluster whose kube-state-metrics exports no namespace labels or annotations (and no nodes):
  every namespace is seed-mapped or unassigned and inventory_kind_coverage says why.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import REPO, DbtRun
from inventory_lake import write_inventory_hour

DAY = "2026-07-01"
FIRST_HOUR_UTC = datetime(2026, 6, 30, 15, tzinfo=UTC)  # 2026-07-01 00:00 KST
HOURS = 24
GIB = 1024**3
ALICE_NAMESPACES = ("team-001-", "team-002-")
BOB_NAMESPACES = ("team-003-",)
RENAMED_OWNER = "orders-api-v2"
BASE_VARS: dict[str, object] = {"start_date": DAY, "end_date": DAY, "lookback_days": 1}


def generate_raw(lake: Path) -> None:
    """One KST day of raw sample data (no inventory: the tests write their own), 60 namespaces
    (enough to include kube-system), 1 pod each."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kube_finops.sample_data",
            "--lake",
            str(lake),
            "--start-date",
            DAY,
            "--days",
            "1",
            "--namespaces",
            "60",
            "--pods-per-namespace",
            "1",
            "--no-inventory",
            "--no-progress",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "scripts")},
        check=True,
        capture_output=True,
    )


def raw_facts(lake: Path) -> tuple[list[str], dict[str, str | None], list[tuple[str, str]]]:
    """Namespaces, each node's cluster label, and the (namespace, pod) pairs of the raw day."""
    files = str(lake / "raw" / "*" / "*" / "*.parquet")
    with duckdb.connect() as con:
        namespaces = [
            r[0]
            for r in con.execute(f"select distinct namespace from '{files}' order by 1").fetchall()
        ]
        nodes = dict(
            con.execute(f"select node, max(cluster) from '{files}' group by node").fetchall()
        )
        pods = con.execute(
            f"select distinct namespace, pod from '{files}' order by 1, 2"
        ).fetchall()
    return namespaces, nodes, pods


def owner_of(namespace: str) -> str | None:
    if namespace.startswith(ALICE_NAMESPACES):
        return "alice"
    if namespace.startswith(BOB_NAMESPACES):
        return "bob"
    return None


def write_labelled_inventory(lake: Path) -> str:
    """Namespaces with governance labels, nodes (STORAGE too small), owners for one team's pods.
    Returns the namespace whose pods get the owner RENAMED_OWNER."""
    namespaces, nodes, pods = raw_facts(lake)
    renamed_ns = next(ns for ns in namespaces if ns.startswith(BOB_NAMESPACES))
    for hour in range(HOURS):
        ts = FIRST_HOUR_UTC + timedelta(hours=hour)
        ns_rows = []
        for ns in namespaces:
            owner = owner_of(ns)
            labels = {"governance_io_sync_status": "synced"}
            if owner:
                labels |= {"governance_io_tenant_owner": owner, "governance_io_tier": "developer"}
            ns_rows.append(
                {
                    "cluster": None,
                    "namespace": ns,
                    "labels": labels,
                    "annotations": {"governance_io_purpose": "sample"},
                }
            )
        write_inventory_hour(lake, "namespaces", ts, ns_rows)
        node_rows = []
        for node, cluster in nodes.items():
            small = node.startswith("stg-")
            node_rows += [
                {"cluster": cluster, "node": node, "resource": "cpu", "capacity": 32.0,
                 "allocatable": 0.01 if small else 31.5},
                {"cluster": cluster, "node": node, "resource": "memory", "capacity": 128.0 * GIB,
                 "allocatable": 0.01 * GIB if small else 120.0 * GIB},
                {"cluster": cluster, "node": node, "resource": "pods", "capacity": 110.0,
                 "allocatable": 110.0},
            ]  # fmt: skip
        write_inventory_hour(lake, "nodes", ts, node_rows)
        owner_rows = [
            {"cluster": None, "namespace": ns, "pod": pod, "owner_kind": "StatefulSet",
             "owner_name": RENAMED_OWNER}
            for ns, pod in pods
            if ns == renamed_ns
        ]  # fmt: skip
        write_inventory_hour(lake, "owners", ts, owner_rows)
        bucket_rows = [
            {"bucket": "alice-data", "usage_bytes": 10.0 * GIB, "objects": 5.0},
            {"bucket": "scratch", "usage_bytes": 1.0 * GIB, "objects": 1.0},
        ]
        write_inventory_hour(lake, "buckets", ts, bucket_rows)
    return renamed_ns


def write_unlabelled_inventory(lake: Path) -> None:
    """kube-state-metrics without allowlists: namespaces without any label or annotation."""
    namespaces, _, _ = raw_facts(lake)
    for hour in range(HOURS):
        ts = FIRST_HOUR_UTC + timedelta(hours=hour)
        rows = [
            {"cluster": None, "namespace": ns, "labels": {}, "annotations": {}} for ns in namespaces
        ]
        write_inventory_hour(lake, "namespaces", ts, rows)


def default_prices() -> dict[str, float]:
    with open(REPO / "seeds" / "resource_prices.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["cluster_type"].strip() == "*")
    return {k: float(row[k]) for k in ("cpu_core_hour", "mem_gb_hour", "pv_gb_hour")}


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtRun, str]:
    work = tmp_path_factory.mktemp("tenants_labelled")
    lake = work / "lake"
    generate_raw(lake)
    renamed_ns = write_labelled_inventory(lake)
    run = DbtRun(work / "finops.duckdb", work)
    run(
        "build",
        "--exclude",
        "test_type:unit",
        dbt_vars={**BASE_VARS, "raw_path": str(lake / "raw"), "shared_namespaces": "^kube-system$"},
    )
    return run, renamed_ns


@pytest.fixture(scope="module")
def unlabelled(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    work = tmp_path_factory.mktemp("tenants_unlabelled")
    lake = work / "lake"
    generate_raw(lake)
    write_unlabelled_inventory(lake)
    run = DbtRun(work / "finops.duckdb", work)
    run(
        "build",
        "--exclude",
        "test_type:unit",
        dbt_vars={**BASE_VARS, "raw_path": str(lake / "raw")},
    )
    return run


def hand_costs(run: DbtRun) -> dict[tuple[str, str], dict[str, float]]:
    """Per (cluster_type, namespace): allocated cost and overage, from daily_enriched + seed."""
    price = default_prices()
    rows = run.query(
        "select cluster_type, namespace, cpu_allocated_core_hours, mem_allocated_gb_hours, "
        "pv_allocated_gb_hours, cpu_usage_avg, cpu_request_max, mem_usage_avg, mem_request_max, "
        f"minutes_running from marts.daily_enriched where date = date '{DAY}'"
    )
    costs: dict[tuple[str, str], dict[str, float]] = {}
    for cluster, ns, cpu_ch, mem_gh, pv_gh, cpu_avg, cpu_req, mem_avg, mem_req, minutes in rows:
        entry = costs.setdefault((cluster, ns), {"alloc": 0.0, "overage": 0.0})
        entry["alloc"] += (
            cpu_ch * price["cpu_core_hour"]
            + mem_gh * price["mem_gb_hour"]
            + pv_gh * price["pv_gb_hour"]
        )
        hours = minutes / 60
        entry["overage"] += max(cpu_avg - cpu_req, 0) * hours * price["cpu_core_hour"]
        entry["overage"] += max(mem_avg - mem_req, 0) * hours * price["mem_gb_hour"]
    return costs


def test_owner_total_is_its_namespaces_plus_weighted_share_of_kube_system(
    labelled: tuple[DbtRun, str],
) -> None:
    run, _ = labelled
    costs = hand_costs(run)
    kube_clusters = {cluster for cluster, ns in costs if ns == "kube-system"}
    assert kube_clusters, "the sample day must run kube-system"
    checked = 0
    for cluster in sorted({c for c, _ in costs}):
        tenants = {ns: v for (c, ns), v in costs.items() if c == cluster and ns != "kube-system"}
        alice = [v for ns, v in tenants.items() if owner_of(ns) == "alice"]
        if not alice:
            continue
        alice_alloc = sum(v["alloc"] for v in alice)
        all_alloc = sum(v["alloc"] for v in tenants.values())
        kube = costs.get((cluster, "kube-system"), {"alloc": 0.0, "overage": 0.0})
        share = (kube["alloc"] + kube["overage"]) * alice_alloc / all_alloc
        expected = alice_alloc + sum(v["overage"] for v in alice) + share
        [(total, shared, idle, namespaces)] = run.query(
            "select total_cost, shared_cost, idle_cost, namespaces from marts.tenant_cost_daily "
            f"where date = date '{DAY}' and cluster_type = '{cluster}' and owner = 'alice'"
        )
        assert namespaces == len(alice)
        assert idle == 0
        assert shared == pytest.approx(share, abs=0.005)
        assert total == pytest.approx(expected, abs=0.005)
        checked += 1 if cluster in kube_clusters and share > 0 else 0
    assert checked >= 1, "alice must share kube-system's cost on at least one cluster"


def test_money_is_conserved_and_idle_kept(labelled: tuple[DbtRun, str]) -> None:
    run, _ = labelled
    costs = hand_costs(run)
    charged = dict(
        run.query(
            "select cluster_type, sum(total_cost) - sum(idle_cost) from marts.tenant_cost_daily "
            f"where date = date '{DAY}' group by 1"
        )
    )
    for cluster in {c for c, _ in costs}:
        spent = sum(v["alloc"] + v["overage"] for (c, _), v in costs.items() if c == cluster)
        assert charged[cluster] == pytest.approx(spent, abs=0.005)
    owners = {r[0] for r in run.query("select distinct owner from marts.tenant_cost_daily")}
    assert {"alice", "bob", "__idle__", "unassigned"} <= owners
    # kube-system (shared) is nobody's namespace: only the other namespaces are counted on rows
    [(counted,)] = run.query("select sum(namespaces) from marts.tenant_cost_daily")
    assert counted == len([key for key in costs if key[1] != "kube-system"])


def test_requests_above_allocatable_are_flagged_with_no_idle(labelled: tuple[DbtRun, str]) -> None:
    run, _ = labelled
    rows = run.query(
        "select cluster_type, requests_exceed_allocatable, cpu_idle_ch, mem_idle_gh, "
        "cpu_allocatable_ch "
        f"from marts.cluster_capacity_daily where date = date '{DAY}' order by 1"
    )
    by_cluster = {r[0]: r[1:] for r in rows}
    flagged, cpu_idle, mem_idle, allocatable = by_cluster["STORAGE"]
    assert flagged is True and cpu_idle == 0 and mem_idle == 0
    assert allocatable == pytest.approx(0.01 * 24 * 2)  # two stg nodes x 0.01 cores x 24 h
    flagged, cpu_idle, _, allocatable = by_cluster["COMPUTE"]
    assert flagged is False and 0 < cpu_idle < allocatable


def test_owners_inventory_names_the_workload(labelled: tuple[DbtRun, str]) -> None:
    run, renamed_ns = labelled
    workloads = run.query(
        "select distinct workload_kind, workload from intermediate.int_workload_containers_daily "
        f"where namespace = '{renamed_ns}'"
    )
    assert workloads == [("statefulset", RENAMED_OWNER)]
    for (command,) in run.query(
        "select kubectl_command from marts.rightsizing_recommendations "
        f"where namespace = '{renamed_ns}'"
    ):
        assert f" set resources statefulset/{RENAMED_OWNER} " in command


def test_cluster_without_labels_is_seed_or_unassigned_and_says_why(unlabelled: DbtRun) -> None:
    sources = dict(
        unlabelled.query(
            "select namespace, owner_source from marts.dim_namespace_daily "
            f"where date = date '{DAY}'"
        )
    )
    assert set(sources.values()) <= {"seed", "unassigned"}
    team = next(ns for ns in sources if ns.startswith("team-"))
    assert sources["kafka"] == "seed" and sources[team] == "unassigned"
    owners = dict(unlabelled.query("select namespace, owner from marts.dim_namespace_daily"))
    assert owners["kafka"] == "data-platform"  # seed namespace_owners
    coverage = dict(unlabelled.query("select kind, message from marts.inventory_kind_coverage"))
    message = coverage["namespaces"]
    assert "no namespace carries label governance.io/tenant-owner" in message
    assert (
        "--metric-labels-allowlist=namespaces=[governance.io/tenant-owner,governance.io/tier]"
        in message
    )
    assert "--metric-annotations-allowlist=namespaces=[" in message
    assert coverage["nodes"].startswith("no nodes inventory in the window")
    # no nodes: no capacity rows, no idle row; the money still adds up (the dbt test ran in build)
    assert unlabelled.query("select count(*) from marts.cluster_capacity_daily") == [(0,)]
    owners_charged = {r[0] for r in unlabelled.query("select owner from marts.tenant_cost_daily")}
    assert "__idle__" not in owners_charged and "unassigned" in owners_charged


def test_money_test_fails_when_cost_goes_missing(
    labelled: tuple[DbtRun, str], make_dbt_run: Callable[[str], DbtRun]
) -> None:
    """The conservation test can fail: drop one owner row and it reports that cluster."""
    copy = make_dbt_run("tenants_money")
    shutil.copy(labelled[0].db_path, copy.db_path)
    with duckdb.connect(str(copy.db_path)) as con:
        con.execute(
            "delete from marts.tenant_cost_daily where owner = 'bob' " f"and date = date '{DAY}'"
        )
    proc = copy(
        "test",
        "--select",
        "assert_tenant_cost_conserves_money",
        dbt_vars={**BASE_VARS, "raw_path": "unused"},
        check=False,
    )
    assert proc.returncode != 0
    assert "assert_tenant_cost_conserves_money" in proc.stdout


def test_buckets_are_charged_to_their_owner_on_object_storage_rows(
    labelled: tuple[DbtRun, str],
) -> None:
    run, _ = labelled
    rows = dict(
        run.query(
            "select owner, object_storage_cost from marts.tenant_cost_daily "
            f"where date = date '{DAY}' and cluster_type = 'OBJECT_STORAGE'"
        )
    )
    # 10 GiB all day = 240 GiB-hours at 0.023 per GiB-month of 730 hours; `^(.+)-data$` -> alice
    assert rows["alice"] == pytest.approx(240 * 0.023 / 730, rel=1e-9)
    assert rows["unassigned"] == pytest.approx(24 * 0.023 / 730, rel=1e-9)


def test_inventory_file_missing_identity_column_is_named(dbt_run: DbtRun, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    bad = write_inventory_hour(
        lake,
        "nodes",
        FIRST_HOUR_UTC,
        [{"node": "cmp-w-001", "resource": "cpu", "allocatable": 4.0}],
    )
    pq.write_table(pq.read_table(bad).drop(["node"]), bad)
    proc = dbt_run(
        "build",
        "--select",
        "stg_inventory__nodes",
        dbt_vars={**BASE_VARS, "raw_path": str(lake / "raw")},
        check=False,
    )
    assert proc.returncode != 0
    assert f"inventory file(s) {bad} of kind nodes lack required column(s) node" in proc.stdout
