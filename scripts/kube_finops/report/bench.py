"""`python -m kube_finops.report.bench`: time the workbook writer on a synthetic cluster
(default 45,000 containers over 7 days; the CPU and memory sheets then hold 30% of 315,000
container-days each). Exits non-zero when writing takes longer than --budget seconds."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from kube_finops.report.charts import render_all
from kube_finops.report.data import CLUSTER_TABLES, GLOBAL_TABLES, ClusterData, Rules, Window
from kube_finops.report.fonts import configure_fonts
from kube_finops.report.workbook import build_workbook

log = logging.getLogger("kube_finops.report.bench")
STATUSES = np.array(["OOM Killed", "Request Shortage", "Over-allocated", "Optimized"])
# the rules only appear in sheet subtitles here: any values do (a real report reads rpt_window)
BENCH_RULES = Rules.of(
    [
        *(0.5, 0.2, 10, 50, 1.0, 0.11, 0.02, 20, 50, 80, 0.3, 730, 7, 0.2, 14, 0.01),
        *(0.9, 0.3, 1.25, 1.5, 7, 7, 30, "weighted", "keep"),
    ]
)


def synthetic_cluster(containers: int, days: int, seed: int = 7) -> ClusterData:
    """Frames shaped like the reporting tables (values random, not meaningful)."""
    rng = np.random.default_rng(seed)
    start = date(2026, 7, 1)
    n = containers * days
    dates = np.repeat([start + timedelta(days=d) for d in range(days)], containers)
    ns = rng.integers(0, 6000, n)
    frame = pd.DataFrame(
        {
            "date": dates,
            "cluster_type": "COMPUTE",
            "workload_domain": "general",
            "namespace": [f"team-{i:04d}" for i in ns],
            "workload_type": rng.choice(["spark", "airflow", "kafka", "trino", "other"], n),
            "node": "node-1",
            "pod": [f"pod-{i}-x7k2p" for i in rng.integers(0, 10**6, n)],
            "container": "app",
        }
    )
    for column in (
        "cpu_request_max",
        "cpu_limit_max",
        "cpu_usage_p95",
        "cpu_usage_avg",
        "cpu_throttled_max",
        "cpu_util_pct",
        "cpu_waste_core_hours",
        "mem_request_max",
        "mem_limit_max",
        "mem_usage_p95",
        "mem_rss_max",
        "mem_util_pct",
        "mem_waste_gb_hours",
        "pv_capacity_max",
        "pv_used_p95",
        "pv_waste_gb_hours",
        "cpu_shortage_cores",
    ):
        frame[column] = rng.random(n) * 10
    frame["status"] = rng.choice(STATUSES, n, p=[0.03, 0.09, 0.18, 0.70])  # like the sample data
    frame["oom_strike_sum"] = rng.integers(0, 2, n)
    frame["minutes_running"] = 1440
    for flag in (
        "cpu_request_missing",
        "cpu_limit_missing",
        "mem_request_missing",
        "mem_limit_missing",
    ):
        frame[flag] = rng.random(n) < 0.02
    frame["recommendation"] = "Upsize CPU Request/Limit (Throttling Detected)"
    top = int(n * 0.3)
    tables = {name: pd.DataFrame() for name in [*CLUSTER_TABLES, *GLOBAL_TABLES]}
    tables["rpt_risk_containers"] = frame[frame["status"].isin(STATUSES[:2])]
    tables["rpt_violations"] = frame[frame["cpu_limit_missing"] | frame["mem_request_missing"]]
    window = Window(
        start=start,
        end=start + timedelta(days=days - 1),
        timezone="Asia/Seoul",
        days=days,
        rules=BENCH_RULES,
    )
    return ClusterData(
        cluster="BENCH",
        window=window,
        kpis={"cluster_type": "BENCH", "container_days": n, "containers_observed": containers},
        tables=tables,
        cpu_rows=frame.nlargest(top, "cpu_waste_core_hours"),
        mem_rows=frame.nlargest(top, "mem_waste_gb_hours"),
        container_days=frame[
            [
                "workload_type",
                "status",
                "cpu_util_pct",
                "cpu_waste_core_hours",
                "mem_waste_gb_hours",
            ]
        ],
        rightsizing=pd.DataFrame(),
        dormant=pd.DataFrame(),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kube_finops.report.bench", description=__doc__)
    parser.add_argument("--containers", type=int, default=45_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds allowed for the workbook"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    configure_fonts()
    data = synthetic_cluster(args.containers, args.days)
    with tempfile.TemporaryDirectory(prefix="finops-bench-") as tmp:
        out = Path(tmp)
        charts = render_all(data, out / "charts")
        started = time.monotonic()
        path = build_workbook(data, charts, out)
        elapsed = time.monotonic() - started
        size_mb = path.stat().st_size / 1e6
    rows = (
        len(data.cpu_rows)
        + len(data.mem_rows)
        + len(data.table("rpt_risk_containers"))
        + len(data.table("rpt_violations"))
    )
    sys.stdout.write(
        f"workbook for {args.containers:,} containers x {args.days} days: {rows:,} sheet rows, "
        f"{size_mb:.1f} MB, written in {elapsed:.1f} s (budget {args.budget:.0f} s)\n"
    )
    return 0 if elapsed <= args.budget else 1


if __name__ == "__main__":
    raise SystemExit(main())
