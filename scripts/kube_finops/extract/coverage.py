"""Metric coverage: for every expected raw metric, is it in Prometheus and with how many series."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from kube_finops.extract.client import PrometheusClient
from kube_finops.extract.queries import (
    COLUMN_QUERIES,
    EXPECTED_METRICS,
    NamespaceFilter,
    series_count_query,
)

log = logging.getLogger("kube_finops.extract.coverage")
EPSILON = timedelta(milliseconds=1)  # evaluate just before the (exclusive) window end


@dataclass(frozen=True)
class MetricCoverage:
    """One line of the coverage table."""

    metric: str
    present: bool
    series: int
    optional: bool
    columns: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        out = asdict(self)
        out["columns"] = list(self.columns)
        return out


def columns_of(metric: str) -> tuple[str, ...]:
    names = {q.column.removesuffix("_legacy") for q in COLUMN_QUERIES if metric in q.metrics}
    return tuple(sorted(names))


def measure(
    client: PrometheusClient, start: datetime, end: datetime, namespaces: NamespaceFilter
) -> list[MetricCoverage]:
    """Series per expected metric with a sample in [start, end)."""
    window = int((end - start).total_seconds())
    out = []
    for metric in EXPECTED_METRICS:
        result = client.query(series_count_query(metric, window, namespaces), end - EPSILON)
        series = int(float(result[0]["value"][1])) if result else 0
        out.append(
            MetricCoverage(
                metric.name, series > 0, series, metric.optional, columns_of(metric.name)
            )
        )
    return out


def absent_required(coverage: Sequence[MetricCoverage]) -> list[MetricCoverage]:
    return [c for c in coverage if not c.present and not c.optional]


def warn_absent(label: str, coverage: Sequence[MetricCoverage]) -> None:
    """Loud warnings for absent metrics (the users' silent "No data" dashboards)."""
    for item in absent_required(coverage):
        log.warning(
            "%s: metric %s is ABSENT in Prometheus: column(s) %s will be NULL",
            label,
            item.metric,
            ", ".join(item.columns) or "-",
        )
    kepler = [c for c in coverage if c.optional]
    if kepler and not any(c.present for c in kepler):
        log.info("%s: no Kepler metric present: energy_joules will be NULL", label)


def render_table(coverage: Sequence[MetricCoverage]) -> str:
    """Fixed-width text table (stdout)."""
    header = ("metric", "status", "series", "columns")
    rows = [
        (
            c.metric,
            "present" if c.present else ("absent (optional)" if c.optional else "ABSENT"),
            str(c.series),
            ", ".join(c.columns),
        )
        for c in coverage
    ]
    return text_table(header, rows)


def text_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in (header, tuple("-" * w for w in widths), *rows)
    ]
    return "\n".join(lines) + "\n"
