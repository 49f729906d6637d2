"""The per-hour JSON manifest (written next to the data file, last)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kube_finops.extract.coverage import MetricCoverage, absent_required
from kube_finops.lake.contract import FILE_NAME

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class HourFacts:
    """What extracting one hour produced."""

    hour: datetime
    rows: int
    containers: int
    series: Mapping[str, int]
    coverage: Sequence[MetricCoverage]
    queries: int
    requests: int
    retries: int
    namespace_batches: int
    seconds: float


def build_manifest(
    facts: HourFacts,
    prometheus_url: str,
    cluster_label: str,
    namespace_include: str | None,
    namespace_exclude: str | None,
) -> dict[str, Any]:
    """A JSON-ready manifest; `prometheus_url` must already be redacted."""
    absent = [c.metric for c in absent_required(facts.coverage)]
    return {
        "manifest_version": MANIFEST_VERSION,
        "hour_start": facts.hour.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": "complete" if not absent else "complete_with_absent_metrics",
        "file": FILE_NAME,
        "rows": facts.rows,
        "containers": facts.containers,
        "series_per_column": dict(sorted(facts.series.items())),
        "coverage": [c.as_json() for c in facts.coverage],
        "absent_metrics": absent,
        "queries": facts.queries,
        "http_requests": facts.requests,
        "retries": facts.retries,
        "namespace_batches": facts.namespace_batches,
        "duration_seconds": round(facts.seconds, 3),
        "prometheus_url": prometheus_url,
        "cluster_label": cluster_label,
        "namespace_include": namespace_include,
        "namespace_exclude": namespace_exclude,
        "step_seconds": 60,
        "extracted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
