"""A small hand-made raw lake full of edge cases, for report dates 2026-07-01..2026-07-02 (KST).

The window is [2026-06-30 15:00, 2026-07-02 15:00) UTC: KST date 2026-07-01 (``D1``) is
[06-30 15:00, 07-01 15:00) UTC and 2026-07-02 (``D2``) is [07-01 15:00, 07-02 15:00) UTC.

Every scenario is one function returning :class:`RawFile` objects; rows that do not ask for a
particular file go to ``dt=<UTC date>/hour=<UTC hour>/part-0000.parquet``. Scenarios:

- ``steady``: a spark executor on two dates with varying usage (P95 interpolation).
- ``pv``: a postgres pod with a PV on its first container (``db``), cluster label ``''``.
- ``dedup``: duplicates decided by original timestamp, then file path, then row; exact copies.
- ``unaligned``: millisecond timestamps such as 12:03:59.9 (minute 12:03).
- ``partial``: a file without mem_rss, pv_*, energy_joules, cluster and with reversed columns.
- ``dirty``: NULL, NaN, +-inf and negative cells.
- ``boundary``: 14:59 / 15:00 UTC on different KST dates; samples outside the window.
- ``special_namespaces``: ``=cmd-ns``, ``+plus``, ``-minus``, ``@at`` with tied waste.
- ``orphans``: a node matching no pattern and a NULL node (UNKNOWN cluster, zero waste).
- ``labelled``: non-NULL cluster labels (``storage``, ``edge``, ``Compute``).
- ``naive``: files whose timestamp column has no time zone (UTC per raw_naive_timezone).
- ``governance``: containers without requests / limits.
- ``risk``: OOM, throttling, shortage exactly 0.5 and just above, waste exactly 10.
- ``waste``: over-allocated containers above and below the gov_waste_min_core_hours var.
- ``mover``: a pod moving from one node to another during the day.
- ``ghost``: a namespace that only has samples outside the window.

Plus an out-of-window partition ``dt=2026-06-20`` holding a corrupt ``x.parquet`` (random bytes)
that no reader may open.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from kube_finops.lake.contract import METRIC_COLUMNS

EDGE_START = date(2026, 7, 1)
EDGE_END = date(2026, 7, 2)
CORRUPT_FILE = Path("raw/dt=2026-06-20/hour=00/x.parquet")
GIB = 1024**3

Row = dict[str, object]
Value = float | None
MetricSpec = Value | Callable[[int], Value]

STRING_COLUMNS = ("cluster", "node", "namespace", "pod", "container")
ALL_COLUMNS = ("timestamp", *STRING_COLUMNS, *METRIC_COLUMNS)


@dataclass
class RawFile:
    """Rows destined for one Parquet file and how to write it."""

    path: str  # relative to <root>/raw
    rows: list[Row]
    omit: tuple[str, ...] = ()
    naive: bool = False  # timestamp without time zone (local time in UTC, the default)
    unit: str = "us"
    reverse_columns: bool = False


# --- row helpers ------------------------------------------------------------------------------


def utc(text: str) -> datetime:
    """An aware UTC datetime from 'YYYY-MM-DDTHH:MM[:SS[.ffffff]]'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def resources(
    cpu_request: Value = 1.0,
    cpu_limit: Value = 2.0,
    mem_request_gib: Value = 1.0,
    mem_limit_gib: Value = 2.0,
) -> dict[str, Value]:
    """Request/limit metric cells (memory given in GiB, stored in bytes)."""
    return {
        "cpu_request": cpu_request,
        "cpu_limit": cpu_limit,
        "mem_request": None if mem_request_gib is None else mem_request_gib * GIB,
        "mem_limit": None if mem_limit_gib is None else mem_limit_gib * GIB,
    }


def sample(
    ts: datetime, namespace: str, pod: str, container: str, node: str | None, **cells
) -> Row:
    """One raw row; metric cells not given are 0 (pv_*, oom, throttling) or NULL (others)."""
    row: Row = {
        "timestamp": ts,
        "cluster": None,
        "node": node,
        "namespace": namespace,
        "pod": pod,
        "container": container,
        "cpu_throttled": 0.0,
        "oom_event": 0.0,
        "pv_capacity": 0.0,
        "pv_used": 0.0,
    }
    row.update(cells)
    return row


