"""The read API against a real uvicorn on loopback: authorization, pagination, validation,
estimates equal to the marts, no token in logs, fuzzing from the OpenAPI schema; and publishing
while readers read: under 8 parallel API clients (no error, no mixed answer) and while an analyst
holds the published file during `make build` (the build succeeds; a failed one publishes nothing).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from api_fixture import (
    API_START,
    Api,
    SampleMarts,
    api,
    api_sample_marts,
    issue,
    publish,
    start_server,
    stop_server,
)
from conftest import REPO, dbt_env

__all__ = ["api", "api_sample_marts"]  # the session fixtures, imported for pytest

pytestmark = pytest.mark.slow


def owner_paths(owner: str, namespace: str) -> list[str]:
    return [
        f"/api/v1/governance/tenant/{owner}/summary",
        f"/api/v1/namespaces/{namespace}/usage",
        f"/api/v1/namespaces/{namespace}/cost",
        f"/api/v1/namespaces/{namespace}/recommendations",
    ]


def namespaces_of(api: Api, owner: str) -> set[str]:
    """The owner's namespaces that ran on the test day (its rows of the tenant mart)."""
    rows = api.marts.run.query(
        "select distinct namespace from reporting.rpt_tenant_namespace_daily"
        f" where owner = '{owner}' and date = '{API_START}'"
    )
    return {namespace for (namespace,) in rows}


FLEET_PATHS = [
    "/api/v1/cost?group_by=namespace",
    "/api/v1/cost?group_by=owner",
    "/api/v1/cost?group_by=tier",
    "/api/v1/cost?group_by=cluster_type",
    "/api/v1/pareto",
    "/api/v1/calibration",
]
ESTIMATE = {"cpu_request_cores": 2, "mem_request_gb": 4, "cpu_utilisation": 0.5, "replicas": 3}


def _all_items(client: httpx.Client, path: str, limit: int = 7) -> list[dict]:
    items, cursor = [], None
    sep = "&" if "?" in path else "?"
    for _ in range(1000):
        url = f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError(f"{path}: pagination never ended")


def test_authorization_matrix(api: Api) -> None:
    mine, theirs = api.owners
    my_namespaces, their_namespaces = namespaces_of(api, mine), namespaces_of(api, theirs)
    # the sample inventory labels several namespaces for each owner, none shared between them
    assert len(my_namespaces) >= 3 and len(their_namespaces) >= 3
    assert not my_namespaces & their_namespaces
    my_namespace, their_namespace = sorted(my_namespaces)[0], "spark"
    assert their_namespace in their_namespaces
    endpoints = [*owner_paths(mine, my_namespace), *owner_paths(theirs, their_namespace)]
    endpoints += FLEET_PATHS
    with api.server.client() as anonymous, api.server.client("kf_000000000000_bad") as bad:
        for path in endpoints:
            assert anonymous.get(path).status_code == 401, path
            assert bad.get(path).status_code == 401, path
        assert anonymous.post("/api/v1/estimate", json=ESTIMATE).status_code == 401
        assert anonymous.get("/healthz").status_code == 200
    with api.server.client(api.admin) as admin:
        for path in endpoints:
            assert admin.get(path).status_code == 200, (path, admin.get(path).text)
        assert admin.post("/api/v1/estimate", json=ESTIMATE).status_code == 200
    with api.server.client(api.tokens[mine]) as tenant:
        for path in [*owner_paths(mine, my_namespace), *FLEET_PATHS]:
            assert tenant.get(path).status_code == 200, path
        for namespace in my_namespaces:  # every namespace of the owner, not one
            assert tenant.get(f"/api/v1/namespaces/{namespace}/cost").status_code == 200
        assert tenant.post("/api/v1/estimate", json=ESTIMATE).status_code == 200
        for other, unknown in zip(
            owner_paths(theirs, their_namespace),
            owner_paths("no-such-owner-xyz", "no-such-namespace-xyz"),
            strict=True,
        ):
            denied, missing = tenant.get(other), tenant.get(unknown)
            assert denied.status_code == missing.status_code == 404, other
            assert denied.content == missing.content  # no existence leak
            assert denied.headers.get("content-length") == missing.headers.get("content-length")
        # every list a tenant reads holds only its own owner's rows, group_by included
        assert {r["group"] for r in _all_items(tenant, "/api/v1/cost?group_by=owner")} == {mine}
        tiers = {r["group"] for r in _all_items(tenant, "/api/v1/cost?group_by=tier")}
        assert tiers == {"developer", "unknown"}  # its namespaces' tier; its bucket has none
        by_namespace = _all_items(tenant, "/api/v1/cost?group_by=namespace")
        assert {r["group"] for r in by_namespace} == my_namespaces
        assert {r["namespace"] for r in _all_items(tenant, "/api/v1/pareto")} <= my_namespaces
        summary = tenant.get(f"/api/v1/governance/tenant/{mine}/summary").json()
        assert {n["namespace"] for n in summary["namespaces"]["items"]} == my_namespaces
        assert {r["namespace"] for r in summary["top_recommendations"]} <= my_namespaces
        assert {q["namespace"] for q in summary["quota_fit"]["items"]} <= my_namespaces
        assert {b["bucket"] for b in summary["object_storage"]["items"]} == {f"{mine}-data"}
    with api.server.client(api.tokens[theirs]) as other_tenant:
        assert other_tenant.get(f"/api/v1/namespaces/{my_namespace}/cost").status_code == 404
        summary = other_tenant.get(f"/api/v1/governance/tenant/{theirs}/summary").json()
        buckets = {b["bucket"] for b in summary["object_storage"]["items"]}
        assert f"{mine}-data" not in buckets and f"{theirs}-data" in buckets


