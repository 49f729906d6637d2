"""A real Prometheus for tests: generated OpenMetrics history with a known ground truth, loaded
with `promtool tsdb create-blocks-from openmetrics`, served by Debian's `prometheus` on 127.0.0.1.

History: 2026-07-01T00:00Z - 10 min .. 02:05Z, samples every 30 s at :15 and :45 of each minute (so
query steps never coincide with samples), label `cluster="prod-a"` on every series. Population:
several namespaces, pods with one or two containers, pod-level (`container=""`) and pause
(`container="POD"`) cAdvisor series, PVCs (one pod with two), OOM kills (two in one minute, one
across the hour boundary, a counter reset), CPU throttling, a container without limits, a pod
that starts in the second hour, Kepler energy under its legacy and current names. Inventory
(add_inventory): kube-state-metrics namespace labels/annotations, node capacity/allocatable,
resource quotas, pod/ReplicaSet/Job owners, and MinIO bucket usage (v2 or v3 metric names).
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import io
import re
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from kube_finops.extract import cli
from kube_finops.lake.contract import FILE_NAME, hour_dir, inventory_hour_dir
from services import require_service

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
T0 = datetime(2026, 7, 1, 0, tzinfo=UTC)
HOURS = 2
T0S = int(T0.timestamp())
HISTORY_START = T0S - 600 + 15
HISTORY_END = T0S + HOURS * 3600 + 300
SAMPLE_TIMES = np.arange(HISTORY_START, HISTORY_END, 30, dtype=np.int64)
LOOKBACK = 300
CLUSTER = "prod-a"
NOW = datetime(2026, 7, 2, 0, 30, tzinfo=UTC)  # "now" for the CLI: the window is complete
GIB = float(1 << 30)
PERIODS_PER_SECOND = 10.0


@dataclass
class SeriesData:
    name: str
    labels: dict[str, str]
    times: np.ndarray
    values: np.ndarray


@dataclass
class ContainerSpec:
    namespace: str
    pod: str
    container: str
    node: str
    cpu_request: float
    cpu_limit: float | None
    mem_request: float
    mem_limit: float | None
    cpu_rate: float
    throttle_ratio: float = 0.0
    start: int = HISTORY_START
    end: int = HISTORY_END
    oom_times: tuple[int, ...] = ()
    oom_reset_at: int | None = None
    energy_legacy: float = 0.0  # joules per 30 s sample (two modes, half each)
    energy_current: float = 0.0  # joules per 30 s sample (package + dram)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.namespace, self.pod, self.container)

    def times(self) -> np.ndarray:
        return SAMPLE_TIMES[(self.start <= SAMPLE_TIMES) & (self.end > SAMPLE_TIMES)]


@dataclass
class PodVolumes:
    namespace: str
    pod: str
    claims: dict[str, float]  # claim -> capacity bytes


@dataclass
class History:
    series: list[SeriesData] = field(default_factory=list)
    containers: list[ContainerSpec] = field(default_factory=list)
    volumes: list[PodVolumes] = field(default_factory=list)

    def add(self, name: str, labels: dict[str, str], times: np.ndarray, values: np.ndarray) -> None:
        self.series.append(SeriesData(name, {"cluster": CLUSTER, **labels}, times, values))

    @property
    def samples(self) -> int:
        return sum(len(s.times) for s in self.series)


def population() -> tuple[list[ContainerSpec], list[PodVolumes]]:
    mid = T0S + 75 * 60 + 15
    containers = [
        ContainerSpec(
            "team-a", "api-7d9f8-x2k4p", "server", "node-1", 0.5, 1.0, 512e6, 1024e6, 0.3
        ),
        ContainerSpec(
            "team-a", "api-7d9f8-x2k4p", "backup-agent", "node-1", 0.1, 0.2, 64e6, 128e6, 0.05
        ),
        ContainerSpec(
            "team-a",
            "worker-0",
            "worker",
            "node-2",
            0.25,
            0.5,
            256e6,
            256e6,
            0.2,
            oom_times=(T0S + 615, T0S + 645, T0S + 3585, T0S + 5415),
            oom_reset_at=T0S + 3015,
        ),
        ContainerSpec("team-b", "db-0", "postgres", "node-2", 1.0, 2.0, 2 * GIB, 4 * GIB, 0.7),
        ContainerSpec(
            "team-b",
            "batch-9q8w7",
            "job",
            "node-3",
            0.5,
            None,
            128e6,
            None,
            0.6,
            throttle_ratio=0.35,
        ),
        ContainerSpec(
            "kube-system",
            "coredns-5d78c-abcde",
            "coredns",
            "node-1",
            0.1,
            0.2,
            70e6,
            170e6,
            0.01,
            energy_legacy=3.0,
        ),
        ContainerSpec(
            "team-c",
            "web-6c5d4-qwert",
            "nginx",
            "node-3",
            0.2,
            0.4,
            100e6,
            200e6,
            0.12,
            energy_current=2.5,
        ),
        ContainerSpec("team-c", "late-0", "app", "node-1", 0.3, 0.6, 300e6, 600e6, 0.25, start=mid),
    ]
    volumes = [
        PodVolumes("team-a", "api-7d9f8-x2k4p", {"data-api": 10 * GIB}),
        PodVolumes("team-b", "db-0", {"pg-data": 20 * GIB, "pg-wal": 5 * GIB}),
    ]
    return containers, volumes


def _working_set(spec: ContainerSpec, times: np.ndarray) -> np.ndarray:
    base = spec.mem_request * 0.6
    return np.floor(base + 4096.0 * ((times - HISTORY_START) // 30) + (len(spec.pod) % 7) * 1024)


def build_history(
    containers: list[ContainerSpec] | None = None, volumes: list[PodVolumes] | None = None
) -> History:
    if containers is None:
        containers, volumes = population()
    volumes = volumes or []
    history = History(containers=containers, volumes=volumes)
    for spec in containers:
        times = spec.times()
        ident = {"namespace": spec.namespace, "pod": spec.pod, "container": spec.container}
        cad = {**ident, "id": f"/kubepods/{spec.pod}/{spec.container}", "image": "img:1"}
        elapsed = (times - times[0]).astype(np.float64)
        history.add(
            "container_cpu_usage_seconds_total", cad, times, 100.0 + spec.cpu_rate * elapsed
        )
        periods = 5000.0 + PERIODS_PER_SECOND * elapsed
        history.add("container_cpu_cfs_periods_total", cad, times, periods)
        history.add(
            "container_cpu_cfs_throttled_periods_total",
            cad,
            times,
            PERIODS_PER_SECOND * spec.throttle_ratio * elapsed,
        )
        ws = _working_set(spec, times)
        history.add("container_memory_working_set_bytes", cad, times, ws)
        history.add("container_memory_rss", cad, times, np.floor(ws * 0.8))
        history.add("container_oom_events_total", cad, times, _oom_counter(spec, times))
        for resource, request, limit in (
            ("cpu", spec.cpu_request, spec.cpu_limit),
            ("memory", spec.mem_request, spec.mem_limit),
        ):
            ksm = {**ident, "resource": resource, "unit": "core" if resource == "cpu" else "byte"}
            history.add(
                "kube_pod_container_resource_requests", ksm, times, np.full(len(times), request)
            )
            if limit is not None:
                history.add(
                    "kube_pod_container_resource_limits", ksm, times, np.full(len(times), limit)
                )
        if spec.energy_legacy:
            for mode in ("dynamic", "idle"):
                labels = {
                    "namespace": "kepler",  # the exporter's own target labels, to be replaced
                    "pod": "kepler-exporter-7x9z",
                    "container_namespace": spec.namespace,
                    "pod_name": spec.pod,
                    "container_name": spec.container,
                    "mode": mode,
                }
                joules = 1000.0 + spec.energy_legacy / 2 * np.arange(1, len(times) + 1)
                history.add("kepler_container_joules_total", labels, times, joules)
        if spec.energy_current:
            pod_id = f"uid-{spec.pod}"
            for zone, share in (("package", 0.8), ("dram", 0.2), ("core", 0.5)):
                labels = {
                    "container_id": f"cid-{spec.container}",
                    "container_name": spec.container,
                    "pod_id": pod_id,
                    "zone": zone,
                }
                joules = 50.0 + spec.energy_current * share * np.arange(1, len(times) + 1)
                history.add("kepler_container_cpu_joules_total", labels, times, joules)
                pod_labels = {
                    "pod_id": pod_id,
                    "pod_name": spec.pod,
                    "pod_namespace": spec.namespace,
                    "zone": zone,
                }
                history.add("kepler_pod_cpu_joules_total", pod_labels, times, joules * 1.1)
    pods = {(c.namespace, c.pod): c for c in containers}
    for (namespace, pod), spec in pods.items():
        times = spec.times()
        info = {"namespace": namespace, "pod": pod, "node": spec.node, "uid": f"uid-{pod}"}
        history.add("kube_pod_info", info, times, np.ones(len(times)))
        for container in ("", "POD"):  # pod-level cgroup and pause container: must be dropped
            labels = {"namespace": namespace, "pod": pod, "container": container, "id": f"/p/{pod}"}
            history.add(
                "container_memory_working_set_bytes", labels, times, np.full(len(times), 9e9)
            )
            elapsed = (times - times[0]).astype(np.float64)
            history.add("container_cpu_usage_seconds_total", labels, times, 7.0 * elapsed)
    for vol in volumes:
        times = pods[(vol.namespace, vol.pod)].times()
        for claim, capacity in vol.claims.items():
            pvc = {"namespace": vol.namespace, "persistentvolumeclaim": claim}
            history.add(
                "kubelet_volume_stats_capacity_bytes", pvc, times, np.full(len(times), capacity)
            )
            used = np.floor(capacity * 0.3 + 1024.0 * ((times - HISTORY_START) // 30))
            history.add("kubelet_volume_stats_used_bytes", pvc, times, used)
            info = {**pvc, "pod": vol.pod, "volume": claim}
            history.add(
                "kube_pod_spec_volumes_persistentvolumeclaims_info",
                info,
                times,
                np.ones(len(times)),
            )
    return history


def _oom_counter(spec: ContainerSpec, times: np.ndarray) -> np.ndarray:
    values = np.zeros(len(times))
    count = 0.0
    events = sorted(spec.oom_times)
    for i, t in enumerate(times):
        if spec.oom_reset_at is not None and t == spec.oom_reset_at:
            count = 0.0
        count += sum(1 for e in events if e == t)
        values[i] = count
    return values


# --------------------------------------------------------------------------- inventory series

KSM = {"job": "kube-state-metrics", "instance": "10.0.0.9:8080"}  # target labels, ignored
NODE_CPU = {"node-1": (8.0, 7.5), "node-2": (16.0, 15.8), "node-3": (4.0, 3.9)}  # capacity, alloc
QUOTA_CHANGE = T0S + 30 * 60 + 15  # team-a's requests.cpu used goes 0.5 -> 0.6 here
BUCKETS_V2 = {"alice-data": (5 * GIB, 1200.0, 10 * GIB), "team-data-data": (100 * GIB, 5e4, None)}
BUCKETS_V3 = {"bob-data": (3 * GIB, 42.0, 4 * GIB), "scratch": (1e6, 7.0, None)}
# direct owners of pods (kube_pod_owner); pods without containers are Completed / Pending ones
POD_OWNERS = (
    ("team-a", "api-7d9f8-x2k4p", "ReplicaSet", "api-7d9f8"),
    ("team-a", "api-v2-7c9f8d6b5-x2k4p", "ReplicaSet", "api-v2-7c9f8d6b5"),
    # a pod-template-hash of 8 digits: the pod-name parser takes it for a CronJob's pod
    ("team-a", "report-gen-58774569-bcdfg", "ReplicaSet", "report-gen-58774569"),
    ("team-a", "worker-0", "StatefulSet", "worker"),
    ("team-b", "db-0", "StatefulSet", "db"),
    ("team-b", "batch-9q8w7", "Job", "batch"),
    ("team-b", "nightly-report-29184480-bcdfg", "Job", "nightly-report-29184480"),
    ("kube-system", "coredns-5d78c-abcde", "ReplicaSet", "coredns-5d78c"),
    ("kube-system", "kube-proxy-zx9kq", "DaemonSet", "kube-proxy"),
    ("team-c", "web-6c5d4-qwert", "ReplicaSet", "web-6c5d4"),
    ("team-c", "late-0", "StatefulSet", "late"),
    ("team-c", "debug", "<none>", "<none>"),
)
REPLICASET_OWNERS = (
    ("team-a", "api-7d9f8", "Deployment", "api"),
    ("team-a", "api-v2-7c9f8d6b5", "Deployment", "api-v2"),
    ("team-a", "report-gen-58774569", "Deployment", "report-gen"),
    ("kube-system", "coredns-5d78c", "Deployment", "coredns"),
    ("team-c", "web-6c5d4", "<none>", "<none>"),  # a bare ReplicaSet
)
JOB_OWNERS = (
    ("team-b", "batch", "<none>", "<none>"),
    ("team-b", "nightly-report-29184480", "CronJob", "nightly-report"),
)
NAMESPACE_META = {  # namespace -> (labels, annotations), Kubernetes keys
    "team-a": (
        {
            "governance.io/tenant-owner": "alice",
            "governance.io/tier": "developer",
            "governance.io/sync-status": "managed",
        },
        {"governance.io/ttl-expire-date": "2026-07-10", "governance.io/purpose": "sandbox-testing"},
    ),
    "team-b": (
        {"governance.io/tenant-owner": "team-data", "governance.io/tier": "platform"},
        {"governance.io/ttl-expire-date": "someday"},
    ),
    "team-c": ({}, {}),
    "kube-system": ({"kubernetes.io/metadata.name": "kube-system"}, {}),
}


def _ksm_key(prefix: str, key: str) -> str:
    return prefix + re.sub(r"[^a-zA-Z0-9_]", "_", key)


def _constant(history: History, name: str, labels: dict[str, str], value: float) -> None:
    history.add(name, labels, SAMPLE_TIMES, np.full(len(SAMPLE_TIMES), value))


def add_inventory(history: History, allowlists: bool = True, minio: str = "v2") -> None:
    """kube-state-metrics namespace, node, quota and owner series and MinIO bucket series
    (v2 or v3 names); allowlists=False: kube_namespace_labels/_annotations without any key, as
    kube-state-metrics exports them when started without --metric-*-allowlist."""
    for namespace, (labels, notes) in NAMESPACE_META.items():
        for metric, prefix, keys in (
            ("kube_namespace_labels", "label_", labels),
            ("kube_namespace_annotations", "annotation_", notes),
        ):
            extra = {_ksm_key(prefix, k): v for k, v in keys.items()} if allowlists else {}
            _constant(history, metric, {**KSM, "namespace": namespace, **extra}, 1.0)
    for node, (cpu_capacity, cpu_allocatable) in NODE_CPU.items():
        for resource, unit, capacity, allocatable in (
            ("cpu", "core", cpu_capacity, cpu_allocatable),
            ("memory", "byte", cpu_capacity * 4 * GIB, cpu_capacity * 4 * GIB - GIB),
            ("pods", "integer", 110.0, 110.0),
        ):
            ident = {**KSM, "node": node, "resource": resource, "unit": unit}
            _constant(history, "kube_node_status_capacity", ident, capacity)
            _constant(history, "kube_node_status_allocatable", ident, allocatable)
    quota = {**KSM, "namespace": "team-a", "resourcequota": "personal-user-quota"}
    for resource, hard, used in (("requests.memory", 4 * GIB, 576e6), ("pods", 5.0, 2.0)):
        _constant(
            history, "kube_resourcequota", {**quota, "resource": resource, "type": "hard"}, hard
        )
        _constant(
            history, "kube_resourcequota", {**quota, "resource": resource, "type": "used"}, used
        )
    cpu = {**quota, "resource": "requests.cpu"}
    _constant(history, "kube_resourcequota", {**cpu, "type": "hard"}, 2.0)
    used = np.where(SAMPLE_TIMES < QUOTA_CHANGE, 0.5, 0.6)
    history.add("kube_resourcequota", {**cpu, "type": "used"}, SAMPLE_TIMES, used)
    for metric, object_label, rows in (
        ("kube_pod_owner", "pod", POD_OWNERS),
        ("kube_replicaset_owner", "replicaset", REPLICASET_OWNERS),
        ("kube_job_owner", "job_name", JOB_OWNERS),
    ):
        for namespace, obj, kind, name in rows:
            labels = {
                **KSM,
                "namespace": namespace,
                object_label: obj,
                "owner_kind": kind,
                "owner_name": name,
                "owner_is_controller": "false" if kind == "<none>" else "true",
            }
            _constant(history, metric, labels, 1.0)
    if minio == "v2":
        names = ("minio_bucket_usage_total_bytes", "minio_bucket_usage_object_total")
        quota_name, buckets = "minio_bucket_quota_total_bytes", BUCKETS_V2
    else:
        names = (
            "minio_cluster_usage_buckets_total_bytes",
            "minio_cluster_usage_buckets_objects_count",
        )
        quota_name, buckets = "minio_cluster_usage_buckets_quota_total_bytes", BUCKETS_V3
    for server in ("minio-0:9000", "minio-1:9000"):  # every MinIO node reports every bucket
        target = {"job": "minio", "server": server}
        for bucket, (usage, objects, quota_bytes) in buckets.items():
            _constant(history, names[0], {**target, "bucket": bucket}, usage)
            _constant(history, names[1], {**target, "bucket": bucket}, objects)
            if quota_bytes is not None:
                _constant(history, quota_name, {**target, "bucket": bucket}, quota_bytes)


# --------------------------------------------------------------------------- lifecycle cases

MIB = float(1 << 20)
# a namespace whose TTL passed the day before the window's report date (2026-07-01 KST) and that
# still requests 2 cores and 1900 MiB for the whole window; its owner keeps a bucket
LIFECYCLE_CONTAINER = ContainerSpec(
    "team-d", "sandbox-0", "app", "node-2", 2.0, 2.0, 1900 * MIB, 1900 * MIB, 0.05
)
LIFECYCLE_NAMESPACE = (
    "team-d",
    {"governance.io/tenant-owner": "dave", "governance.io/tier": "developer"},
    {"governance.io/ttl-expire-date": "2026-06-30"},
)
# resource, hard, used: 1900 / 2000 MiB = 95 % (almost full); 2 pods of 1 allowed (exceeded)
LIFECYCLE_QUOTAS = (("requests.memory", 2000 * MIB, 1900 * MIB), ("pods", 1.0, 2.0))
LIFECYCLE_BUCKETS = {"dave-data": (2 * GIB, 10.0, None)}  # MinIO v2 names, like BUCKETS_V2


def add_lifecycle(history: History, allowlists: bool = True) -> None:
    """Inventory series of the lifecycle cases (LIFECYCLE_*): team-d's namespace metadata, its
    quota `team-quota`, its pod's owner and dave's bucket; add LIFECYCLE_CONTAINER's container
    series with build_history. Separate from add_inventory so the default backfill is unchanged."""
    namespace, labels, notes = LIFECYCLE_NAMESPACE
    for metric, prefix, keys in (
        ("kube_namespace_labels", "label_", labels),
        ("kube_namespace_annotations", "annotation_", notes),
    ):
        extra = {_ksm_key(prefix, k): v for k, v in keys.items()} if allowlists else {}
        _constant(history, metric, {**KSM, "namespace": namespace, **extra}, 1.0)
    quota = {**KSM, "namespace": namespace, "resourcequota": "team-quota"}
    for resource, hard, used in LIFECYCLE_QUOTAS:
        for kind, value in (("hard", hard), ("used", used)):
            _constant(
                history, "kube_resourcequota", {**quota, "resource": resource, "type": kind}, value
            )
    owner = {
        **KSM,
        "namespace": namespace,
        "pod": LIFECYCLE_CONTAINER.pod,
        "owner_kind": "StatefulSet",
        "owner_name": "sandbox",
        "owner_is_controller": "true",
    }
    _constant(history, "kube_pod_owner", owner, 1.0)
    for server in ("minio-0:9000", "minio-1:9000"):
        target = {"job": "minio", "server": server}
        for bucket, (usage, objects, _quota) in LIFECYCLE_BUCKETS.items():
            _constant(
                history, "minio_bucket_usage_total_bytes", {**target, "bucket": bucket}, usage
            )
            _constant(
                history, "minio_bucket_usage_object_total", {**target, "bucket": bucket}, objects
            )


# --------------------------------------------------------------------------- ground truth


def value_at(times: np.ndarray, values: np.ndarray, t: float) -> float:
    """Prometheus' instant value: the last sample in (t - 5m, t], else NaN."""
    i = int(np.searchsorted(times, t, side="right")) - 1
    if i < 0 or times[i] <= t - LOOKBACK:
        return float("nan")
    return float(values[i])


