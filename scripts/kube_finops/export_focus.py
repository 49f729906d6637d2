"""Export the FOCUS-shaped showback mart `marts.focus_cost_daily` to Parquet and CSV.

Only the FOCUS columns (PascalCase names) are written, so the files load into FOCUS tooling as
they are. This is showback built from requests and list prices, not an invoice.

    python -m kube_finops.export_focus --duckdb data/finops.duckdb --out-dir data/export \
        --start 2026-07-01 --end 2026-07-07
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

import duckdb

LOG = logging.getLogger("kube_finops.export_focus")
MART = "marts.focus_cost_daily"


class ExportError(Exception):
    """A problem explained in one line."""


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


def export_focus(
    db_path: Path, out_dir: Path, start: date | None = None, end: date | None = None
) -> tuple[Path, Path, int]:
    """Write focus_cost_<start>_<end>.parquet and .csv; return both paths and the row count."""
    if not db_path.is_file():
        raise ExportError(f"{db_path}: no such DuckDB file (run dbt build first)")
    with duckdb.connect(str(db_path), read_only=True) as con:
        try:
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'marts' and table_name = 'focus_cost_daily'"
                    " order by ordinal_position"
                ).fetchall()
            ]
        except duckdb.Error as exc:
            raise ExportError(f"{db_path}: cannot read {MART}: {exc}") from None
        if not columns:
            raise ExportError(f"{db_path}: {MART} does not exist (run dbt build first)")
        focus_columns = [c for c in columns if c[:1].isupper()]
        select_list = ", ".join(f'"{c}"' for c in focus_columns)
        where, params = [], []
        if start is not None:
            where.append("date >= ?")
            params.append(start)
        if end is not None:
            where.append("date <= ?")
            params.append(end)
        query = f"select {select_list} from {MART}"
        if where:
            query += " where " + " and ".join(where)
        query += ' order by "ChargePeriodStart", "SubAccountId", "ResourceId"'
        rows = con.execute(f"select count(*) from ({query})", params).fetchone()[0]
        suffix = f"{start or 'all'}_{end or 'all'}"
        out_dir.mkdir(parents=True, exist_ok=True)
        parquet = out_dir / f"focus_cost_{suffix}.parquet"
        csv = out_dir / f"focus_cost_{suffix}.csv"
        relation = con.sql(query, params=params)
        relation.write_parquet(str(parquet))
        relation.write_csv(str(csv), header=True)
    return parquet, csv, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kube_finops.export_focus",
        description="Export marts.focus_cost_daily (FOCUS 1.2 shape, showback) to Parquet and CSV.",
    )
    parser.add_argument("--duckdb", type=Path, required=True, help="DuckDB file with the marts")
    parser.add_argument("--out-dir", type=Path, default=Path("data/export"), help="output folder")
    parser.add_argument("--start", type=_iso_date, help="first date (inclusive), default: all")
    parser.add_argument("--end", type=_iso_date, help="last date (inclusive), default: all")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        parquet, csv, rows = export_focus(args.duckdb, args.out_dir, args.start, args.end)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    LOG.info("wrote %d FOCUS row(s) to %s and %s", rows, parquet, csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