def series(
    start: str,
    minutes: int,
    namespace: str,
    pod: str,
    container: str,
    node: str | None,
    **cells: MetricSpec | str | None,
) -> list[Row]:
    """``minutes`` rows one minute apart; callable cells get the minute index."""
    first = utc(start)
    rows = []
    for i in range(minutes):
        values = {k: (v(i) if callable(v) else v) for k, v in cells.items()}
        rows.append(sample(first + timedelta(minutes=i), namespace, pod, container, node, **values))
    return rows


def by_hour(rows: Iterable[Row], name: str = "part-0000.parquet") -> list[RawFile]:
    """Route rows to ``dt=<UTC date>/hour=<UTC hour>/<name>`` by their timestamp."""
    files: dict[str, RawFile] = {}
    for row in rows:
        ts = row["timestamp"]
        assert isinstance(ts, datetime)
        path = f"dt={ts:%Y-%m-%d}/hour={ts:%H}/{name}"
        files.setdefault(path, RawFile(path, [])).rows.append(row)
    return list(files.values())


# --- scenarios --------------------------------------------------------------------------------


def steady() -> list[Row]:
    """Spark executor on D1 and D2, usage rising within the hour (P95 interpolates)."""
    cells = {
        **resources(2.0, 4.0, 4.0, 8.0),
        "cpu_usage": lambda i: 0.5 + 0.013 * i,
        "cpu_throttled": lambda i: 0.01 * (i % 5),
        "mem_usage": lambda i: (1.0 + 0.021 * i) * GIB,
        "mem_rss": lambda i: (0.8 + 0.017 * i) * GIB,
        "energy_joules": lambda i: 30.0 + i,
    }
    return [
        *series(
            "2026-06-30T15:00", 60, "analytics", "spark-exec-1", "executor", "cmp-node-01", **cells
        ),
        *series(
            "2026-07-01T20:00", 37, "analytics", "spark-exec-1", "executor", "cmp-node-01", **cells
        ),
    ]


def pv() -> list[Row]:
    """Postgres pod, PV on the lexically first container; cluster label '' means NULL."""
    common = {"cluster": ""}
    db = series(
        "2026-07-01T02:00",
        120,
        "db-team",
        "pg-main-0",
        "db",
        "stg-node-01",
        **common,
        **resources(1.0, 2.0, 8.0, 8.0),
        cpu_usage=lambda i: 0.3 + 0.001 * i,
        mem_usage=lambda i: (5.0 + 0.01 * i) * GIB,
        mem_rss=lambda i: 4.5 * GIB,
        pv_capacity=100.0 * GIB,
        pv_used=lambda i: (10.0 + 0.01 * i) * GIB,
        energy_joules=12.5,
    )
    metrics = series(
        "2026-07-01T02:00",
        120,
        "db-team",
        "pg-main-0",
        "metrics",
        "stg-node-01",
        **common,
        **resources(0.1, 0.2, 0.125, 0.25),
        cpu_usage=0.05,
        mem_usage=0.1 * GIB,
        mem_rss=0.09 * GIB,
    )
    return [*db, *metrics]


