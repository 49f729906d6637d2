"""The one way an hour file is written: Parquet to a temp name in the target folder, fsync, rename.

A reader never sees a half-written file, and a crash leaves at most a hidden `.part-0000...tmp`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kube_finops.lake.contract import FILE_NAME, RAW_WRITER, WriterOptions


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    rows: int
    bytes: int


def write_hour_file(
    folder: Path,
    tables: pa.Table | Iterable[pa.Table],
    schema: pa.Schema,
    options: WriterOptions = RAW_WRITER,
    name: str = FILE_NAME,
) -> WrittenFile:
    """Write `tables` (their `schema` columns, in order) as `folder/name`, atomically.

    A table whose selected columns do not have `schema`'s types fails with pyarrow's error
    (nothing is renamed into place)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    batches = [tables] if isinstance(tables, pa.Table) else tables
    rows = 0
    try:
        with pq.ParquetWriter(
            tmp,
            schema,
            compression=options.compression,
            use_dictionary=options.dictionary_for(schema),
        ) as writer:
            for table in batches:
                writer.write_table(
                    table.select(schema.names), row_group_size=options.row_group_rows
                )
                rows += table.num_rows
        _fsync(tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return WrittenFile(target, rows, target.stat().st_size)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
