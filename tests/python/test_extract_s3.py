"""Uploads to a real S3-compatible endpoint (moto's standalone server over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from kube_finops.lake.contract import INVENTORY_KINDS
from prometheus_fixture import (
    PrometheusServer,
    extract,
    hour_file,
)
from services import free_port, moto_s3_server, s3_client, s3_env

BUCKET = "finops-lake"

pytest_plugins = ("prometheus_fixture",)  # the Prometheus session fixtures


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_s3_server() as url:
        s3_client(url).create_bucket(Bucket=BUCKET)
        yield url


def _env(endpoint: str, bucket: str, prefix: str) -> dict[str, str]:
    return {**s3_env(endpoint), "S3_BUCKET": bucket, "S3_PREFIX": prefix}


def _keys(endpoint: str, prefix: str) -> list[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def test_upload_and_idempotent_rerun(
    prometheus: PrometheusServer, endpoint: str, tmp_path: Path
) -> None:
    env = _env(endpoint, BUCKET, "prod/finops")
    rc, out, err = extract(prometheus.url, tmp_path, env=env)
    assert rc == 0, out + err
    keys = _keys(endpoint, "prod/finops/raw/")
    assert keys == [
        f"prod/finops/raw/dt=2026-07-01/hour={h:02d}/{name}"
        for h in (0, 1)
        for name in ("_manifest.json", "part-0000.parquet")
    ]
    inventory = _keys(endpoint, "prod/finops/inventory/")
    assert inventory == [
        f"prod/finops/inventory/{kind}/dt=2026-07-01/hour={h:02d}/{name}"
        for kind in sorted(INVENTORY_KINDS)
        for h in (0, 1)
        for name in ("_manifest.json", "part-0000.parquet")
    ]
    body = s3_client(endpoint).get_object(Bucket=BUCKET, Key=keys[1])["Body"].read()
    assert body == hour_file(tmp_path, 0).read_bytes()
    assert pq.read_metadata(hour_file(tmp_path, 0)).num_rows == 420
    rc, out, _ = extract(prometheus.url, tmp_path, env=env)
    assert rc == 0 and out.count("skipped (exists)") == 2
    assert _keys(endpoint, "prod/finops/") == sorted(inventory + keys)
    # a fresh local cache: S3 already has the hours, nothing is re-extracted
    rc, out, _ = extract(prometheus.url, tmp_path / "other", env=env)
    assert rc == 0 and out.count("skipped (exists)") == 2
    assert not (tmp_path / "other" / "raw").exists()
    assert not (tmp_path / "other" / "inventory").exists()


def test_missing_bucket_fails_and_keeps_the_local_file(
    prometheus: PrometheusServer, endpoint: str, tmp_path: Path
) -> None:
    rc, out, err = extract(prometheus.url, tmp_path, env=_env(endpoint, "no-such-bucket", "x"))
    assert rc == 1
    assert out.count("UPLOAD FAILED") == 2
    assert "NoSuchBucket" in err
    assert hour_file(tmp_path, 0).is_file() and hour_file(tmp_path, 1).is_file()


def test_s3_endpoint_down_fails_then_a_rerun_uploads_the_kept_files(
    prometheus: PrometheusServer, endpoint: str, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    rc, out, err = extract(prometheus.url, tmp_path, env=_env(dead, BUCKET, "down"))
    assert rc == 1 and out.count("UPLOAD FAILED") == 2
    # first run: nothing existed, so the hours were extracted, kept locally, not uploaded
    assert hour_file(tmp_path, 0).is_file()
    rc, out, err = extract(prometheus.url, tmp_path, env=_env(endpoint, BUCKET, "down"))
    assert rc == 0, out + err
    assert out.count("uploaded (local existed)") == 2
    assert len(_keys(endpoint, "down/raw/")) == 4
    assert len(_keys(endpoint, "down/inventory/")) == 2 * 2 * len(INVENTORY_KINDS)
