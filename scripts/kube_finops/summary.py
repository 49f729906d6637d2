"""Print a per-cluster summary of the window's KPIs: containers, CPU waste, OOM, throttling,
violations.

Reads reporting.rpt_cluster_kpis and reporting.rpt_window from the DuckDB file the dbt build wrote
(read-only): dbt computes every number and owns every threshold, this only prints. Used at the
end of `make demo`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

import duckdb

log = logging.getLogger("kube_finops.summary")

KPI_SQL = """
select
    cluster_type,
    containers_observed,
    container_days,
    cpu_waste_ch,
    oom_containers,
    throttling_risk_containers,
    spec_violation_containers
from reporting.rpt_cluster_kpis
order by cluster_type
"""
WINDOW_SQL = (
    "select window_start_date, window_end_date, status_throttle_ratio from reporting.rpt_window"
)


class SummaryError(Exception):
    """A problem explained in one line."""


def fetch_summary(
    db_path: Path, start: date | None = None, end: date | None = None
) -> tuple[tuple[date, date, float], list[tuple]]:
    """The window (start, end, throttle ratio) and one KPI row per cluster. start/end, when
    given, must be the window the reporting tables were built for."""
    if not db_path.is_file():
        raise SummaryError(f"DuckDB file {db_path} does not exist: run `make build` first")
    with duckdb.connect(str(db_path), read_only=True) as con:
        try:
            window = con.execute(WINDOW_SQL).fetchone()
        except duckdb.CatalogException:
            raise SummaryError(
                f"{db_path} has no reporting.rpt_window: build the report tables first (make build)"
            ) from None
        if window is None:
            raise SummaryError("reporting.rpt_window is empty")
        if (start and start != window[0]) or (end and end != window[1]):
            raise SummaryError(
                f"the reporting tables hold the window {window[0]}..{window[1]}, not "
                f"{start or window[0]}..{end or window[1]}: build that window first "
                "(make build START=... END=...)"
            )
        return window, con.execute(KPI_SQL).fetchall()


def header(throttle_ratio: float) -> tuple[str, ...]:
    return (
        "cluster",
        "containers",
        "container-days",
        "CPU waste core-h",
        "OOM containers",
        f"throttled >{100 * throttle_ratio:g}%",
        "violations",
    )


def render(rows: list[tuple], throttle_ratio: float) -> str:
    """A plain-text table, numbers right-aligned, waste with one decimal."""
    head = header(throttle_ratio)
    cells = [head] + [
        (r[0], f"{r[1]:,}", f"{r[2]:,}", f"{r[3]:,.1f}", f"{r[4]:,}", f"{r[5]:,}", f"{r[6]:,}")
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    lines = []
    for n, row in enumerate(cells):
        first = row[0].ljust(widths[0])
        rest = [value.rjust(widths[i + 1]) for i, value in enumerate(row[1:])]
        lines.append("  ".join([first, *rest]))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", type=Path, required=True, help="DuckDB file of the build")
    parser.add_argument(
        "--start", type=_iso_date, help="expected window start, YYYY-MM-DD (checked)"
    )
    parser.add_argument("--end", type=_iso_date, help="expected window end, YYYY-MM-DD (checked)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        (start, end, throttle_ratio), rows = fetch_summary(args.duckdb, args.start, args.end)
    except SummaryError as exc:
        log.error("error: %s", exc)
        return 2
    if not rows:
        log.warning("no container-days in %s .. %s: the window has no data", start, end)
    log.info("kube-finops summary %s .. %s", start, end)
    sys.stdout.write(render(rows, throttle_ratio))
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


if __name__ == "__main__":
    sys.exit(main())