def dedup() -> list[RawFile]:
    """Duplicates of (namespace, pod, container, minute): winners run on ``cmp-win-*`` nodes."""

    def row(ts: str, node: str, cpu: float, **cells: object) -> Row:
        return sample(
            utc(ts), "dedup", "dedup-pod", "app", node, **resources(), cpu_usage=cpu, **cells
        )

    a05 = RawFile(
        "dt=2026-07-01/hour=05/part-a.parquet",
        [
            # minute 05:10: the later original timestamp wins although part-b is the later file
            row("2026-07-01T05:10:40", "cmp-win-ts", 0.4),
            # minute 05:11: same timestamp in part-a and part-b: the later file (part-b) wins
            row("2026-07-01T05:11:20", "cmp-lose-file", 7.0, cluster="storage"),
            # minute 05:20: an exact duplicate row, counted once (energy 100, not 200)
            row("2026-07-01T05:20:00", "cmp-win-exact", 0.5, energy_joules=100.0),
            row("2026-07-01T05:20:00", "cmp-win-exact", 0.5, energy_joules=100.0),
            # minute 05:30 within one file: 05:30:59.9 beats 05:30:00.2 although it comes first
            row("2026-07-01T05:30:59.900000", "cmp-win-frac", 0.6),
            row("2026-07-01T05:30:00.200000", "cmp-lose-frac", 8.0, oom_event=1.0),
        ],
    )
    b05 = RawFile(
        "dt=2026-07-01/hour=05/part-b.parquet",
        [
            # minute 05:12 within one file, same timestamp: the later row wins
            row("2026-07-01T05:12:30", "cmp-lose-row", 9.0),
            row("2026-07-01T05:10:10", "cmp-lose-ts", 9.5, cluster="storage", oom_event=2.0),
            row("2026-07-01T05:11:20", "cmp-win-file", 0.45),
            # minute 05:59: part-b of hour=05 loses against part-a of hour=06 (full path order)
            row("2026-07-01T05:59:30", "cmp-lose-path", 6.0),
            row("2026-07-01T05:12:30", "cmp-win-row", 0.55),
        ],
    )
    a06 = RawFile(
        "dt=2026-07-01/hour=06/part-a.parquet",
        [
            row("2026-07-01T05:59:30", "cmp-win-path", 0.65),
            row("2026-07-01T06:00:00", "cmp-win-path", 0.7),
        ],
    )
    return [a05, b05, a06]


def unaligned() -> RawFile:
    """Millisecond timestamps: 12:03:59.9 is minute 12:03, 12:04:00.0 is minute 12:04."""
    stamps = [
        ("2026-07-01T12:00:00.500", 0.10),
        ("2026-07-01T12:01:00.000", 0.20),
        ("2026-07-01T12:02:30.250", 0.30),
        ("2026-07-01T12:03:59.900", 0.40),
        ("2026-07-01T12:04:00.000", 0.50),
        ("2026-07-01T12:05:07.000", 0.60),
        ("2026-07-01T12:07:59.999", 0.70),  # kept: later than 12:07:00.100
        ("2026-07-01T12:07:00.100", 5.00),
        ("2026-07-01T12:08:00.001", 0.80),
    ]
    rows = [
        sample(
            utc(ts),
            "analytics",
            "jupyter-lab-0",
            "notebook",
            "cmp-gpu-01",
            **resources(0.5, 1.0, 2.0, 4.0),
            cpu_usage=cpu,
            mem_usage=cpu * GIB,
            mem_rss=cpu * GIB / 2,
        )
        for ts, cpu in stamps
    ]
    return RawFile("dt=2026-07-01/hour=12/unaligned.parquet", rows, unit="ms")


def partial() -> list[RawFile]:
    """An nginx pod: hour 07 in a file missing optional columns, hour 08 in a full file."""
    cells = {
        **resources(0.5, 1.0, 0.5, 1.0),
        "cpu_usage": lambda i: 0.1 + 0.002 * i,
        "mem_usage": lambda i: (0.2 + 0.003 * i) * GIB,
        "mem_rss": lambda i: (0.15 + 0.001 * i) * GIB,
        "energy_joules": 7.0,
        "pv_capacity": 5.0 * GIB,
        "pv_used": 1.0 * GIB,
    }
    args = ("web", "web-nginx-7d9f", "nginx", "cmp-node-02")
    missing = RawFile(
        "dt=2026-07-01/hour=07/partial.parquet",
        series("2026-07-01T07:00", 30, *args, **cells),
        omit=("mem_rss", "pv_capacity", "pv_used", "energy_joules", "cluster"),
        reverse_columns=True,
    )
    return [missing, *by_hour(series("2026-07-01T08:00", 30, *args, **cells), "web.parquet")]