def test_admin_lists_match_the_marts_and_paginate(api: Api) -> None:
    db = api.marts.run
    with api.server.client(api.admin) as admin:
        groups = _all_items(admin, "/api/v1/cost?group_by=cluster_type", limit=2)
        pareto = _all_items(admin, "/api/v1/pareto", limit=5)
    expected = dict(
        db.query(
            "select cluster_type, sum(alloc_cost) from marts.ns_usage_daily"
            f" where date = '{API_START}' group by cluster_type"
        )
    )
    assert {g["group"]: g["alloc_cost"] for g in groups} == pytest.approx(expected)
    ranks = db.query(
        f"select cluster_type, waste_rank from marts.pareto_ns where date = '{API_START}'"
        " order by cluster_type, waste_rank"
    )
    assert [(r["cluster_type"], r["waste_rank"]) for r in pareto] == ranks


def test_summary_of_an_owner(api: Api) -> None:
    mine = api.owners[0]
    db = api.marts.run
    with api.server.client(api.tokens[mine]) as tenant:
        body = tenant.get(f"/api/v1/governance/tenant/{mine}/summary").json()
        # a window other than the published one runs the same SQL live: the same answer
        wider = tenant.get(
            f"/api/v1/governance/tenant/{mine}/summary?start=2026-06-30&end={API_START}"
        ).json()
        first = tenant.get(f"/api/v1/governance/tenant/{mine}/summary?limit=2").json()
        rest = tenant.get(
            f"/api/v1/governance/tenant/{mine}/summary?limit=100"
            f"&cursor={first['namespaces']['next_cursor']}"
        ).json()
    assert body["window"] == {"start": API_START, "end": API_START}
    assert {k: v for k, v in wider.items() if k != "window"} == {
        k: v for k, v in body.items() if k != "window"
    }
    pages = first["namespaces"]["items"] + rest["namespaces"]["items"]
    assert pages == body["namespaces"]["items"] and rest["namespaces"]["next_cursor"] is None
    mine_now = (
        "(select cluster_type, namespace from reporting.rpt_namespace_owner"
        f" where owner = '{mine}' and is_latest)"
    )
    ((alloc, waste),) = db.query(
        "select sum(alloc_cost), sum(waste_cost) from marts.ns_usage_daily"
        f" where (cluster_type, namespace) in {mine_now} and date = '{API_START}'"
    )
    assert body["totals"]["alloc_cost"] == pytest.approx(alloc)
    assert body["totals"]["waste_cost"] == pytest.approx(waste)
    assert body["totals"]["namespace_count"] == len(body["namespaces"]["items"]) >= 3
    # chargeback: the owner's rows of tenant_cost_daily, shared share and bucket included
    ((total, shared, storage),) = db.query(
        "select sum(total_cost), sum(shared_cost), sum(object_storage_cost)"
        f" from marts.tenant_cost_daily where owner = '{mine}'"
    )
    assert body["cost"]["total_cost"] == pytest.approx(total)
    assert body["cost"]["shared_cost"] == pytest.approx(shared) and shared > 0
    assert body["cost"]["object_storage_cost"] == pytest.approx(storage) and storage > 0
    assert body["cost"]["idle_cost"] == 0  # idle kept on __idle__ (var idle_cost: keep)
    ((recommendations,),) = db.query(
        "select count(*) from marts.rightsizing_recommendations"
        f" where (cluster_type, namespace) in {mine_now}"
    )
    assert body["totals"]["open_recommendations"] == recommendations > 0
    statuses = dict(
        db.query(
            "select status, count(*) from marts.quota_fit"
            f" where (cluster_type, namespace) in {mine_now} group by status"
        )
    )
    quota = body["quota_fit"]
    assert {k: quota[k] for k in ("exceeded", "almost_full", "oversized", "fit")} == {
        k: statuses.get(k, 0) for k in ("exceeded", "almost_full", "oversized", "fit")
    }
    assert quota["exceeded"] > 0 and quota["items"][0]["status"] == "exceeded"
    assert len(quota["items"]) == min(20, sum(statuses.values()) - statuses.get("fit", 0))
    lifecycle = db.query(
        "select cluster_type, namespace, lifecycle_status from marts.gov_namespace_lifecycle"
        f" where owner = '{mine}' order by cluster_type, namespace"
    )
    items = body["lifecycle"]["items"]
    assert sorted((i["cluster_type"], i["namespace"], i["lifecycle_status"]) for i in items) == [
        tuple(row) for row in lifecycle
    ]
    statuses = [status for _, _, status in lifecycle]
    assert body["lifecycle"]["invalid_ttl"] == statuses.count("invalid_ttl") > 0
    assert body["lifecycle"]["expiring"] == statuses.count("expiring")
    ((bucket_bytes,),) = db.query(
        f"select bytes from marts.tenant_storage_daily where bucket = '{mine}-data'"
    )
    assert body["object_storage"]["buckets"] == 1
    assert body["object_storage"]["items"][0]["bytes"] == bucket_bytes


