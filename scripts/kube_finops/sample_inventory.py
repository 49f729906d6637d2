"""Inventory snapshots for the sample lake, consistent with its raw samples (same clusters, nodes,
namespaces and pods): `<lake>/inventory/<kind>/dt=.../hour=.../part-0000.parquet`, one per UTC
hour of the window, in the lake contract's schemas.

What the mix exercises (all deterministic for the seed, from a random stream of its own, so the
raw samples do not change):
- namespaces: most tenant namespaces carry the governance labels (`governance_io_tenant_owner`:
  people such as alice or teams such as team-data; `governance_io_tier` developer / platform;
  `governance_io_sync_status` managed); about one in seven carries none (left to the
  namespace_owners seed or `unassigned`), one gets its owner label only on the last day;
  `kube-system` has no governance labels, `monitoring` and `ingress-nginx` belong to
  platform-team (the shared namespaces); `legacy-apps` is unlabelled. Developer namespaces carry
  a TTL annotation (`governance_io_ttl_expire_date`): some passed, some within the next 7 days,
  one `someday` (invalid), and a purpose annotation. `oscar` owns one namespace whose TTL passed;
  `mallory` owns the idle sandbox namespace (dormant).
- nodes: every node of the raw samples with capacity and allocatable sized from standard machine
  shapes above its busiest hour's requests (so idle capacity exists); `pods` 110.
- owners: the top controller of every pod alive in the hour (Deployment, StatefulSet, CronJob,
  DaemonSet; a bare pod owns itself). Bare pods named like `debug-shell-2` are what the pod-name
  parser takes for a StatefulSet.
- quotas: `personal-user-quota` in every tenant namespace (requests/limits cpu and memory, pods,
  persistentvolumeclaims, requests.storage); `used` is what the namespace's pods request at the
  end of the hour; the requests.cpu hard is sized so some quotas are almost full (>= 90%), some far
  too large (< 30%), one exceeded (used > hard, as after a quota was lowered), the rest fit.
- buckets: `<owner>-data` for owners (active, the dormant mallory, the expired oscar), a team
  lake bucket, and `devops-test` (no owner pattern); active buckets grow hour by hour.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from kube_finops.lake.contract import (
    INVENTORY_KINDS,
    INVENTORY_SCHEMAS,
    INVENTORY_WRITER,
    inventory_hour_dir,
)
from kube_finops.lake.writer import write_hour_file

if TYPE_CHECKING:
    from kube_finops.sample_data import Fleet, PodInstances, Population

GIB = float(1 << 30)
STREAM_INVENTORY = 5  # next to sample_data's streams 1-4
PEOPLE = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")
TEAMS = ("team-data", "team-web", "team-payments")
EXPIRED_OWNER, DORMANT_OWNER, LATE_OWNER = "oscar", "mallory", "bob"
PURPOSES = ("sandbox-testing", "feature-dev", "load-test", "demo", "training", "poc")
PLATFORM_OWNERS = {  # platform namespace -> owner (tier platform); absent: unlabelled
    "monitoring": "platform-team",
    "ingress-nginx": "platform-team",
    "logging": "platform-team",
    "observability": "platform-team",
    "minio": "platform-team",
    "redis": "platform-team",
    "databases": "platform-team",
    "kafka": "team-data",
    "kafka-connect": "team-data",
    "spark": "team-data",
    "spark-apps": "team-data",
    "airflow": "team-data",
    "trino": "team-data",
    "flink": "team-data",
    "ml-platform": "team-ml",
    "jupyterhub": "team-ml",
    "edge-gateway": "team-iot",
}
CPU_SHAPES = (4, 8, 16, 32, 48, 64, 96, 128)
RESERVED_CPU = 0.1  # cores kept by the kubelet and the system
RESERVED_MEM = 0.06  # share of memory kept by the kubelet and the system
HEADROOM = 1.25  # allocatable >= the busiest hour's requests x this
QUOTA_NAME = "personal-user-quota"
KIND_OF = {
    "deployment": "Deployment",
    "statefulset": "StatefulSet",
    "cronjob": "CronJob",
    "daemonset": "DaemonSet",
}


@dataclass
class NamespaceMeta:
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    late_owner: str | None = None  # owner label added on the last day


@dataclass(frozen=True)
class InventoryInputs:
    """What the raw generator built (kube_finops.sample_data): the population and pods."""

    ns_names: list[str]
    ns_cluster: list[str | None]
    node_names: list[str]
    node_group: np.ndarray
    edge_group: int
    # pods: namespace index, name, owner kind/name, [start, end) window minutes, node, PV bytes
    pod_ns: np.ndarray
    pod_name: list[str]
    pod_owner_kind: list[str]
    pod_owner_name: list[str]
    pod_start: np.ndarray
    pod_end: np.ndarray
    pod_pv: np.ndarray
    # container instances: pod index, requests/limits (cores, bytes; NaN = unset), node
    ci_pod: np.ndarray
    ci_node: np.ndarray
    ci_cpu_request: np.ndarray
    ci_cpu_limit: np.ndarray
    ci_mem_request: np.ndarray
    ci_mem_limit: np.ndarray
    sandbox: str | None  # the idle tenant namespace


def inputs_from_population(
    pop: Population, pods: PodInstances, fleet: Fleet, edge_group: int, sandbox_suffix: str
) -> InventoryInputs:
    """The generator's population and pods as the inventory needs them (reads, draws nothing)."""
    wl = pop.slot_wl[pods.slot]
    owner_kind, owner_name = [], []
    for w, name in zip(wl.tolist(), pods.name, strict=True):
        kind = KIND_OF.get(pop.wl_kind[w])
        owner_kind.append(kind or "Pod")
        owner_name.append(pop.wl_base[w] if kind else name)
    p, t = pop.params, fleet.tmpl
    sandbox = [n for n in pop.ns_names if n.endswith(f"-{sandbox_suffix}")]
    return InventoryInputs(
        ns_names=pop.ns_names,
        ns_cluster=pop.ns_cluster,
        node_names=pop.node_names,
        node_group=pop.node_group,
        edge_group=edge_group,
        pod_ns=pop.wl_ns[wl],
        pod_name=pods.name,
        pod_owner_kind=owner_kind,
        pod_owner_name=owner_name,
        pod_start=pods.start,
        pod_end=pods.end,
        pod_pv=pop.slot_pv_cap[pods.slot],
        ci_pod=fleet.pod,
        ci_node=fleet.node,
        ci_cpu_request=p["cpu_request"][t],
        ci_cpu_limit=p["cpu_limit"][t],
        ci_mem_request=p["mem_request"][t],
        ci_mem_limit=p["mem_limit"][t],
        sandbox=sandbox[0] if sandbox else None,
    )


