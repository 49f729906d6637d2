"""`python -m kube_finops.bench {compare,incremental}`: flags, environment, logging, exit codes.

Exit codes: 0 done (whether or not a target was met: the table says so), 1 a timed command failed,
2 bad input (one line naming the argument)."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from kube_finops.bench.errors import BenchError
from kube_finops.bench.runner import Settings, compare, incremental

log = logging.getLogger("kube_finops.bench")

SCALES = ("tiny", "1m", "10m", "fleet")
TINY_NAMESPACES = 6  # tiny = sample_data's demo preset cut to 6 namespaces (the harness's test)
MEMORY_LIMIT = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from exc


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _memory(text: str) -> str:
    if not MEMORY_LIMIT.match(text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a DuckDB memory size such as 3GB")
    return text.strip()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    env = os.environ
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--scale",
        choices=SCALES,
        default=env.get("SCALE", "10m"),
        help="sample_data preset (tiny: a few namespaces, for tests); env SCALE, default 10m",
    )
    common.add_argument(
        "--day", type=_date, default=date(2026, 7, 1), help="report-timezone day (2026-07-01)"
    )
    common.add_argument(
        "--rounds",
        type=_positive,
        default=_positive(env.get("BENCH_ROUNDS", "3")),
        help="alternating rounds (env BENCH_ROUNDS, default 3)",
    )
    common.add_argument(
        "--data-dir",
        type=Path,
        default=Path(env.get("BENCH_DATA_DIR", "data/bench")),
        help="lakes, DuckDB files, logs and results (env BENCH_DATA_DIR, default data/bench)",
    )
    common.add_argument(
        "--memory-limit",
        type=_memory,
        default=env.get("BENCH_DUCKDB_MEMORY_LIMIT", "3GB"),
        help="DuckDB memory_limit of our build; beyond it DuckDB spills to <data-dir>/duckdb_tmp "
        "(env BENCH_DUCKDB_MEMORY_LIMIT, default 3GB)",
    )
    common.add_argument(
        "--note", default=env.get("BENCH_NOTE", ""), help="free text for the table (env BENCH_NOTE)"
    )
    common.add_argument("--no-progress", action="store_true", help="no progress bars")
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging")

    parser = argparse.ArgumentParser(prog="python -m kube_finops.bench", description=__doc__)
    sub = parser.add_subparsers(dest="benchmark", required=True)
    cmp_ = sub.add_parser(
        "compare", parents=[common], help="ours vs the users' step2 vs the floor on one day"
    )
    cmp_.add_argument(
        "--peers-dir",
        type=Path,
        default=Path(env.get("BENCH_PEERS_DIR", "../shared/bench")),
        help="folder of seed_step2_baseline.py and floor_scan.py (env BENCH_PEERS_DIR)",
    )
    cmp_.add_argument(
        "--step2",
        choices=("auto", "always", "never"),
        default=env.get("BENCH_STEP2", "auto"),
        help="run the users' step2: auto = unless it needs more memory than the machine has",
    )
    cmp_.add_argument(
        "--no-report", action="store_true", help="do not time the largest cluster's report"
    )
    inc = sub.add_parser(
        "incremental", parents=[common], help="day N+1 after N days of history vs one day alone"
    )
    inc.add_argument(
        "--history-days", type=_positive, default=7, help="days built before --day (default 7)"
    )
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace, repo: Path) -> Settings:
    if not (repo / "Makefile").is_file() or not (repo / "dbt_project.yml").is_file():
        raise BenchError(
            f"run from the repository root ({repo} has no Makefile/dbt_project.yml)", 2
        )
    data_dir = args.data_dir if args.data_dir.is_absolute() else repo / args.data_dir
    peers = getattr(args, "peers_dir", Path("../shared/bench"))
    peers = peers if peers.is_absolute() else (repo / peers).resolve()
    return Settings(
        repo=repo,
        data_dir=data_dir,
        peers_dir=peers,
        scale=args.scale,
        preset="demo" if args.scale == "tiny" else "",
        namespaces=TINY_NAMESPACES if args.scale == "tiny" else None,
        day=args.day,
        rounds=args.rounds,
        memory_limit=args.memory_limit,
        step2=getattr(args, "step2", "never"),
        report=not getattr(args, "no_report", True),
        note=args.note,
        progress=not args.no_progress and sys.stderr.isatty(),
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except argparse.ArgumentTypeError as exc:  # a bad environment default
        sys.stderr.write(f"error: {exc}\n")
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = settings_from(args, Path.cwd())
        if args.benchmark == "compare":
            outcome = compare(settings)
        else:
            outcome = incremental(settings, args.history_days)
    except BenchError as exc:
        log.error("%s", exc)
        return exc.exit_code
    md, js = outcome.write(settings.data_dir)
    sys.stdout.write(outcome.markdown + "\n\n")
    sys.stdout.write(f"written to {md} and {js}\n")
    return 0
