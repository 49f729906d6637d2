"""Print a per-cluster summary of the marts for a window: containers, CPU waste, OOM, violations.

Reads the DuckDB file the dbt build wrote (read-only). Used at the end of `make demo`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

import duckdb

log = logging.getLogger("kube_finops.summary")

SUMMARY_SQL = """
with

containers as (

    select
        cluster_type,
        count(distinct (namespace, pod, container)) as containers,
        count(*) as container_days,
        sum(cpu_waste_core_hours) as cpu_waste_core_hours,
        count(distinct case when is_oom_killed then (namespace, pod, container) end)
            as oom_containers
    from marts.daily_enriched
    where date between ? and ?
    group by cluster_type

),

violations as (

    select
        cluster_type,
        count(distinct (namespace, pod, container)) as violation_containers
    from marts.gov_violations
    where date between ? and ?
    group by cluster_type

)

select
    containers.cluster_type,
    containers.containers,
    containers.container_days,
    containers.cpu_waste_core_hours,
    containers.oom_containers,
    coalesce(violations.violation_containers, 0) as violation_containers
from containers
left join violations on containers.cluster_type = violations.cluster_type
order by containers.cluster_type
"""

HEADER = (
    "cluster",
    "containers",
    "container-days",
    "CPU waste core-h",
    "OOM containers",
    "violations",
)


def fetch_summary(db_path: Path, start: date, end: date) -> list[tuple]:
    """Rows of (cluster, containers, container-days, CPU waste, OOM containers, violations)."""
    if not db_path.is_file():
        raise SystemExit(f"error: DuckDB file {db_path} does not exist: run `make build` first")
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(SUMMARY_SQL, [start, end, start, end]).fetchall()


def render(rows: list[tuple]) -> str:
    """A plain-text table, numbers right-aligned, waste with one decimal."""
    cells = [HEADER] + [
        (r[0], f"{r[1]:,}", f"{r[2]:,}", f"{r[3]:,.1f}", f"{r[4]:,}", f"{r[5]:,}") for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADER))]
    lines = []
    for n, row in enumerate(cells):
        first = row[0].ljust(widths[0])
        rest = [value.rjust(widths[i + 1]) for i, value in enumerate(row[1:])]
        lines.append("  ".join([first, *rest]))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", type=Path, required=True, help="DuckDB file of the build")
    parser.add_argument("--start", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    parser.add_argument("--end", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = fetch_summary(args.duckdb, args.start, args.end)
    if not rows:
        log.warning("no container-days in %s .. %s: the window has no data", args.start, args.end)
    log.info("kube-finops summary %s .. %s", args.start, args.end)
    sys.stdout.write(render(rows))


if __name__ == "__main__":
    main()