def _governed(owner: str, tier: str) -> dict[str, str]:
    return {
        "governance_io_tenant_owner": owner,
        "governance_io_tier": tier,
        "governance_io_sync_status": "managed",
    }


def plan_metadata(
    inputs: InventoryInputs, last_day: date, rng: np.random.Generator
) -> list[NamespaceMeta]:
    """Labels and annotations per namespace (see the module docstring for the mix)."""
    metas = [NamespaceMeta() for _ in inputs.ns_names]
    developer: list[int] = []
    regular = [
        i
        for i, name in enumerate(inputs.ns_names)
        if name.startswith("team-") and name != inputs.sandbox and inputs.ns_cluster[i] != "edge"
    ]
    # fixed shares in a seeded order: ~14% unlabelled, ~22% team namespaces, the rest personal
    order = [regular[j] for j in rng.permutation(len(regular))]
    n_unlabelled = math.ceil(len(regular) * 0.14) if len(regular) >= 2 else 0
    n_teams = round(len(regular) * 0.22)
    role = {i: "none" for i in order[:n_unlabelled]}
    role |= {i: "team" for i in order[n_unlabelled : n_unlabelled + n_teams]}
    for i, name in enumerate(inputs.ns_names):
        meta = metas[i]
        meta.labels["kubernetes_io_metadata_name"] = name
        if name in PLATFORM_OWNERS:
            meta.labels.update(_governed(PLATFORM_OWNERS[name], "platform"))
            continue
        if not name.startswith("team-"):
            continue  # kube-system, legacy-apps: no governance metadata
        if name == inputs.sandbox:
            meta.labels.update(_governed(DORMANT_OWNER, "developer"))
            meta.annotations["governance_io_ttl_expire_date"] = str(last_day + timedelta(90))
            meta.annotations["governance_io_purpose"] = "sandbox-testing"
            continue
        if inputs.ns_cluster[i] == "edge":
            meta.labels.update(_governed("team-iot", "platform"))
            continue
        if role.get(i) == "none":
            continue  # unlabelled tenant
        if role.get(i) == "team":
            meta.labels.update(_governed(TEAMS[int(rng.integers(len(TEAMS)))], "platform"))
            continue
        meta.labels.update(_governed(PEOPLE[int(rng.integers(len(PEOPLE)))], "developer"))
        meta.annotations["governance_io_purpose"] = PURPOSES[int(rng.integers(len(PURPOSES)))]
        ttl = rng.random()
        days = (
            -int(rng.integers(1, 21))
            if ttl < 0.12
            else int(rng.integers(1, 7)) if ttl < 0.24 else int(rng.integers(30, 240))
        )
        meta.annotations["governance_io_ttl_expire_date"] = str(last_day + timedelta(days))
        developer.append(i)
    # the guaranteed cases, on the first developer namespaces (when there are enough of them)
    specials = [
        ("governance_io_ttl_expire_date", str(last_day - timedelta(3))),  # oscar's, expired
        ("governance_io_ttl_expire_date", "someday"),  # invalid
        ("governance_io_ttl_expire_date", str(last_day - timedelta(1))),  # passed yesterday
        ("governance_io_ttl_expire_date", str(last_day + timedelta(3))),  # expiring
    ]
    for n, (i, (key, value)) in enumerate(zip(developer, specials, strict=False)):
        metas[i].annotations[key] = value
        if n == 0:
            metas[i].labels["governance_io_tenant_owner"] = EXPIRED_OWNER
    unlabelled = [
        i
        for i, name in enumerate(inputs.ns_names)
        if name.startswith("team-")
        and "governance_io_tenant_owner" not in metas[i].labels
        and inputs.ns_cluster[i] != "edge"
    ]
    if len(unlabelled) >= 2:
        metas[unlabelled[-1]].late_owner = LATE_OWNER
    return metas


