"""Instant-query results of one inventory kind -> its Arrow table (the lake contract's schema).

Owners resolve to the top controller: a pod's controlling owner (kube_pod_owner with
owner_is_controller="true", else any owner it has); a ReplicaSet owned by a Deployment becomes
that Deployment (kube_replicaset_owner), a Job owned by a CronJob becomes that CronJob
(kube_job_owner). A ReplicaSet or Job without a known owner stays itself. A pod without any owner
(`<none>`: a bare pod) is reported as owner_kind `Pod` with its own name, so a command built from
owner_kind/owner_name addresses the pod itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import pyarrow as pa

from kube_finops.extract.client import Series
from kube_finops.lake.contract import INVENTORY_SCHEMAS

NONE = "<none>"
Results = Mapping[str, Sequence[Series]]  # query name -> instant vector


class InventoryError(ValueError):
    """A series lacks a label its query groups by."""


def _need(metric: Mapping[str, str], name: str, query: str) -> str:
    value = metric.get(name)
    if not value:
        raise InventoryError(f"{query}: a series has no {name!r} label: {dict(metric)}")
    return value


def _value(series: Series) -> float:
    return float(series["value"][1])


def _table(kind: str, hour: datetime, rows: list[dict[str, object]]) -> pa.Table:
    schema = INVENTORY_SCHEMAS[kind]
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    columns["timestamp"] = [hour] * len(rows)
    return pa.table(columns, schema=schema)


def namespaces_table(hour: datetime, results: Results, cluster_label: str) -> pa.Table:
    """One row per (cluster, namespace) seen in kube_namespace_labels or _annotations; a key
    seen with two values in the hour (a label changed) keeps the lexically greatest one."""
    maps: dict[tuple[str | None, str], dict[str, dict[str, str]]] = {}
    for name, prefix in (("labels", "label_"), ("annotations", "annotation_")):
        for series in results.get(name, ()):
            metric = series["metric"]
            key = (metric.get(cluster_label), _need(metric, "namespace", name))
            entry = maps.setdefault(key, {"labels": {}, "annotations": {}})[name]
            for label, value in metric.items():
                if label.startswith(prefix) and value:
                    short = label.removeprefix(prefix)
                    entry[short] = max(value, entry.get(short, value))
    rows = [
        {
            "cluster": cluster,
            "namespace": namespace,
            "labels": sorted(m["labels"].items()),
            "annotations": sorted(m["annotations"].items()),
        }
        for (cluster, namespace), m in sorted(maps.items(), key=lambda kv: _sort_key(kv[0]))
    ]
    return _table("namespaces", hour, rows)


def nodes_table(hour: datetime, results: Results, cluster_label: str) -> pa.Table:
    values: dict[tuple[str | None, str, str], dict[str, float]] = {}
    for name in ("capacity", "allocatable"):
        for series in results.get(name, ()):
            metric = series["metric"]
            key = (
                metric.get(cluster_label),
                _need(metric, "node", name),
                _need(metric, "resource", name),
            )
            values.setdefault(key, {})[name] = _value(series)
    rows = [
        {"cluster": k[0], "node": k[1], "resource": k[2], **v}
        for k, v in sorted(values.items(), key=lambda kv: _sort_key(kv[0]))
    ]
    return _table("nodes", hour, rows)


def quotas_table(hour: datetime, results: Results, cluster_label: str) -> pa.Table:
    values: dict[tuple[str | None, str, str, str], dict[str, float]] = {}
    for series in results.get("quota", ()):
        metric = series["metric"]
        key = (
            metric.get(cluster_label),
            _need(metric, "namespace", "quota"),
            _need(metric, "resourcequota", "quota"),
            _need(metric, "resource", "quota"),
        )
        values.setdefault(key, {})[_need(metric, "type", "quota")] = _value(series)
    rows = [
        {"cluster": k[0], "namespace": k[1], "resourcequota": k[2], "resource": k[3], **v}
        for k, v in sorted(values.items(), key=lambda kv: _sort_key(kv[0]))
    ]
    return _table("quotas", hour, rows)


def _owners(
    series_list: Sequence[Series], object_label: str, cluster_label: str, query: str
) -> dict[tuple[str | None, str, str], tuple[str, str]]:
    """(cluster, namespace, object) -> (owner_kind, owner_name); the controller wins, then the
    lexically first owner (a deterministic choice among non-controlling owners)."""
    ranked: dict[tuple[str | None, str, str], tuple[bool, str, str]] = {}
    for series in series_list:
        metric = series["metric"]
        key = (
            metric.get(cluster_label),
            _need(metric, "namespace", query),
            _need(metric, object_label, query),
        )
        kind, name = metric.get("owner_kind") or NONE, metric.get("owner_name") or NONE
        if kind == NONE:
            continue
        candidate = (metric.get("owner_is_controller") != "true", kind, name)
        if key not in ranked or candidate < ranked[key]:
            ranked[key] = candidate
    return {key: (kind, name) for key, (_, kind, name) in ranked.items()}


def top_owner(
    cluster: str | None,
    namespace: str,
    kind: str,
    name: str,
    replicasets: Mapping[tuple[str | None, str, str], tuple[str, str]],
    jobs: Mapping[tuple[str | None, str, str], tuple[str, str]],
) -> tuple[str, str]:
    """The top controller of a pod whose direct owner is (kind, name)."""
    if kind == "ReplicaSet":
        return replicasets.get((cluster, namespace, name), (kind, name))
    if kind == "Job":
        return jobs.get((cluster, namespace, name), (kind, name))
    return kind, name


def owners_table(hour: datetime, results: Results, cluster_label: str) -> pa.Table:
    replicasets = _owners(
        results.get("replicaset_owner", ()), "replicaset", cluster_label, "replicaset_owner"
    )
    jobs = _owners(results.get("job_owner", ()), "job_name", cluster_label, "job_owner")
    pods = _owners(results.get("pod_owner", ()), "pod", cluster_label, "pod_owner")
    seen = {
        (s["metric"].get(cluster_label), s["metric"].get("namespace"), s["metric"].get("pod"))
        for s in results.get("pod_owner", ())
    }
    rows = []
    for cluster, namespace, pod in sorted(seen, key=_sort_key):
        if not namespace or not pod:
            raise InventoryError(f"pod_owner: a series has no namespace or pod label ({pod})")
        kind, name = pods.get((cluster, namespace, pod), ("Pod", pod))
        owner_kind, owner_name = top_owner(cluster, namespace, kind, name, replicasets, jobs)
        rows.append(
            {
                "cluster": cluster,
                "namespace": namespace,
                "pod": pod,
                "owner_kind": owner_kind,
                "owner_name": owner_name,
            }
        )
    return _table("owners", hour, rows)


def buckets_table(hour: datetime, results: Results, version: str) -> pa.Table:
    """Buckets of MinIO metrics `version` ("v2" or "v3"); a bucket without a quota has NULL."""
    values: dict[str, dict[str, float]] = {}
    for column in ("usage_bytes", "objects", "quota_bytes"):
        for series in results.get(f"{version}_{column}", ()):
            bucket = _need(series["metric"], "bucket", f"{version}_{column}")
            values.setdefault(bucket, {})[column] = _value(series)
    rows = [{"bucket": bucket, **v} for bucket, v in sorted(values.items())]
    return _table("buckets", hour, rows)


def _sort_key(key: tuple) -> tuple:
    return tuple("" if part is None else part for part in key)
