"""The two benchmarks: `compare` (ours vs the users' step2 vs the floor on one day) and
`incremental` (day 8 after 7 days of history vs a one-day build from an empty database)."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from kube_finops.bench.errors import BenchError
from kube_finops.bench.lake import LakeSpec, count_rows, ensure_lake
from kube_finops.bench.machine import MachineInfo, machine_info
from kube_finops.bench.measure import Measurement, run_measured
from kube_finops.bench.table import (
    Check,
    Summary,
    contender_table,
    fmt_mib,
    fmt_ratio,
    fmt_seconds,
    markdown_table,
    ratio,
    summarize,
)
from kube_finops.lake.contract import RAW_DIR

log = logging.getLogger("kube_finops.bench")

# The users' step2 (Polars) needs about 0.8 GB per million rows (measured: 8.0 GB at 10.4M rows).
STEP2_GIB_PER_MILLION_ROWS = 0.8


@dataclass(frozen=True)
class Settings:
    """Everything a benchmark run needs; built by the CLI from flags and environment."""

    repo: Path
    data_dir: Path
    peers_dir: Path
    scale: str
    day: date
    rounds: int
    memory_limit: str
    step2: str  # auto | always | never
    report: bool
    note: str
    progress: bool = True
    timezone: str = "Asia/Seoul"
    namespaces: int | None = None  # None = the scale preset's
    preset: str = ""  # sample_data's --scale when it differs from `scale` (tiny = demo, cut)

    @property
    def sample_scale(self) -> str:
        return self.preset or self.scale

    def sample_args(self) -> str:
        extra = f" --namespaces {self.namespaces}" if self.namespaces is not None else ""
        return f"--scale {self.sample_scale}{extra}"


@dataclass
class Contender:
    """A command timed in every round; `prepare` runs untimed before each run."""

    name: str
    label: str
    command: list[str]
    env: dict[str, str]
    prepare: Callable[[], None] = field(default=lambda: None)


def base_env(settings: Settings, duckdb_path: Path) -> dict[str, str]:
    """Environment of every command; dbt's target/ (with its partial-parse state) is per DuckDB
    file, so alternating contenders do not invalidate each other's parse."""
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(settings.repo / ".dbt"))
    env.update(
        DBT_TARGET_PATH=str(settings.data_dir / "target" / duckdb_path.stem),
        DBT_LOG_PATH=str(settings.data_dir / "logs" / "dbt" / duckdb_path.stem),
        FINOPS_DUCKDB_PATH=str(duckdb_path),
        FINOPS_DUCKDB_MEMORY_LIMIT=settings.memory_limit,
        FINOPS_DUCKDB_TEMP_DIR=str(settings.data_dir / "duckdb_tmp"),
        PYTHONPATH=os.pathsep.join(
            p for p in (str(settings.repo / "scripts"), env.get("PYTHONPATH", "")) if p
        ),
    )
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # our make build is a top-level make
        env.pop(name, None)
    return env


def remove_duckdb(path: Path) -> None:
    for file in (path, path.with_name(path.name + ".wal")):
        file.unlink(missing_ok=True)


def our_build(raw: Path, start: date, end: date) -> list[str]:
    """`make build` for start..end; the DuckDB file comes from FINOPS_DUCKDB_PATH in its env."""
    return [
        "make",
        "-s",
        "--no-print-directory",
        "build",
        f"START={start.isoformat()}",
        f"END={end.isoformat()}",
        f"RAW_PATH={raw}",
    ]


def warm_up_parse(settings: Settings, raw: Path, env: dict[str, str]) -> None:
    """Untimed `dbt parse` with the exact profile and vars of the timed builds: a daily run finds
    the partial-parse state its previous run left (a full re-parse happens only after the
    project, profile, --vars or the env vars dbt_project.yml reads change), so the timed runs
    start from that state too."""
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), "parse"]
    env = {**env, "FINOPS_RAW_PATH": str(raw)}  # how make build hands RAW_PATH to dbt
    log.info("warm-up (untimed): %s with %s", " ".join(command), env["FINOPS_DUCKDB_PATH"])
    log_path = Path(env["DBT_LOG_PATH"]) / "warm-up.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            command, cwd=settings.repo, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if done.returncode != 0:
        raise BenchError(f"dbt parse (warm-up) exited with {done.returncode} (log: {log_path})")


def run_rounds(
    contenders: Sequence[Contender], rounds: int, cwd: Path, log_dir: Path
) -> list[Measurement]:
    """Every contender once per round, the starting contender rotating so none always goes first."""
    runs: list[Measurement] = []
    for round_no in range(1, rounds + 1):
        shift = (round_no - 1) % len(contenders)
        for contender in [*contenders[shift:], *contenders[:shift]]:
            contender.prepare()
            runs.append(
                run_measured(
                    contender.name,
                    round_no,
                    contender.command,
                    cwd=cwd,
                    env=contender.env,
                    log_path=log_dir / f"{contender.name}-round{round_no}.log",
                )
            )
    return runs


