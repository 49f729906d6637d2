"""PromQL for every raw contract column, and the raw metric names the coverage report checks.

Conventions: every query aggregates `by (<cluster label>, namespace, pod[, container])` so the
response is bounded by the number of containers, whatever extra labels (id, image, instance)
cAdvisor adds; cAdvisor's pod-level (`container=""`) and pause (`container="POD"`) series are
dropped. Counters whose per-minute delta must be exact (OOM kills, joules) are fetched raw and
differenced in `transform`, because `increase(x[1m])` on 1-minute samples extrapolates and can
miss or double a kill.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a query's values become a column."""

    GAUGE = "gauge"  # the value at each minute
    DELTA = "delta"  # per-minute increase of a counter, computed client side (resets handled)


class Level(Enum):
    """Which identity a query's series carry."""

    CONTAINER = "container"
    POD = "pod"  # pv_* go to the pod's lexically first container
    POD_NODE = "pod_node"  # kube_pod_info: the node of a pod


@dataclass(frozen=True)
class NamespaceFilter:
    """Namespace selection: user include/exclude regexes plus an optional batch of names."""

    include: str | None = None
    exclude: str | None = None
    batch: tuple[str, ...] | None = None  # only these namespaces
    batch_exclude: tuple[str, ...] | None = None  # every namespace except these ("the rest")

    def matchers(self, label: str) -> list[str]:
        out: list[str] = []
        if self.include:
            out.append(f'{label}=~"{self.include}"')
        if self.exclude:
            out.append(f'{label}!~"{self.exclude}"')
        if self.batch is not None:
            out.append(f'{label}=~"{names_regex(self.batch)}"')
        if self.batch_exclude:
            out.append(f'{label}!~"{names_regex(self.batch_exclude)}"')
        return out

    def describe(self) -> str:
        if self.batch is not None:
            return f"{len(self.batch)} namespace(s) {self.batch[0]}..{self.batch[-1]}"
        if self.batch_exclude:
            return f"namespaces other than {len(self.batch_exclude)} listed"
        return "all namespaces"


def names_regex(names: Sequence[str]) -> str:
    """An anchored RE2 alternation of literal names, escaped for a PromQL string."""
    escaped = (re.escape(name).replace("\\", "\\\\") for name in names)
    return "|".join(escaped)


@dataclass(frozen=True)
class ColumnQuery:
    """One PromQL query feeding one raw column (or the node mapping)."""

    column: str
    kind: Kind
    level: Level
    metrics: tuple[str, ...]  # raw metric names it reads (coverage and manifest)
    template: str  # {by}, {pod_by}, {cl}, {c:<ns label>} / {p:<ns label>} placeholders
    optional: bool = False
    lookback_minute: bool = False  # also fetch the minute before the hour (for deltas)

    def promql(self, cluster_label: str, namespaces: NamespaceFilter) -> str:
        return render(self.template, cluster_label, namespaces)


def _selector(extra: str, namespaces: NamespaceFilter, label: str) -> str:
    parts = [p for p in (extra,) if p] + namespaces.matchers(label)
    return ", ".join(parts)


def render(template: str, cluster_label: str, namespaces: NamespaceFilter) -> str:
    """Fill the placeholders: {C} container matchers, {N}/{N:label} namespace-only matchers."""
    container = 'container!="", container!="POD"'
    text = template.replace("{by}", f"{cluster_label}, namespace, pod, container")
    text = text.replace("{pod_by}", f"{cluster_label}, namespace, pod")
    text = text.replace("{cl}", cluster_label)
    text = text.replace("{C}", _selector(container, namespaces, "namespace"))
    text = text.replace("{N}", _selector("", namespaces, "namespace"))
    for label in ("container_namespace", "pod_namespace"):
        text = text.replace("{N:" + label + "}", _selector("", namespaces, label))
    return text


def _resource(column: str, metric: str, resource: str) -> ColumnQuery:
    return ColumnQuery(
        column,
        Kind.GAUGE,
        Level.CONTAINER,
        (metric,),
        f'max by ({{by}}) ({metric}{{resource="{resource}", {{C}}}})',
    )


def _rename(expr: str, pairs: Sequence[tuple[str, str]]) -> str:
    for dst, src in pairs:
        expr = f'label_replace({expr}, "{dst}", "$1", "{src}", "(.+)")'
    return expr


KEPLER_LEGACY = _rename(
    "kepler_container_joules_total{{N:container_namespace}}",
    [("namespace", "container_namespace"), ("pod", "pod_name"), ("container", "container_name")],
)
KEPLER_CURRENT = _rename(
    'kepler_container_cpu_joules_total{zone=~"package|dram|"} * on (pod_id) group_left '
    "(pod_name, pod_namespace) max by (pod_id, pod_name, pod_namespace) "
    "(kepler_pod_cpu_joules_total{{N:pod_namespace}} * 0 + 1)",
    [("namespace", "pod_namespace"), ("pod", "pod_name"), ("container", "container_name")],
)


def _pv(column: str, metric: str) -> ColumnQuery:
    join = "{cl}, namespace, persistentvolumeclaim"
    template = (
        f"sum by ({{pod_by}}) (max by ({join}) ({metric}{{{{N}}}}) * on ({join}) group_right () "
        "max by ({cl}, namespace, pod, persistentvolumeclaim) "
        "(kube_pod_spec_volumes_persistentvolumeclaims_info{{N}}))"
    )
    return ColumnQuery(
        column,
        Kind.GAUGE,
        Level.POD,
        (metric, "kube_pod_spec_volumes_persistentvolumeclaims_info"),
        template,
    )


