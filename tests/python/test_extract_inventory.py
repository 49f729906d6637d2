"""The inventory kinds against a real Prometheus: kube-state-metrics and MinIO series backfilled
by prometheus_fixture.add_inventory, extracted through the CLI, values checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from kube_finops.lake.contract import INVENTORY_KINDS, INVENTORY_SCHEMAS
from prometheus_fixture import GIB, PrometheusServer, extract, inventory_file

pytest_plugins = ("prometheus_fixture",)  # the Prometheus session fixtures


@pytest.fixture(scope="module")
def lake(prometheus: PrometheusServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lake")
    rc, out, err = extract(prometheus.url, root)
    assert rc == 0, out + err
    return root


def _rows(lake: Path, kind: str, hour: int = 0) -> list[dict]:
    table = pq.read_table(inventory_file(lake, kind, hour))
    assert table.schema.equals(INVENTORY_SCHEMAS[kind]), kind
    rows = table.to_pylist()
    assert {r["timestamp"].isoformat() for r in rows} == {f"2026-07-01T{hour:02d}:00:00+00:00"}
    return rows


def test_every_kind_of_every_hour_is_written_with_a_manifest(lake: Path) -> None:
    for kind in INVENTORY_KINDS:
        for hour in (0, 1):
            path = inventory_file(lake, kind, hour)
            manifest = json.loads(path.with_name("_manifest.json").read_text())
            assert manifest["kind"] == kind and manifest["rows"] == pq.read_metadata(path).num_rows
            assert manifest["hour_start"] == f"2026-07-01T{hour:02d}:00:00Z"
    assert not list(lake.glob("inventory/*/dt=*/hour=*/.*.tmp"))


def test_owners_are_the_top_controllers(lake: Path) -> None:
    owners = {
        (r["namespace"], r["pod"]): (r["owner_kind"], r["owner_name"])
        for r in _rows(lake, "owners")
    }
    assert owners == {
        ("team-a", "api-7d9f8-x2k4p"): ("Deployment", "api"),
        ("team-a", "api-v2-7c9f8d6b5-x2k4p"): ("Deployment", "api-v2"),
        ("team-a", "report-gen-58774569-bcdfg"): ("Deployment", "report-gen"),
        ("team-a", "worker-0"): ("StatefulSet", "worker"),
        ("team-b", "db-0"): ("StatefulSet", "db"),
        ("team-b", "batch-9q8w7"): ("Job", "batch"),  # a Job without a CronJob stays a Job
        ("team-b", "nightly-report-29184480-bcdfg"): ("CronJob", "nightly-report"),
        ("kube-system", "coredns-5d78c-abcde"): ("Deployment", "coredns"),
        ("kube-system", "kube-proxy-zx9kq"): ("DaemonSet", "kube-proxy"),
        ("team-c", "web-6c5d4-qwert"): ("ReplicaSet", "web-6c5d4"),  # no Deployment above it
        ("team-c", "late-0"): ("StatefulSet", "late"),
        ("team-c", "debug"): ("Pod", "debug"),  # a bare pod owns itself
    }
    assert {r["cluster"] for r in _rows(lake, "owners")} == {"prod-a"}


def test_namespaces_carry_labels_and_annotations_without_prefix(lake: Path) -> None:
    rows = {r["namespace"]: r for r in _rows(lake, "namespaces")}
    assert set(rows) == {"team-a", "team-b", "team-c", "kube-system"}
    assert dict(rows["team-a"]["labels"]) == {
        "governance_io_tenant_owner": "alice",
        "governance_io_tier": "developer",
        "governance_io_sync_status": "managed",
    }
    assert dict(rows["team-a"]["annotations"]) == {
        "governance_io_ttl_expire_date": "2026-07-10",
        "governance_io_purpose": "sandbox-testing",
    }
    assert dict(rows["team-b"]["annotations"]) == {"governance_io_ttl_expire_date": "someday"}
    assert rows["team-c"]["labels"] == [] and rows["team-c"]["annotations"] == []
    assert rows["team-a"]["cluster"] == "prod-a"


def test_nodes_capacity_and_allocatable(lake: Path) -> None:
    nodes = {
        (r["node"], r["resource"]): (r["capacity"], r["allocatable"]) for r in _rows(lake, "nodes")
    }
    assert len(nodes) == 9  # 3 nodes x cpu, memory, pods
    assert nodes[("node-2", "cpu")] == (16.0, 15.8)
    assert nodes[("node-1", "memory")] == (32 * GIB, 31 * GIB)
    assert nodes[("node-3", "pods")] == (110.0, 110.0)


def test_quotas_hard_and_the_last_used_of_the_hour(lake: Path) -> None:
    quotas = {r["resource"]: (r["hard"], r["used"]) for r in _rows(lake, "quotas")}
    # requests.cpu used went 0.5 -> 0.6 at 00:30:15: the hour's snapshot is its last value
    assert quotas == {
        "requests.cpu": (2.0, 0.6),
        "requests.memory": (4 * GIB, 576e6),
        "pods": (5.0, 2.0),
    }
    assert {(r["namespace"], r["resourcequota"]) for r in _rows(lake, "quotas")} == {
        ("team-a", "personal-user-quota")
    }


def test_buckets_from_minio_v2_once_per_bucket(lake: Path) -> None:
    buckets = {
        r["bucket"]: (r["usage_bytes"], r["objects"], r["quota_bytes"])
        for r in _rows(lake, "buckets")
    }
    # two MinIO servers report every bucket: one row each
    assert buckets == {
        "alice-data": (5 * GIB, 1200.0, 10 * GIB),
        "team-data-data": (100 * GIB, 5e4, None),
    }
    manifest = json.loads(
        inventory_file(lake, "buckets", 0).with_name("_manifest.json").read_text()
    )
    assert manifest["minio_metrics"] == "v2"


def test_rerun_skips_written_kinds(prometheus: PrometheusServer, lake: Path) -> None:
    assert not json.loads(
        inventory_file(lake, "namespaces", 0).with_name("_manifest.json").read_text()
    )[
        "hints"
    ]  # every governance key is exported by this kube-state-metrics
    before = {k: inventory_file(lake, k, 0).stat().st_mtime_ns for k in INVENTORY_KINDS}
    rc, out, err = extract(prometheus.url, lake)
    assert rc == 0, out + err
    assert {k: inventory_file(lake, k, 0).stat().st_mtime_ns for k in INVENTORY_KINDS} == before


def test_no_allowlist_prints_the_flags_and_still_writes_namespaces(
    prometheus_no_allowlist: PrometheusServer, tmp_path: Path
) -> None:
    rc, out, err = extract(prometheus_no_allowlist.url, tmp_path)
    assert rc == 0, out + err
    hint = (
        "kube_namespace_labels has no label_governance_io_tenant_owner, label_governance_io_tier, "
        "label_governance_io_sync_status: start kube-state-metrics with --metric-labels-allowlist="
        "namespaces=[governance.io/tenant-owner,governance.io/tier,governance.io/sync-status]"
    )
    assert err.count(hint) == 1  # once per run, not once per hour
    assert (
        "kube_namespace_annotations has no annotation_governance_io_ttl_expire_date, "
        "annotation_governance_io_purpose: start kube-state-metrics with "
        "--metric-annotations-allowlist=namespaces=[governance.io/ttl-expire-date,"
        "governance.io/purpose]"
    ) in err
    rows = _rows(tmp_path, "namespaces", 1)
    assert {r["namespace"] for r in rows} == {"team-a", "team-b", "team-c", "kube-system"}
    assert all(r["labels"] == [] and r["annotations"] == [] for r in rows)


def test_minio_v3_bucket_metrics(prometheus_no_allowlist: PrometheusServer, tmp_path: Path) -> None:
    rc, out, err = extract(prometheus_no_allowlist.url, tmp_path)
    assert rc == 0, out + err
    buckets = {
        r["bucket"]: (r["usage_bytes"], r["objects"], r["quota_bytes"])
        for r in _rows(tmp_path, "buckets")
    }
    assert buckets == {"bob-data": (3 * GIB, 42.0, 4 * GIB), "scratch": (1e6, 7.0, None)}
    manifest = json.loads(
        inventory_file(tmp_path, "buckets", 0).with_name("_manifest.json").read_text()
    )
    assert manifest["minio_metrics"] == "v3"


def test_a_kind_without_metrics_is_not_written_and_not_an_error(
    prometheus: PrometheusServer, tmp_path: Path
) -> None:
    rc, out, err = extract(prometheus.url, tmp_path, "--namespace-include", "^nothing-here$")
    assert rc == 0, out + err
    for kind in ("namespaces", "quotas", "owners"):
        assert not (tmp_path / "inventory" / kind).exists()
    assert inventory_file(tmp_path, "nodes", 0).is_file()  # nodes and buckets are not namespaced
    assert inventory_file(tmp_path, "buckets", 1).is_file()


def test_check_reports_inventory_coverage(
    prometheus_no_allowlist: PrometheusServer, tmp_path: Path
) -> None:
    rc, out, _err = extract(prometheus_no_allowlist.url, tmp_path, "--check")
    assert rc == 1  # the raw metrics are absent from this Prometheus
    lines = [line.split() for line in out.splitlines()]
    assert [
        "buckets",
        "minio_cluster_usage_buckets_total_bytes",
        "present",
        "(MinIO",
        "v3)",
        "2",
    ] in lines
    assert ["owners", "kube_pod_owner", "present", "12"] in lines
    assert "hint: kube_namespace_labels has no label_governance_io_tenant_owner" in out
    assert not (tmp_path / "inventory").exists()