def namespaces_table(
    inputs: InventoryInputs, metas: list[NamespaceMeta], hour: datetime, on_last_day: bool
) -> pa.Table:
    labels = []
    for meta in metas:
        current = dict(meta.labels)
        if meta.late_owner and on_last_day:
            current.update(_governed(meta.late_owner, "developer"))
        labels.append(sorted(current.items()))
    n = len(metas)
    return pa.table(
        {
            "timestamp": [hour] * n,
            "cluster": inputs.ns_cluster,
            "namespace": inputs.ns_names,
            "labels": labels,
            "annotations": [sorted(m.annotations.items()) for m in metas],
        },
        schema=INVENTORY_SCHEMAS["namespaces"],
    )


def _live(start: np.ndarray, end: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return (start < hi) & (end > lo)


def node_shapes(inputs: InventoryInputs, hour_bounds: list[tuple[int, int]]) -> pa.Table:
    """Capacity per node: the smallest shape whose allocatable holds the busiest hour x 1.25."""
    n = len(inputs.node_names)
    peak_cpu, peak_mem = np.zeros(n), np.zeros(n)
    cpu, mem = np.nan_to_num(inputs.ci_cpu_request), np.nan_to_num(inputs.ci_mem_request)
    ci_start, ci_end = inputs.pod_start[inputs.ci_pod], inputs.pod_end[inputs.ci_pod]
    for lo, hi in hour_bounds:
        live = _live(ci_start, ci_end, lo, hi)
        peak_cpu = np.maximum(peak_cpu, np.bincount(inputs.ci_node[live], cpu[live], n))
        peak_mem = np.maximum(peak_mem, np.bincount(inputs.ci_node[live], mem[live], n))
    rows: dict[str, list] = {k: [] for k in ("cluster", "node", "resource", "capacity")}
    rows["allocatable"] = []
    for i, node in enumerate(inputs.node_names):
        need = peak_cpu[i] * HEADROOM + RESERVED_CPU
        cores = next((c for c in CPU_SHAPES if c >= need), 32 * math.ceil(need / 32))
        gib = 4 * cores  # 4 GiB per core, doubled until the memory requests fit
        while gib * (1 - RESERVED_MEM) * GIB < peak_mem[i] * HEADROOM:
            gib *= 2
        cluster = "edge" if inputs.node_group[i] == inputs.edge_group else None
        for resource, capacity, allocatable in (
            ("cpu", float(cores), cores - RESERVED_CPU),
            ("memory", gib * GIB, math.floor(gib * (1 - RESERVED_MEM)) * GIB),
            ("pods", 110.0, 110.0),
        ):
            rows["cluster"].append(cluster)
            rows["node"].append(node)
            rows["resource"].append(resource)
            rows["capacity"].append(capacity)
            rows["allocatable"].append(float(allocatable))
    return pa.table(rows)


def owners_table(inputs: InventoryInputs, hour: datetime, lo: int, hi: int) -> pa.Table:
    live = pa.array(np.flatnonzero(_live(inputs.pod_start, inputs.pod_end, lo, hi)))
    ns = pa.array(inputs.pod_ns).take(live)
    table = pa.table(
        {
            "timestamp": pa.array([hour] * len(live), INVENTORY_SCHEMAS["owners"].field(0).type),
            "cluster": pa.array(inputs.ns_cluster, pa.string()).take(ns),
            "namespace": pa.array(inputs.ns_names, pa.string()).take(ns),
            "pod": pa.array(inputs.pod_name, pa.string()).take(live),
            "owner_kind": pa.array(inputs.pod_owner_kind, pa.string()).take(live),
            "owner_name": pa.array(inputs.pod_owner_name, pa.string()).take(live),
        },
        schema=INVENTORY_SCHEMAS["owners"],
    )
    return table.sort_by([("namespace", "ascending"), ("pod", "ascending")])


QUOTA_RESOURCES = (
    "requests.cpu",
    "requests.memory",
    "limits.cpu",
    "limits.memory",
    "pods",
    "persistentvolumeclaims",
    "requests.storage",
)


def quota_used(inputs: InventoryInputs, minute: int) -> np.ndarray:
    """Used per (tenant-or-not) namespace and QUOTA_RESOURCES at `minute`: shape (ns, 7)."""
    n = len(inputs.ns_names)
    pod_live = (inputs.pod_start <= minute) & (inputs.pod_end > minute)
    ci_live = pod_live[inputs.ci_pod]
    ci_ns = inputs.pod_ns[inputs.ci_pod][ci_live]

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(ci_ns, np.nan_to_num(values[ci_live]), n)

    pod_ns = inputs.pod_ns[pod_live]
    pv = inputs.pod_pv[pod_live]
    used = np.stack(
        [
            total(inputs.ci_cpu_request),
            total(inputs.ci_mem_request),
            total(inputs.ci_cpu_limit),
            total(inputs.ci_mem_limit),
            np.bincount(pod_ns, minlength=n).astype(float),
            np.bincount(pod_ns, (pv > 0).astype(float), n),
            np.bincount(pod_ns, pv, n),
        ],
        axis=1,
    )
    used[:, [0, 2]] = np.round(used[:, [0, 2]], 3)  # whole millicores, as Kubernetes counts
    used[:, [1, 3]] = np.round(used[:, [1, 3]])
    return used


def quota_hard(tenants: np.ndarray, used_max: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Hard limits per namespace (rows of `tenants`) from the window's max used."""
    hard = np.zeros_like(used_max)
    ratio = rng.choice([0.93, 0.2, 0.6], size=len(tenants), p=[0.2, 0.3, 0.5])
    ratio *= rng.uniform(0.97, 1.03, len(tenants))
    busy = np.flatnonzero(used_max[tenants, 0] > 0.05)
    if len(busy):
        ratio[busy[len(busy) // 2]] = 1.25  # exceeded: the quota was lowered below what runs
    for row, ns in enumerate(tenants):
        cpu, mem, _, _, pods, pvcs, storage = used_max[ns]
        cpu_hard = max(np.floor(cpu / ratio[row] * 1000) / 1000, 0.5) if cpu > 0.05 else 2.0
        mem_hard = max(np.floor(mem / ratio[row] / 2**20) * 2**20, 2**29) if mem > 0 else 4 * GIB
        hard[ns] = [
            cpu_hard,
            mem_hard,
            2 * cpu_hard,
            2 * mem_hard,
            5.0 if pods <= 5 else 10.0 * math.ceil(pods / 10),
            max(2.0, pvcs),
            max(50 * GIB, 50 * GIB * math.ceil(storage / (50 * GIB))),
        ]
    return hard


def quotas_table(
    inputs: InventoryInputs, tenants: np.ndarray, hard: np.ndarray, used: np.ndarray, hour: datetime
) -> pa.Table:
    rows: dict[str, list] = {k: [] for k in INVENTORY_SCHEMAS["quotas"].names}
    for ns in tenants:
        for r, resource in enumerate(QUOTA_RESOURCES):
            rows["timestamp"].append(hour)
            rows["cluster"].append(inputs.ns_cluster[ns])
            rows["namespace"].append(inputs.ns_names[ns])
            rows["resourcequota"].append(QUOTA_NAME)
            rows["resource"].append(resource)
            rows["hard"].append(float(hard[ns, r]))
            rows["used"].append(float(used[ns, r]))
    return pa.table(rows, schema=INVENTORY_SCHEMAS["quotas"])


def plan_buckets(
    metas: list[NamespaceMeta], hours: int, rng: np.random.Generator
) -> list[tuple[str, float, float, float | None, float]]:
    """(bucket, bytes at the window start, objects, quota bytes or None, growth per hour)."""
    owners = sorted(
        {
            m.labels["governance_io_tenant_owner"]
            for m in metas
            if "governance_io_tenant_owner" in m.labels
        }
    )
    buckets = []
    for owner in owners:
        if owner.startswith("platform"):
            continue
        idle = owner in (EXPIRED_OWNER, DORMANT_OWNER)
        if rng.random() < 0.2 and not idle:
            continue  # an owner without a bucket
        size = float(rng.uniform(0.5, 400)) * GIB
        growth = 0.0 if idle else size * float(rng.uniform(0.0, 0.002))
        room = (size + growth * hours) * float(rng.uniform(1.05, 3.0))  # MinIO enforces quotas
        quota = 50 * GIB * math.ceil(room / (50 * GIB)) if rng.random() < 0.5 else None
        buckets.append((f"{owner}-data", size, float(int(size / 2e6)), quota, growth))
    buckets.append(("team-data-lake", 2048 * GIB, 9.5e6, None, 1.5 * GIB))
    buckets.append(("devops-test", 12 * GIB, 4200.0, None, 0.01 * GIB))
    return buckets


def buckets_table(
    plan: list[tuple[str, float, float, float | None, float]], hour: datetime, index: int
) -> pa.Table:
    return pa.table(
        {
            "timestamp": [hour] * len(plan),
            "bucket": [b[0] for b in plan],
            "usage_bytes": [float(np.floor(b[1] + b[4] * index)) for b in plan],
            "objects": [float(np.floor(b[2] * (1 + index * b[4] / max(b[1], 1.0)))) for b in plan],
            "quota_bytes": [b[3] for b in plan],
        },
        schema=INVENTORY_SCHEMAS["buckets"],
    )


def taken_hours(lake: Path, hours: list[datetime]) -> list[Path]:
    """Inventory hour folders of the window that already hold files."""
    folders = [inventory_hour_dir(lake, kind, h) for kind in INVENTORY_KINDS for h in hours]
    return [f for f in folders if f.is_dir() and any(f.iterdir())]


def write_inventory(
    lake: Path,
    inputs: InventoryInputs,
    hours: list[datetime],
    window_start: datetime,
    last_day_start: datetime,
    last_day: date,
    seed: int,
) -> int:
    """Write every kind of every hour; returns the number of files."""
    rng = np.random.default_rng([seed, STREAM_INVENTORY])
    metas = plan_metadata(inputs, last_day, rng)
    bounds = []
    for hour in hours:
        lo = int((hour - window_start).total_seconds()) // 60
        bounds.append((lo, lo + 60))
    used = np.stack([quota_used(inputs, hi - 1) for _, hi in bounds])  # (hours, ns, resources)
    tenants = np.array(
        [i for i, name in enumerate(inputs.ns_names) if name.startswith("team-")], dtype=np.int64
    )
    hard = quota_hard(tenants, used.max(axis=0), rng)
    nodes = node_shapes(inputs, bounds)
    buckets = plan_buckets(metas, len(hours), rng)
    files = 0
    for index, (hour, (lo, hi)) in enumerate(zip(hours, bounds, strict=True)):
        tables = {
            "namespaces": namespaces_table(inputs, metas, hour, hour >= last_day_start),
            "nodes": pa.table(
                {"timestamp": [hour] * nodes.num_rows, **nodes.to_pydict()},
                schema=INVENTORY_SCHEMAS["nodes"],
            ),
            "quotas": quotas_table(inputs, tenants, hard, used[index], hour),
            "owners": owners_table(inputs, hour, lo, hi),
            "buckets": buckets_table(buckets, hour, index),
        }
        for kind, table in tables.items():
            folder = inventory_hour_dir(lake, kind, hour)
            if folder.exists():
                shutil.rmtree(folder)
            write_hour_file(
                folder,
                table,
                INVENTORY_SCHEMAS[kind],
                INVENTORY_WRITER,
            )
            files += 1
    return files