def test_summary_of_an_inactive_owner_shows_its_bucket_suggestion(api: Api) -> None:
    """oscar's only namespace expired (sample inventory): its bucket is flagged with the
    lifecycle suggestion of gov_bucket_lifecycle."""
    with api.server.client(api.admin) as admin:
        body = admin.get("/api/v1/governance/tenant/oscar/summary").json()
    assert body["lifecycle"]["expired"] == 1
    assert body["lifecycle"]["items"][0]["command"].startswith("kubectl delete namespace ")
    (bucket,) = body["object_storage"]["items"]
    assert bucket["bucket"] == "oscar-data" and body["object_storage"]["inactive_buckets"] == 1
    assert bucket["suggestion"].startswith("mc ilm rule add --expire-days 30 ")


def test_validation_errors_name_the_parameter(api: Api) -> None:
    with api.server.client(api.admin) as admin:
        cases = {
            "/api/v1/cost?start=2026-13-01": "start",
            "/api/v1/cost?group_by=colour": "group_by",
            "/api/v1/cost?limit=0": "limit",
            "/api/v1/cost?limit=100000": "limit",
            "/api/v1/cost?cursor=not-ours": "cursor",
            "/api/v1/pareto?date=yesterday": "date",
            "/api/v1/cost?start=2026-07-02&end=2026-07-01": "end",
        }
        for path, name in cases.items():
            response = admin.get(path)
            assert response.status_code == 422, path
            assert name in response.text, (path, response.text)
        # a cursor of another endpoint is refused too
        page = admin.get("/api/v1/pareto?limit=1").json()
        assert admin.get(f"/api/v1/cost?cursor={page['next_cursor']}").status_code == 422
        both = admin.post("/api/v1/estimate", json={**ESTIMATE, "cpu_history_cores": [1.0, 2.0]})
        assert both.status_code == 422 and "cpu_utilisation" in both.text


def test_estimate_by_hand(api: Api) -> None:
    """3 replicas x 730 h of 2 cores + 4 GB at the default prices; power 0.74 W per requested core
    + 2.76 W per used core (1 core used), PUE 1.3, 0.12 $/kWh, 0.45 kg/kWh, 0.05 $/kg."""
    with api.server.client(api.admin) as admin:
        body = admin.post("/api/v1/estimate", json=ESTIMATE).json()
    # 3 * 730 * (2 * 0.031611 + 4 * 0.004237) = 2190 * 0.08017
    assert body["monthly_cost"] == pytest.approx(175.5723)
    # 3 * (0.74 * 2 + 2.76 * 1) W * 730 h / 1000 = 9.2856 kWh
    assert body["it_kwh"] == pytest.approx(9.2856)
    assert body["facility_kwh"] == pytest.approx(12.07128)
    assert body["electricity_cost"] == pytest.approx(1.4485536)
    assert body["carbon_kg"] == pytest.approx(5.432076)
    assert body["carbon_cost"] == pytest.approx(0.2716038)
    assert body["inputs"]["hours"] == 730 and body["inputs"]["power_model_source"] == "vars"


