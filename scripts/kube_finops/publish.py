"""Publish the built marts as a read-only snapshot that readers can hold open during a build.

dbt writes `FINOPS_DUCKDB_PATH`; a reader holding that file open (even read-only) makes the next
`dbt build` fail on the file lock. After a successful build, this module copies the schemas
`marts` and `reporting` into a new DuckDB file written beside `FINOPS_PUBLISH_PATH` under a
temporary name, then renames it over the published file (`os.replace`, atomic on one file
system): a reader sees the previous snapshot or the new one, never a mix, and a failed copy leaves
the previous snapshot untouched.

    python -m kube_finops.publish --duckdb data/finops.duckdb --out data/published/finops.duckdb
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from kube_finops.api import summary_body, summary_sql

LOG = logging.getLogger("kube_finops.publish")
PUBLISHED_SCHEMAS = ("marts", "reporting")
DEFAULT_PUBLISH_PATH = "data/published/finops.duckdb"
# one row in the snapshot saying when and from what it was published (the API's /readyz)
SNAPSHOT_TABLE = "main.snapshot_info"
# ART indexes for the API's point lookups (an owner's or a namespace's rows out of the fleet's)
LOOKUP_INDEXES = (
    ("reporting", "rpt_namespace_owner", "owner"),
    ("reporting", "rpt_namespace_owner", "namespace"),
    ("reporting", "rpt_tenant_namespace_daily", "owner"),
    ("marts", "tenant_cost_daily", "owner"),
    ("marts", "tenant_storage_daily", "owner"),
    ("marts", "gov_namespace_lifecycle", "owner"),
    ("marts", "quota_fit", "namespace"),
    ("api", "tenant_summary", "owner"),
    ("api", "tenant_summary_json", "owner"),
    ("marts", "ns_usage_daily", "namespace"),
    ("marts", "energy_ns_daily", "namespace"),
    ("marts", "rightsizing_recommendations", "namespace"),
)


class PublishError(Exception):
    """A problem explained in one line."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _source_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    placeholders = ", ".join("?" for _ in PUBLISHED_SCHEMAS)
    return con.execute(
        "select table_schema, table_name from information_schema.tables"
        f" where table_catalog = 'src' and table_schema in ({placeholders})"
        " order by table_schema, table_name",
        list(PUBLISHED_SCHEMAS),
    ).fetchall()


def _copy(source: Path, target: Path) -> int:
    """Copy the published schemas of source into a new file target; return the table count."""
    with duckdb.connect(str(target)) as con:
        con.execute(f"attach {_literal(str(source))} as src (read_only)")
        tables = _source_tables(con)
        if not any(schema == "marts" for schema, _ in tables):
            raise PublishError(f"{source}: no tables in schema marts (run dbt build first)")
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema if not exists {_quote(schema)}")
        for schema, table in tables:
            qualified = f"{_quote(schema)}.{_quote(table)}"
            con.execute(f"create table {qualified} as select * from src.{qualified}")
        precompute(con)
        create_indexes(con)
        con.execute(
            f"create table {SNAPSHOT_TABLE} as select ?::timestamptz as published_at,"
            " ? as source_path, ? as table_count",
            [datetime.now(UTC), str(source), len(tables)],
        )
        con.execute("detach src")
        con.execute("checkpoint")
    return len(tables)


def precompute(con: duckdb.DuckDBPyConnection) -> None:
    """Every owner's tenant summary over the published reporting window, by the API's own
    summary SQL, into api.tenant_summary (one row per owner, sorted by owner): the API's default
    summary becomes one indexed row read."""
    window = con.execute(
        "select window_start_date, window_end_date from reporting.rpt_window limit 1"
    ).fetchone()
    if window is None:
        LOG.warning("reporting.rpt_window is empty: no precomputed tenant summaries")
        return
    con.execute("create schema if not exists api")
    try:
        con.execute(
            f"create table {summary_sql.PRECOMPUTED} as"
            " select $start as window_start, $end as window_end, * from ("
            + summary_sql.summary_sql(summary_sql.ALL_OWNERS)
            + ") order by owner",
            {"start": window[0], "end": window[1]},
        )
    except duckdb.CatalogException as exc:
        # a build without the tenancy marts: the API answers summaries live (and says why there)
        LOG.warning("no precomputed tenant summaries: %s", str(exc).splitlines()[0])
        return
    # the default answer (published window, first page) as ready JSON: the API returns it as is
    owners = summary_body.precompute_json(con)
    LOG.info("precomputed the tenant summaries of %d owners", owners)


def create_indexes(con: duckdb.DuckDBPyConnection) -> None:
    for schema, table, column in LOOKUP_INDEXES:
        exists = con.execute(
            "select 1 from information_schema.columns where table_catalog = current_database()"
            " and table_schema = ? and table_name = ? and column_name = ?",
            [schema, table, column],
        ).fetchone()
        if exists:
            con.execute(
                f"create index {_quote(f'{table}_{column}_idx')}"
                f" on {_quote(schema)}.{_quote(table)} ({_quote(column)})"
            )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(source: Path, target: Path) -> int:
    """Write target atomically from source's marts and reporting schemas; return the table count."""
    if not source.is_file():
        raise PublishError(f"{source}: no such DuckDB file (run dbt build first)")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        count = _copy(source, temp)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except duckdb.Error as exc:
        raise PublishError(f"{source}: cannot publish to {target}: {exc}") from None
    finally:
        for leftover in (temp, Path(f"{temp}.wal")):
            leftover.unlink(missing_ok=True)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kube_finops.publish",
        description="Publish the marts and reporting schemas as a snapshot file (atomic rename).",
    )
    parser.add_argument(
        "--duckdb",
        type=Path,
        default=Path(os.environ.get("FINOPS_DUCKDB_PATH", "data/finops.duckdb")),
        help="the DuckDB file dbt built (env FINOPS_DUCKDB_PATH)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(os.environ.get("FINOPS_PUBLISH_PATH") or DEFAULT_PUBLISH_PATH),
        help=f"the published snapshot (env FINOPS_PUBLISH_PATH, default {DEFAULT_PUBLISH_PATH})",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        count = publish(args.duckdb, args.out)
    except PublishError as exc:
        LOG.error("%s", exc)
        return 1
    LOG.info("published %d tables from %s to %s", count, args.duckdb, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
