"""Namespace batches so no query response is unbounded, and splitting on "too large" errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from kube_finops.extract.client import PrometheusClient, Series
from kube_finops.extract.errors import QueryTooLargeError
from kube_finops.extract.queries import NamespaceFilter, namespace_sizes_query

log = logging.getLogger("kube_finops.extract.batches")
MAX_SPLIT_DEPTH = 12  # 2**12 batches at most from one query: bounded


def namespace_sizes(
    client: PrometheusClient, hour: datetime, base: NamespaceFilter
) -> dict[str, int]:
    """Containers per namespace during the hour (one instant query)."""
    end = hour + timedelta(hours=1) - timedelta(milliseconds=1)
    sizes: dict[str, int] = {}
    for item in client.query(namespace_sizes_query(3600, base), end):
        namespace = item.get("metric", {}).get("namespace")
        if namespace:
            sizes[namespace] = max(sizes.get(namespace, 0), int(float(item["value"][1])))
    return sizes


def plan(sizes: Mapping[str, int], base: NamespaceFilter, max_series: int) -> list[NamespaceFilter]:
    """One filter when everything fits, else greedy batches of namespaces plus "the rest"."""
    if sum(sizes.values()) <= max_series:
        return [base]
    batches: list[NamespaceFilter] = []
    current: list[str] = []
    load = 0
    for name in sorted(sizes):
        if current and load + sizes[name] > max_series:
            batches.append(_names(base, current))
            current, load = [], 0
        current.append(name)
        load += sizes[name]
    if current:
        batches.append(_names(base, current))
    # namespaces that appear only in other metrics (or arrived late) are never lost
    rest = NamespaceFilter(base.include, base.exclude, batch_exclude=tuple(sorted(sizes)))
    return [*batches, rest]


def _names(base: NamespaceFilter, names: list[str]) -> NamespaceFilter:
    return NamespaceFilter(base.include, base.exclude, batch=tuple(names))


def fetch_split(
    run: Callable[[NamespaceFilter], list[Series]],
    batch: NamespaceFilter,
    sizes: Mapping[str, int],
    depth: int = 0,
) -> list[Series]:
    """Run a query for a batch; on "too many samples" split the batch in two and retry."""
    try:
        return run(batch)
    except QueryTooLargeError as exc:
        names = batch.batch if batch.batch is not None else None
        if names is None and batch.batch_exclude is None and len(sizes) > 1:
            names = tuple(sorted(sizes))
            halves = [names[: len(names) // 2], names[len(names) // 2 :]]
            parts = [_names(batch, list(h)) for h in halves] + [
                NamespaceFilter(batch.include, batch.exclude, batch_exclude=names)
            ]
        elif names is not None and len(names) > 1:
            half = len(names) // 2
            parts = [_names(batch, list(names[:half])), _names(batch, list(names[half:]))]
        else:
            raise
        if depth >= MAX_SPLIT_DEPTH:
            raise
        log.info("%s too large (%s): splitting into %d", batch.describe(), exc, len(parts))
        out: list[Series] = []
        for part in parts:
            out.extend(fetch_split(run, part, sizes, depth + 1))
        return out
