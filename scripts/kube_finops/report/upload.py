"""Upload report files to S3 / MinIO (`<prefix>/<cluster lower>/<file>`)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from kube_finops.report.errors import ReportError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class S3Target:
    bucket: str
    prefix: str
    endpoint_url: str | None

    @classmethod
    def from_env(cls, bucket: str | None, prefix: str | None) -> S3Target | None:
        """None when no bucket is configured (upload is optional)."""
        bucket = bucket or os.environ.get("REPORT_S3_BUCKET") or None
        if not bucket:
            return None
        return cls(
            bucket=bucket,
            prefix=(prefix or os.environ.get("REPORT_S3_PREFIX") or "reports").strip("/"),
            endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
        )


def s3_client(target: S3Target):  # -> botocore S3 client
    style = os.environ.get("S3_URL_STYLE", "path" if target.endpoint_url else "auto")
    return boto3.client(
        "s3",
        endpoint_url=target.endpoint_url,
        config=Config(s3={"addressing_style": style}, retries={"max_attempts": 3}),
    )


def upload_files(target: S3Target, files: Iterable[tuple[Path, str]]) -> list[str]:
    """Upload (local path, key below the prefix) pairs; raise ReportError on the first failure."""
    client = s3_client(target)
    uris: list[str] = []
    for path, relative in files:
        key = f"{target.prefix}/{relative}" if target.prefix else relative
        try:
            client.upload_file(str(path), target.bucket, key)
        except (BotoCoreError, ClientError) as exc:
            raise ReportError(
                f"upload of {path} to s3://{target.bucket}/{key} failed: {exc} "
                "(the local files are kept)"
            ) from exc
        uri = f"s3://{target.bucket}/{key}"
        log.info("uploaded %s", uri)
        uris.append(uri)
    return uris
