"""The `make bench` harness (kube_finops.bench): figures worked out by hand for the ratios, table
and machine parsing, real child processes for wall time and peak RSS, and one real tiny
end-to-end comparison (our make build and the DuckDB floor on a few namespaces). It asserts what
the harness reports, never how fast anything is: speed goals live in `make bench`."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from kube_finops.bench.cli import main
from kube_finops.bench.errors import BenchError
from kube_finops.bench.machine import parse_cpu_model, parse_mem_total_gib
from kube_finops.bench.measure import (
    Measurement,
    has_gnu_time,
    kib_to_mib,
    parse_time_v,
    run_measured,
)
from kube_finops.bench.runner import step2_skip_reason
from kube_finops.bench.table import (
    contender_table,
    markdown_table,
    ratio,
    summarize,
)
from services import require_service

REPO = Path(__file__).resolve().parents[2]
PEERS = (REPO / ".." / "shared" / "bench").resolve()
# Stand-in for the peers' floor_scan.py where the checkout has no ../shared/bench (the harness is
# under test here, not the peer): the same arguments, the same window, the same "rows=" line.
FLOOR_STAND_IN = """
import argparse, os, duckdb
p = argparse.ArgumentParser()
for flag in ("--raw", "--start-date", "--end-date"):
    p.add_argument(flag, required=True)