def step2_skip_reason(mode: str, rows: int, ram_gib: float) -> str | None:
    """Why step2 is not run (None = run it): `never`, or `auto` when its memory need exceeds RAM."""
    if mode == "never":
        return "skipped (--step2 never)"
    need_gib = rows / 1e6 * STEP2_GIB_PER_MILLION_ROWS
    if mode == "auto" and need_gib > ram_gib:
        return (
            f"not run: at {STEP2_GIB_PER_MILLION_ROWS} GB per million rows (8 GB measured at "
            f"10.4M) it needs about {need_gib:.0f} GB for {rows / 1e6:.1f}M rows, more than this "
            f"machine's {ram_gib:.0f} GiB"
        )
    return None


def check_polars() -> None:
    if importlib.util.find_spec("polars") is None:
        raise BenchError(
            "polars is not installed (the users' step2 needs it): run `make bench`, which installs "
            "requirements-bench.txt, or pass --step2 never"
        )


def peer_script(peers_dir: Path, name: str) -> Path:
    path = peers_dir / name
    if not path.is_file():
        raise BenchError(f"--peers-dir: {path} does not exist (set BENCH_PEERS_DIR)", exit_code=2)
    return path


def largest_cluster(duckdb_path: Path, day: date) -> tuple[str, int]:
    """The cluster_type with the most container-days on `day` in marts.daily_enriched."""
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        row = con.execute(
            "select cluster_type, count(*) from marts.daily_enriched where date = ? "
            "group by cluster_type order by count(*) desc, cluster_type limit 1",
            [day],
        ).fetchone()
    finally:
        con.close()
    if row is None:
        raise BenchError(f"marts.daily_enriched has no rows for {day}: cannot time the report")
    return str(row[0]), int(row[1])


@dataclass
class Outcome:
    """What a benchmark prints and writes: a Markdown text and its figures as JSON."""

    name: str
    markdown: str
    figures: dict[str, Any]

    def write(self, data_dir: Path) -> tuple[Path, Path]:
        data_dir.mkdir(parents=True, exist_ok=True)
        md = data_dir / f"{self.name}.md"
        js = data_dir / f"{self.name}.json"
        md.write_text(self.markdown + "\n", encoding="utf-8")
        js.write_text(json.dumps(self.figures, indent=2, default=str) + "\n", encoding="utf-8")
        return md, js


def _header(title: str, machine: MachineInfo, settings: Settings, extra: str) -> list[str]:
    lines = [f"### {title}", "", f"- machine: {machine.label()}"]
    if settings.note:
        lines.append(f"- note: {settings.note}")
    lines.append(f"- {extra}")
    lines.append(
        f"- DuckDB memory_limit {settings.memory_limit}, threads "
        f"{os.environ.get('FINOPS_DUCKDB_THREADS', '2')}; dbt threads "
        f"{os.environ.get('FINOPS_DBT_THREADS', '2')}; wall = median of {settings.rounds} "
        "alternating run(s); peak RSS = largest process of each command (ru_maxrss through "
        "GNU time), max over runs"
    )
    return [*lines, ""]


