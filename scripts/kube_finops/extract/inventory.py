"""Hourly inventory snapshots (namespaces, nodes, quotas, owners, buckets) beside raw/.

Each kind of each hour is `<lake>/inventory/<kind>/dt=.../hour=.../part-0000.parquet` plus a
`_manifest.json` written after it (the same atomic write, skip, upload and retry rules as raw
hours). The snapshot is the last value of every series in the hour (see inventory_queries); the
file's `timestamp` is the hour start. A kind whose metrics Prometheus does not have in the hour
(no MinIO, no ResourceQuota objects) is not written: that is reported, not an error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from kube_finops.extract.client import PrometheusClient, Series
from kube_finops.extract.config import ExtractConfig, redact_url
from kube_finops.extract.coverage import text_table
from kube_finops.extract.errors import ExtractError, UploadError
from kube_finops.extract.inventory_queries import (
    MINIO_V2,
    MINIO_V3,
    InventoryQuery,
    allowlist_flag,
    queries_of,
    sanitize_key,
)
from kube_finops.extract.inventory_tables import (
    InventoryError,
    buckets_table,
    namespaces_table,
    nodes_table,
    owners_table,
    quotas_table,
)
from kube_finops.extract.queries import NamespaceFilter
from kube_finops.extract.writers import MANIFEST_NAME, S3Lake, atomic_text
from kube_finops.lake.contract import (
    FILE_NAME,
    INVENTORY_DIR,
    INVENTORY_KINDS,
    INVENTORY_SCHEMAS,
    INVENTORY_WRITER,
    inventory_hour_dir,
    partition,
)
from kube_finops.lake.writer import write_hour_file

log = logging.getLogger("kube_finops.extract.inventory")
HOUR = timedelta(hours=1)
EPSILON = timedelta(milliseconds=1)
MANIFEST_VERSION = 1
SNAPSHOT = "last value of each series in the hour (last_over_time, evaluated at the hour end)"
PRIMARY_METRICS = {  # a kind is absent when none of these has a series in the window
    "namespaces": ("kube_namespace_labels", "kube_namespace_annotations"),
    "nodes": ("kube_node_status_capacity", "kube_node_status_allocatable"),
    "quotas": ("kube_resourcequota",),
    "owners": ("kube_pod_owner",),
    "buckets": (MINIO_V2["usage_bytes"], MINIO_V3["usage_bytes"]),
}
ABSENT_HINT = {
    "namespaces": "is kube-state-metrics scraped? (no namespace labels, tiers or TTLs)",
    "nodes": "is kube-state-metrics scraped? (no allocatable: idle capacity cannot be computed)",
    "quotas": "no ResourceQuota objects, or kube-state-metrics does not export resourcequotas",
    "owners": "is kube-state-metrics scraped? (owners fall back to parsing pod names)",
    "buckets": "no MinIO bucket metrics (v2 minio_bucket_usage_total_bytes or v3 "
    "minio_cluster_usage_buckets_total_bytes): is MinIO's bucket metrics endpoint scraped?",
}


@dataclass(frozen=True)
class KindSnapshot:
    """What Prometheus had for one kind in a window: series per metric, the table, the hints."""

    kind: str
    series: dict[str, int]
    table: pa.Table | None  # None: the kind is absent
    hints: tuple[str, ...] = ()
    source: str = ""  # MinIO metrics version for buckets

    @property
    def present(self) -> bool:
        return self.table is not None


@dataclass
class InventoryHour:
    """What one hour's inventory did: kinds written, skipped, absent, and errors."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _fetch(
    client: PrometheusClient,
    queries: Sequence[InventoryQuery],
    config: ExtractConfig,
    namespaces: NamespaceFilter,
    end: datetime,
    window_seconds: int,
) -> dict[str, list[Series]]:
    return {
        q.name: client.query(
            q.promql(config.cluster_label, namespaces, window_seconds), end - EPSILON
        )
        for q in queries
    }