def test_estimate_equals_the_marts_on_a_real_workload(api: Api) -> None:
    """Every container of a model-energy namespace-day, estimated from its own requests and
    measured mean CPU over its own running hours, sums to the namespace's cost and energy."""
    db = api.marts.run
    ((cluster_type, namespace, alloc_cost, it_kwh, facility_kwh, carbon_kg),) = db.query(
        "select n.cluster_type, n.namespace, n.alloc_cost, e.it_kwh, e.facility_kwh, e.carbon_kg"
        " from marts.ns_usage_daily as n inner join marts.energy_ns_daily as e"
        " using (date, cluster_type, namespace)"
        f" where n.date = '{API_START}' and e.energy_source = 'model' and n.alloc_cost > 0"
        " order by e.model_container_cnt desc, n.namespace limit 1"
    )
    containers = db.query(
        "select cpu_request_max, mem_request_max, pv_capacity_max, cpu_usage_avg, minutes_running"
        f" from marts.daily_enriched where date = '{API_START}'"
        f" and cluster_type = '{cluster_type}' and namespace = '{namespace}'"
    )
    totals = {"monthly_cost": 0.0, "it_kwh": 0.0, "facility_kwh": 0.0, "carbon_kg": 0.0}
    with api.server.client(api.admin) as admin:
        for cpu_request, mem_request, pv, cpu_avg, minutes in containers:
            body = admin.post(
                "/api/v1/estimate",
                json={
                    "cluster_type": cluster_type,
                    "replicas": 1,
                    "cpu_request_cores": cpu_request,
                    "mem_request_gb": mem_request,
                    "pv_request_gb": pv,
                    "cpu_history_cores": [cpu_avg],
                    "hours": minutes / 60,
                },
            )
            assert body.status_code == 200, body.text
            for key in totals:
                totals[key] += body.json()[key]
    assert len(containers) >= 1
    assert totals["monthly_cost"] == pytest.approx(alloc_cost, rel=1e-9)
    assert totals["it_kwh"] == pytest.approx(it_kwh, rel=1e-9)
    assert totals["facility_kwh"] == pytest.approx(facility_kwh, rel=1e-9)
    assert totals["carbon_kg"] == pytest.approx(carbon_kg, rel=1e-9)
    assert not math.isclose(it_kwh, 0)


def test_no_token_in_logs(api: Api) -> None:
    secret = api.admin.split("_")[-1]
    with api.server.client(api.admin) as admin:
        admin.get("/api/v1/calibration")
        admin.get("/api/v1/namespaces/spark/cost")
    with api.server.client(api.admin + "x") as wrong:
        assert wrong.get("/api/v1/calibration").status_code == 401
    log = api.server.log_text()
    assert "GET /api/v1/calibration" in log  # the access log is on and captured
    for token in [api.admin, *api.tokens.values()]:
        assert token.split("_")[-1] not in log
    assert secret not in log and "Bearer" not in log and "Authorization" not in log


def test_schemathesis_finds_no_server_error(api: Api, tmp_path: Path) -> None:
    """Property-based requests for every operation of /openapi.json (bounded): never a 5xx."""
    for token in (api.admin, api.tokens[api.owners[0]]):
        proc = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "run",
                f"{api.server.url}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "15",
                "--phases",
                "examples,coverage,fuzzing",
                "--seed",
                "16",
                "--workers",
                "2",
                "--generation-database",
                "none",
                "--no-color",
                "-H",
                f"Authorization: Bearer {token}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,  # schemathesis keeps a cache folder in its working directory
            check=False,
        )
        tail = proc.stdout[-3000:]
        assert proc.returncode == 0, tail
        assert re.search(r"Selected: 10/10", proc.stdout), tail


CLIENTS = 8


