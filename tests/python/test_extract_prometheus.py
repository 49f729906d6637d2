"""The extractor against a real Prometheus (backfilled history, known ground truth)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from kube_finops.lake.contract import RAW_SCHEMA
from prometheus_fixture import (
    CLUSTER,
    T0S,
    Backfill,
    PrometheusServer,
    extract,
    hour_file,
    hour_manifest,
)

EXACT_COLUMNS = ("cpu_request", "cpu_limit", "mem_request", "mem_limit", "mem_usage", "mem_rss")

pytest_plugins = ("prometheus_fixture",)  # the Prometheus session fixtures


@pytest.fixture(scope="module")
def lake(prometheus: PrometheusServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lake")
    rc, out, err = extract(prometheus.url, root)
    assert rc == 0, out + err
    return root


@pytest.fixture(scope="module")
def frame(lake: Path) -> pd.DataFrame:
    tables = [pq.read_table(hour_file(lake, h)) for h in (0, 1)]
    assert all(t.schema.equals(RAW_SCHEMA) for t in tables)
    df = pd.concat([t.to_pandas() for t in tables], ignore_index=True)
    df["minute"] = (df["timestamp"].astype("int64") // 10**6 - T0S) // 60
    return df


def _by_container(frame: pd.DataFrame, backfill: Backfill):
    for key, truth in backfill.truth.items():
        sub = frame[
            (frame.namespace == key[0]) & (frame.pod == key[1]) & (frame.container == key[2])
        ]
        yield key, truth, sub.set_index("minute").sort_index()


def test_rows_are_exactly_the_running_container_minutes(
    frame: pd.DataFrame, backfill: Backfill
) -> None:
    # 7 containers x 120 minutes + the late pod from minute 76 (first sample at 75:15)
    expected = sum(int(t.rows.sum()) for t in backfill.truth.values())
    assert expected == 7 * 120 + 44
    assert len(frame) == expected
    assert not frame.duplicated(["namespace", "pod", "container", "minute"]).any()
    assert set(frame.container) == {k[2] for k in backfill.truth}  # no "" / "POD" series
    for _key, truth, sub in _by_container(frame, backfill):
        assert list(sub.index) == list(np.nonzero(truth.rows)[0])
        assert set(sub.node) == {truth.node}
    assert set(frame.cluster) == {CLUSTER}


def test_requests_limits_and_memory_are_exact(frame: pd.DataFrame, backfill: Backfill) -> None:
    for key, truth, sub in _by_container(frame, backfill):
        for column in EXACT_COLUMNS:
            expected = truth.columns[column][truth.rows]
            np.testing.assert_array_equal(sub[column].to_numpy(float), expected, err_msg=f"{key}")
    job = frame[frame.container == "job"]
    assert job.cpu_limit.isna().all() and job.mem_limit.isna().all()  # no limits set


def test_cpu_rate_and_throttling_within_tolerance(frame: pd.DataFrame, backfill: Backfill) -> None:
    checked = 0
    for key, truth, sub in _by_container(frame, backfill):
        settled = ~np.isnan(truth.columns["cpu_usage"][truth.rows])
        got = sub.cpu_usage.to_numpy(float)[settled]
        np.testing.assert_allclose(got, truth.columns["cpu_usage"][truth.rows][settled], rtol=1e-6)
        throttled = sub.cpu_throttled.to_numpy(float)[settled]
        np.testing.assert_allclose(
            throttled,
            truth.columns["cpu_throttled"][truth.rows][settled],
            atol=1e-9,
            err_msg=str(key),
        )
        checked += int(settled.sum())
    assert checked > 800
    assert frame[frame.container == "job"].cpu_throttled.max() == pytest.approx(0.35)


def test_pv_bytes_sit_on_the_pods_lexically_first_container_only(
    frame: pd.DataFrame, backfill: Backfill
) -> None:
    api = frame[frame.pod == "api-7d9f8-x2k4p"]
    first = api[api.container == "backup-agent"]
    other = api[api.container == "server"]
    assert (first.pv_capacity == 10 * 2**30).all()
    assert (other.pv_capacity == 0).all() and (other.pv_used == 0).all()
    db = frame[frame.pod == "db-0"]
    assert (db.pv_capacity == 25 * 2**30).all()  # two PVCs summed
    for key, truth, sub in _by_container(frame, backfill):
        if not np.isnan(truth.columns["pv_used"]).all():
            np.testing.assert_array_equal(
                sub.pv_used.to_numpy(float), truth.columns["pv_used"][truth.rows], err_msg=str(key)
            )
    assert frame[~frame.pod.isin(["api-7d9f8-x2k4p", "db-0"])].pv_capacity.isna().all()


def test_oom_kills_are_counted_exactly_once(frame: pd.DataFrame, backfill: Backfill) -> None:
    worker = frame[frame.container == "worker"].set_index("minute").sort_index()
    assert worker.oom_event.sum() == 4  # two in one minute, one across the hour, one after a reset
    assert worker.oom_event[11] == 2
    assert worker.oom_event[60] == 1  # the first minute of hour 01 uses the minute before it
    assert worker.oom_event[91] == 1
    for key, truth, sub in _by_container(frame, backfill):
        np.testing.assert_array_equal(
            sub.oom_event.to_numpy(float), truth.columns["oom_event"][truth.rows], err_msg=str(key)
        )


def test_kepler_energy_under_legacy_and_current_names(
    frame: pd.DataFrame, backfill: Backfill
) -> None:
    coredns = frame[frame.container == "coredns"]  # legacy kepler_container_joules_total
    nginx = frame[frame.container == "nginx"]  # current kepler_container_cpu_joules_total
    np.testing.assert_allclose(coredns.energy_joules, 6.0, rtol=1e-9)  # 2 samples x 3 J
    np.testing.assert_allclose(nginx.energy_joules, 5.0, rtol=1e-9)  # package+dram, not core
    assert frame[~frame.container.isin(["coredns", "nginx"])].energy_joules.isna().all()


def test_manifest_describes_the_hour(lake: Path, frame: pd.DataFrame) -> None:
    manifest = json.loads(hour_manifest(lake, 0).read_text())
    assert manifest["status"] == "complete"
    assert manifest["rows"] == int((frame.minute < 60).sum()) == 420
    assert manifest["containers"] == 7
    assert manifest["series_per_column"]["mem_usage"] == 7  # pod-level and pause dropped
    assert manifest["series_per_column"]["pv_capacity"] == 2
    coverage = {c["metric"]: c for c in manifest["coverage"]}
    assert coverage["container_memory_working_set_bytes"]["series"] == 19  # 7 + 2 x 6 pod-level
    assert all(c["present"] for c in coverage.values())
    assert manifest["absent_metrics"] == []
    assert manifest["hour_start"] == "2026-07-01T00:00:00Z"
    assert manifest["queries"] >= 14 + 1 + 14


def test_rerun_skips_and_force_rewrites_identically(
    prometheus: PrometheusServer, tmp_path: Path
) -> None:
    rc, _, _ = extract(prometheus.url, tmp_path)
    assert rc == 0
    first = hour_file(tmp_path, 0).read_bytes()
    mtime = hour_file(tmp_path, 0).stat().st_mtime_ns
    rc, out, _ = extract(prometheus.url, tmp_path)
    assert rc == 0 and out.count("skipped (exists)") == 2
    assert hour_file(tmp_path, 0).stat().st_mtime_ns == mtime
    rc, out, _ = extract(prometheus.url, tmp_path, "--force")
    assert rc == 0 and out.count("written") == 2
    assert pq.read_table(hour_file(tmp_path, 0)).equals(
        pq.read_table(__import__("io").BytesIO(first))
    )
    files = sorted(p.name for p in hour_file(tmp_path, 0).parent.iterdir())
    assert files == ["_manifest.json", "part-0000.parquet"]  # no temp files, no duplicates


def test_namespace_batches_give_the_same_rows(
    prometheus: PrometheusServer, frame: pd.DataFrame, tmp_path: Path
) -> None:
    rc, out, err = extract(prometheus.url, tmp_path, "--max-series-per-query", "2")
    assert rc == 0, out + err
    batched = pd.concat([pq.read_table(hour_file(tmp_path, h)).to_pandas() for h in (0, 1)])
    keys = ["namespace", "pod", "container", "timestamp"]
    left = batched.sort_values(keys).reset_index(drop=True)
    right = frame.drop(columns="minute").sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)
    assert json.loads(hour_manifest(tmp_path, 0).read_text())["namespace_batches"] >= 4


def test_check_lists_coverage_and_fails_on_an_absent_metric(
    prometheus: PrometheusServer, tmp_path: Path
) -> None:
    rc, out, _ = extract(prometheus.url, tmp_path, "--check")
    assert rc == 0
    assert "kube_pod_info                                      present  7" in out
    assert not (tmp_path / "raw").exists()  # --check writes nothing
    rc, out, err = extract(
        prometheus.url, tmp_path, "--check", "--namespace-include", "kube-system"
    )
    assert rc == 1
    assert "kubelet_volume_stats_capacity_bytes" in out and "ABSENT" in out
    assert "metric kubelet_volume_stats_capacity_bytes is ABSENT" in err
    # a regular run with the same filter writes the hours but records and warns the absence
    rc, out, err = extract(prometheus.url, tmp_path, "--namespace-include", "kube-system")
    assert rc == 0
    manifest = json.loads(hour_manifest(tmp_path, 0).read_text())
    assert manifest["status"] == "complete_with_absent_metrics"
    assert "kube_pod_spec_volumes_persistentvolumeclaims_info" in manifest["absent_metrics"]
    assert manifest["rows"] == 60
    assert "is ABSENT" in err


def test_credentials_never_reach_logs_or_manifests(
    prometheus: PrometheusServer, tmp_path: Path
) -> None:
    url = prometheus.url.replace("http://", "http://admin:pw-SECRET-1@")
    env = {"PROMETHEUS_BEARER_TOKEN": "tok-SECRET-2", "PROMETHEUS_PASSWORD": "pw-SECRET-3"}
    rc, out, err = extract(url, tmp_path, "-v", env=env)
    assert rc == 0
    manifest = hour_manifest(tmp_path, 0).read_text()
    assert json.loads(manifest)["prometheus_url"] == prometheus.url
    for text in (out, err, manifest):
        assert "SECRET" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-07-01T00:30"], "--start: '2026-07-01T00:30' is not on a whole hour"),
        (["--end", "2026-07-01"], "--end: '2026-07-01' is not a UTC hour like 2026-07-01T00"),
        (["--start", "2026-07-01T05"], "must be before --end"),
        (["--namespace-include", "(team"], "--namespace-include: invalid regular expression"),
        (["--timeout", "0"], "--timeout: 0.0 must be > 0"),
    ],
)
def test_bad_arguments_fail_with_one_line_naming_them(
    tmp_path: Path, args: list[str], message: str
) -> None:
    rc, _out, err = extract("http://127.0.0.1:9", tmp_path, *args)
    assert rc == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "raw").exists()


def test_missing_prometheus_url_is_a_usage_error(tmp_path: Path) -> None:
    from kube_finops.extract import cli

    rc = cli.main(["--lake", str(tmp_path), "-q"], env={})
    assert rc == 2