def compare(settings: Settings) -> Outcome:
    """Ours vs step2 vs floor on one report-timezone day at a scale."""
    machine = machine_info()
    spec = LakeSpec(
        settings.sample_scale,
        settings.day,
        1,
        timezone=settings.timezone,
        namespaces=settings.namespaces,
    )
    lake = settings.data_dir / f"lake-{settings.scale}"
    env = base_env(settings, settings.data_dir / f"{settings.scale}.duckdb")
    ensure_lake(lake, spec, cwd=settings.repo, env=env, progress=settings.progress)
    raw = lake / RAW_DIR
    rows = count_rows(raw, settings.day, settings.day, settings.timezone)
    log.info("%s: %s rows on %s", settings.scale, f"{rows:,}", settings.day)
    (settings.data_dir / "duckdb_tmp").mkdir(parents=True, exist_ok=True)

    db = settings.data_dir / f"{settings.scale}.duckdb"
    day = settings.day.isoformat()
    contenders = [
        Contender(
            "ours",
            "ours: `make build` (dbt + DuckDB, from an empty database)",
            our_build(raw, settings.day, settings.day),
            env,
            lambda: remove_duckdb(db),
        )
    ]
    skip = step2_skip_reason(settings.step2, rows, machine.ram_gib)
    if skip is None:
        check_polars()
        step2_out = settings.data_dir / f"step2-out-{settings.scale}"
        contenders.append(
            Contender(
                "step2",
                "users' step2 (Polars)",
                [
                    sys.executable,
                    str(peer_script(settings.peers_dir, "seed_step2_baseline.py")),
                    *("--raw", str(lake), "--start-date", day, "--end-date", day),
                    *("--out", str(step2_out)),
                ],
                env,
                lambda: shutil.rmtree(step2_out, ignore_errors=True),
            )
        )
    else:
        log.info("users' step2 %s", skip)
    contenders.append(
        Contender(
            "floor",
            "floor: DuckDB reads every column once",
            [
                sys.executable,
                str(peer_script(settings.peers_dir, "floor_scan.py")),
                *("--raw", str(lake), "--start-date", day, "--end-date", day),
            ],
            env,
        )
    )
    log_dir = settings.data_dir / "logs" / settings.scale
    warm_up_parse(settings, raw, env)
    runs = run_rounds(contenders, settings.rounds, settings.repo, log_dir)
    summaries = {c.name: summarize(c.name, c.label, runs) for c in contenders}
    ours = summaries["ours"]

    report: Measurement | None = None
    cluster = ""
    if settings.report:
        cluster, container_days = largest_cluster(db, settings.day)
        out = settings.data_dir / f"reports-{settings.scale}"
        shutil.rmtree(out, ignore_errors=True)
        report = run_measured(
            "report",
            1,
            [
                sys.executable,
                *("-m", "kube_finops.report", "--duckdb", str(db), "--out", str(out)),
                *("--start", day, "--end", day, "--cluster", cluster, "--no-progress"),
            ],
            cwd=settings.repo,
            env=env,
            log_path=log_dir / "report.log",
        )
        cluster = f"{cluster} ({container_days:,} container-days)"

    checks = scale_checks(settings.scale, summaries, report)
    others = [summaries[c.name] for c in contenders if c.name != "ours"]
    lines = _header(
        f"`make bench SCALE={settings.scale}`: one day ({day}), {rows:,} rows",
        machine,
        settings,
        f"data: `python -m kube_finops.sample_data {settings.sample_args()} --row-order series "
        f"--no-energy` under {lake}",
    )
    lines.append(contender_table(ours, others))
    lines.append("")
    if skip:
        lines.append(f"- users' step2: {skip}")
    if "step2" in summaries:
        step2 = summaries["step2"].median_s
        if step2 >= ours.median_s:
            lines.append(f"- ours is {fmt_ratio(ratio(step2, ours.median_s))} faster than step2")
        else:
            lines.append(
                f"- the users' step2 is {fmt_ratio(ratio(ours.median_s, step2))} faster than ours "
                "(at this size dbt's fixed cost dominates)"
            )
    floor = summaries["floor"]
    lines.append(
        f"- ours takes {fmt_ratio(ratio(ours.median_s, floor.median_s))} the floor's time "
        f"({fmt_seconds(ours.median_s)} s vs {fmt_seconds(floor.median_s)} s)"
    )
    if report is not None:
        lines.append(
            f"- report (charts + workbook + digest) for the largest cluster {cluster}: "
            f"{fmt_seconds(report.wall_s)} s, peak RSS {fmt_mib(report.max_rss_mib)} MiB"
        )
    lines += [c.line() for c in checks]
    figures: dict[str, Any] = {
        "benchmark": "compare",
        "scale": settings.scale,
        "day": day,
        "rows": rows,
        "rounds": settings.rounds,
        "memory_limit": settings.memory_limit,
        "note": settings.note,
        "machine": machine.as_dict(),
        "load_average_end": list(os.getloadavg()),
        "runs": [m.as_dict() for m in runs],
        "summary": {
            name: {"median_s": s.median_s, "max_rss_mib": s.max_rss_mib}
            for name, s in summaries.items()
        },
        "step2_skipped": skip,
        "report": None if report is None else {**report.as_dict(), "cluster": cluster},
        "checks": [{"text": c.text, "met": c.met} for c in checks],
    }
    return Outcome(f"results-{settings.scale}", "\n".join(lines), figures)


def scale_checks(
    scale: str, summaries: dict[str, Summary], report: Measurement | None
) -> list[Check]:
    """The issue's targets for the scales that have one (10m and fleet)."""
    ours = summaries["ours"]
    checks: list[Check] = []
    if scale == "10m":
        if "step2" in summaries:
            speed = ratio(summaries["step2"].median_s, ours.median_s)
            checks.append(
                Check(f"10M rows: at least 8x faster than step2 ({speed:.1f}x)", speed >= 8)
            )
        checks.append(
            Check(
                f"10M rows: peak RSS under 2 GiB ({fmt_mib(ours.max_rss_mib)} MiB)",
                ours.max_rss_mib < 2048,
            )
        )
    if scale == "fleet":
        checks.append(
            Check(f"fleet day: build under 90 s ({ours.median_s:.1f} s)", ours.median_s < 90)
        )
        checks.append(
            Check(
                f"fleet day: peak RSS under 4 GiB ({fmt_mib(ours.max_rss_mib)} MiB)",
                ours.max_rss_mib < 4096,
            )
        )
        if report is not None:
            checks.append(
                Check(
                    f"fleet day: largest cluster's report under 60 s ({report.wall_s:.1f} s)",
                    report.wall_s < 60,
                )
            )
    return checks


