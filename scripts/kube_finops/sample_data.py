"""Generate a realistic synthetic raw lake in the raw lake contract (demo, tests, benchmarks).

Writes `<lake>/raw/dt=YYYY-MM-DD/hour=HH/part-0000.parquet`, one file per UTC hour, covering whole
report-timezone days: from `--start-date` 00:00 to `--start-date + --days` 00:00 in `--timezone`.
Everything is deterministic for a given `--seed` and generated with vectorised numpy, hour by hour,
so even the `fleet` scale (about 69 million rows per day) streams in bounded memory.

The population exercises the dbt seeds and marts: node names for every `cluster_node_patterns.csv`
row plus unmatched ones (UNKNOWN), an `edge` cluster label on a few namespaces, namespaces and pods
for every `workload_type_patterns.csv` type next to plain tenant namespaces, real controller pod
suffixes (Deployment, StatefulSet, CronJob, DaemonSet, bare pods), deployments rolled mid-day, jobs
running 20-180 minutes, and container profiles: right-sized, over-allocated, heavy waste,
under-requested, CPU-throttled, OOM-killed, missing requests/limits and bursty.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from kube_finops.lake.contract import RAW_DIR, RAW_SCHEMA, RAW_WRITER, TIMESTAMP_TYPE, hour_dir
from kube_finops.lake.writer import write_hour_file
from kube_finops.sample_inventory import inputs_from_population, taken_hours, write_inventory

log = logging.getLogger("kube_finops.sample_data")

MINUTES_PER_DAY = 1440
GIB = float(1 << 30)
# Kubernetes' SafeEncodeString alphabet (no vowels, so suffixes never spell a workload pattern).
SUFFIX_ALPHABET = np.frombuffer(b"bcdfghjklmnpqrstvwxz2456789", dtype=np.uint8)
# Power model behind energy_joules on Kepler nodes (watts per requested / used core, per GiB).
IDLE_WATTS_PER_CORE = 1.8
DYNAMIC_WATTS_PER_CORE = 9.0
WATTS_PER_GIB = 0.35

# Independent random streams (SeedSequence entropy next to the user's seed).
STREAM_POPULATION, STREAM_SCHEDULE, STREAM_OOM, STREAM_HOURS = 1, 2, 3, 4

DEPLOYMENT, STATEFULSET, CRONJOB, DAEMONSET, BARE_POD = (
    "deployment",
    "statefulset",
    "cronjob",
    "daemonset",
    "pod",
)
KINDS = (DEPLOYMENT, STATEFULSET, CRONJOB, DAEMONSET, BARE_POD)
GROUP_PREFIXES = {
    "compute": ("cmp-w-{:03d}", 25),
    "gpu": ("cmp-gpu-{:02d}", 8),
    "storage": ("stg-w-{:03d}", 15),
    "edge": ("edge-{:02d}", 15),
    "legacy": ("infra-legacy-{:02d}", 15),
}
GROUPS = tuple(GROUP_PREFIXES)
MIN_NODES = {"compute": 3, "gpu": 2, "storage": 2, "edge": 2, "legacy": 2}
KEPLER_SHARE = {"compute": 0.5, "gpu": 1.0, "storage": 0.3, "edge": 0.0, "legacy": 0.0}
SIDECARS = ("istio-proxy", "sidecar", "log-shipper", "metrics-exporter", "vault-agent")


@dataclass(frozen=True)
class Scale:
    """Population size: namespaces x pods per namespace x mean containers per pod."""

    namespaces: int
    pods_per_namespace: int
    containers_per_pod: int


SCALES = {
    "demo": Scale(60, 3, 2),
    "1m": Scale(92, 4, 2),
    "10m": Scale(930, 4, 2),
    "fleet": Scale(6000, 4, 2),
}


@dataclass(frozen=True)
class LakeSummary:
    """What generate_lake wrote."""

    files: int
    rows: int
    seconds: float
    inventory_files: int = 0


class LakeNotEmptyError(RuntimeError):
    """The target hours already hold files and overwrite was not requested."""


# the last tenant namespace: requests held, CPU mean at most this (cores): dormant
SANDBOX_DOMAIN = "sandbox"
SANDBOX_CPU_CORES = 0.001


@dataclass(frozen=True)
class WorkloadDef:
    """A controller template: pods named from `base`, `replicas` pods, one or more containers."""

    base: str
    kind: str
    containers: tuple[str, ...] = ("app",)
    replicas: int = 1
    group: str = "compute"
    pvc: float = 0.0


@dataclass(frozen=True)
class NamespaceDef:
    """A namespace; `group` pins all its pods to one node group, `cluster` is its label."""

    name: str
    workloads: tuple[WorkloadDef, ...]
    cluster: str | None = None
    group: str | None = None


def _w(
    base: str,
    kind: str,
    containers: tuple[str, ...] = ("app",),
    replicas: int = 1,
    group: str = "compute",
    pvc: float = 0.0,
) -> WorkloadDef:
    return WorkloadDef(base, kind, containers, replicas, group, pvc)


PLATFORM_NAMESPACES = (
    NamespaceDef(
        "monitoring",
        (
            _w("prometheus-k8s", STATEFULSET, ("prometheus", "config-reloader"), 1, "storage", 1),
            _w("node-exporter", DAEMONSET, ("node-exporter", "kube-rbac-proxy"), 3),
            _w("grafana", DEPLOYMENT, ("grafana",)),
            _w("alertmanager-main", STATEFULSET, ("alertmanager", "config-reloader"), 2, pvc=1),
            _w("kube-state-metrics", DEPLOYMENT, ("kube-state-metrics",)),
            _w("thanos-query", DEPLOYMENT, ("thanos",)),
            _w("loki", STATEFULSET, ("loki",), 1, "storage", 1),
        ),
    ),
    NamespaceDef(
        "kafka",
        (
            _w("kafka", STATEFULSET, ("kafka",), 3, "storage", 1),
            _w("zookeeper", STATEFULSET, ("zookeeper",), 3, "storage", 1),
            _w("kafka-exporter", DEPLOYMENT, ("exporter",)),
        ),
    ),
    NamespaceDef(
        "edge-gateway",
        (
            _w("api-gateway", DEPLOYMENT, ("envoy",), 2),
            _w("mqtt-broker", STATEFULSET, ("mosquitto",), 1, pvc=1),
            _w("telemetry-forwarder", DEPLOYMENT),
        ),
        cluster="edge",
        group="edge",
    ),
    NamespaceDef(
        "databases",
        (
            _w("postgres-orders", STATEFULSET, ("postgres", "metrics-exporter"), 2, "storage", 1),
            _w("pg-billing", STATEFULSET, ("postgres",), 1, "storage", 1),
            _w("pgbouncer", DEPLOYMENT, ("pgbouncer",), 2),
        ),
    ),
    NamespaceDef(
        "legacy-apps",
        (
            _w("billing-legacy", DEPLOYMENT, ("app",), 2),
            _w("batch-runner", BARE_POD),
            _w("nightly-export", CRONJOB),
        ),
        group="legacy",
    ),
    NamespaceDef(
        "spark",
        (
            _w("spark-etl-daily", CRONJOB, ("spark-kubernetes-driver",), 2),
            _w("spark-operator", DEPLOYMENT, ("spark-operator",)),
            _w("spark-history-server", DEPLOYMENT, ("spark-history",)),
        ),
    ),
    NamespaceDef(
        "airflow",
        (
            _w("airflow-scheduler", DEPLOYMENT, ("scheduler", "git-sync")),
            _w("airflow-worker", STATEFULSET, ("worker",), 2, pvc=1),
            _w("airflow-webserver", DEPLOYMENT, ("webserver",)),
            _w("airflow-db-cleanup", CRONJOB, ("cleanup",)),
        ),
    ),
    NamespaceDef(
        "trino",
        (
            _w("trino-coordinator", DEPLOYMENT, ("trino",)),
            _w("trino-worker", DEPLOYMENT, ("trino",), 3),
        ),
    ),
    NamespaceDef("minio", (_w("minio", STATEFULSET, ("minio",), 4, "storage", 1),)),
    NamespaceDef(
        "jupyterhub",
        (
            _w("jupyter-alice", BARE_POD, ("notebook",), group="gpu"),
            _w("hub", DEPLOYMENT, ("hub",)),
            _w("jupyter-bob", BARE_POD, ("notebook",)),
            _w("notebook-controller", DEPLOYMENT, ("manager",)),
        ),
    ),
    NamespaceDef(
        "redis",
        (
            _w("redis-master", STATEFULSET, ("redis", "metrics-exporter"), 1, "storage", 1),
            _w("redis-replicas", STATEFULSET, ("redis",), 2, "storage", 1),
        ),
    ),
    NamespaceDef(
        "ingress-nginx",
        (
            _w("ingress-nginx-controller", DEPLOYMENT, ("controller",), 2),
            _w("haproxy-ingress", DEPLOYMENT, ("haproxy",)),
        ),
    ),
    NamespaceDef(
        "logging",
        (
            _w("elasticsearch-master", STATEFULSET, ("elasticsearch",), 3, "storage", 1),
            _w("kibana", DEPLOYMENT, ("kibana",)),
            _w("fluent-bit", DAEMONSET, ("fluent-bit",), 3),
        ),
    ),
    NamespaceDef(
        "flink",
        (
            _w("flink-jobmanager", DEPLOYMENT, ("flink-main-container",)),
            _w("flink-taskmanager", DEPLOYMENT, ("flink-main-container",), 2),
        ),
    ),
    NamespaceDef(
        "ml-platform",
        (
            _w("ray-worker", DEPLOYMENT, ("ray-worker",), 2, "gpu"),
            _w("mlflow", DEPLOYMENT, ("mlflow",)),
            _w("ray-head", DEPLOYMENT, ("ray-head",), 1, "gpu"),
            _w("kubeflow-pipelines", DEPLOYMENT, ("ml-pipeline",)),
        ),
    ),
    NamespaceDef(
        "observability",
        (
            _w("otel-collector", DEPLOYMENT, ("otel-collector",), 2),
            _w("tempo-distributor", DEPLOYMENT, ("tempo",)),
        ),
    ),
    NamespaceDef(
        "spark-apps",
        (_w("etl-orders", CRONJOB), _w("job-submitter", DEPLOYMENT)),
    ),
    NamespaceDef("kafka-connect", (_w("connect-worker", DEPLOYMENT, ("connect",), 2),)),
    NamespaceDef(
        "kube-system",
        (
            _w("coredns", DEPLOYMENT, ("coredns",), 2),
            _w("kube-proxy", DAEMONSET, ("kube-proxy",), 3),
            _w("calico-node", DAEMONSET, ("calico-node",), 3),
        ),
    ),
)

TENANT_DOMAINS = (
    "orders",
    "payments",
    "billing",
    "catalog",
    "checkout",
    "inventory",
    "shipping",
    "identity",
    "reviews",
    "pricing",
    "loyalty",
    "fraud",
    "ads",
    "recsys",
    "mobile-bff",
    "partner-api",
    "support",
    "hr-portal",
    "finance",
    "logistics",
)
TENANT_FRONT = (_w("api", DEPLOYMENT), _w("web", DEPLOYMENT), _w("frontend", DEPLOYMENT))
TENANT_WORKLOADS = (
    (_w("backend", DEPLOYMENT), 8.0),
    (_w("worker", DEPLOYMENT), 6.0),
    (_w("consumer", DEPLOYMENT), 5.0),
    (_w("auth", DEPLOYMENT), 3.0),
    (_w("notifier", DEPLOYMENT), 3.0),
    (_w("pricing-engine", DEPLOYMENT), 2.0),
    (_w("search-api", DEPLOYMENT), 2.0),
    (_w("worker", STATEFULSET, pvc=0.5), 3.0),
    (_w("postgres", STATEFULSET, ("postgres",), 1, "storage", 1), 4.0),
    (_w("pg-main", STATEFULSET, ("postgres",), 1, "storage", 1), 2.0),
    (_w("redis", STATEFULSET, ("redis",), 1, "storage", 0.6), 3.0),
    (_w("mongodb", STATEFULSET, ("mongod",), 1, "storage", 1), 2.0),
    (_w("rabbitmq", STATEFULSET, ("rabbitmq",), 1, "storage", 0.8), 2.0),
    (_w("etl", CRONJOB), 4.0),
    (_w("report", CRONJOB), 3.0),
    (_w("backup", CRONJOB), 2.0),
    (_w("cleanup", CRONJOB), 2.0),
    (_w("sync", CRONJOB), 2.0),
    (_w("debug-shell", BARE_POD), 1.5),
    (_w("db-migrate", BARE_POD), 1.0),
    (_w("load-test", BARE_POD), 1.0),
)


@dataclass(frozen=True)
class Profile:
    """Resource behaviour of a container template (cores, GiB; ranges are uniform draws)."""

    name: str
    weight: float
    cpu_request: tuple[float, ...]
    cpu_use_frac: tuple[float, float]
    cpu_use_abs: tuple[float, float]
    cpu_limit_mult: tuple[float, ...]
    mem_request: tuple[float, ...]
    mem_use_frac: tuple[float, float]
    mem_use_abs: tuple[float, float]
    mem_limit_mult: tuple[float, ...]
    cpu_headroom: float = 1.8  # limit >= demand * this (0: demand may exceed the limit)
    mem_headroom: float = 1.15  # limit >= working set * this (0: working set near the limit)
    sigma: float = 0.2
    spike_p: float = 0.002
    spike_max: float = 1.6
    rss_ratio: tuple[float, float] = (0.6, 0.92)
    unset: str = ""  # "all": no requests/limits; "limits": limits missing


PROFILES = (
    Profile("right_sized", 0.36, (0.1, 0.25, 0.5, 1, 2), (0.45, 0.8), (0, 0.02), (1.5, 2, 4),
            (0.25, 0.5, 1, 2, 4), (0.5, 0.85), (0, 0), (1, 1.5, 2)),
    Profile("over_allocated", 0.20, (1, 2, 3, 4), (0.02, 0.08), (0, 0.03), (1, 2),
            (2, 4, 8), (0.05, 0.2), (0, 0), (1, 2)),
    Profile("heavy_waste", 0.05, (4, 6, 8, 12, 16), (0, 0), (0.05, 0.2), (1,),
            (8, 16, 32, 64), (0.03, 0.1), (0, 0), (1,)),
    Profile("under_requested", 0.07, (0.05, 0.1, 0.25, 0.5), (1, 1.5), (0.8, 2.5), (2, 4),
            (0.125, 0.25, 0.5), (1.1, 1.8), (0, 0), (4,)),
    Profile("throttled", 0.07, (0.25, 0.5, 1, 2), (1.15, 1.6), (0, 0), (1,),
            (0.5, 1, 2), (0.4, 0.8), (0, 0), (1.5, 2), cpu_headroom=0.0),
    Profile("oom", 0.04, (0.1, 0.25, 0.5, 1), (0.3, 0.7), (0, 0.02), (2,),
            (0.25, 0.5, 1, 2), (0.88, 0.96), (0, 0), (1,), mem_headroom=0.0,
            rss_ratio=(0.94, 0.99)),
    Profile("best_effort", 0.06, (0,), (0, 0), (0.02, 0.8), (0,),
            (0,), (0, 0), (0.05, 1.5), (0,), unset="all"),
    Profile("no_limit", 0.08, (0.1, 0.25, 0.5, 1), (0.3, 1.1), (0, 0.02), (2,),
            (0.25, 0.5, 1, 2), (0.4, 1.3), (0, 0), (2,), unset="limits"),
    Profile("bursty", 0.07, (0.5, 1, 2), (0.15, 0.35), (0, 0.02), (2, 4),
            (0.5, 1, 2), (0.5, 0.8), (0, 0), (1.5, 2), sigma=0.35, spike_p=0.06, spike_max=4.0),
)  # fmt: skip
PROFILE_INDEX = {p.name: i for i, p in enumerate(PROFILES)}
SIDECAR_PROFILE_WEIGHTS = {
    "right_sized": 0.65,
    "no_limit": 0.15,
    "over_allocated": 0.1,
    "best_effort": 0.1,
}
SIDECAR_SIZE = 0.2  # sidecars get a fifth of a profile's requests and usage


@dataclass(frozen=True)
class Window:
    """Whole report-timezone days expressed as a UTC interval."""

    start_utc: datetime
    end_utc: datetime
    timezone: ZoneInfo

    @classmethod
    def for_days(cls, start_date: date, days: int, timezone: ZoneInfo) -> Window:
        end_date = start_date + timedelta(days=days)
        start = datetime(start_date.year, start_date.month, start_date.day, tzinfo=timezone)
        end = datetime(end_date.year, end_date.month, end_date.day, tzinfo=timezone)
        return cls(start.astimezone(UTC), end.astimezone(UTC), timezone)

    @property
    def minutes(self) -> int:
        return int((self.end_utc - self.start_utc).total_seconds()) // 60

    @property
    def start_epoch_minute(self) -> int:
        return int(self.start_utc.timestamp()) // 60

    def hours(self) -> list[datetime]:
        """UTC hour starts that hold at least one minute of the window."""
        hour = self.start_utc.replace(minute=0, second=0, microsecond=0)
        result = []
        while hour < self.end_utc:
            result.append(hour)
            hour += timedelta(hours=1)
        return result


@dataclass
class Population:
    """Nodes, namespaces, workloads, pod slots and container templates (static over the window)."""

    node_names: list[str]
    node_group: np.ndarray
    node_kepler: np.ndarray
    ns_names: list[str]
    ns_cluster: list[str | None]
    wl_ns: np.ndarray
    wl_kind: list[str]
    wl_base: list[str]
    wl_group: np.ndarray
    wl_first_tmpl: np.ndarray
    wl_ncont: np.ndarray
    slot_wl: np.ndarray
    slot_ordinal: np.ndarray
    slot_pv_cap: np.ndarray
    slot_pv_frac: np.ndarray
    slot_pv_growth: np.ndarray
    tmpl_name: list[str]
    tmpl_first: np.ndarray
    tmpl_profile: np.ndarray
    params: dict[str, np.ndarray]


@dataclass
class PodInstances:
    """Concrete pods over time: a pod slot, a name, [start, end) window minutes, a node."""

    slot: np.ndarray
    name: list[str]
    start: np.ndarray
    end: np.ndarray
    node: np.ndarray


@dataclass
class Fleet:
    """Container instances sorted by (namespace, pod, container), plus per-instance attributes."""

    start: np.ndarray
    end: np.ndarray
    tmpl: np.ndarray
    pod: np.ndarray
    ns: np.ndarray
    node: np.ndarray
    slot: np.ndarray
    first: np.ndarray
    container_names: pa.Array
    pod_names: pa.Array
    oom_keys: np.ndarray


# --------------------------------------------------------------------------- population


def stratified_choice(weights: Sequence[float], n: int, rng: np.random.Generator) -> np.ndarray:
    """n category indices in proportion to weights (largest remainder, each present if n allows)."""
    w = np.asarray(weights, dtype=float) / float(np.sum(weights))
    counts = np.floor(w * n).astype(int)
    if n >= len(w):
        counts = np.maximum(counts, 1)
    while counts.sum() > n:
        counts[np.argmax(counts)] -= 1
    remainder = w * n - counts
    for idx in np.argsort(-remainder, kind="stable")[: n - counts.sum()]:
        counts[idx] += 1
    return rng.permutation(np.repeat(np.arange(len(w)), counts))


def container_count(mean: int, rng: np.random.Generator) -> int:
    """Containers in one pod: mostly `mean`, sometimes one fewer or one more (never below 1)."""
    if mean <= 1:
        return 1 + int(rng.random() < 0.15)
    return int(rng.choice([mean - 1, mean, mean + 1], p=[0.2, 0.6, 0.2]))


def container_names(workload: WorkloadDef, count: int) -> list[str]:
    """Main containers of the workload, topped up with common sidecar names."""
    pool = list(dict.fromkeys(workload.containers + SIDECARS))
    pool += [f"sidecar-{i}" for i in range(2, count + 2)]
    return pool[:count]


def tenant_namespace(index: int, rng: np.random.Generator) -> NamespaceDef:
    """A plain tenant namespace `team-042-orders`; a few live on edge or legacy nodes."""
    roll = rng.random()
    if roll < 0.02:
        return NamespaceDef(f"team-{index:03d}-iot", (), cluster="edge", group="edge")
    domain = TENANT_DOMAINS[int(rng.integers(len(TENANT_DOMAINS)))]
    group = "legacy" if roll < 0.04 else None
    return NamespaceDef(f"team-{index:03d}-{domain}", (), group=group)


def plan_namespaces(count: int, rng: np.random.Generator) -> list[NamespaceDef]:
    """About a third platform namespaces (capped by the catalogue), the rest tenants; with two or
    more tenants the last one is a forgotten sandbox (see idle_sandbox)."""
    n_platform = min(len(PLATFORM_NAMESPACES), max(1, round(count * 0.32)))
    tenants = [tenant_namespace(i, rng) for i in range(1, count - n_platform + 1)]
    if len(tenants) >= 2 and tenants[-1].cluster is None:
        tenants[-1] = replace(tenants[-1], name=f"team-{len(tenants):03d}-{SANDBOX_DOMAIN}")
    return list(PLATFORM_NAMESPACES[:n_platform]) + tenants


def idle_sandbox(ns_names: list[str], rows: _Rows, params: dict[str, np.ndarray]) -> None:
    """The sandbox tenant keeps its requests but its containers barely use CPU (no spikes):
    a dormant namespace for the dormant-namespaces mart to find. Changes only that namespace's
    templates."""
    sandbox = [i for i, name in enumerate(ns_names) if name.endswith(f"-{SANDBOX_DOMAIN}")]
    if not sandbox:
        return
    wl_ns = np.asarray(rows.wl_ns, dtype=np.int64)
    for wl in np.flatnonzero(wl_ns == sandbox[0]):
        first = rows.wl_first_tmpl[wl]
        idx = slice(first, first + rows.wl_ncont[wl])
        params["cpu_base"][idx] = np.minimum(params["cpu_base"][idx], SANDBOX_CPU_CORES)
        params["spike_p"][idx] = 0.0


def workload_stream(ns: NamespaceDef, rng: np.random.Generator) -> Iterator[WorkloadDef]:
    """Endless workloads for a namespace: its catalogue in a loop, or random tenant apps."""
    if ns.workloads:
        while True:
            yield from ns.workloads
    front = TENANT_FRONT[int(rng.integers(len(TENANT_FRONT)))]
    yield _w(front.base, DEPLOYMENT, replicas=int(rng.integers(1, 4)))
    weights = np.array([w for _, w in TENANT_WORKLOADS])
    while True:
        wdef = TENANT_WORKLOADS[int(rng.choice(len(weights), p=weights / weights.sum()))][0]
        replicas = int(rng.integers(1, 4)) if wdef.kind == DEPLOYMENT else 1
        yield WorkloadDef(wdef.base, wdef.kind, wdef.containers, replicas, wdef.group, wdef.pvc)


def fill_namespace(
    ns: NamespaceDef, pods: int, rng: np.random.Generator
) -> list[tuple[WorkloadDef, str, int]]:
    """(workload, unique base name, replicas) until the namespace holds `pods` pods."""
    result: list[tuple[WorkloadDef, str, int]] = []
    used: dict[str, int] = {}
    remaining = pods
    for wdef in workload_stream(ns, rng):
        if remaining <= 0:
            break
        used[wdef.base] = used.get(wdef.base, 0) + 1
        base = wdef.base if used[wdef.base] == 1 else f"{wdef.base}-{used[wdef.base]}"
        replicas = min(wdef.replicas, remaining)
        result.append((wdef, base, replicas))
        remaining -= replicas
    return result


@dataclass
class _Rows:
    """Column lists collected while walking namespaces (turned into numpy arrays afterwards)."""

    wl_ns: list[int] = field(default_factory=list)
    wl_kind: list[str] = field(default_factory=list)
    wl_base: list[str] = field(default_factory=list)
    wl_group: list[int] = field(default_factory=list)
    wl_pvc: list[float] = field(default_factory=list)
    wl_first_tmpl: list[int] = field(default_factory=list)
    wl_ncont: list[int] = field(default_factory=list)
    slot_wl: list[int] = field(default_factory=list)
    slot_ordinal: list[int] = field(default_factory=list)
    tmpl_name: list[str] = field(default_factory=list)
    tmpl_first: list[bool] = field(default_factory=list)
    tmpl_main: list[bool] = field(default_factory=list)
    tmpl_kind: list[str] = field(default_factory=list)


def collect_workloads(
    namespaces: list[NamespaceDef], pods: int, containers: int, rng: np.random.Generator
) -> _Rows:
    """Walk the namespaces once and list workloads, pod slots and container templates."""
    rows = _Rows()
    for ns_idx, ns in enumerate(namespaces):
        for wdef, base, replicas in fill_namespace(ns, pods, rng):
            names = container_names(wdef, container_count(containers, rng))
            wl_idx = len(rows.wl_ns)
            rows.wl_ns.append(ns_idx)
            rows.wl_kind.append(wdef.kind)
            rows.wl_base.append(base)
            rows.wl_group.append(GROUPS.index(ns.group or wdef.group))
            rows.wl_pvc.append(wdef.pvc)
            rows.wl_first_tmpl.append(len(rows.tmpl_name))
            rows.wl_ncont.append(len(names))
            rows.slot_wl.extend([wl_idx] * replicas)
            rows.slot_ordinal.extend(range(replicas))
            first = min(names)
            rows.tmpl_name.extend(names)
            rows.tmpl_first.extend(name == first for name in names)
            rows.tmpl_main.extend(i == 0 for i in range(len(names)))
            rows.tmpl_kind.extend([wdef.kind] * len(names))
    return rows


def build_nodes(
    slot_groups: np.ndarray, rng: np.random.Generator
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Node names per group sized to the pods placed there, and which nodes run Kepler."""
    names: list[str] = []
    groups: list[int] = []
    kepler: list[bool] = []
    for g, group in enumerate(GROUPS):
        pattern, pods_per_node = GROUP_PREFIXES[group]
        count = max(MIN_NODES[group], -(-int(np.sum(slot_groups == g)) // pods_per_node))
        flags = rng.random(count) < KEPLER_SHARE[group]
        if KEPLER_SHARE[group] > 0:
            flags[0] = True
        names.extend(pattern.format(i) for i in range(1, count + 1))
        groups.extend([g] * count)
        kepler.extend(bool(f) for f in flags)
    return names, np.array(groups), np.array(kepler)


def pvc_slots(
    slot_wl: np.ndarray, wl_pvc: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pod slot: PVC capacity (bytes, 0 = none), initial used fraction, daily growth."""
    n = len(slot_wl)
    has_pv = rng.random(n) < wl_pvc[slot_wl]
    capacity_gib = rng.choice([10, 20, 50, 100, 200, 500, 1000], size=n)
    capacity = np.where(has_pv, capacity_gib * GIB, 0.0)
    return capacity, rng.uniform(0.03, 0.9, n), rng.uniform(0.0, 0.02, n)


def assign_profiles(is_main: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Profile index per template: main containers stratified over PROFILES, sidecars mostly
    right-sized or limit-less."""
    profile = np.zeros(len(is_main), dtype=np.int64)
    main_idx = np.flatnonzero(is_main)
    profile[main_idx] = stratified_choice([p.weight for p in PROFILES], len(main_idx), rng)
    side_idx = np.flatnonzero(~is_main)
    side_names = list(SIDECAR_PROFILE_WEIGHTS)
    side_p = np.array(list(SIDECAR_PROFILE_WEIGHTS.values()))
    picks = rng.choice(len(side_names), size=len(side_idx), p=side_p / side_p.sum())
    profile[side_idx] = np.array([PROFILE_INDEX[name] for name in side_names])[picks]
    return profile


def _uniform(bounds: tuple[float, float], n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(bounds[0], bounds[1], n)


def _choice(values: tuple[float, ...], n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(np.asarray(values, dtype=float), size=n)


def profile_params(spec: Profile, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Requests, limits (NaN = NULL) and usage levels for n templates of one profile."""
    cpu_req = _choice(spec.cpu_request, n, rng)
    cpu_base = cpu_req * _uniform(spec.cpu_use_frac, n, rng) + _uniform(spec.cpu_use_abs, n, rng)
    cpu_lim = cpu_req * _choice(spec.cpu_limit_mult, n, rng)
    cpu_lim = np.maximum(cpu_lim, cpu_base * spec.cpu_headroom)
    mem_req = _choice(spec.mem_request, n, rng) * GIB
    mem_base = mem_req * _uniform(spec.mem_use_frac, n, rng)
    mem_base += _uniform(spec.mem_use_abs, n, rng) * GIB
    mem_lim = mem_req * _choice(spec.mem_limit_mult, n, rng)
    mem_lim = np.maximum(mem_lim, mem_base * spec.mem_headroom)
    unset = np.where(rng.random(n) < 0.5, np.nan, 0.0)  # NULL or 0, per container
    if spec.unset == "all":
        cpu_req, cpu_lim, mem_req, mem_lim = unset, unset.copy(), unset.copy(), unset.copy()
    elif spec.unset == "limits":
        which = rng.random(n)  # both limits missing, CPU only or memory only
        cpu_lim = np.where(which < 0.85, unset, cpu_lim)
        mem_lim = np.where((which < 0.5) | (which >= 0.85), unset, mem_lim)
    return {
        "cpu_request": cpu_req,
        "cpu_limit": cpu_lim,
        "cpu_base": cpu_base,
        "mem_request": mem_req,
        "mem_limit": mem_lim,
        "mem_base": mem_base,
        "rss_ratio": _uniform(spec.rss_ratio, n, rng),
        "sigma": np.full(n, spec.sigma),
        "spike_p": np.full(n, spec.spike_p),
        "spike_max": np.full(n, spec.spike_max),
    }


KIND_AMPLITUDE = {
    DEPLOYMENT: (0.3, 0.8),
    STATEFULSET: (0.1, 0.4),
    CRONJOB: (0.0, 0.0),
    DAEMONSET: (0.05, 0.2),
    BARE_POD: (0.2, 0.6),
}


def template_params(
    profile: np.ndarray, is_main: np.ndarray, kinds: list[str], rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Per-template parameter arrays: profile draws, sidecar shrink, diurnal amplitude."""
    n = len(profile)
    params: dict[str, np.ndarray] = {}
    for p_idx, spec in enumerate(PROFILES):
        idx = np.flatnonzero(profile == p_idx)
        for key, values in profile_params(spec, len(idx), rng).items():
            params.setdefault(key, np.zeros(n))[idx] = values
    size = np.where(is_main, 1.0, SIDECAR_SIZE)
    for key in ("cpu_request", "cpu_limit", "cpu_base", "mem_request", "mem_limit", "mem_base"):
        params[key] *= size
    kind_idx = np.array([KINDS.index(k) for k in kinds], dtype=np.int64)
    lows = np.array([KIND_AMPLITUDE[k][0] for k in KINDS])[kind_idx]
    highs = np.array([KIND_AMPLITUDE[k][1] for k in KINDS])[kind_idx]
    amp = rng.uniform(lows, highs)
    steady = np.isin(profile, [PROFILE_INDEX["throttled"], PROFILE_INDEX["under_requested"]])
    params["amp"] = np.where(steady, np.minimum(amp, 0.3), amp)
    return params


def build_population(
    namespaces: int, pods_per_namespace: int, containers_per_pod: int, seed: int
) -> Population:
    """Deterministic population for the seed."""
    rng = np.random.default_rng([seed, STREAM_POPULATION])
    ns_defs = plan_namespaces(namespaces, rng)
    rows = collect_workloads(ns_defs, pods_per_namespace, containers_per_pod, rng)
    slot_wl = np.array(rows.slot_wl, dtype=np.int64)
    wl_group = np.array(rows.wl_group, dtype=np.int64)
    node_names, node_group, node_kepler = build_nodes(wl_group[slot_wl], rng)
    pv_cap, pv_frac, pv_growth = pvc_slots(slot_wl, np.array(rows.wl_pvc), rng)
    is_main = np.array(rows.tmpl_main)
    profile = assign_profiles(is_main, rng)
    params = template_params(profile, is_main, rows.tmpl_kind, rng)
    idle_sandbox([ns.name for ns in ns_defs], rows, params)
    return Population(
        node_names=node_names,
        node_group=node_group,
        node_kepler=node_kepler,
        ns_names=[ns.name for ns in ns_defs],
        ns_cluster=[ns.cluster for ns in ns_defs],
        wl_ns=np.array(rows.wl_ns, dtype=np.int64),
        wl_kind=rows.wl_kind,
        wl_base=rows.wl_base,
        wl_group=wl_group,
        wl_first_tmpl=np.array(rows.wl_first_tmpl, dtype=np.int64),
        wl_ncont=np.array(rows.wl_ncont, dtype=np.int64),
        slot_wl=slot_wl,
        slot_ordinal=np.array(rows.slot_ordinal, dtype=np.int64),
        slot_pv_cap=pv_cap,
        slot_pv_frac=pv_frac,
        slot_pv_growth=pv_growth,
        tmpl_name=rows.tmpl_name,
        tmpl_first=np.array(rows.tmpl_first),
        tmpl_profile=profile,
        params=params,
    )


# --------------------------------------------------------------------------- pods over time


class SuffixFactory:
    """Unique random-looking k8s name suffixes: a seeded bijection of a counter."""

    def __init__(self, length: int, rng: np.random.Generator) -> None:
        self.length = length
        self.modulus = 27**length
        self.multiplier = int(rng.integers(10**8, 10**11)) * 3 + 1  # coprime with 27**length
        self.offset = int(rng.integers(0, self.modulus))
        self.counter = 0

    def take(self, n: int) -> list[str]:
        values = np.arange(self.counter, self.counter + n, dtype=np.int64)
        self.counter += n
        mixed = (values * self.multiplier + self.offset) % self.modulus
        digits = (mixed[:, None] // (27 ** np.arange(self.length, dtype=np.int64))) % 27
        # each digit also depends on the lower ones (still a bijection): all positions look random
        lower = np.cumsum(digits, axis=1) - digits
        codes = np.ascontiguousarray(SUFFIX_ALPHABET[(digits + 11 * lower) % 27])
        return codes.view(f"S{self.length}").ravel().astype(str).tolist()


def rollout_minutes(days: int, total: int, rng: np.random.Generator) -> list[int]:
    """Business-hours minutes (10:00-17:30 local) of the days a deployment is rolled."""
    rolled = np.flatnonzero(rng.random(days) < 0.25)
    minutes = rolled * MINUTES_PER_DAY + rng.integers(600, 1050, len(rolled))
    return [int(m) for m in minutes if 0 < m < total]


def cronjob_runs(total: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """[start, end) runs (window minutes, may start before 0) of a CronJob, 20-180 minutes."""
    period = int(rng.choice([240, 360, 480, 720, 1440]))
    offset = int(rng.integers(0, period))
    starts = np.arange(offset - period, total, period)
    durations = rng.integers(20, min(181, period - 10), len(starts))
    return [(int(s), int(s + d)) for s, d in zip(starts, durations, strict=True) if s + d > 0]


class PodScheduler:
    """Turns workloads into pod instances: names with controller suffixes and lifetimes."""

    def __init__(self, pop: Population, window: Window, rng: np.random.Generator) -> None:
        self.pop, self.window, self.rng = pop, window, rng
        self.suffix5, self.hash10 = SuffixFactory(5, rng), SuffixFactory(10, rng)
        self.slot: list[int] = []
        self.name: list[str] = []
        self.start: list[int] = []
        self.end: list[int] = []

    def add(self, names: list[str], slots: np.ndarray, start: int, end: int) -> None:
        self.name.extend(names)
        self.slot.extend(slots.tolist())
        self.start.extend([start] * len(names))
        self.end.extend([end] * len(names))

    def deployment(self, base: str, slots: np.ndarray) -> None:
        """`api-<10-char hash>-<5-char id>`; a rollout brings new names, old pods linger 1-3 min."""
        total = self.window.minutes
        rolls = rollout_minutes(total // MINUTES_PER_DAY + 1, total, self.rng)
        ends = [min(r + int(self.rng.integers(1, 4)), total) for r in rolls] + [total]
        for start, end, pod_hash in zip(
            [0, *rolls], ends, self.hash10.take(len(ends)), strict=True
        ):
            ids = self.suffix5.take(len(slots))
            self.add([f"{base}-{pod_hash}-{pod_id}" for pod_id in ids], slots, start, end)

    def cronjob(self, base: str, slots: np.ndarray) -> None:
        """`etl-<scheduled epoch minute>-<5-char id>` per run (one pod per replica)."""
        total = self.window.minutes
        for start, end in cronjob_runs(total, self.rng):
            scheduled = self.window.start_epoch_minute + start
            ids = self.suffix5.take(len(slots))
            names = [f"{base}-{scheduled}-{pod_id}" for pod_id in ids]
            self.add(names, slots, max(start, 0), min(end, total))

    def steady(self, kind: str, base: str, slots: np.ndarray) -> None:
        """StatefulSet `kafka-0`, DaemonSet `node-exporter-x7k2p`, bare pod: the whole window."""
        ordinals = self.pop.slot_ordinal[slots].tolist()
        if kind == STATEFULSET:
            names = [f"{base}-{o}" for o in ordinals]
        elif kind == DAEMONSET:
            names = [f"{base}-{pod_id}" for pod_id in self.suffix5.take(len(slots))]
        else:
            names = [base if o == 0 else f"{base}-{o + 1}" for o in ordinals]
        self.add(names, slots, 0, self.window.minutes)

    def workload(self, wl: int, slots: np.ndarray) -> None:
        kind, base = self.pop.wl_kind[wl], self.pop.wl_base[wl]
        if kind == DEPLOYMENT:
            self.deployment(base, slots)
        elif kind == CRONJOB:
            self.cronjob(base, slots)
        else:
            self.steady(kind, base, slots)


def place_pods(pop: Population, slot: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Node per pod instance: random in the workload's group; DaemonSet pods spread out."""
    group = pop.wl_group[pop.slot_wl[slot]]
    node = np.zeros(len(slot), dtype=np.int64)
    for g in range(len(GROUPS)):
        members = np.flatnonzero(pop.node_group == g)
        idx = np.flatnonzero(group == g)
        node[idx] = members[rng.integers(0, len(members), len(idx))]
    is_ds = np.array([pop.wl_kind[w] == DAEMONSET for w in pop.slot_wl[slot]], dtype=bool)
    n_nodes = len(pop.node_names)
    stride = max(1, n_nodes // 7)
    node[is_ds] = (pop.slot_ordinal[slot[is_ds]] * stride + 3 * pop.slot_wl[slot[is_ds]]) % n_nodes
    return node


def schedule_pods(pop: Population, window: Window, seed: int) -> PodInstances:
    """All pod instances of the window: rollouts, CronJob runs, long-running pods."""
    rng = np.random.default_rng([seed, STREAM_SCHEDULE])
    scheduler = PodScheduler(pop, window, rng)
    order = np.argsort(pop.slot_wl, kind="stable")
    bounds = np.searchsorted(pop.slot_wl[order], np.arange(len(pop.wl_kind) + 1))
    for wl in range(len(pop.wl_kind)):
        scheduler.workload(wl, order[bounds[wl] : bounds[wl + 1]])
    slot = np.array(scheduler.slot, dtype=np.int64)
    return PodInstances(
        slot=slot,
        name=scheduler.name,
        start=np.array(scheduler.start, dtype=np.int64),
        end=np.array(scheduler.end, dtype=np.int64),
        node=place_pods(pop, slot, rng),
    )


def expand_containers(pop: Population, pods: PodInstances, window: Window, seed: int) -> Fleet:
    """One row per (pod instance, container), sorted by (namespace, pod, container)."""
    wl = pop.slot_wl[pods.slot]
    counts = pop.wl_ncont[wl]
    ci_pod = np.repeat(np.arange(len(pods.slot)), counts)
    position = np.arange(len(ci_pod)) - np.repeat(np.cumsum(counts) - counts, counts)
    ci_tmpl = pop.wl_first_tmpl[wl][ci_pod] + position
    ci_ns = pop.wl_ns[wl][ci_pod]
    ns_names = pa.array(pop.ns_names, pa.string())
    pod_names = pa.array(pods.name, pa.string())
    tmpl_names = pa.array(pop.tmpl_name, pa.string())
    keys = pa.table(
        {
            "ns": ns_names.take(ci_ns),
            "pod": pod_names.take(ci_pod),
            "container": tmpl_names.take(ci_tmpl),
        }
    )
    order = pc.sort_indices(keys, [(c, "ascending") for c in keys.column_names]).to_numpy()
    fleet = Fleet(
        start=pods.start[ci_pod][order],
        end=pods.end[ci_pod][order],
        tmpl=ci_tmpl[order],
        pod=ci_pod[order],
        ns=ci_ns[order],
        node=pods.node[ci_pod][order],
        slot=pods.slot[ci_pod][order],
        first=pop.tmpl_first[ci_tmpl][order],
        container_names=tmpl_names.take(ci_tmpl[order]),
        pod_names=pod_names,
        oom_keys=np.zeros(0, dtype=np.int64),
    )
    fleet.oom_keys = oom_schedule(pop, fleet, window.minutes, seed)
    return fleet


def oom_schedule(pop: Population, fleet: Fleet, total: int, seed: int) -> np.ndarray:
    """Sorted keys (instance * total + minute) of OOM kills: 1-3 isolated minutes a day."""
    rng = np.random.default_rng([seed, STREAM_OOM])
    victims = np.flatnonzero(pop.tmpl_profile[fleet.tmpl] == PROFILE_INDEX["oom"])
    lifetimes = fleet.end[victims] - fleet.start[victims]
    victims, lifetimes = victims[lifetimes > 0], lifetimes[lifetimes > 0]
    kills = np.maximum(1, np.round(lifetimes / MINUTES_PER_DAY * rng.uniform(1, 3, len(victims))))
    owner = np.repeat(victims, kills.astype(np.int64))
    offsets = (rng.random(len(owner)) * np.repeat(lifetimes, kills.astype(np.int64))).astype(
        np.int64
    )
    return np.unique(owner * total + fleet.start[owner] + offsets)


# --------------------------------------------------------------------------- samples


def diurnal(epoch_minutes: np.ndarray, utc_offset_minutes: int) -> np.ndarray:
    """0..1 business-hours load in the report timezone (09:00-18:30 plateau, quiet weekends)."""
    local = epoch_minutes + utc_offset_minutes
    hour = (local % MINUTES_PER_DAY) / 60.0
    weekday = (local // MINUTES_PER_DAY + 3) % 7  # 1970-01-01 was a Thursday
    rise = 1.0 / (1.0 + np.exp(-(hour - 8.5) / 0.7))
    fall = 1.0 / (1.0 + np.exp(-(18.5 - hour) / 1.0))
    return rise * fall * np.where(weekday >= 5, 0.3, 1.0)


def active_rows(fleet: Fleet, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """(window minute, container instance) of every sample in [lo, hi), minute-major order."""
    live = np.flatnonzero((fleet.start < hi) & (fleet.end > lo))
    minutes = np.arange(lo, hi, dtype=np.int64)
    mask = (minutes[:, None] >= fleet.start[live]) & (minutes[:, None] < fleet.end[live])
    minute_idx, live_idx = np.nonzero(mask)
    return minutes[minute_idx], live[live_idx]


def cpu_columns(
    p: dict[str, np.ndarray], t: np.ndarray, level: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """cpu_usage (capped by the limit) and cpu_throttled (from demand over limit)."""
    n = len(t)
    sigma = p["sigma"][t]
    demand = p["cpu_base"][t] * level * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
    spikes = rng.random(n) < p["spike_p"][t]
    demand = np.where(spikes, demand * rng.uniform(1.2, p["spike_max"][t]), demand)
    limit = p["cpu_limit"][t]
    limited = limit > 0  # NaN compares False
    safe_limit = np.where(limited, limit, 1.0)
    usage = np.where(limited, np.minimum(demand, safe_limit), demand)
    pressure = np.clip(2.0 * (demand / safe_limit - 0.9), 0.0, 1.0)
    jitter = np.where(rng.random(n) < 0.03, rng.uniform(0.0, 0.04, n), 0.0)
    throttled = np.where(limited, np.clip(pressure + jitter, 0.0, 1.0), 0.0)
    return usage, throttled


def memory_columns(
    p: dict[str, np.ndarray],
    t: np.ndarray,
    level: np.ndarray,
    oom: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Working set (smooth, below the limit; at the limit on an OOM minute) and RSS <= it."""
    n = len(t)
    usage = p["mem_base"][t] * (0.9 + 0.1 * level) * (1.0 + 0.015 * rng.standard_normal(n))
    limit = p["mem_limit"][t]
    cap = np.where(limit > 0, limit, np.inf)  # NaN (unset) and 0 mean no limit
    usage = np.maximum(np.minimum(usage, 0.995 * cap), 4.0 * 1024 * 1024)
    usage = np.where(oom & (limit > 0), 0.999 * cap, usage)
    rss = usage * p["rss_ratio"][t] * rng.uniform(0.99, 1.0, n)
    return usage, rss


def pv_columns(
    pop: Population,
    fleet: Fleet,
    ci: np.ndarray,
    minute: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """PVC capacity/used bytes on the lexically first container of a pod, 0 elsewhere."""
    slot = fleet.slot[ci]
    capacity = np.where(fleet.first[ci], pop.slot_pv_cap[slot], 0.0)
    fill = pop.slot_pv_frac[slot] + pop.slot_pv_growth[slot] * minute / MINUTES_PER_DAY
    fill = np.clip(fill * (1.0 + 0.0005 * rng.standard_normal(len(ci))), 0.0, 0.98)
    return capacity, capacity * fill


def energy_column(
    pop: Population,
    fleet: Fleet,
    ci: np.ndarray,
    cpu_request: np.ndarray,
    cpu_usage: np.ndarray,
    mem_usage: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Joules per minute from a linear power model on Kepler nodes; NaN (NULL) elsewhere."""
    watts = (
        IDLE_WATTS_PER_CORE * np.nan_to_num(cpu_request)
        + DYNAMIC_WATTS_PER_CORE * cpu_usage
        + WATTS_PER_GIB * mem_usage / GIB
    )
    joules = 60.0 * watts * rng.uniform(0.97, 1.03, len(ci))
    return np.where(pop.node_kepler[fleet.node[ci]], joules, np.nan)


def oom_flags(oom_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """True where (instance, minute) keys are scheduled OOM kills (oom_keys sorted, unique)."""
    if len(oom_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    pos = np.minimum(np.searchsorted(oom_keys, keys), len(oom_keys) - 1)
    return oom_keys[pos] == keys


def _nullable(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.float64(), from_pandas=True)  # NaN -> NULL


def sample_table(
    pop: Population,
    fleet: Fleet,
    window: Window,
    minute: np.ndarray,
    ci: np.ndarray,
    level_by_minute: np.ndarray,
    first_minute: int,
    rng: np.random.Generator,
) -> pa.Table:
    """The raw contract rows for the given (minute, container instance) pairs."""
    p, t = pop.params, fleet.tmpl[ci]
    amp = p["amp"][t]
    level = 1.0 - amp + amp * level_by_minute[minute - first_minute]
    oom = oom_flags(fleet.oom_keys, ci * window.minutes + minute)
    cpu_usage, cpu_throttled = cpu_columns(p, t, level, rng)
    mem_usage, mem_rss = memory_columns(p, t, level, oom, rng)
    pv_capacity, pv_used = pv_columns(pop, fleet, ci, minute, rng)
    cpu_request = p["cpu_request"][t]
    energy = energy_column(pop, fleet, ci, cpu_request, cpu_usage, mem_usage, rng)
    timestamps = (window.start_epoch_minute + minute) * 60_000_000
    columns = [
        pa.array(timestamps, type=pa.int64()).cast(TIMESTAMP_TYPE),
        pa.array(pop.ns_cluster, pa.string()).take(fleet.ns[ci]),
        pa.array(pop.node_names, pa.string()).take(fleet.node[ci]),
        pa.array(pop.ns_names, pa.string()).take(fleet.ns[ci]),
        fleet.pod_names.take(fleet.pod[ci]),
        fleet.container_names.take(ci),
        _nullable(cpu_request),
        _nullable(p["cpu_limit"][t]),
        pa.array(cpu_usage),
        pa.array(cpu_throttled),
        _nullable(p["mem_request"][t]),
        _nullable(p["mem_limit"][t]),
        pa.array(mem_usage),
        pa.array(mem_rss),
        pa.array(oom.astype(np.float64)),
        pa.array(pv_capacity),
        pa.array(pv_used),
        _nullable(energy),
    ]
    return pa.Table.from_arrays(columns, schema=RAW_SCHEMA)


def hour_tables(
    pop: Population, fleet: Fleet, window: Window, hour: datetime, seed: int
) -> Iterator[pa.Table]:
    """Tables of about one row group of rows (minute-major) covering one UTC hour."""
    first = int((hour - window.start_utc).total_seconds()) // 60
    lo, hi = max(first, 0), min(first + 60, window.minutes)
    rng = np.random.default_rng([seed, STREAM_HOURS, int(hour.timestamp()) // 3600])
    offset = int(hour.astimezone(window.timezone).utcoffset().total_seconds()) // 60
    live = int(np.sum((fleet.start < hi) & (fleet.end > lo)))
    step = max(1, min(hi - lo, RAW_WRITER.row_group_rows // max(live, 1)))
    for chunk_lo in range(lo, hi, step):
        chunk_hi = min(chunk_lo + step, hi)
        minutes = np.arange(chunk_lo, chunk_hi, dtype=np.int64)
        level = diurnal(window.start_epoch_minute + minutes, offset)
        minute, ci = active_rows(fleet, chunk_lo, chunk_hi)
        yield sample_table(pop, fleet, window, minute, ci, level, chunk_lo, rng)


# --------------------------------------------------------------------------- lake files


def check_lake(lake: Path, hours: list[datetime], overwrite: bool) -> None:
    """Refuse to mix with existing files in the window's hours unless overwriting."""
    taken = [h for h in hours if hour_dir(lake, h).is_dir() and any(hour_dir(lake, h).iterdir())]
    if taken and not overwrite:
        first = hour_dir(lake, taken[0]).relative_to(lake)
        raise LakeNotEmptyError(
            f"lake {lake} already has files in {len(taken)} of the {len(hours)} hours to write "
            f"(first: {first}); pass --overwrite to replace them"
        )


def write_hour(
    lake: Path, hour: datetime, tables: Iterator[pa.Table], schema: pa.Schema = RAW_SCHEMA
) -> int:
    """Replace the hour folder with one Parquet file (the lake's atomic writer); columns outside
    `schema` (the optional energy_joules) are left out."""
    folder = hour_dir(lake, hour)
    if folder.exists():
        shutil.rmtree(folder)
    return write_hour_file(folder, tables, schema).rows


ROW_ORDERS = ("time", "series")


def series_major(tables: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """One hour's rows ordered by series then minute, as `make extract` writes them (its rows are
    sorted by cluster, namespace, pod, container, then minute) instead of minute by minute."""
    table = pa.concat_tables(list(tables))
    if table.num_rows:
        yield table.sort_by(
            [(c, "ascending") for c in ("cluster", "namespace", "pod", "container", "timestamp")]
        )


def generate_lake(
    lake: Path,
    start_date: date,
    days: int,
    *,
    timezone: str = "Asia/Seoul",
    namespaces: int,
    pods_per_namespace: int,
    containers_per_pod: int,
    seed: int = 42,
    overwrite: bool = False,
    progress: bool = True,
    energy: bool = True,
    row_order: str = "time",
    inventory: bool = True,
) -> LakeSummary:
    """Write the raw lake for whole report-timezone days; returns files, rows and seconds.
    energy=False leaves out the optional energy_joules column (no Kepler); row_order="series"
    writes each hour series by series (the extractor's layout) instead of minute by minute;
    inventory=False leaves out the inventory snapshots (kube_finops.sample_inventory)."""
    if min(days, namespaces, pods_per_namespace, containers_per_pod) < 1 or seed < 0:
        raise ValueError("days, namespaces, pods and containers must be >= 1 and seed >= 0")
    if row_order not in ROW_ORDERS:
        raise ValueError(f"row_order must be one of {', '.join(ROW_ORDERS)}, not {row_order!r}")
    began = time.perf_counter()
    window = Window.for_days(start_date, days, ZoneInfo(timezone))
    hours = window.hours()
    check_lake(lake, hours, overwrite)
    taken = taken_hours(lake, hours) if inventory and not overwrite else []
    if taken:
        raise LakeNotEmptyError(
            f"lake {lake} already has inventory files (first: {taken[0].relative_to(lake)}); "
            "pass --overwrite to replace them"
        )
    pop = build_population(namespaces, pods_per_namespace, containers_per_pod, seed)
    pods = schedule_pods(pop, window, seed)
    fleet = expand_containers(pop, pods, window, seed)
    log.info(
        "writing %d UTC hours (%s..%s) into %s: %d namespaces, %d pods, %d containers over "
        "the window, %d nodes",
        len(hours),
        f"{window.start_utc:%Y-%m-%d %H:%M}",
        f"{window.end_utc:%Y-%m-%d %H:%M}",
        lake / RAW_DIR,
        len(pop.ns_names),
        len(fleet.pod_names),
        len(fleet.tmpl),
        len(pop.node_names),
    )
    schema = (
        RAW_SCHEMA if energy else RAW_SCHEMA.remove(RAW_SCHEMA.get_field_index("energy_joules"))
    )
    rows = 0
    for hour in tqdm(hours, desc="raw hours", unit="h", disable=not progress):
        tables = hour_tables(pop, fleet, window, hour, seed)
        if row_order == "series":
            tables = series_major(tables)
        written = write_hour(lake, hour, tables, schema)
        log.debug("%s: %d rows", hour_dir(lake, hour), written)
        rows += written
    inventory_files = 0
    if inventory:
        inputs = inputs_from_population(pop, pods, fleet, GROUPS.index("edge"), SANDBOX_DOMAIN)
        last_day = (window.end_utc.astimezone(window.timezone) - timedelta(days=1)).date()
        last_day_start = window.end_utc - timedelta(days=1)
        inventory_files = write_inventory(
            lake, inputs, hours, window.start_utc, last_day_start, last_day, seed
        )
    seconds = time.perf_counter() - began
    return LakeSummary(len(hours), rows, seconds, inventory_files)


# --------------------------------------------------------------------------- CLI


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", type=Path, required=True, help="lake directory (holds raw/)")
    parser.add_argument("--start-date", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    parser.add_argument("--days", type=int, default=7, help="report-timezone days (default 7)")
    parser.add_argument("--timezone", default="Asia/Seoul", help="report timezone")
    parser.add_argument("--scale", choices=sorted(SCALES), default="demo", help="size preset")
    parser.add_argument("--namespaces", type=int, help="override the preset's namespaces")
    parser.add_argument("--pods-per-namespace", type=int, help="override pods per namespace")
    parser.add_argument("--containers-per-pod", type=int, help="override mean containers per pod")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing hour folders")
    parser.add_argument(
        "--row-order",
        choices=ROW_ORDERS,
        default="time",
        help="rows of an hour file minute by minute (time, default) or series by series "
        "(series: the layout make extract writes)",
    )
    parser.add_argument(
        "--no-energy",
        action="store_true",
        help="leave out the optional energy_joules column (no Kepler; what the users' step2 reads)",
    )
    parser.add_argument(
        "--no-inventory",
        action="store_true",
        help="write raw samples only, no inventory snapshots (namespaces, nodes, quotas, ...)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        parser.error(f"unknown timezone {args.timezone!r}")
    return args


def _override(value: int | None, default: int) -> int:
    return default if value is None else value


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    preset = SCALES[args.scale]
    try:
        summary = generate_lake(
            args.lake,
            args.start_date,
            args.days,
            timezone=args.timezone,
            namespaces=_override(args.namespaces, preset.namespaces),
            pods_per_namespace=_override(args.pods_per_namespace, preset.pods_per_namespace),
            containers_per_pod=_override(args.containers_per_pod, preset.containers_per_pod),
            seed=args.seed,
            overwrite=args.overwrite,
            progress=not args.no_progress,
            energy=not args.no_energy,
            row_order=args.row_order,
            inventory=not args.no_inventory,
        )
    except (LakeNotEmptyError, ValueError) as exc:
        log.error("%s", exc)
        return 2
    log.info(
        "wrote %d files, %d rows (and %d inventory files) in %.1f s (%.0f rows/s) under %s",
        summary.files,
        summary.rows,
        summary.inventory_files,
        summary.seconds,
        summary.rows / max(summary.seconds, 1e-9),
        args.lake / RAW_DIR,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