def _label_hints(results: dict[str, list[Series]], config: ExtractConfig) -> tuple[str, ...]:
    """Actionable lines when kube-state-metrics exports the namespace metrics without the keys
    (it exports no label or annotation unless allowlisted)."""
    hints = []
    for name, metric, prefix, flag, keys in (
        (
            "labels",
            "kube_namespace_labels",
            "label_",
            "--metric-labels-allowlist",
            config.namespace_label_keys,
        ),
        (
            "annotations",
            "kube_namespace_annotations",
            "annotation_",
            "--metric-annotations-allowlist",
            config.namespace_annotation_keys,
        ),
    ):
        series = results.get(name, [])
        if not series:  # the metric itself is absent: reported with the kind
            continue
        seen = {label for s in series for label in s["metric"] if label.startswith(prefix)}
        missing = [prefix + sanitize_key(k) for k in keys if prefix + sanitize_key(k) not in seen]
        if missing:
            hints.append(
                f"{metric} has no {', '.join(missing)}: start kube-state-metrics with "
                f"{allowlist_flag(flag, keys)} (if it is set, no namespace carries these keys)"
            )
    return tuple(hints)


def snapshot(
    client: PrometheusClient,
    kind: str,
    config: ExtractConfig,
    namespaces: NamespaceFilter,
    start: datetime,
    end: datetime,
) -> KindSnapshot:
    """Query one kind for the window [start, end): its table stamped `start`, or absent."""
    queries = queries_of(kind)
    window = int((end - start).total_seconds())
    results = _fetch(client, queries, config, namespaces, end, window)
    series = {q.metric: len(results[q.name]) for q in queries}
    hints = _label_hints(results, config) if kind == "namespaces" else ()
    if not any(series.get(m) for m in PRIMARY_METRICS[kind]):
        return KindSnapshot(kind, series, None, hints)
    if kind == "namespaces":
        table = namespaces_table(start, results, config.cluster_label)
    elif kind == "nodes":
        table = nodes_table(start, results, config.cluster_label)
    elif kind == "quotas":
        table = quotas_table(start, results, config.cluster_label)
    elif kind == "owners":
        table = owners_table(start, results, config.cluster_label)
    else:
        version = "v2" if series[MINIO_V2["usage_bytes"]] else "v3"
        used = (MINIO_V2 if version == "v2" else MINIO_V3).values()
        series = {m: n for m, n in series.items() if m in used}
        return KindSnapshot(kind, series, buckets_table(start, results, version), (), version)
    return KindSnapshot(kind, series, table, hints)


class InventoryLake:
    """Local inventory hour files (and their S3 copies under the same relative keys)."""

    def __init__(self, root: Path, s3: S3Lake | None) -> None:
        self.root, self.s3 = root, s3

    def folder(self, kind: str, hour: datetime) -> Path:
        return inventory_hour_dir(self.root, kind, hour)

    def relpath(self, kind: str, hour: datetime) -> str:
        return f"{INVENTORY_DIR}/{kind}/{partition(hour)}"

    def complete(self, kind: str, hour: datetime) -> bool:
        folder = self.folder(kind, hour)
        return (folder / FILE_NAME).is_file() and (folder / MANIFEST_NAME).is_file()

    def write(self, kind: str, hour: datetime, table: pa.Table, manifest: dict[str, Any]) -> None:
        folder = self.folder(kind, hour)
        (folder / MANIFEST_NAME).unlink(missing_ok=True)
        written = write_hour_file(folder, table, INVENTORY_SCHEMAS[kind], INVENTORY_WRITER)
        manifest["file_bytes"] = written.bytes
        atomic_text(folder / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True))

    def upload(self, kind: str, hour: datetime) -> None:
        assert self.s3 is not None
        folder = self.folder(kind, hour)
        self.s3.upload_files(
            self.relpath(kind, hour),
            [(FILE_NAME, folder / FILE_NAME), (MANIFEST_NAME, folder / MANIFEST_NAME)],
        )


