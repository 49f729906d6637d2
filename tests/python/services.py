"""External services for tests: a real S3-compatible endpoint (moto's standalone server) and the
project rule for services that cannot start (CI fails, a developer machine skips)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import boto3
import pytest
from botocore.client import BaseClient
from botocore.config import Config

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
# moto accepts any key pair; these are never real credentials
DUMMY_ACCESS_KEY_ID = "testing"
DUMMY_SECRET_ACCESS_KEY = "testing"
DUMMY_REGION = "us-east-1"


def ci_enabled() -> bool:
    """True when the environment variable CI is set to anything but empty, "false" or "0"."""
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "false", "0")


def require_service(reason: str) -> NoReturn:
    """A service a test needs is unavailable: fail under CI (never a silent skip), else skip."""
    if ci_enabled():
        pytest.fail(
            f"required test service unavailable (CI is set, so this fails): {reason}", pytrace=False
        )
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers_http(url: str) -> bool:
    """True when something at url answers HTTP (any status); False when nothing listens yet."""
    try:
        with urllib.request.urlopen(url, timeout=1.0):
            return True
    except urllib.error.HTTPError:
        return True  # an HTTP error status is still an HTTP answer
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(proc: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL if the process has not exited after `grace` seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace)


def _log_tail(log_path: Path, limit: int = 2000) -> str:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return text[-limit:].strip() or "(no output)"


@contextlib.contextmanager
def moto_s3_server(startup_timeout: float = 20.0) -> Iterator[str]:
    """Run `moto_server` on 127.0.0.1:<free port> and yield its endpoint URL.

    The server is started from the binary next to sys.executable and polled until it answers
    HTTP, for at most startup_timeout seconds. If it cannot start, require_service() fails the
    test under CI and skips it elsewhere. The server is stopped (SIGTERM, then kill) on exit.
    """
    if not MOTO_SERVER.exists():
        require_service(f"{MOTO_SERVER} not found (pip install 'moto[server]')")
    with tempfile.TemporaryDirectory(prefix="moto-s3-") as log_dir:
        log_path = Path(log_dir) / "moto_server.log"
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            deadline = time.monotonic() + startup_timeout
            while not _answers_http(endpoint + "/"):
                if proc.poll() is not None:
                    require_service(
                        f"moto_server exited with code {proc.returncode} before answering on "
                        f"{endpoint}:\n{_log_tail(log_path)}"
                    )
                if time.monotonic() > deadline:
                    require_service(
                        f"moto_server did not answer on {endpoint} within {startup_timeout:g} s:"
                        f"\n{_log_tail(log_path)}"
                    )
                time.sleep(0.1)
            yield endpoint
        finally:
            _stop(proc)


def s3_client(endpoint_url: str) -> BaseClient:
    """A boto3 S3 client for a test endpoint: path-style addressing, dummy credentials."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=DUMMY_ACCESS_KEY_ID,
        aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
        region_name=DUMMY_REGION,
        config=Config(s3={"addressing_style": "path"}),
    )


def s3_env(endpoint_url: str) -> dict[str, str]:
    """The environment variables the dbt profile reads for S3, pointing at a test endpoint.

    AWS_SESSION_TOKEN is blanked so that a developer's real session never reaches the endpoint.
    """
    return {
        "S3_ENDPOINT_URL": endpoint_url,
        "S3_URL_STYLE": "path",
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
        "AWS_SESSION_TOKEN": "",
        "AWS_REGION": DUMMY_REGION,
        "AWS_DEFAULT_REGION": DUMMY_REGION,
    }


def upload_tree(local_root: Path, endpoint_url: str, bucket: str, prefix: str) -> list[str]:
    """Upload every file below local_root to s3://bucket/prefix/<relative path>.

    The bucket is created if it does not exist. Returns the uploaded keys, sorted.
    """
    client = s3_client(endpoint_url)
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        client.create_bucket(Bucket=bucket)
    base = prefix.strip("/")
    keys: list[str] = []
    for path in sorted(p for p in local_root.rglob("*") if p.is_file()):
        relative = path.relative_to(local_root).as_posix()
        key = f"{base}/{relative}" if base else relative
        client.upload_file(str(path), bucket, key)
        keys.append(key)
    return sorted(keys)
