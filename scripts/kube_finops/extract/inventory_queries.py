"""PromQL of the inventory kinds (kube-state-metrics and MinIO snapshots) and their metric names.

Every query is an instant query of the last value in a window, `last_over_time(<metric>[<w>s])`
evaluated just before the window's end: for one UTC hour that is the last value each series had
in that hour, so a namespace, node or pod that existed for a part of the hour is in the snapshot.
Queries aggregate with `max by (...)` over the identity labels only, so duplicate scrapes
(two kube-state-metrics replicas, every MinIO node reporting the same bucket) collapse into one
series. `kube_namespace_labels` / `_annotations` are fetched without aggregation because their
label names (`label_<key>`) are not known in advance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kube_finops.extract.queries import NamespaceFilter

# The users' governance keys (Kubernetes spelling). They only decide which keys the coverage
# report asks for; every `label_*` / `annotation_*` kube-state-metrics exports is extracted.
DEFAULT_NAMESPACE_LABEL_KEYS = (
    "governance.io/tenant-owner",
    "governance.io/tier",
    "governance.io/sync-status",
)
DEFAULT_NAMESPACE_ANNOTATION_KEYS = ("governance.io/ttl-expire-date", "governance.io/purpose")

NODE_RESOURCES = ("cpu", "memory", "pods")
QUOTA_TYPES = ("hard", "used")


@dataclass(frozen=True)
class InventoryQuery:
    """One instant query of an inventory kind; `metric` names the series it reads."""

    kind: str
    name: str  # the role of the result inside the kind (e.g. "capacity")
    metric: str
    template: str  # {cl}: cluster label, {N}: namespace matchers, {w}: window seconds

    def promql(self, cluster_label: str, namespaces: NamespaceFilter, window_seconds: int) -> str:
        matchers = ", ".join(namespaces.matchers("namespace"))
        text = self.template.replace("{cl}", cluster_label).replace("{w}", str(window_seconds))
        return text.replace("{N}", matchers).replace("{, N}", f", {matchers}" if matchers else "")


def _last(selector: str, by: str | None) -> str:
    inner = f"last_over_time({selector}[{{w}}s])"
    return f"max by ({by}) ({inner})" if by else inner


def _q(kind: str, name: str, metric: str, matchers: str, by: str | None) -> InventoryQuery:
    return InventoryQuery(kind, name, metric, _last(f"{metric}{{{matchers}}}", by))


MINIO_V2 = {
    "usage_bytes": "minio_bucket_usage_total_bytes",
    "objects": "minio_bucket_usage_object_total",
    "quota_bytes": "minio_bucket_quota_total_bytes",
}
MINIO_V3 = {
    "usage_bytes": "minio_cluster_usage_buckets_total_bytes",
    "objects": "minio_cluster_usage_buckets_objects_count",
    "quota_bytes": "minio_cluster_usage_buckets_quota_total_bytes",
}

INVENTORY_QUERIES: tuple[InventoryQuery, ...] = (
    _q("namespaces", "labels", "kube_namespace_labels", "{N}", None),
    _q("namespaces", "annotations", "kube_namespace_annotations", "{N}", None),
    _q(
        "nodes",
        "capacity",
        "kube_node_status_capacity",
        'resource=~"cpu|memory|pods"',
        "{cl}, node, resource",
    ),
    _q(
        "nodes",
        "allocatable",
        "kube_node_status_allocatable",
        'resource=~"cpu|memory|pods"',
        "{cl}, node, resource",
    ),
    _q(
        "quotas",
        "quota",
        "kube_resourcequota",
        'type=~"hard|used"{, N}',
        "{cl}, namespace, resourcequota, resource, type",
    ),
    _q(
        "owners",
        "pod_owner",
        "kube_pod_owner",
        "{N}",
        "{cl}, namespace, pod, owner_kind, owner_name, owner_is_controller",
    ),
    _q(
        "owners",
        "replicaset_owner",
        "kube_replicaset_owner",
        "{N}",
        "{cl}, namespace, replicaset, owner_kind, owner_name, owner_is_controller",
    ),
    _q(
        "owners",
        "job_owner",
        "kube_job_owner",
        "{N}",
        "{cl}, namespace, job_name, owner_kind, owner_name, owner_is_controller",
    ),
    *(_q("buckets", f"v2_{name}", metric, "", "bucket") for name, metric in MINIO_V2.items()),
    *(_q("buckets", f"v3_{name}", metric, "", "bucket") for name, metric in MINIO_V3.items()),
)


def queries_of(kind: str) -> tuple[InventoryQuery, ...]:
    return tuple(q for q in INVENTORY_QUERIES if q.kind == kind)


def sanitize_key(key: str) -> str:
    """A Kubernetes label/annotation key as kube-state-metrics spells it after `label_`."""
    return re.sub(r"[^a-zA-Z0-9_]", "_", key)


def allowlist_flag(flag: str, keys: tuple[str, ...]) -> str:
    """`--metric-labels-allowlist=namespaces=[a,b]` for the given Kubernetes keys."""
    return f"{flag}=namespaces=[{','.join(keys)}]"
