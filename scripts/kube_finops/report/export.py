"""`python -m kube_finops.report.export`: every mart as Parquet, partitioned by cluster_type and
date (Hive layout), to a local folder or to S3 `<prefix>/` (default `merged/`), for engines other
than DuckDB (the users' step2 uploads)."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from kube_finops.report.errors import ReportError
from kube_finops.report.upload import S3Target, upload_files

log = logging.getLogger("kube_finops.report.export")


def export_marts(db_path: Path, out_dir: Path, schema: str = "marts") -> dict[str, Path]:
    """Write each table of `schema` below out_dir/<table>/cluster_type=../date=../*.parquet."""
    if not db_path.exists():
        raise ReportError(
            f"DuckDB file {db_path} does not exist: build the marts first (make build)"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_type = 'BASE TABLE' order by table_name",
            [schema],
        ).fetchall()
        if not tables:
            raise ReportError(f"{db_path} has no tables in schema {schema}: build the marts first")
        for (table,) in tables:
            columns = {
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
            }
            partitions = [c for c in ("cluster_type", "date") if c in columns]
            target = out_dir / table
            if target.exists():
                shutil.rmtree(target)
            options = "format parquet"
            if partitions:
                options += f", partition_by ({', '.join(partitions)})"
            else:
                target.mkdir(parents=True)
            destination = str(target if partitions else target / "data.parquet").replace("'", "''")
            con.execute(f"copy (select * from {schema}.{table}) to '{destination}' ({options})")
            written[table] = target
            log.info(
                "exported %s.%s -> %s (partitioned by %s)",
                schema,
                table,
                target,
                ", ".join(partitions) or "nothing",
            )
    return written


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kube_finops.report.export", description=__doc__
    )
    parser.add_argument(
        "--duckdb",
        type=Path,
        default=Path(os.environ.get("FINOPS_DUCKDB_PATH", "data/finops.duckdb")),
        help="DuckDB file with the marts (env FINOPS_DUCKDB_PATH)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(os.environ.get("EXPORT_DIR", "data/export")),
        help="local folder (env EXPORT_DIR, default data/export); a temporary one with --s3-bucket",
    )
    parser.add_argument("--s3-bucket", help="upload to this bucket (env EXPORT_S3_BUCKET)")
    parser.add_argument(
        "--s3-prefix", default=None, help="key prefix (env EXPORT_S3_PREFIX, default merged)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    target = S3Target.from_env(
        args.s3_bucket or os.environ.get("EXPORT_S3_BUCKET"),
        args.s3_prefix or os.environ.get("EXPORT_S3_PREFIX") or "merged",
    )
    try:
        if target is None:
            export_marts(args.duckdb, args.out)
            sys.stdout.write(f"{args.out}\n")
            return 0
        with tempfile.TemporaryDirectory(prefix="finops-export-") as tmp:
            root = Path(tmp)
            export_marts(args.duckdb, root)
            files = sorted(p for p in root.rglob("*.parquet"))
            uris = upload_files(target, [(p, p.relative_to(root).as_posix()) for p in files])
            sys.stdout.write(f"s3://{target.bucket}/{target.prefix}/ ({len(uris)} files)\n")
        return 0
    except ReportError as exc:
        log.error("%s", exc)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