def incremental(settings: Settings, history_days: int) -> Outcome:
    """Day N+1 on a database holding N days vs the same day built alone on an empty database."""
    machine = machine_info()
    first = settings.day - timedelta(days=history_days)
    spec = LakeSpec(
        settings.sample_scale,
        first,
        history_days + 1,
        timezone=settings.timezone,
        namespaces=settings.namespaces,
    )
    lake = settings.data_dir / f"lake-{settings.scale}-{history_days + 1}d"
    history_db = settings.data_dir / f"{settings.scale}-history.duckdb"
    alone_db = settings.data_dir / f"{settings.scale}-one-day.duckdb"
    env = base_env(settings, history_db)
    ensure_lake(lake, spec, cwd=settings.repo, env=env, progress=settings.progress)
    raw = lake / RAW_DIR
    rows = count_rows(raw, settings.day, settings.day, settings.timezone)
    history_rows = count_rows(raw, first, settings.day - timedelta(days=1), settings.timezone)
    (settings.data_dir / "duckdb_tmp").mkdir(parents=True, exist_ok=True)
    log_dir = settings.data_dir / "logs" / f"incremental-{settings.scale}"

    alone_env = base_env(settings, alone_db)
    warm_up_parse(settings, raw, env)
    warm_up_parse(settings, raw, alone_env)
    remove_duckdb(history_db)
    history = run_measured(
        "history",
        1,
        our_build(raw, first, settings.day - timedelta(days=1)),
        cwd=settings.repo,
        env=env,
        log_path=log_dir / "history.log",
    )
    contenders = [
        Contender(
            "incremental",
            f"day {history_days + 1} on {history_days} days of history",
            our_build(raw, settings.day, settings.day),
            env,  # a re-run of the day replaces it (delete+insert): same work every round
        ),
        Contender(
            "one_day",
            "the same day alone, empty database",
            our_build(raw, settings.day, settings.day),
            alone_env,
            lambda: remove_duckdb(alone_db),
        ),
    ]
    runs = run_rounds(contenders, settings.rounds, settings.repo, log_dir)
    inc = summarize("incremental", contenders[0].label, runs)
    alone = summarize("one_day", contenders[1].label, runs)
    relative = ratio(inc.median_s, alone.median_s)
    check = Check(
        f"day {history_days + 1} costs about one day, not {history_days + 1} "
        f"({relative:.2f}x a one-day build)",
        relative < 1.5,
    )
    rows_table = [
        [
            f"history: {history_days} days in one build ({history_rows:,} rows)",
            fmt_seconds(history.wall_s),
            fmt_seconds(history.wall_s),
            fmt_mib(history.max_rss_mib),
            fmt_ratio(ratio(history.wall_s, alone.median_s)),
        ],
        *(
            [
                s.label,
                fmt_seconds(s.median_s),
                " / ".join(fmt_seconds(w) for w in s.walls),
                fmt_mib(s.max_rss_mib),
                fmt_ratio(ratio(s.median_s, alone.median_s)),
            ]
            for s in (inc, alone)
        ),
    ]
    lines = _header(
        f"`make bench-incremental SCALE={settings.scale}`: day {settings.day} "
        f"({rows:,} rows) after {first}..{settings.day - timedelta(days=1)}",
        machine,
        settings,
        f"data: `python -m kube_finops.sample_data {settings.sample_args()} --days "
        f"{history_days + 1} --row-order series --no-energy` under {lake}",
    )
    lines.append(
        markdown_table(
            ["build", "wall s (median)", "wall s (runs)", "peak RSS MiB", "vs one-day build"],
            rows_table,
        )
    )
    lines += ["", check.line()]
    figures: dict[str, Any] = {
        "benchmark": "incremental",
        "scale": settings.scale,
        "day": settings.day.isoformat(),
        "history_days": history_days,
        "rows_day": rows,
        "rows_history": history_rows,
        "note": settings.note,
        "machine": machine.as_dict(),
        "load_average_end": list(os.getloadavg()),
        "history": history.as_dict(),
        "runs": [m.as_dict() for m in runs],
        "summary": {
            "incremental_median_s": inc.median_s,
            "one_day_median_s": alone.median_s,
            "ratio": relative,
        },
        "checks": [{"text": check.text, "met": check.met}],
    }
    return Outcome(f"incremental-{settings.scale}", "\n".join(lines), figures)