p.add_argument("--timezone", default="Asia/Seoul")
a = p.parse_args()
glob = os.path.join(a.raw, "raw", "dt=*", "hour=*", "*.parquet")
n = duckdb.sql(
    f"select count(*) from read_parquet('{glob}', union_by_name=true, hive_partitioning=true) "
    f"where timestamp >= timezone('{a.timezone}', date '{a.start_date}'::timestamp) "
    f"and timestamp < timezone('{a.timezone}', (date '{a.end_date}' + 1)::timestamp)"
).fetchall()[0][0]
print(f"rows={n} (stand-in floor)")
"""


def require_gnu_time() -> None:
    if not has_gnu_time():
        require_service("GNU time (/usr/bin/time) is missing: make test installs it (apt time)")


def runs(contender: str, walls: list[float], rss: list[float]) -> list[Measurement]:
    return [
        Measurement(contender, i + 1, w, r) for i, (w, r) in enumerate(zip(walls, rss, strict=True))
    ]


def test_summary_takes_median_wall_and_max_rss() -> None:
    measured = runs("ours", [12.0, 10.0, 30.0], [800.0, 816.0, 790.0]) + runs("x", [1.0], [1.0])
    s = summarize("ours", "ours", measured)
    assert s.walls == (12.0, 10.0, 30.0)
    assert s.median_s == 12.0  # the load spike of round 3 does not move it
    assert s.max_rss_mib == 816.0
    with pytest.raises(ValueError, match="no measurement for floor"):
        summarize("floor", "floor", measured)


def test_ratio_and_contender_table_by_hand() -> None:
    assert ratio(91.0, 11.375) == 8.0
    assert ratio(1.0, 0.0) == float("inf")
    ours = summarize("ours", "ours", runs("ours", [11.0, 12.0], [816.0, 800.0]))
    step2 = summarize("step2", "step2", runs("step2", [90.0, 94.0], [8000.0, 8192.4]))
    floor = summarize("floor", "floor", runs("floor", [0.7, 0.8], [300.0, 310.0]))
    # ours 11.5 s; step2 92 s -> 8.0x faster; floor 0.75 s -> ours takes 15.3x its time
    assert contender_table(ours, [step2, floor]).splitlines() == [
        "| contender | wall s (median) | wall s (runs) | peak RSS MiB | ours vs it |",
        "| :--- | ---: | ---: | ---: | ---: |",
        "| ours | 11.50 | 11.00 / 12.00 | 816 | 1.0x |",
        "| step2 | 92.00 | 90.00 / 94.00 | 8,192 | 8.0x faster |",
        "| floor | 0.75 | 0.70 / 0.80 | 310 | 15.3x its time |",
    ]
    assert markdown_table(["a", "b"], [["x", "1"]]) == "| a | b |\n| :--- | ---: |\n| x | 1 |"


def test_step2_runs_at_10m_and_is_skipped_at_fleet_on_24_gib() -> None:
    assert step2_skip_reason("auto", 10_400_000, 23.5) is None  # 8.3 GB needed
    reason = step2_skip_reason("auto", 69_000_000, 23.4)
    assert reason is not None
    assert "about 55 GB for 69.0M rows" in reason and "23 GiB" in reason
    assert step2_skip_reason("always", 69_000_000, 23.5) is None
    assert step2_skip_reason("never", 1_000, 23.5) == "skipped (--step2 never)"


def test_machine_parsing() -> None:
    cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) 8375C\n"
    assert parse_cpu_model(cpuinfo) == "Intel(R) Xeon(R) 8375C"
    assert parse_cpu_model("processor : 0\nModel : Raspberry Pi 4\n") == "Raspberry Pi 4"
    assert parse_mem_total_gib("MemTotal:       24683520 kB\nMemFree: 1 kB\n") == pytest.approx(
        23.54, abs=0.01
    )  # 24,683,520 KiB / 1,048,576
    assert parse_mem_total_gib("") == 0.0
    assert kib_to_mib(839_680) == 820.0


TIME_V = """\
\tCommand being timed: "make -s build START=2026-07-01 END=2026-07-01"
\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:24.75
\tAverage total size (kbytes): 0
\tMaximum resident set size (kbytes): 3613696
\tAverage resident set size (kbytes): 0
\tExit status: 0
"""


def test_parse_time_v() -> None:
    assert parse_time_v(TIME_V) == 3_613_696
    assert kib_to_mib(parse_time_v(TIME_V)) == 3529.0  # 3,613,696 KiB / 1024
    with pytest.raises(BenchError, match="no 'Maximum resident set size' line"):
        parse_time_v("\tExit status: 0\n")


def test_run_measured_reports_the_childs_own_peak_rss(tmp_path: Path) -> None:
    require_gnu_time()
    touch = "b = b'x' * (160 * 1024 * 1024); print(len(b))"  # 160 MiB, every page written
    big = run_measured(
        "big", 1, [sys.executable, "-c", touch], cwd=tmp_path, env={}, log_path=tmp_path / "b.log"
    )
    small = run_measured(
        "small",
        2,
        [sys.executable, "-c", "pass"],
        cwd=tmp_path,
        env={},
        log_path=tmp_path / "s.log",
    )
    assert (tmp_path / "b.log").read_text().strip() == str(160 * 1024 * 1024)
    assert 160 <= big.max_rss_mib < 400
    # its own peak: neither the earlier child's (getrusage CHILDREN) nor pytest's own RSS
    assert small.max_rss_mib < 100
    assert big.wall_s > 0 and (big.contender, big.round) == ("big", 1)
    with pytest.raises(BenchError, match=r"fails exited with 3 \(log: .*f\.log\)"):
        run_measured(
            "fails",
            1,
            [sys.executable, "-c", "raise SystemExit(3)"],
            cwd=tmp_path,
            env={},
            log_path=tmp_path / "f.log",
        )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["compare", "--rounds", "0"], "argument --rounds: '0' must be at least 1"),
        (["compare", "--scale", "2m"], "argument --scale: invalid choice: '2m'"),
        (["compare", "--day", "2026-02-30"], "argument --day: '2026-02-30' is not a date"),
        (["compare", "--memory-limit", "lots"], "argument --memory-limit: 'lots' is not a"),
    ],
)
def test_bad_flags_exit_2_naming_the_argument(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_peers_dir_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(REPO)
    code = main(
        [
            "compare",
            "--scale",
            "tiny",
            "--rounds",
            "1",
            "--step2",
            "never",
            "--data-dir",
            str(tmp_path),
            "--peers-dir",
            str(tmp_path / "nowhere"),
            "--no-progress",
        ]
    )
    assert code == 2
    assert f"--peers-dir: {tmp_path / 'nowhere' / 'floor_scan.py'} does not exist" in caplog.text


@pytest.mark.slow
def test_tiny_compare_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    require_gnu_time()
    peers = PEERS
    if not (peers / "floor_scan.py").is_file():
        peers = tmp_path / "peers"
        peers.mkdir()
        (peers / "floor_scan.py").write_text(FLOOR_STAND_IN)
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    code = main(
        [
            "compare",
            *("--scale", "tiny", "--rounds", "1", "--step2", "never", "--no-report"),
            *("--data-dir", str(tmp_path / "bench"), "--peers-dir", str(peers)),
            *("--note", "pytest", "--no-progress"),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    figures = json.loads((tmp_path / "bench" / "results-tiny.json").read_text())
    rows = figures["rows"]
    assert rows > 10_000
    assert f"`make bench SCALE=tiny`: one day (2026-07-01), {rows:,} rows" in out
    assert "sample_data --scale demo --namespaces 6 --row-order series --no-energy" in out
    assert "- users' step2: skipped (--step2 never)" in out
    assert "- note: pytest" in out
    assert [(r["contender"], r["round"]) for r in figures["runs"]] == [("ours", 1), ("floor", 1)]
    for name in ("ours", "floor"):
        summary = figures["summary"][name]
        assert summary["median_s"] > 0 and summary["max_rss_mib"] > 20
    # our build really built the day: the marts hold it
    con = duckdb.connect(str(tmp_path / "bench" / "tiny.duckdb"), read_only=True)
    try:
        days = con.execute("select count(distinct date), min(date) from marts.daily_enriched")
        assert days.fetchone() == (1, date(2026, 7, 1))
    finally:
        con.close()
    # the floor read the same rows
    assert (
        f"rows={rows} " in (tmp_path / "bench" / "logs" / "tiny" / "floor-round1.log").read_text()
    )
    assert (tmp_path / "bench" / "results-tiny.md").read_text() in out + "\n"