def dirty() -> list[Row]:
    """NULL, NaN, infinite and negative cells; cpu_request never set; nothing usable in rss."""
    nan, inf = float("nan"), float("inf")
    cpu_usage = [0.1, nan, None, -0.5, inf, 0.3, 0.2, -inf, 0.25, 0.15]
    throttled = [-0.1, nan, 0.05, None, 0.02, inf, 0.0, 0.01, -1.0, 0.03]
    mem_request = [-1.0, nan, 2.0 * GIB, None, 2.0 * GIB, 1.0 * GIB, inf, 2.0 * GIB, 0.0, -GIB]
    mem_usage = [GIB, inf, -inf, nan, 1.5 * GIB, None, 1.25 * GIB, -5.0, 1.1 * GIB, 0.9 * GIB]
    oom = [0.0, -1.0, nan, 0.0, None, 0.0, -3.0, 0.0, inf, 0.0]
    return series(
        "2026-07-01T09:30",
        10,
        "dirty",
        "dirty-pod",
        "main",
        "cmp-node-05",
        cpu_request=None,
        cpu_limit=lambda i: [2.0, -2.0, nan][i % 3],
        mem_limit=4.0 * GIB,
        mem_request=mem_request.__getitem__,
        cpu_usage=cpu_usage.__getitem__,
        cpu_throttled=throttled.__getitem__,
        mem_usage=mem_usage.__getitem__,
        mem_rss=None,
        oom_event=oom.__getitem__,
        pv_capacity=lambda i: [nan, -1.0][i % 2],
        pv_used=None,
        energy_joules=nan,
    )


def boundary() -> list[Row]:
    """Samples around the KST midnights; the out-of-window ones carry loud values."""

    def row(ts: str, cpu: float, oom: float = 0.0) -> Row:
        return sample(
            utc(ts),
            "boundary",
            "edge-pod",
            "c",
            "cmp-node-06",
            **resources(1.0, 2.0, 1.0, 2.0),
            cpu_usage=cpu,
            mem_usage=0.5 * GIB,
            oom_event=oom,
        )

    return [
        row("2026-06-30T14:59:59.900", 99.0, oom=5.0),  # KST 06-30 23:59: outside
        row("2026-06-30T15:00:00", 0.11),  # KST 07-01 00:00: D1
        row("2026-07-01T14:59:00", 0.12),  # KST 07-01 23:59: D1
        row("2026-07-01T15:00:00", 0.13),  # KST 07-02 00:00: D2
        row("2026-07-02T14:59:30", 0.14),  # KST 07-02 23:59: D2
        row("2026-07-02T15:00:00", 99.0, oom=5.0),  # KST 07-03 00:00: outside
        row("2026-07-03T03:00:00", 99.0, oom=5.0),  # outside, in the dt=end+1 partition
    ]


def special_namespaces() -> list[Row]:
    """Formula-like namespaces on D2 with tied waste (=cmd-ns ~ @at, +plus ~ -minus)."""
    rows: list[Row] = []
    for namespace, pod, request in (
        ("=cmd-ns", "formula-0", 30.0),
        ("@at", "at-0", 30.0),
        ("+plus", "plus-0", 5.0),
        ("-minus", "minus-0", 5.0),
    ):
        rows += series(
            "2026-07-02T01:00",
            60,
            namespace,
            pod,
            "app",
            "cmp-node-07",
            **resources(request, 2 * request, 1.0, 2.0),
            cpu_usage=lambda i: 1.0 + (i % 2) * 0.5,
            mem_usage=0.5 * GIB,
        )
    return rows


def orphans() -> list[Row]:
    """UNKNOWN cluster on D2: a node matching no pattern and a NULL node, both zero waste."""
    return [
        *series(
            "2026-07-02T02:00",
            30,
            "orphans",
            "orphan-0",
            "app",
            "edge-gw-01",
            **resources(0.5, 1.0, 1.0, 1.0),
            cpu_usage=0.5,
            mem_usage=GIB,
        ),
        *series(
            "2026-07-02T02:00",
            30,
            "orphans",
            "orphan-1",
            "app",
            None,
            **resources(None, None, None, None),
            cpu_usage=0.2,
            mem_usage=0.1 * GIB,
        ),
    ]


