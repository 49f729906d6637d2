"""raw_path as an s3:// URI: the same dbt profile and DuckDB httpfs production uses, against a real
S3-compatible HTTP endpoint (moto's standalone server), gives the same marts as the local lake."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import DbtRun
from services import moto_s3_server, s3_env, upload_tree
from test_dbt_pipeline import MARTS, mart_rows, write_days

BUCKET = "finops-test"
PREFIX = "lake/raw"
WINDOW = {"start_date": "2026-07-01", "end_date": "2026-07-02"}
# 2 KST days = 48 UTC hours, one file per hour; the corrupt out-of-window file is never listed
EXPECTED_FILES = 48


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """Endpoint URL of a moto S3 server that lives for this module's tests."""
    with moto_s3_server() as endpoint:
        yield endpoint


@pytest.mark.slow
def test_s3_raw_path_builds_the_same_marts_as_the_local_lake(
    moto_endpoint: str, make_dbt_run: Callable[[str], DbtRun], tmp_path: Path
) -> None:
    """Upload a small lake (plus a corrupt file outside the window) to S3 and build from it."""
    raw = tmp_path / "lake" / "raw"
    write_days(raw, date(2026, 7, 1), 2)
    corrupt = raw / "dt=2026-06-20" / "hour=03"
    corrupt.mkdir(parents=True)
    (corrupt / "broken.parquet").write_bytes(os.urandom(64))

    keys = upload_tree(raw, moto_endpoint, BUCKET, PREFIX)
    assert len(keys) == EXPECTED_FILES + 1
    assert f"{PREFIX}/dt=2026-06-20/hour=03/broken.parquet" in keys

    s3_uri = f"s3://{BUCKET}/{PREFIX}"
    from_s3 = make_dbt_run("from_s3")
    proc = from_s3(
        "build", dbt_vars={**WINDOW, "raw_path": s3_uri}, extra_env=s3_env(moto_endpoint)
    )
    assert f"raw {s3_uri}" in proc.stdout
    assert f"kube-finops: reading {EXPECTED_FILES} raw file(s)" in proc.stdout

    local = make_dbt_run("local")
    local_proc = local("build", dbt_vars={**WINDOW, "raw_path": str(raw)})
    assert f"kube-finops: reading {EXPECTED_FILES} raw file(s)" in local_proc.stdout

    expected = {mart: mart_rows(local, mart) for mart in MARTS}
    actual = {mart: mart_rows(from_s3, mart) for mart in MARTS}
    # 2 days x 2 containers: the comparison below is not vacuous
    assert len(expected["daily_enriched"]) == 4
    for mart in MARTS:
        if expected[mart]:
            assert actual[mart], f"marts.{mart} is empty from S3 but has rows from the local lake"
        assert actual[mart] == expected[mart], f"marts.{mart} differs between S3 and local"