def _second_snapshot_source(marts: SampleMarts, work: Path) -> Path:
    """A copy of the built marts whose costs differ, so each answer says which snapshot it read."""
    copy = work / "finops-b.duckdb"
    shutil.copy(marts.run.db_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "update marts.ns_usage_daily set alloc_cost = alloc_cost + 1000,"
            " waste_cost = waste_cost + 10"
        )
        con.execute("update marts.rightsizing_recommendations set monthly_cost_delta = -1")
    return copy


def test_publish_during_parallel_requests(api_sample_marts: SampleMarts, tmp_path: Path) -> None:
    source_a = api_sample_marts.run.db_path
    source_b = _second_snapshot_source(api_sample_marts, tmp_path)
    published = tmp_path / "published" / "finops.duckdb"
    tokens = tmp_path / "tokens.json"
    admin = issue(tokens, "admin")
    publish(source_a, published)
    server = start_server(published, tokens)
    paths = [
        "/api/v1/governance/tenant/team-data/summary",
        "/api/v1/cost?group_by=cluster_type",
    ]
    try:
        with server.client(admin) as client:

            def answers() -> dict[str, object]:
                return {path: client.get(path).json() for path in paths}

            expected_a = answers()
            publish(source_b, published)
            expected_b = answers()
            assert expected_a != expected_b
            publish(source_a, published)
            assert answers() == expected_a

        stop = threading.Event()
        seen: list[tuple[str, int, object]] = []
        lock = threading.Lock()

        def reader(index: int) -> None:
            with server.client(admin) as own:
                i = index
                while not stop.is_set():
                    path = paths[i % len(paths)]
                    response = own.get(path)
                    body = response.json() if response.status_code == 200 else response.text
                    with lock:
                        seen.append((path, response.status_code, body))
                    i += 1

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for source in (source_b, source_a, source_b, source_a, source_b):
            time.sleep(0.5)
            publish(source, published)
        time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert len(seen) > 2 * CLIENTS
        for path, status, body in seen:
            assert status == 200, (path, body)
            assert body in (expected_a[path], expected_b[path]), f"mixed answer on {path}"
        with server.client(admin) as client:
            assert {p: client.get(p).json() for p in paths} == expected_b  # the newest one
        assert any(body == expected_a[p] for p, _, body in seen)
        assert any(body == expected_b[p] for p, _, body in seen)
    finally:
        stop_server(server)


def _published_at(path: Path) -> object:
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True);"
        " print(con.execute('select published_at from main.snapshot_info').fetchone()[0])"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()


def _make_build(
    work: Path, db: Path, published: Path, lake: Path, start: str
) -> subprocess.CompletedProcess:
    env = dbt_env(db, work)
    env.update(
        {
            "FINOPS_PUBLISH_PATH": str(published),
            "PYTHONPATH": str(REPO / "scripts"),
            "MAKEFLAGS": "",
        }
    )
    venv = Path(sys.executable).parent.parent
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "build",
            f"VENV={venv}",
            f"RAW_PATH={lake / 'raw'}",
            f"START={start}",
            f"END={start}",
            f"FINOPS_DUCKDB_PATH={db}",
            f"FINOPS_PUBLISH_PATH={published}",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_build_while_an_analyst_holds_the_published_file(
    api_sample_marts: SampleMarts, tmp_path: Path
) -> None:
    db = tmp_path / "finops.duckdb"
    shutil.copy(api_sample_marts.run.db_path, db)
    published = tmp_path / "published" / "finops.duckdb"
    publish(db, published)
    before = _published_at(published)
    with duckdb.connect(str(published), read_only=True) as analyst:
        (held,) = analyst.execute("select published_at from main.snapshot_info").fetchone()
        built = _make_build(tmp_path, db, published, api_sample_marts.lake, API_START)
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        # the analyst still reads the snapshot it opened, whole
        assert analyst.execute("select published_at from main.snapshot_info").fetchone() == (held,)
        assert analyst.execute("select count(*) from marts.ns_usage_daily").fetchone()[0] > 0
    after = _published_at(published)
    assert after != before  # a new reader sees the new snapshot
    inode = os.stat(published).st_ino
    failed = _make_build(tmp_path, db, published, api_sample_marts.lake, "2026-02-30")
    assert failed.returncode != 0
    assert "kube_finops.publish" not in failed.stdout  # the recipe stopped before publishing
    assert os.stat(published).st_ino == inode and _published_at(published) == after
    assert not [p for p in published.parent.iterdir() if p.name != published.name]
