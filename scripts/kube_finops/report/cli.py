"""`python -m kube_finops.report`: charts, one workbook and one digest per cluster from the
reporting tables of a DuckDB file, optionally uploaded to S3 `reports/<cluster>/`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from tqdm import tqdm

from kube_finops.report.charts import CHARTS, render_all
from kube_finops.report.data import ReportStore, Window
from kube_finops.report.digest import write_digest
from kube_finops.report.errors import ReportError
from kube_finops.report.fonts import configure_fonts
from kube_finops.report.upload import S3Target, upload_files
from kube_finops.report.workbook import build_workbook

log = logging.getLogger("kube_finops.report")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from exc


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kube_finops.report",
        description="Write the charts, workbook and weekly digest per cluster from the marts.",
    )
    parser.add_argument(
        "--duckdb",
        type=Path,
        default=Path(os.environ.get("FINOPS_DUCKDB_PATH", "data/finops.duckdb")),
        help="DuckDB file with the reporting tables (env FINOPS_DUCKDB_PATH)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(os.environ.get("REPORT_DIR", "data/reports")),
        help="output folder (env REPORT_DIR, default data/reports)",
    )
    parser.add_argument("--start", type=_date, help="expected window start (checked)")
    parser.add_argument("--end", type=_date, help="expected window end (checked)")
    parser.add_argument(
        "--cluster", action="append", default=None, help="only this cluster_type (repeatable)"
    )
    parser.add_argument("--s3-bucket", help="upload to this bucket (env REPORT_S3_BUCKET)")
    parser.add_argument("--s3-prefix", help="key prefix (env REPORT_S3_PREFIX, default reports)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


def check_window(window: Window, start: date | None, end: date | None) -> None:
    if (start and start != window.start) or (end and end != window.end):
        raise ReportError(
            f"the reporting tables hold the window {window.start}..{window.end}, not "
            f"{start or window.start}..{end or window.end}: rebuild them for that window "
            "(make report START=... END=...)"
        )


def run(args: argparse.Namespace) -> list[Path]:
    started = time.monotonic()
    configure_fonts()
    target = S3Target.from_env(args.s3_bucket, args.s3_prefix)
    written: list[tuple[str, Path]] = []
    with ReportStore(args.duckdb) as store:
        window = store.window()
        check_window(window, args.start, args.end)
        clusters = args.cluster or store.clusters()
        if not clusters:
            log.warning("no cluster has data in the window %s: nothing to report", window.label())
            return []
        log.info("report for %s, clusters %s", window.label(), ", ".join(clusters))
        steps = len(clusters) * (len(CHARTS) + 2)
        with tqdm(
            total=steps, unit="step", disable=args.no_progress or not sys.stderr.isatty()
        ) as bar:
            for cluster in clusters:
                bar.set_description(cluster)
                data = store.load_cluster(cluster, window)
                cluster_dir = args.out / cluster.lower()
                charts = render_all(data, cluster_dir / "charts", on_done=lambda _k: bar.update())
                workbook = build_workbook(data, charts, cluster_dir)
                bar.update()
                digest = write_digest(data, cluster_dir)
                bar.update()
                written += [(cluster, workbook), (cluster, digest)]
                written += [(cluster, p) for p in charts.values()]
    if target:
        pairs = [
            (path, f"{cluster.lower()}/{path.relative_to(args.out / cluster.lower()).as_posix()}")
            for cluster, path in written
        ]
        upload_files(target, pairs)
    log.info("report done in %.1f s", time.monotonic() - started)
    return [p for _, p in written]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    logging.getLogger("PIL").setLevel(logging.WARNING)
    try:
        paths = run(args)
    except ReportError as exc:
        log.error("%s", exc)
        return 2
    for path in paths:
        if path.suffix in (".xlsx", ".md"):
            sys.stdout.write(f"{path}\n")
    return 0