def minutes() -> np.ndarray:
    return T0S + 60 * np.arange(HOURS * 60, dtype=np.int64)


@dataclass(frozen=True)
class Truth:
    """Expected per-minute values of one container over the extracted window (NaN = no value)."""

    rows: np.ndarray  # bool per minute
    columns: dict[str, np.ndarray]
    node: str


def ground_truth(history: History) -> dict[tuple[str, str, str], Truth]:
    grid = minutes()
    out: dict[tuple[str, str, str], Truth] = {}
    first_container = {}
    for spec in sorted(history.containers, key=lambda s: s.key):
        first_container.setdefault((spec.namespace, spec.pod), spec.container)
    for spec in history.containers:
        times = spec.times()
        ws = _working_set(spec, times)
        cols: dict[str, np.ndarray] = {}
        cols["mem_usage"] = np.array([value_at(times, ws, t) for t in grid])
        cols["mem_rss"] = np.array([value_at(times, np.floor(ws * 0.8), t) for t in grid])
        rows = ~np.isnan(cols["mem_usage"])
        for name, val in (
            ("cpu_request", spec.cpu_request),
            ("cpu_limit", spec.cpu_limit),
            ("mem_request", spec.mem_request),
            ("mem_limit", spec.mem_limit),
        ):
            cols[name] = np.where(rows, np.nan if val is None else val, np.nan)
        settled = rows & (grid >= spec.start + LOOKBACK)
        cols["cpu_usage"] = np.where(settled, spec.cpu_rate, np.nan)
        cols["cpu_throttled"] = np.where(settled, spec.throttle_ratio, np.nan)
        kills = np.array([sum(1 for e in spec.oom_times if t - 60 < e <= t) for t in grid], float)
        cols["oom_event"] = np.where(rows, kills, np.nan)
        per_sample = spec.energy_legacy or spec.energy_current  # package+dram shares sum to 1
        energy = np.array(
            [np.sum((times > t - 60) & (times <= t)) * per_sample for t in grid], dtype=float
        )
        cols["energy_joules"] = np.where(rows & (per_sample > 0), energy, np.nan)
        pv_cap = np.full(len(grid), np.nan)
        pv_used = np.full(len(grid), np.nan)
        for vol in history.volumes:
            if (vol.namespace, vol.pod) != (spec.namespace, spec.pod):
                continue
            is_first = first_container[(vol.namespace, vol.pod)] == spec.container
            cap = sum(vol.claims.values())
            used = np.zeros(len(grid))
            for capacity in vol.claims.values():
                u = np.floor(capacity * 0.3 + 1024.0 * ((times - HISTORY_START) // 30))
                used += np.array([value_at(times, u, t) for t in grid])
            pv_cap = np.where(rows, cap if is_first else 0.0, np.nan)
            pv_used = np.where(rows, used if is_first else 0.0, np.nan)
        cols["pv_capacity"] = pv_cap
        cols["pv_used"] = pv_used
        out[spec.key] = Truth(rows, cols, spec.node)
    return out


# --------------------------------------------------------------------------- promtool + server


def write_openmetrics(history: History, path: Path) -> None:
    by_name: dict[str, list[SeriesData]] = {}
    for s in history.series:
        by_name.setdefault(s.name, []).append(s)
    with path.open("w") as out:
        for name, group in by_name.items():
            out.write(f"# TYPE {name} gauge\n")
            for s in group:
                labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
                for t, v in zip(s.times.tolist(), s.values.tolist(), strict=True):
                    out.write(f"{name}{{{labels}}} {v!r} {t}\n")
        out.write("# EOF\n")


def create_blocks(history: History, work: Path) -> Path:
    """Backfill the history into TSDB blocks (checked: promtool drops bad samples silently)."""
    if not Path(PROMTOOL).exists() or not Path(PROMETHEUS).exists():
        require_service("prometheus/promtool not installed (make setup-services)")
    source = work / "history.om"
    write_openmetrics(history, source)
    blocks = work / "blocks"
    subprocess.run(
        [PROMTOOL, "tsdb", "create-blocks-from", "openmetrics", str(source), str(blocks)],
        check=True,
        capture_output=True,
    )
    listing = subprocess.run(
        [PROMTOOL, "tsdb", "list", str(blocks)], check=True, capture_output=True, text=True
    ).stdout
    loaded = sum(int(line.split()[4]) for line in listing.splitlines()[1:] if line.strip())
    if loaded != history.samples:
        raise AssertionError(f"promtool loaded {loaded} samples, expected {history.samples}")
    return blocks


@dataclass
class PrometheusServer:
    url: str
    process: subprocess.Popen[bytes]
    data_dir: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


@contextlib.contextmanager
def run_prometheus(
    blocks: Path, work: Path, startup_timeout: float = 20.0
) -> Iterator[PrometheusServer]:
    """Start prometheus on 127.0.0.1:<random port> on a copy of `blocks`; SIGTERM on exit."""
    data = work / "data"
    shutil.copytree(blocks, data)
    config = work / "prometheus.yml"
    config.write_text("global: {}\n")
    log_path = work / "prometheus.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                PROMETHEUS,
                f"--config.file={config}",
                f"--storage.tsdb.path={data}",
                "--storage.tsdb.retention.time=100y",
                "--web.listen-address=127.0.0.1:0",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = PrometheusServer("", proc, data)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            match = re.search(
                r"Listening on.*?127\.0\.0\.1:(\d+)", log_path.read_text(errors="replace")
            )
            if match and _ready(f"http://127.0.0.1:{match.group(1)}"):
                server.url = f"http://127.0.0.1:{match.group(1)}"
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                require_service(f"prometheus did not start: {log_path.read_text()[-1500:]}")
            time.sleep(0.05)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/-/ready", timeout=1.0) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def window() -> tuple[datetime, datetime]:
    return T0, T0 + timedelta(hours=HOURS)


# --------------------------------------------------------------------------- fault proxy

PASS, FAIL_503, HANG, RESET = "pass", "503", "hang", "reset"


class FaultProxy:
    """HTTP/1.0 proxy on 127.0.0.1 in front of an upstream; `plan(n, form)` picks each request's
    fate: PASS (forward), FAIL_503, HANG (hold the connection, never answer, then reset) or RESET
    (TCP reset). Forwarding to a dead upstream becomes a reset, like a dead Prometheus."""

    def __init__(
        self, upstream: str, plan: Callable[[int, dict[str, str]], str], hang: float = 3.0
    ):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.plan = plan
        self.hang = hang
        self.requests: list[str] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                proxy.handle(self, b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                proxy.handle(self, self.rfile.read(length))

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def handle(self, handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        form = dict(urllib.parse.parse_qsl(body.decode()))
        with self.lock:
            number = len(self.requests)
            action = self.plan(number, form)
            self.requests.append(action)
        if action == FAIL_503:
            payload = b'{"status":"error","errorType":"unavailable","error":"injected 503"}'
            self._reply(handler, 503, payload)
        elif action == HANG:
            self.stopping.wait(self.hang)
            _reset(handler)
        elif action == RESET:
            _reset(handler)
        else:
            self._forward(handler, body)

    def _forward(self, handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        conn = http.client.HTTPConnection(
            self.upstream.hostname or "127.0.0.1", self.upstream.port, timeout=30
        )
        try:
            conn.request(
                handler.command,
                handler.path,
                body=body or None,
                headers={"Content-Type": handler.headers.get("Content-Type", "text/plain")},
            )
            response = conn.getresponse()
            status, payload = response.status, response.read()
        except OSError:
            _reset(handler)  # upstream dead: the client sees a connection failure
            return
        finally:
            conn.close()
        self._reply(handler, status, payload)

    @staticmethod
    def _reply(handler: http.server.BaseHTTPRequestHandler, status: int, payload: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


def _reset(handler: http.server.BaseHTTPRequestHandler) -> None:
    """Close the client connection with a TCP RST (SO_LINGER 0)."""
    sock = handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    handler.wfile = io.BytesIO()  # nothing left to flush on the closed socket
    handler.close_connection = True


def request_time(form: dict[str, str]) -> float:
    """The evaluation time a Prometheus API request is about (range start or instant time)."""
    return float(form.get("start") or form.get("time") or 0)


# --------------------------------------------------------------------------- pytest fixtures


@dataclass(frozen=True)
class Backfill:
    history: History
    blocks: Path
    truth: dict[tuple[str, str, str], Truth]


@pytest.fixture(scope="session")
def backfill(tmp_path_factory: pytest.TempPathFactory) -> Backfill:
    """The generated history, loaded into TSDB blocks, and its ground truth."""
    history = build_history()
    add_inventory(history)
    blocks = create_blocks(history, tmp_path_factory.mktemp("tsdb"))
    return Backfill(history, blocks, ground_truth(history))


@pytest.fixture(scope="session")
def prometheus_no_allowlist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    """A Prometheus with only inventory series: kube-state-metrics started without label and
    annotation allowlists, and MinIO's v3 bucket metrics."""
    history = History()
    add_inventory(history, allowlists=False, minio="v3")
    work = tmp_path_factory.mktemp("no-allowlist")
    with run_prometheus(create_blocks(history, work), work / "server") as server:
        yield server


@pytest.fixture(scope="session")
def prometheus(
    backfill: Backfill, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrometheusServer]:
    """A real Prometheus serving the backfill for the whole session."""
    with run_prometheus(backfill.blocks, tmp_path_factory.mktemp("prometheus")) as server:
        yield server


def extract(
    url: str, lake: Path, *extra: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run the extractor CLI in-process over the backfilled window; returns (rc, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["--prometheus-url", url, "--start", "2026-07-01T00", "--end", "2026-07-01T02"]
    argv += ["--lake", str(lake), "--quiet", "--retry-base-delay", "0.01", *extra]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(argv, env=env or {}, now=NOW)
    return rc, out.getvalue(), err.getvalue()


def hour_file(lake: Path, hour: int) -> Path:
    return hour_dir(lake, datetime(2026, 7, 1, hour, tzinfo=UTC)) / FILE_NAME


def inventory_file(lake: Path, kind: str, hour: int) -> Path:
    return inventory_hour_dir(lake, kind, datetime(2026, 7, 1, hour, tzinfo=UTC)) / FILE_NAME


def hour_manifest(lake: Path, hour: int) -> Path:
    return hour_file(lake, hour).with_name("_manifest.json")
