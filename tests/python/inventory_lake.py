"""Writing inventory-lake fixtures (hourly snapshots beside raw/) with pyarrow.

The schemas are the inventory contract the extractor writes:
`<lake>/inventory/<kind>/dt=YYYY-MM-DD/hour=HH/part-0000.parquet`, one file per UTC hour, the
`timestamp` column the hour's start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

_TS = pa.timestamp("us", tz="UTC")
_LABELS = pa.map_(pa.string(), pa.string())

INVENTORY_SCHEMAS: dict[str, pa.Schema] = {
    "namespaces": pa.schema(
        [
            ("timestamp", _TS),
            ("cluster", pa.string()),
            ("namespace", pa.string()),
            ("labels", _LABELS),
            ("annotations", _LABELS),
        ]
    ),
    "nodes": pa.schema(
        [
            ("timestamp", _TS),
            ("cluster", pa.string()),
            ("node", pa.string()),
            ("resource", pa.string()),
            ("capacity", pa.float64()),
            ("allocatable", pa.float64()),
        ]
    ),
    "quotas": pa.schema(
        [
            ("timestamp", _TS),
            ("cluster", pa.string()),
            ("namespace", pa.string()),
            ("resourcequota", pa.string()),
            ("resource", pa.string()),
            ("hard", pa.float64()),
            ("used", pa.float64()),
        ]
    ),
    "owners": pa.schema(
        [
            ("timestamp", _TS),
            ("cluster", pa.string()),
            ("namespace", pa.string()),
            ("pod", pa.string()),
            ("owner_kind", pa.string()),
            ("owner_name", pa.string()),
        ]
    ),
    "buckets": pa.schema(
        [
            ("timestamp", _TS),
            ("bucket", pa.string()),
            ("usage_bytes", pa.float64()),
            ("objects", pa.float64()),
            ("quota_bytes", pa.float64()),
        ]
    ),
}


def write_inventory_hour(
    lake: Path, kind: str, hour_start: datetime, rows: Iterable[Mapping[str, object]]
) -> Path:
    """One hour file of `kind`; every row gets `timestamp` = hour_start (an aware UTC datetime)."""
    schema = INVENTORY_SCHEMAS[kind]
    records = []
    for row in rows:
        record = {name: row.get(name) for name in schema.names}
        record["timestamp"] = hour_start
        for map_column in ("labels", "annotations"):
            if map_column in schema.names and isinstance(record[map_column], Mapping):
                record[map_column] = list(record[map_column].items())
        records.append(record)
    table = pa.Table.from_pylist(records, schema=schema)
    folder = lake / "inventory" / kind / f"dt={hour_start:%Y-%m-%d}" / f"hour={hour_start:%H}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "part-0000.parquet"
    pq.write_table(table, path)
    return path
