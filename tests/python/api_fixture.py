"""API test fixtures: a sample lake built once by the real dbt project, published, and served by
a real uvicorn process on loopback (tests talk to it over HTTP with httpx)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from conftest import REPO, DbtRun

API_START = "2026-07-01"
API_END = "2026-07-01"
PYTHON = sys.executable


def python_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "scripts"), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def run_module(module: str, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=REPO,
        env=env or python_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"{module} {args} failed: {proc.stdout} {proc.stderr}"
    return proc.stdout


def publish(source: Path, target: Path) -> None:
    run_module("kube_finops.publish", "--duckdb", str(source), "--out", str(target))


def issue(tokens: Path, role: str, owner: str | None = None) -> str:
    args = ["--role", role, "--tokens", str(tokens)] + (["--owner", owner] if owner else [])
    return run_module("kube_finops.api.tokens", *args).strip().splitlines()[-1]


@dataclass
class SampleMarts:
    run: DbtRun
    lake: Path


@pytest.fixture(scope="session")
def api_sample_marts(tmp_path_factory: pytest.TempPathFactory) -> SampleMarts:
    """One day of the demo sample lake with its inventory (namespace owner labels, quotas,
    buckets), built by `dbt build` once per session."""
    work = tmp_path_factory.mktemp("api-marts")
    lake = work / "lake"
    run_module(
        "kube_finops.sample_data",
        "--lake",
        str(lake),
        "--start-date",
        API_START,
        "--days",
        "1",
        "--no-progress",
    )
    run = DbtRun(work / "finops.duckdb", work)
    run(
        "build",
        "--exclude-resource-type",
        "unit_test",
        dbt_vars={"start_date": API_START, "end_date": API_END, "raw_path": str(lake / "raw")},
    )
    return SampleMarts(run=run, lake=lake)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    publish_path: Path
    tokens_path: Path
    log: list[str] = field(default_factory=list)

    def client(self, token: str | None = None, timeout: float = 30) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def log_text(self) -> str:
        return "\n".join(self.log)


def start_server(publish_path: Path, tokens_path: Path) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "kube_finops.api", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=python_env(FINOPS_PUBLISH_PATH=str(publish_path), FINOPS_API_TOKENS=str(tokens_path)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process, publish_path, tokens_path)

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            server.log.append(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"uvicorn exited: {server.log_text()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    process.terminate()
    raise AssertionError(f"uvicorn did not answer within 30 s: {server.log_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@dataclass
class Api:
    server: Server
    marts: SampleMarts
    admin: str
    tokens: dict[str, str]  # owner -> tenant token
    owners: tuple[str, str]  # (alice: several namespaces, team-data: another owner)


@pytest.fixture(scope="session")
def api(api_sample_marts: SampleMarts, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The sample marts published and served; an admin token and tenant tokens for two owners
    (each with several namespaces)."""
    work = tmp_path_factory.mktemp("api-server")
    published = work / "published" / "finops.duckdb"
    publish(api_sample_marts.run.db_path, published)
    tokens_path = work / "api_tokens.json"
    # sample owners (kube_finops.sample_inventory): alice labels several personal namespaces,
    # team-data the data platform's (spark, airflow, ...); both own a bucket <owner>-data
    owners = ("alice", "team-data")
    admin = issue(tokens_path, "admin")
    tenant_tokens = {owner: issue(tokens_path, "tenant", owner) for owner in owners}
    server = start_server(published, tokens_path)
    try:
        yield Api(server, api_sample_marts, admin, tenant_tokens, owners)
    finally:
        stop_server(server)
