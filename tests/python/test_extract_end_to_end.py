"""End to end: extract from the real Prometheus into a lake, then dbt builds daily_enriched."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DbtRun
from prometheus_fixture import PrometheusServer, extract

pytest_plugins = ("prometheus_fixture",)  # the Prometheus session fixtures


@pytest.mark.slow
def test_extracted_lake_builds_daily_enriched(
    prometheus: PrometheusServer, dbt_run: DbtRun, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    rc, out, err = extract(prometheus.url, lake)
    assert rc == 0, out + err
    # 2026-07-01 00:00-02:00 UTC is 09:00-11:00 KST: one report date
    # models only (seeds + daily_enriched and its parents): the marts' own tests are the dbt
    # suite's job; this proves the extracted files satisfy the raw contract
    dbt_run("seed")
    dbt_run(
        "run",
        "--select",
        "+daily_enriched",
        dbt_vars={
            "start_date": "2026-07-01",
            "end_date": "2026-07-01",
            "raw_path": str(lake / "raw"),
        },
    )
    rows = dbt_run.query(
        "select namespace, pod, container, minutes_running, oom_strike_sum, cpu_limit_max, "
        "pv_capacity_max from marts.daily_enriched order by namespace, pod, container"
    )
    by_key = {(r[0], r[1], r[2]): r[3:] for r in rows}
    assert len(by_key) == 8
    assert by_key[("team-a", "worker-0", "worker")][:2] == (120, 4)
    assert by_key[("team-c", "late-0", "app")][0] == 44
    assert (
        by_key[("team-b", "batch-9q8w7", "job")][2] is None
        or by_key[("team-b", "batch-9q8w7", "job")][2] == 0
    )
    assert by_key[("team-b", "db-0", "postgres")][3] == pytest.approx(25.0)  # GiB
    assert by_key[("team-a", "api-7d9f8-x2k4p", "server")][3] == 0
