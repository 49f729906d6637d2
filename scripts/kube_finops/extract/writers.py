"""Hour files: an atomic local write (temp file + rename) and a single-PUT S3 upload."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pyarrow as pa
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from kube_finops.extract.config import S3Target
from kube_finops.extract.errors import UploadError
from kube_finops.lake.contract import FILE_NAME, RAW_DIR, RAW_SCHEMA, hour_dir, partition
from kube_finops.lake.writer import write_hour_file

MANIFEST_NAME = "_manifest.json"


def hour_relpath(hour: datetime) -> str:
    """`raw/dt=YYYY-MM-DD/hour=HH` (UTC)."""
    return f"{RAW_DIR}/{partition(hour)}"


class LocalLake:
    """The lake directory: `<lake>/raw/dt=.../hour=.../part-0000.parquet` + `_manifest.json`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, hour: datetime) -> Path:
        return hour_dir(self.root, hour)

    def data_path(self, hour: datetime) -> Path:
        return self.folder(hour) / FILE_NAME

    def manifest_path(self, hour: datetime) -> Path:
        return self.folder(hour) / MANIFEST_NAME

    def complete(self, hour: datetime) -> bool:
        """Both the data file and its manifest exist (the manifest is written last)."""
        return self.data_path(hour).is_file() and self.manifest_path(hour).is_file()

    def write(self, hour: datetime, table: pa.Table, manifest: dict[str, Any]) -> int:
        """Write the hour atomically; returns the data file's size in bytes."""
        self.manifest_path(hour).unlink(missing_ok=True)  # incomplete until the new one lands
        size = write_hour_file(self.folder(hour), table, RAW_SCHEMA).bytes
        manifest["file_bytes"] = size
        atomic_text(self.manifest_path(hour), json.dumps(manifest, indent=2, sort_keys=True))
        return size


def atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text + "\n")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


class S3Lake:
    """The same layout under s3://bucket/prefix/; one PUT per object."""

    def __init__(self, target: S3Target, client: BaseClient | None = None) -> None:
        self.target = target
        self.client = client or boto3.client(
            "s3",
            endpoint_url=target.endpoint_url,
            region_name=target.region,
            aws_access_key_id=target.access_key_id,
            aws_secret_access_key=target.secret_access_key,
            aws_session_token=target.session_token,
            config=Config(
                s3={"addressing_style": "path" if target.endpoint_url else "auto"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )

    def key(self, hour: datetime, name: str) -> str:
        parts = [self.target.prefix, hour_relpath(hour), name]
        return "/".join(p for p in parts if p)

    def uri(self, hour: datetime, name: str = FILE_NAME) -> str:
        return f"s3://{self.target.bucket}/{self.key(hour, name)}"

    def exists(self, hour: datetime) -> bool:
        """True when the hour's manifest (uploaded after the data) is in the bucket."""
        return self.exists_rel(hour_relpath(hour))

    def exists_rel(self, relpath: str) -> bool:
        """True when `<relpath>/_manifest.json` (uploaded after the data) is in the bucket."""
        key = "/".join(p for p in (self.target.prefix, relpath, MANIFEST_NAME) if p)
        try:
            self.client.head_object(Bucket=self.target.bucket, Key=key)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                return False
            raise UploadError(f"s3://{self.target.bucket}/{key}: {_describe(exc)}") from None
        except BotoCoreError as exc:
            raise UploadError(f"s3://{self.target.bucket}/{key}: {_describe(exc)}") from None
        return True

    def upload_files(self, relpath: str, files: list[tuple[str, Path]]) -> None:
        """PUT `files` (name, local path) under `<prefix>/<relpath>/`, in order (manifest last)."""
        for name, path in files:
            key = "/".join(p for p in (self.target.prefix, relpath, name) if p)
            try:
                self.client.put_object(Bucket=self.target.bucket, Key=key, Body=path.read_bytes())
            except (ClientError, BotoCoreError) as exc:
                raise UploadError(
                    f"s3://{self.target.bucket}/{key}: {_describe(exc)} (local file kept: {path})"
                ) from None

    def upload(self, local: LocalLake, hour: datetime) -> None:
        """PUT the data file, then the manifest (so a visible manifest means complete data)."""
        self.upload_files(
            hour_relpath(hour),
            [(FILE_NAME, local.data_path(hour)), (MANIFEST_NAME, local.manifest_path(hour))],
        )


def _describe(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip(": ")
    return f"{type(exc).__name__}: {exc}"
