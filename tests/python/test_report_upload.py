"""Report upload to S3 `reports/<cluster>/`, the Parquet export of the marts, and a failed upload
(exit code 2, files kept)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import DbtRun
from edge_lake import EDGE_END, EDGE_START
from kube_finops.report import cli, export
from report_fixture import edge_report_marts
from services import free_port, moto_s3_server, s3_client, s3_env

pytestmark = pytest.mark.slow


__all__ = ["edge_report_marts"]  # the session fixture, imported for pytest


@pytest.fixture
def marts(edge_report_marts: DbtRun) -> DbtRun:
    return edge_report_marts


def test_export_partitions_each_mart_by_cluster_and_date(marts: DbtRun, tmp_path: Path) -> None:
    written = export.export_marts(marts.db_path, tmp_path)
    assert {"daily_enriched", "pareto_ns", "ns_usage_daily"} <= set(written)
    parts = tmp_path / "daily_enriched" / "cluster_type=COMPUTE"
    assert (parts / f"date={EDGE_START}").is_dir()
    (exported,) = duckdb.sql(
        f"select count(*) from read_parquet('{tmp_path}/daily_enriched/**/*.parquet', "
        "hive_partitioning = true)"
    ).fetchone()
    assert exported == marts.query("select count(*) from marts.daily_enriched")[0][0]


def test_report_and_export_upload_to_s3(
    marts: DbtRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with moto_s3_server() as endpoint:
        for key, value in s3_env(endpoint).items():
            monkeypatch.setenv(key, value)
        client = s3_client(endpoint)
        client.create_bucket(Bucket="finops")
        code = cli.main(
            [
                "--duckdb",
                str(marts.db_path),
                "--out",
                str(tmp_path / "r"),
                "--no-progress",
                "--s3-bucket",
                "finops",
            ]
        )
        assert code == 0
        keys = {o["Key"] for o in client.list_objects_v2(Bucket="finops")["Contents"]}
        assert f"reports/compute/res_usage_report_compute_{EDGE_END:%Y%m%d}.xlsx" in keys
        assert "reports/compute/charts/chart08_status_donut.png" in keys
        assert export.main(["--duckdb", str(marts.db_path), "--s3-bucket", "finops"]) == 0
        keys = {
            o["Key"]
            for o in client.list_objects_v2(Bucket="finops", Prefix="merged/daily_enriched/")[
                "Contents"
            ]
        }
        assert any(f"cluster_type=COMPUTE/date={EDGE_START}/" in k for k in keys)


def test_failed_upload_exits_non_zero_and_keeps_files(
    marts: DbtRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    for key, value in s3_env(f"http://127.0.0.1:{free_port()}").items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    out = tmp_path / "r"
    code = cli.main(
        [
            "--duckdb",
            str(marts.db_path),
            "--out",
            str(out),
            "--no-progress",
            "--s3-bucket",
            "finops",
            "--cluster",
            "COMPUTE",
        ]
    )
    assert code == 2
    assert "upload of" in caplog.text and "failed" in caplog.text
    assert (out / "compute" / f"res_usage_report_compute_{EDGE_END:%Y%m%d}.xlsx").exists()
