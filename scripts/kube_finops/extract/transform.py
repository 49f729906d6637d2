"""Query results of one UTC hour -> the raw contract's wide table (a row per container-minute)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pyarrow as pa

from kube_finops.extract.client import Series
from kube_finops.extract.queries import ANCHOR_COLUMNS, ColumnQuery, Level
from kube_finops.lake.contract import METRIC_COLUMNS, RAW_SCHEMA, TIMESTAMP_TYPE

log = logging.getLogger("kube_finops.extract.transform")

MINUTES = 60
PodKey = tuple[str | None, str, str]  # cluster, namespace, pod
ContainerKey = tuple[str | None, str, str, str]  # cluster, namespace, pod, container


class TransformError(ValueError):
    """A Prometheus answer does not have the labels or timestamps the queries guarantee."""


@dataclass
class Grid:
    """Per-key minute values of one column: values[k, m] is valid where present[k, m]."""

    keys: dict[tuple, int] = field(default_factory=dict)
    rows: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)

    def add(self, key: tuple, minutes: np.ndarray, values: np.ndarray) -> None:
        index = self.keys.setdefault(key, len(self.keys))
        self.rows.append((index, minutes, values))

    def dense(self, order: Mapping[tuple, int], size: int) -> tuple[np.ndarray, np.ndarray]:
        values = np.zeros((size, MINUTES), dtype=np.float64)
        present = np.zeros((size, MINUTES), dtype=bool)
        inverse = {index: key for key, index in self.keys.items()}
        for index, minutes, vals in self.rows:
            target = order.get(inverse[index])
            if target is None:
                continue
            values[target, minutes] = vals
            present[target, minutes] = True
        return values, present


def _label(metric: Mapping[str, str], name: str, column: str) -> str:
    value = metric.get(name)
    if not value:
        raise TransformError(f"{column}: a series has no {name!r} label: {dict(metric)}")
    return value


def _points(series: Series, start_ts: float, column: str) -> tuple[np.ndarray, np.ndarray]:
    pairs = series.get("values") or []
    ts = np.fromiter((p[0] for p in pairs), dtype=np.float64, count=len(pairs))
    values = np.fromiter((float(p[1]) for p in pairs), dtype=np.float64, count=len(pairs))
    offsets = (ts - start_ts) / 60.0
    minutes = np.rint(offsets).astype(np.int64)
    if len(minutes) and (np.abs(offsets - minutes).max() > 1e-6):
        raise TransformError(f"{column}: sample timestamps are not on the 60 s query grid")
    return minutes, values


def _deltas(minutes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-minute increase of a counter sampled at minutes -1..59 (exact; resets handled).

    The increase in minute m is v(m) - v(m-1); after a reset (v drops) it is v(m). A minute whose
    previous minute has no value (the series appeared, or reappeared after a gap longer than the
    lookback) counts 0, like Prometheus' increase(): a kill is never counted twice.
    """
    full = np.full(MINUTES + 1, np.nan)
    full[minutes + 1] = values
    prev, cur = full[:-1], full[1:]
    have_cur = ~np.isnan(cur)
    with np.errstate(invalid="ignore"):
        delta = np.where(cur >= prev, cur - prev, cur)  # reset -> counted from 0
    delta = np.where(np.isnan(prev), 0.0, delta)
    out_minutes = np.nonzero(have_cur)[0]
    return out_minutes, delta[have_cur]


@dataclass(frozen=True)
class HourResult:
    """The hour's table and how many series each column query returned."""

    table: pa.Table
    series: dict[str, int]


def build_table(
    hour: datetime,
    results: Mapping[str, Sequence[Series]],
    queries: Sequence[ColumnQuery],
    cluster_label: str,
) -> HourResult:
    """Assemble the raw contract table from the column queries' series (already filtered)."""
    start_ts = hour.timestamp()
    grids: dict[str, Grid] = {}
    nodes: dict[PodKey, dict[int, str]] = {}
    counts: dict[str, int] = {}
    for query in queries:
        series_list = results.get(query.column, [])
        counts[query.column] = len(series_list)
        grid = grids.setdefault(query.column, Grid())
        base = start_ts - 60 if query.lookback_minute else start_ts
        for series in series_list:
            metric = series.get("metric", {})
            minutes, values = _points(series, base, query.column)
            if query.lookback_minute:
                minutes, values = _deltas(minutes - 1, values)
            keep = (minutes >= 0) & (minutes < MINUTES)
            minutes, values = minutes[keep], values[keep]
            pod_key: PodKey = (
                metric.get(cluster_label) or None,
                _label(metric, "namespace", query.column),
                _label(metric, "pod", query.column),
            )
            if query.level is Level.POD_NODE:
                node = _label(metric, "node", query.column)
                by_minute = nodes.setdefault(pod_key, {})
                by_minute.update(dict.fromkeys(minutes.tolist(), node))
            elif query.level is Level.POD:
                grid.add(pod_key, minutes, values)
            else:
                grid.add((*pod_key, _label(metric, "container", query.column)), minutes, values)
    return HourResult(_assemble(hour, grids, nodes, queries), counts)