def labelled() -> list[Row]:
    """Non-NULL cluster labels: upper-cased cluster_type, node patterns give the domain only."""
    rows: list[Row] = []
    for pod, node, label in (
        ("label-gpu-0", "cmp-gpu-07", "storage"),
        ("label-edge-0", "edge-node-9", "edge"),
        ("label-mixed-0", "stg-node-03", "Compute"),
    ):
        rows += series(
            "2026-07-01T10:00",
            30,
            "labelled",
            pod,
            "app",
            node,
            cluster=label,
            **resources(2.0, 2.0, 1.0, 1.0),
            cpu_usage=lambda i: 0.2 + 0.01 * i,
            mem_usage=0.5 * GIB,
        )
    return rows


def naive() -> list[RawFile]:
    """Files with a naive timestamp column (UTC local time): 15:00 UTC is already D2."""
    cells = {**resources(1.0, 2.0, 2.0, 4.0), "mem_usage": 1.0 * GIB}
    args = ("naive", "airflow-worker-0", "base", "cmp-node-08")
    return [
        RawFile(
            "dt=2026-07-01/hour=09/naive.parquet",
            series("2026-07-01T09:00", 20, *args, cpu_usage=lambda i: 0.1 * (i % 7), **cells),
            naive=True,
        ),
        RawFile(
            "dt=2026-07-01/hour=15/naive.parquet",
            series("2026-07-01T15:00", 3, *args, cpu_usage=0.9, **cells),
            naive=True,
        ),
    ]


def governance() -> list[Row]:
    """Containers without a request and/or a limit (0 or NULL all day)."""
    rows: list[Row] = []
    for pod, cells in (
        ("norequest-0", resources(0.0, 1.0, 1.0, 2.0)),
        ("nolimit-0", resources(0.5, 1.0, 1.0, None)),
        ("nothing-0", resources(None, 0.0, 0.0, None)),
        ("complete-0", resources(0.5, 1.0, 1.0, 2.0)),
    ):
        rows += series(
            "2026-07-01T11:00",
            30,
            "gov",
            pod,
            "app",
            "cmp-node-09",
            **cells,
            cpu_usage=0.25,
            mem_usage=0.5 * GIB,
        )
    return rows


def risk() -> list[Row]:
    """OOM, throttling and shortage boundaries, one container each, 60 minutes on D1."""
    short_above = 1.5 + 1 / 1024

    def pod(name: str, request: float, usage: MetricSpec, **cells: MetricSpec) -> list[Row]:
        return series(
            "2026-07-01T13:00",
            60,
            "risk",
            name,
            "app",
            "cmp-node-10",
            **resources(request, 2 * request, 1.0, 2.0),
            cpu_usage=usage,
            mem_usage=0.75 * GIB,
            **cells,
        )

    return [
        # OOM wins over its 19 core-hours of waste; 3 kills in total
        *pod("oom-0", 20.0, 1.0, oom_event=lambda i: {10: 1.0, 40: 2.0}.get(i, 0.0)),
        *pod("throttle-0", 1.0, 0.5, cpu_throttled=lambda i: 0.35 if i == 30 else 0.1),
        *pod("throttle-edge-0", 1.0, 0.5, cpu_throttled=lambda i: 0.2 if i == 30 else 0.1),
        *pod("short-exact-0", 1.0, 1.5),  # shortage exactly 0.5: not > 0.5
        *pod("short-above-0", 1.0, short_above),  # shortage 0.5009765625
        *pod("waste-edge-0", 10.5, 0.5),  # cpu waste exactly 10 core-hours: not > 10
        *pod("over-0", 12.0, 0.5),  # 11.5 core-hours: Over-allocated, no candidate
    ]