def _rate(metric: str) -> str:
    return f"sum by ({{by}}) (rate({metric}{{{{C}}}}[5m]))"


COLUMN_QUERIES: tuple[ColumnQuery, ...] = (
    ColumnQuery(
        "node",
        Kind.GAUGE,
        Level.POD_NODE,
        ("kube_pod_info",),
        'max by ({pod_by}, node) (kube_pod_info{node!="", {N}})',
    ),
    _resource("cpu_request", "kube_pod_container_resource_requests", "cpu"),
    _resource("cpu_limit", "kube_pod_container_resource_limits", "cpu"),
    _resource("mem_request", "kube_pod_container_resource_requests", "memory"),
    _resource("mem_limit", "kube_pod_container_resource_limits", "memory"),
    ColumnQuery(
        "cpu_usage",
        Kind.GAUGE,
        Level.CONTAINER,
        ("container_cpu_usage_seconds_total",),
        _rate("container_cpu_usage_seconds_total"),
    ),
    ColumnQuery(
        "cpu_throttled",
        Kind.GAUGE,
        Level.CONTAINER,
        ("container_cpu_cfs_throttled_periods_total", "container_cpu_cfs_periods_total"),
        _rate("container_cpu_cfs_throttled_periods_total")
        + " / "
        + _rate("container_cpu_cfs_periods_total"),
    ),
    ColumnQuery(
        "mem_usage",
        Kind.GAUGE,
        Level.CONTAINER,
        ("container_memory_working_set_bytes",),
        "max by ({by}) (container_memory_working_set_bytes{{C}})",
    ),
    ColumnQuery(
        "mem_rss",
        Kind.GAUGE,
        Level.CONTAINER,
        ("container_memory_rss",),
        "max by ({by}) (container_memory_rss{{C}})",
    ),
    ColumnQuery(
        "oom_event",
        Kind.DELTA,
        Level.CONTAINER,
        ("container_oom_events_total",),
        "max by ({by}) (container_oom_events_total{{C}})",
        lookback_minute=True,
    ),
    _pv("pv_capacity", "kubelet_volume_stats_capacity_bytes"),
    _pv("pv_used", "kubelet_volume_stats_used_bytes"),
    ColumnQuery(
        "energy_joules",
        Kind.DELTA,
        Level.CONTAINER,
        ("kepler_container_cpu_joules_total",),
        f"sum by ({{by}}) ({KEPLER_CURRENT})",
        optional=True,
        lookback_minute=True,
    ),
    ColumnQuery(
        "energy_joules_legacy",
        Kind.DELTA,
        Level.CONTAINER,
        ("kepler_container_joules_total",),
        f"sum by ({{by}}) ({KEPLER_LEGACY})",
        optional=True,
        lookback_minute=True,
    ),
)

# Columns whose series mean "this container was running in this minute" (cAdvisor). When any of
# them returned data for the hour, rows are the minutes where one of them has a value, so that
# kube-state-metrics' requests of completed pods do not become running minutes.
ANCHOR_COLUMNS = ("cpu_usage", "mem_usage", "mem_rss")


@dataclass(frozen=True)
class ExpectedMetric:
    """A raw metric the coverage report checks."""

    name: str
    namespace_label: str
    optional: bool = False


EXPECTED_METRICS: tuple[ExpectedMetric, ...] = (
    ExpectedMetric("kube_pod_info", "namespace"),
    ExpectedMetric("kube_pod_container_resource_requests", "namespace"),
    ExpectedMetric("kube_pod_container_resource_limits", "namespace"),
    ExpectedMetric("container_cpu_usage_seconds_total", "namespace"),
    ExpectedMetric("container_cpu_cfs_throttled_periods_total", "namespace"),
    ExpectedMetric("container_cpu_cfs_periods_total", "namespace"),
    ExpectedMetric("container_memory_working_set_bytes", "namespace"),
    ExpectedMetric("container_memory_rss", "namespace"),
    ExpectedMetric("container_oom_events_total", "namespace"),
    ExpectedMetric("kube_pod_spec_volumes_persistentvolumeclaims_info", "namespace"),
    ExpectedMetric("kubelet_volume_stats_capacity_bytes", "namespace"),
    ExpectedMetric("kubelet_volume_stats_used_bytes", "namespace"),
    ExpectedMetric("kepler_container_cpu_joules_total", "", optional=True),
    ExpectedMetric("kepler_container_joules_total", "container_namespace", optional=True),
)


def series_count_query(metric: ExpectedMetric, window_seconds: int, ns: NamespaceFilter) -> str:
    """Instant query: how many series of `metric` had a sample in the window ending at its time."""
    matchers = ", ".join(ns.matchers(metric.namespace_label)) if metric.namespace_label else ""
    return f"count(last_over_time({metric.name}{{{matchers}}}[{window_seconds}s]))"


def namespace_sizes_query(window_seconds: int, ns: NamespaceFilter) -> str:
    """Instant query: containers per namespace in the window (to plan namespace batches)."""
    sel = _selector('container!="", container!="POD"', ns, "namespace")
    return (
        f"count by (namespace) (last_over_time(container_memory_working_set_bytes{{{sel}}}"
        f"[{window_seconds}s])) or count by (namespace) (last_over_time("
        f"kube_pod_container_resource_requests{{{sel}}}[{window_seconds}s]))"
    )