def _row_keys(grids: Mapping[str, Grid], queries: Sequence[ColumnQuery]) -> list[ContainerKey]:
    container_columns = [q.column for q in queries if q.level is Level.CONTAINER]
    keys: set[ContainerKey] = set()
    for column in container_columns:
        keys.update(grids[column].keys)
    return sorted(keys, key=lambda k: (k[0] or "", k[1], k[2], k[3]))


def _assemble(
    hour: datetime,
    grids: Mapping[str, Grid],
    nodes: Mapping[PodKey, Mapping[int, str]],
    queries: Sequence[ColumnQuery],
) -> pa.Table:
    keys = _row_keys(grids, queries)
    order = {key: i for i, key in enumerate(keys)}
    size = len(keys)
    dense = {
        q.column: grids[q.column].dense(order, size) for q in queries if q.level is Level.CONTAINER
    }
    anchors = [c for c in ANCHOR_COLUMNS if c in dense and dense[c][1].any()]
    sources = anchors or list(dense)
    row_mask = np.zeros((size, MINUTES), dtype=bool)
    for column in sources:
        row_mask |= dense[column][1]
    _merge_energy(dense)
    pv = _pv_columns(grids, keys, size, queries)
    k_idx, m_idx = np.nonzero(row_mask)
    arrays: dict[str, pa.Array] = {}
    micros = int(hour.timestamp()) * 1_000_000 + m_idx.astype(np.int64) * 60_000_000
    arrays["timestamp"] = pa.array(micros, type=pa.int64()).cast(TIMESTAMP_TYPE)
    for position, name in enumerate(("cluster", "namespace", "pod", "container")):
        dictionary = pa.array([key[position] for key in keys], type=pa.string())
        arrays[name] = _take(dictionary, k_idx)
    arrays["node"] = _node_column(keys, nodes, k_idx, m_idx)
    for column in METRIC_COLUMNS:
        source = dense.get(column) or pv.get(column)
        if source is None:
            arrays[column] = pa.nulls(len(k_idx), type=pa.float64())
            continue
        values, present = source
        arrays[column] = pa.array(values[k_idx, m_idx], mask=~present[k_idx, m_idx])
    return pa.Table.from_arrays([arrays[f.name] for f in RAW_SCHEMA], schema=RAW_SCHEMA)


def _take(dictionary: pa.Array, indices: np.ndarray) -> pa.Array:
    return dictionary.take(pa.array(indices, type=pa.int64()))


def _merge_energy(dense: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    """energy_joules: Kepler's current metric where present, else the legacy one."""
    legacy = dense.pop("energy_joules_legacy", None)
    current = dense.get("energy_joules")
    if legacy is None:
        return
    if current is None:
        dense["energy_joules"] = legacy
        return
    values = np.where(current[1], current[0], legacy[0])
    dense["energy_joules"] = (values, current[1] | legacy[1])


def _pv_columns(
    grids: Mapping[str, Grid],
    keys: Sequence[ContainerKey],
    size: int,
    queries: Sequence[ColumnQuery],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Pod-level PV bytes on the pod's lexically first container (0 on its other containers)."""
    first: dict[PodKey, int] = {}
    pods: dict[PodKey, list[int]] = {}
    for index, key in enumerate(keys):  # keys are sorted, so the first seen is the lexical first
        pod_key = key[:3]
        first.setdefault(pod_key, index)
        pods.setdefault(pod_key, []).append(index)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for query in queries:
        if query.level is not Level.POD:
            continue
        pod_values, pod_present = grids[query.column].dense(
            {pod_key: i for i, pod_key in enumerate(grids[query.column].keys)},
            len(grids[query.column].keys),
        )
        values = np.zeros((size, MINUTES), dtype=np.float64)
        present = np.zeros((size, MINUTES), dtype=bool)
        for pod_key, pod_index in grids[query.column].keys.items():
            members = pods.get(pod_key)
            if members is None:
                log.debug("%s: pod %s has no container series this hour", query.column, pod_key)
                continue
            values[first[pod_key]] = pod_values[pod_index]
            for member in members:
                present[member] = pod_present[pod_index]
        out[query.column] = (values, present)
    return out


def _node_column(
    keys: Sequence[ContainerKey],
    nodes: Mapping[PodKey, Mapping[int, str]],
    k_idx: np.ndarray,
    m_idx: np.ndarray,
) -> pa.Array:
    """The pod's node at that minute, else the node it was last seen on this hour, else NULL."""
    names: list[str] = []
    lookup: dict[str, int] = {}
    per_key = np.full((len(keys), MINUTES), -1, dtype=np.int64)
    for index, key in enumerate(keys):
        by_minute = nodes.get(key[:3])
        if not by_minute:
            continue
        fallback = by_minute[max(by_minute)]
        row = [by_minute.get(m, fallback) for m in range(MINUTES)]
        per_key[index] = [lookup.setdefault(n, len(lookup)) for n in row]
    names = list(lookup)
    codes = per_key[k_idx, m_idx]
    dictionary = pa.array(names, type=pa.string())
    return dictionary.take(pa.array(codes, type=pa.int64(), mask=codes < 0))
