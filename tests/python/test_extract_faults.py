"""Failure semantics through a fault-injecting proxy in front of the real Prometheus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prometheus_fixture import (
    FAIL_503,
    HANG,
    PASS,
    RESET,
    T0S,
    Backfill,
    FaultProxy,
    PrometheusServer,
    extract,
    hour_file,
    hour_manifest,
    request_time,
    run_prometheus,
)

pytest_plugins = ("prometheus_fixture",)  # the Prometheus session fixtures


@pytest.mark.parametrize("fault", [FAIL_503, RESET, HANG])
def test_transient_fault_is_retried_and_the_hour_written(
    prometheus: PrometheusServer, tmp_path: Path, fault: str
) -> None:
    # the first request fails once; the hang outlasts the 1 s client timeout
    def plan(n: int, form: dict[str, str]) -> str:
        return fault if n == 0 else PASS

    with FaultProxy(prometheus.url, plan, hang=3.0) as proxy:
        rc, out, err = extract(proxy.url, tmp_path, "--timeout", "1")
    assert rc == 0, out + err
    assert proxy.requests.count(fault) == 1
    manifest = json.loads(hour_manifest(tmp_path, 0).read_text())
    assert manifest["retries"] == 1
    assert manifest["rows"] == 420
    assert "retry 1/4" in err


def test_persistent_failure_skips_that_hour_only_and_exits_nonzero(
    prometheus: PrometheusServer, tmp_path: Path
) -> None:
    def plan(n: int, form: dict[str, str]) -> str:  # hour 00 always 503, hour 01 fine
        return FAIL_503 if request_time(form) < T0S + 3600 - 60 else PASS

    with FaultProxy(prometheus.url, plan) as proxy:
        rc, out, _err = extract(proxy.url, tmp_path, "--max-retries", "2")
    assert rc == 1
    assert not hour_file(tmp_path, 0).exists() and not hour_manifest(tmp_path, 0).exists()
    assert hour_file(tmp_path, 1).is_file()
    assert proxy.requests.count(FAIL_503) == 3  # 1 + 2 retries, then the hour is abandoned
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("2026")}
    assert (
        "FAILED" in lines["2026-07-01T00"]
        and "HTTP 503 after 3 attempt(s)" in lines["2026-07-01T00"]
    )
    assert "written" in lines["2026-07-01T01"]
    assert "1 failed" in out


def test_prometheus_killed_mid_run(backfill: Backfill, tmp_path: Path) -> None:
    with run_prometheus(backfill.blocks, tmp_path / "prom") as server:

        def plan(n: int, form: dict[str, str]) -> str:
            if request_time(form) > T0S + 3600:  # the first request of hour 01
                server.kill()
            return PASS

        with FaultProxy(server.url, plan) as proxy:
            rc, _out, err = extract(proxy.url, tmp_path / "lake", "--max-retries", "1")
    assert rc == 1
    assert hour_file(tmp_path / "lake", 0).is_file()
    assert not hour_file(tmp_path / "lake", 1).parent.exists()
    assert "2026-07-01T01: not written" in err
    assert server.process.returncode is not None