class InventoryExtractor:
    """Runs the inventory kinds of each hour; hints are logged once per run."""

    def __init__(
        self,
        config: ExtractConfig,
        namespaces: NamespaceFilter,
        client_factory: Callable[[], PrometheusClient],
    ) -> None:
        self.config = config
        self.namespaces = namespaces
        self.client_factory = client_factory
        self.lake = InventoryLake(config.lake_dir, None)
        self._said: set[str] = set()

    def attach_s3(self, s3: S3Lake | None) -> None:
        self.lake.s3 = s3

    def say(self, level: int, text: str) -> None:
        if text not in self._said:
            self._said.add(text)
            log.log(level, "%s", text)

    def check(self) -> list[KindSnapshot]:
        """Every kind over the whole window (for --check); writes nothing."""
        client = self.client_factory()
        try:
            return [
                snapshot(
                    client, kind, self.config, self.namespaces, self.config.start, self.config.end
                )
                for kind in INVENTORY_KINDS
            ]
        finally:
            client.close()

    def run_hour(self, hour: datetime) -> InventoryHour:
        outcome = InventoryHour()
        client: PrometheusClient | None = None
        try:
            for kind in INVENTORY_KINDS:
                label = f"{hour:%Y-%m-%dT%H} inventory/{kind}"
                try:
                    if self._done(kind, hour):
                        outcome.skipped.append(kind)
                        continue
                    client = client or self.client_factory()
                    snap = snapshot(client, kind, self.config, self.namespaces, hour, hour + HOUR)
                    for hint in snap.hints:
                        self.say(logging.WARNING, hint)
                    if not snap.present:
                        outcome.absent.append(kind)
                        self.say(logging.INFO, f"inventory {kind} not written: {ABSENT_HINT[kind]}")
                        continue
                    assert snap.table is not None
                    self.lake.write(kind, hour, snap.table, self._manifest(hour, snap))
                    if self.lake.s3 is not None:
                        self.lake.upload(kind, hour)
                    outcome.written.append(kind)
                    log.debug("%s: %d rows", label, snap.table.num_rows)
                except (ExtractError, InventoryError, UploadError) as exc:
                    log.error("%s: %s", label, exc)
                    outcome.errors.append(f"inventory/{kind}: {exc}")
        finally:
            if client is not None:
                client.close()
        return outcome

    def _done(self, kind: str, hour: datetime) -> bool:
        """True when the kind-hour needs nothing; uploads a local-only file to S3 on the way."""
        if self.config.force:
            return False
        local = self.lake.complete(kind, hour)
        s3 = self.lake.s3
        if s3 is None:
            return local
        try:
            if s3.exists_rel(self.lake.relpath(kind, hour)):
                return True
        except UploadError as exc:
            log.warning("%s inventory/%s: cannot check S3: %s", f"{hour:%Y-%m-%dT%H}", kind, exc)
        if local:
            self.lake.upload(kind, hour)
            return True
        return False

    def _manifest(self, hour: datetime, snap: KindSnapshot) -> dict[str, Any]:
        assert snap.table is not None
        return {
            "manifest_version": MANIFEST_VERSION,
            "kind": snap.kind,
            "hour_start": hour.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "snapshot": SNAPSHOT,
            "file": FILE_NAME,
            "rows": snap.table.num_rows,
            "series_per_metric": dict(sorted(snap.series.items())),
            "hints": list(snap.hints),
            "minio_metrics": snap.source or None,
            "prometheus_url": redact_url(self.config.prometheus_url),
            "cluster_label": self.config.cluster_label,
            "namespace_include": self.config.namespace_include,
            "namespace_exclude": self.config.namespace_exclude,
            "extracted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def render_check(snapshots: Sequence[KindSnapshot]) -> str:
    """The --check table of the inventory kinds (one line per metric) and its hints."""
    rows = []
    for snap in snapshots:
        status = "present" if snap.present else "absent (optional)"
        if snap.source:
            status += f" (MinIO {snap.source})"
        for metric, count in sorted(snap.series.items()):
            rows.append((snap.kind, metric, status, str(count)))
    lines = text_table(("kind", "metric", "status", "series"), rows)
    hints = [h for s in snapshots for h in s.hints]
    hints += [f"{s.kind}: {ABSENT_HINT[s.kind]}" for s in snapshots if not s.present]
    return lines + "".join(f"hint: {h}\n" for h in hints)
