"""Trends end to end (issue 6): from raw samples to ns_trend_daily, capacity_forecast and
dormant_namespaces."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import DbtRun
from test_dbt_pipeline import build, write_hour

pytestmark = pytest.mark.slow

FIRST_DAY = date(2026, 7, 1)


def namespace_hour(hour_start: datetime, cpu_scale: float) -> pa.Table:
    """One busy container in `shop` (CPU x cpu_scale) and one idle one in `old-poc`."""
    minutes = [hour_start + timedelta(minutes=m) for m in range(60)]
    n = len(minutes)
    return pa.table(
        {
            "timestamp": pa.array(minutes * 2, pa.timestamp("us", tz="UTC")),
            "node": ["cmp-w-001"] * 2 * n,
            "namespace": ["shop"] * n + ["old-poc"] * n,
            "pod": ["web-5d8f7c9b4-x7k2p"] * n + ["poc-0"] * n,
            "container": ["app"] * 2 * n,
            "cpu_request": [8.0] * n + [2.0] * n,
            "cpu_limit": [8.0] * n + [2.0] * n,
            "cpu_usage": [0.5 * cpu_scale] * n + [0.001] * n,
            "mem_request": [2.0**31] * 2 * n,
            "mem_limit": [2.0**32] * 2 * n,
            "mem_usage": [2.0**30] * 2 * n,
        }
    )


def test_spike_on_day_14_is_flagged_that_day_only(dbt_run: DbtRun, tmp_path: Path) -> None:
    raw = tmp_path / "lake" / "raw"
    start = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC) - timedelta(
        hours=9
    )
    for h in range(24 * 14):
        hour_start = start + timedelta(hours=h)
        write_hour(raw, hour_start, namespace_hour(hour_start, 4.0 if h >= 24 * 13 else 1.0))
    build(dbt_run, raw, "2026-07-01", "2026-07-14", dormant_days=14)

    flagged = dbt_run.query(
        "select date, namespace, cpu_used_ch_anomaly from marts.ns_trend_daily "
        "where is_anomaly order by date, namespace"
    )
    assert flagged == [(date(2026, 7, 14), "shop", "above")]
    # 0.5 cores x 24 h before the spike, 2 cores x 24 h on day 14
    assert dbt_run.query(
        "select cpu_used_ch, cpu_used_ch_baseline_mean, baseline_days_observed "
        "from marts.ns_trend_daily where namespace = 'shop' and date = date '2026-07-14'"
    ) == [(48.0, 12.0, 13)]

    dormant = dbt_run.query(
        "select namespace, days_observed, cpu_request_cores, held_cpu_core_hours_per_month "
        "from marts.dormant_namespaces"
    )
    # 2 cores x 24 h a day x 730 / 24 days (hours_per_month)
    assert dormant == [("old-poc", 14, 2.0, 1460.0)]

    # the cluster's allocated core-hours are flat: the forecast stays at 8 + 2 cores x 24 h
    assert dbt_run.query(
        "select min(forecast_value), max(forecast_value), count(*) from marts.capacity_forecast "
        "where scope = 'cluster' and metric = 'cpu_alloc_ch'"
    ) == [(240.0, 240.0, 14)]
