"""What a lake file must look like: the one place that states the layout, the columns and their
Arrow types, which columns are required, and how hour files are written.

Raw samples: `<lake>/raw/dt=YYYY-MM-DD/hour=HH/part-0000.parquet`, one file per UTC hour, one row
per container per minute. Inventory snapshots: `<lake>/inventory/<kind>/dt=.../hour=.../
part-0000.parquet`, one snapshot per UTC hour. Readers (the dbt project) accept any file name in a
partition folder; writers always use FILE_NAME so a re-written hour replaces its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

RAW_DIR = "raw"
INVENTORY_DIR = "inventory"
FILE_NAME = "part-0000.parquet"
# Every hour file below a raw or inventory root (what the dbt readers list).
HOUR_FILES_GLOB = "dt=*/hour=*/*.parquet"

TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")

# A raw file without one of these is refused (the dbt reader names the file and the column).
REQUIRED_COLUMNS = ("timestamp", "namespace", "pod", "container")
# Optional labels: NULL when a file lacks the column (cluster is NULL on single-cluster setups).
LABEL_COLUMNS = ("cluster", "node")
# Optional metrics, all float64: a file without one reads as NULL in every row (the data quality
# mart flags a day where a metric is absent; energy_joules exists only with Kepler).
METRIC_COLUMNS = (
    "cpu_request",
    "cpu_limit",
    "cpu_usage",
    "cpu_throttled",
    "mem_request",
    "mem_limit",
    "mem_usage",
    "mem_rss",
    "oom_event",
    "pv_capacity",
    "pv_used",
    "energy_joules",
)
OPTIONAL_COLUMNS = LABEL_COLUMNS + METRIC_COLUMNS

RAW_SCHEMA = pa.schema(
    [
        pa.field("timestamp", TIMESTAMP_TYPE),
        pa.field("cluster", pa.string()),
        pa.field("node", pa.string()),
        pa.field("namespace", pa.string()),
        pa.field("pod", pa.string()),
        pa.field("container", pa.string()),
        *(pa.field(name, pa.float64()) for name in METRIC_COLUMNS),
    ]
)

_LABELS = pa.map_(pa.string(), pa.string())
INVENTORY_SCHEMAS: dict[str, pa.Schema] = {
    "namespaces": pa.schema(
        [
            pa.field("timestamp", TIMESTAMP_TYPE),
            pa.field("cluster", pa.string()),
            pa.field("namespace", pa.string()),
            pa.field("labels", _LABELS),
            pa.field("annotations", _LABELS),
        ]
    ),
    "nodes": pa.schema(
        [
            pa.field("timestamp", TIMESTAMP_TYPE),
            pa.field("cluster", pa.string()),
            pa.field("node", pa.string()),
            pa.field("resource", pa.string()),
            pa.field("capacity", pa.float64()),
            pa.field("allocatable", pa.float64()),
        ]
    ),
    "quotas": pa.schema(
        [
            pa.field("timestamp", TIMESTAMP_TYPE),
            pa.field("cluster", pa.string()),
            pa.field("namespace", pa.string()),
            pa.field("resourcequota", pa.string()),
            pa.field("resource", pa.string()),
            pa.field("hard", pa.float64()),
            pa.field("used", pa.float64()),
        ]
    ),
    "owners": pa.schema(
        [
            pa.field("timestamp", TIMESTAMP_TYPE),
            pa.field("cluster", pa.string()),
            pa.field("namespace", pa.string()),
            pa.field("pod", pa.string()),
            pa.field("owner_kind", pa.string()),
            pa.field("owner_name", pa.string()),
        ]
    ),
    "buckets": pa.schema(
        [
            pa.field("timestamp", TIMESTAMP_TYPE),
            pa.field("bucket", pa.string()),
            pa.field("usage_bytes", pa.float64()),
            pa.field("objects", pa.float64()),
            pa.field("quota_bytes", pa.float64()),
        ]
    ),
}
INVENTORY_KINDS = tuple(INVENTORY_SCHEMAS)


@dataclass(frozen=True)
class WriterOptions:
    """How an hour file is encoded. Dictionary columns absent from a file's schema are ignored."""

    row_group_rows: int
    dictionary_columns: tuple[str, ...]
    compression: str = "zstd"

    def dictionary_for(self, schema: pa.Schema) -> list[str]:
        return [name for name in self.dictionary_columns if name in schema.names]


# Dictionary-encode only low-cardinality columns (measured ~30% faster writes, smaller files).
RAW_WRITER = WriterOptions(
    row_group_rows=1_000_000,
    dictionary_columns=(
        "cluster",
        "node",
        "namespace",
        "pod",
        "container",
        "cpu_request",
        "cpu_limit",
        "mem_request",
        "mem_limit",
        "oom_event",
        "pv_capacity",
    ),
)
INVENTORY_WRITER = WriterOptions(
    row_group_rows=1_000_000,
    dictionary_columns=(
        "cluster",
        "namespace",
        "node",
        "resource",
        "resourcequota",
        "owner_kind",
        "bucket",
    ),
)


def _utc(when: datetime) -> datetime:
    """An aware time in UTC; a naive one is taken as UTC already."""
    return when.astimezone(UTC) if when.tzinfo is not None else when


def partition(when: datetime) -> str:
    """`dt=YYYY-MM-DD/hour=HH` of the UTC hour holding `when`."""
    utc = _utc(when)
    return f"dt={utc:%Y-%m-%d}/hour={utc:%H}"


def hour_dir(lake: Path, when: datetime) -> Path:
    """`<lake>/raw/dt=YYYY-MM-DD/hour=HH` (the dbt var raw_path is `<lake>/raw`)."""
    return lake / RAW_DIR / partition(when)


def inventory_hour_dir(lake: Path, kind: str, when: datetime) -> Path:
    """`<lake>/inventory/<kind>/dt=YYYY-MM-DD/hour=HH`."""
    if kind not in INVENTORY_SCHEMAS:
        raise ValueError(f"unknown inventory kind {kind!r}; one of {', '.join(INVENTORY_KINDS)}")
    return lake / INVENTORY_DIR / kind / partition(when)