def waste() -> list[Row]:
    """Over-allocated containers: two tied at 30 core-hours, one at 26, one at exactly 24."""
    rows: list[Row] = []
    for pod, request in (("big-1", 32.0), ("big-0", 32.0), ("big-2", 28.0), ("big-3", 26.0)):
        rows += series(
            "2026-07-01T13:00",
            60,
            "waste-team",
            pod,
            "app",
            "cmp-node-11",
            **resources(request, request, 4.0, 4.0),
            cpu_usage=2.0,
            mem_usage=GIB,
        )
    return rows


def mover() -> list[Row]:
    """A kafka broker moving from cmp-node-03 to cmp-node-04 half-way through an hour."""
    cells = {**resources(1.0, 2.0, 2.0, 4.0), "mem_usage": GIB}
    args = ("mover", "kafka-broker-2", "broker")
    return [
        *series("2026-07-01T01:00", 30, *args, "cmp-node-03", cpu_usage=0.4, **cells),
        *series("2026-07-01T01:30", 30, *args, "cmp-node-04", cpu_usage=0.6, **cells),
    ]


def ghost() -> list[Row]:
    """A namespace whose samples are all outside the window."""
    cells = {**resources(64.0, 64.0, 64.0, 64.0), "cpu_usage": 0.0, "oom_event": 1.0}
    return [
        *series("2026-06-30T14:00", 10, "ghost", "ghost-0", "app", "cmp-node-12", **cells),
        *series("2026-07-02T15:00", 10, "ghost", "ghost-0", "app", "cmp-node-12", **cells),
    ]


def edge_files() -> list[RawFile]:
    """Every raw file of the edge lake (paths relative to <root>/raw)."""
    hourly_rows = [
        *steady(),
        *pv(),
        *dirty(),
        *boundary(),
        *special_namespaces(),
        *orphans(),
        *labelled(),
        *governance(),
        *risk(),
        *waste(),
        *mover(),
        *ghost(),
    ]
    return [*by_hour(hourly_rows), *dedup(), unaligned(), *partial(), *naive()]


# --- writing ----------------------------------------------------------------------------------


def arrow_table(raw: RawFile) -> pa.Table:
    """The Arrow table of one RawFile (float64 metrics, NaN kept distinct from NULL)."""
    columns = [c for c in ALL_COLUMNS if c not in raw.omit]
    if raw.reverse_columns:
        columns.reverse()
    arrays = {}
    for column in columns:
        values = [row.get(column) for row in raw.rows]
        if column == "timestamp":
            if raw.naive:
                values = [v.astimezone(UTC).replace(tzinfo=None) for v in values]  # type: ignore[union-attr]
            arrays[column] = pa.array(
                values, pa.timestamp(raw.unit, tz=None if raw.naive else "UTC")
            )
        elif column in STRING_COLUMNS:
            arrays[column] = pa.array(values, pa.string())
        else:
            arrays[column] = pa.array(values, pa.float64())
    return pa.table(arrays)


def write_edge_lake(root: Path) -> None:
    """Write the edge lake under ``root/raw`` (plus the corrupt out-of-window file)."""
    raw_root = root / "raw"
    for raw in edge_files():
        target = raw_root / raw.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(f"two edge scenarios write {target}")
        pq.write_table(arrow_table(raw), target)
    corrupt = root / CORRUPT_FILE
    corrupt.parent.mkdir(parents=True, exist_ok=True)
    corrupt.write_bytes(random.Random(20260620).randbytes(4096))


def raw_files(root: Path, start: date = EDGE_START, end: date = EDGE_END) -> list[Path]:
    """Parquet files of the partitions dt = start-1 .. end+1 (UTC), the corrupt file excluded."""
    days = {(start + timedelta(days=d)).isoformat() for d in range(-1, (end - start).days + 2)}
    files = [
        path
        for path in sorted((root / "raw").glob("dt=*/hour=*/*.parquet"))
        if path.parent.parent.name.removeprefix("dt=") in days
    ]
    corrupt = (root / CORRUPT_FILE).resolve()
    return [path for path in files if path.resolve() != corrupt]
