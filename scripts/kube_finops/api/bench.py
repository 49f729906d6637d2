"""API load benchmark (`make bench-api`): fleet-sized marts, 16 concurrent clients, p50/p95.

Fleet-sized marts are generated straight into a snapshot-shaped DuckDB file (schemas marts and
reporting with the tables and columns the API reads: 6,000 namespaces x 30 days), because building
the fleet lake through dbt takes far longer than the load run. The API runs as `make serve` does
(a uvicorn process, one worker per core); the clients are `wrk` (C, one thread, 16 connections,
a Lua script for the token and the random owners / namespaces), so the load generator takes a
small share of the cores the API runs on. Not a test: the numbers, with the load average before
each endpoint's run, go to stdout and to data/bench/api.md.

    python -m kube_finops.api.bench [--namespaces 6000] [--days 30] [--clients 16] [--seconds 10]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import httpx

from kube_finops.api.auth import issue_token
from kube_finops.publish import create_indexes, precompute

LOG = logging.getLogger("kube_finops.api.bench")
TARGET_P95_MS = 50.0
FIRST_DAY = date(2026, 6, 1)

NAMESPACES_PER_OWNER = 4  # 6,000 namespaces: 1,500 owners
# rendered by the cost and energy macros with the default vars (what rpt_estimate_inputs holds)
_EXPRESSIONS = (
    "cpu_core_hours * cpu_core_hour_price + mem_gb_hours * mem_gb_hour_price"
    " + pv_gb_hours * pv_gb_hour_price",
    "(idle_watts_per_core * cpu_request_cores + dynamic_watts_per_core * cpu_usage_cores)"
    " * minutes_running / 60.0 / 1000.0",
    "it_kwh * 1.3",
    "facility_kwh * 0.12",
    "facility_kwh * 0.45",
    "facility_kwh * 0.45 * 0.05",
)


def generate(path: Path, namespaces: int, days: int) -> None:
    """Write marts-shaped tables for `namespaces` x `days` into a new DuckDB file."""
    last = FIRST_DAY + timedelta(days=days - 1)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema reporting")
        con.execute(
            f"""create table namespaces as
            select
                i,
                printf('tenant-%05d', i) as namespace,
                case when i % 10 < 8 then 'COMPUTE' when i % 10 = 8 then 'STORAGE' else 'EDGE' end
                    as cluster_type,
                ['gold', 'silver', 'bronze'][i % 3 + 1] as tier
            from range({namespaces}) as t(i)"""
        )
        con.execute(
            f"""create table days as
            select cast(d as date) as date
            from range(date '{FIRST_DAY}', date '{last}' + interval 1 day, interval 1 day)
                as t(d)"""
        )
        con.execute(
            """create table marts.ns_usage_daily as
            select
                d.date, n.cluster_type, n.namespace,
                h * 0.3 as cpu_used_ch, h as cpu_alloc_ch, h * 0.7 as cpu_waste_ch,
                h * 1.5 as mem_used_gh, h * 4 as mem_alloc_gh, h * 2.5 as mem_waste_gh,
                0.0 as pv_used_gh, (n.i % 7) * 24.0 as pv_alloc_gh, 0.0 as pv_waste_gh,
                1 + n.i % 40 as container_cnt,
                0.031611 as cpu_core_hour_price, 0.004237 as mem_gb_hour_price,
                0.0000548 as pv_gb_hour_price, 'USD' as currency,
                h * 0.031611 as cpu_alloc_cost, h * 4 * 0.004237 as mem_alloc_cost,
                (n.i % 7) * 24.0 * 0.0000548 as pv_alloc_cost,
                h * 0.7 * 0.031611 as cpu_waste_cost, h * 2.5 * 0.004237 as mem_waste_cost,
                0.0 as pv_waste_cost, h * 1.44 as final_usage_score,
                h * 0.031611 + h * 4 * 0.004237 + (n.i % 7) * 24.0 * 0.0000548 as alloc_cost,
                h * 0.7 * 0.031611 + h * 2.5 * 0.004237 as waste_cost
            from namespaces as n
            cross join days as d
            cross join lateral (
                select cast(24 * (1 + (n.i * 7 + dayofyear(d.date)) % 50) as double) as h
            )"""
        )
        con.execute(
            """create table marts.energy_ns_daily as
            select
                date, cluster_type, namespace, cpu_alloc_ch * 0.002 as it_kwh, 0.0 as kepler_it_kwh,
                cpu_alloc_ch * 0.002 as model_it_kwh, 0 as kepler_container_cnt,
                container_cnt as model_container_cnt, 'model' as energy_source,
                cpu_alloc_ch * 0.0026 as facility_kwh, cpu_alloc_ch * 0.000312 as electricity_cost,
                cpu_alloc_ch * 0.00117 as carbon_kg, cpu_alloc_ch * 0.0000585 as carbon_cost
            from marts.ns_usage_daily"""
        )
        con.execute(
            """create table marts.pareto_ns as
            with ranked as (
                select
                    date, cluster_type, namespace, cpu_waste_ch as total_waste_core_hours,
                    container_cnt * 1440 as minutes_running_sum, container_cnt,
                    cpu_alloc_ch as total_allocated_core_hours,
                    100.0 * cpu_waste_ch / sum(cpu_waste_ch) over w_all as waste_share_pct,
                    100.0 * sum(cpu_waste_ch) over w_run / sum(cpu_waste_ch) over w_all
                        as waste_cumsum_pct,
                    row_number() over w_run as waste_rank
                from marts.ns_usage_daily
                window
                    w_all as (partition by date, cluster_type),
                    w_run as (partition by date, cluster_type order by cpu_waste_ch desc, namespace)
            )
            select
                *, waste_cumsum_pct - waste_share_pct as waste_cumsum_before_pct,
                case
                    when waste_cumsum_pct - waste_share_pct < 20 then 'Critical'
                    when waste_cumsum_pct - waste_share_pct < 50 then 'High'
                    when waste_cumsum_pct - waste_share_pct < 80 then 'Medium'
                    else 'Low'
                end as grade
            from ranked"""
        )
        con.execute(
            """create table marts.gov_risk_oom as
            select u.date, u.cluster_type, u.namespace, printf('pod-%d', c) as pod,
                'main' as container, c % 3 = 0 as is_oom_killed, 'Request Shortage' as status
            from marts.ns_usage_daily as u, range(cast(1 + hash(u.namespace) % 4 as bigint)) as t(c)
            where hash(u.namespace, u.date) % 3 = 0"""
        )
        con.execute(
            """create table marts.gov_violations as
            select u.date, u.cluster_type, u.namespace, printf('pod-%d', c) as pod,
                'main' as container, true as has_no_request, false as has_no_limit
            from marts.ns_usage_daily as u, range(cast(1 + hash(u.namespace) % 3 as bigint)) as t(c)
            where hash(u.date, u.namespace) % 4 = 0"""
        )
        con.execute(
            f"""create table marts.dormant_namespaces as
            select cluster_type, namespace, {days} as days_observed,
                date '{FIRST_DAY}' as idle_since_at_least, 0.0 as max_cpu_usage_p95,
                3 as container_cnt, 1.5 as cpu_request_cores, 2.0 as mem_request_gb,
                0.0 as pv_capacity_gb, 1080.0 as held_cpu_core_hours_per_month,
                1440.0 as held_mem_gb_hours_per_month, 0.0 as held_pv_gb_hours_per_month,
                40.2 as held_cost_per_month, 'USD' as currency
            from namespaces where i % 20 = 0"""
        )
        con.execute(
            f"""create table marts.rightsizing_recommendations as
            select
                n.cluster_type, n.namespace, 'deployment' as workload_kind,
                printf('app-%d', w) as workload, 'main' as container,
                ['over_allocated', 'shortage', 'missing_settings'][w % 3 + 1]
                    as recommendation_type,
                ['critical', 'warning', 'ok'][(n.i + w) % 3 + 1] as severity,
                2.0 as current_cpu_request, 4.0 as current_mem_request_gb,
                0.5 as recommended_cpu_request, 2.0 as recommended_cpu_limit,
                1.5 as recommended_mem_request_gb, 4.0 as recommended_mem_limit_gb,
                -10.0 * (1 + w) as monthly_cost_delta, 'USD' as currency,
                printf('app-%d (deployment) container main in %s: shrink', w, n.namespace)
                    as message,
                printf('kubectl -n %s set resources deployment/app-%d -c main', n.namespace, w)
                    as kubectl_command,
                date '{last}' - 6 as window_start_date, date '{last}' as window_end_date
            from namespaces as n, range(cast(n.i % 5 as bigint)) as t(w)"""
        )
        con.execute(
            f"""create table reporting.rpt_namespace_owner as
            select
                u.date, u.cluster_type, u.namespace,
                printf('owner-%05d', n.i // {NAMESPACES_PER_OWNER}) as owner, n.tier,
                'label' as owner_source, false as is_shared,
                u.date = max(u.date) over (partition by u.cluster_type, u.namespace) as is_latest
            from marts.ns_usage_daily as u inner join namespaces as n using (namespace)"""
        )
        con.execute(
            """create table reporting.rpt_tenant_namespace_daily as
            select
                u.date, u.cluster_type, u.namespace, o.owner, o.tier, u.currency,
                u.cpu_alloc_cost, u.mem_alloc_cost, u.pv_alloc_cost, u.alloc_cost, u.waste_cost,
                e.it_kwh, e.facility_kwh, e.electricity_cost, e.carbon_kg, p.grade as pareto_grade,
                coalesce(r.oom, 0) as oom_container_days,
                coalesce(r.shortage, 0) as shortage_container_days,
                coalesce(v.violations, 0) as violation_container_days
            from marts.ns_usage_daily as u
            inner join reporting.rpt_namespace_owner as o using (date, cluster_type, namespace)
            left join marts.energy_ns_daily as e using (date, cluster_type, namespace)
            left join marts.pareto_ns as p using (date, cluster_type, namespace)
            left join (
                select date, cluster_type, namespace, count(*) filter (where is_oom_killed) as oom,
                    count(*) filter (where not is_oom_killed) as shortage
                from marts.gov_risk_oom group by all
            ) as r using (date, cluster_type, namespace)
            left join (
                select date, cluster_type, namespace, count(*) as violations
                from marts.gov_violations group by all
            ) as v using (date, cluster_type, namespace)"""
        )
        con.execute(
            """create table marts.tenant_cost_daily as
            select
                t.date, t.cluster_type, o.owner, o.tier, count(*) as namespaces,
                sum(t.cpu_alloc_cost) as cpu_alloc_cost, sum(t.mem_alloc_cost) as mem_alloc_cost,
                sum(t.pv_alloc_cost) as pv_alloc_cost, sum(t.alloc_cost) * 0.05 as overage_cost,
                0.0 as object_storage_cost, sum(t.waste_cost) as waste_cost,
                sum(t.alloc_cost) * 0.03 as shared_cost, 0.0 as idle_cost,
                sum(t.alloc_cost) * 1.08 as total_cost, sum(t.alloc_cost) * 0.01 as energy_cost,
                'USD' as currency
            from marts.ns_usage_daily as t
            inner join reporting.rpt_namespace_owner as o using (date, cluster_type, namespace)
            group by all"""
        )
        con.execute(
            f"""create table marts.quota_fit as
            select
                date '{last}' as as_of_date, n.cluster_type, n.namespace,
                'personal-user-quota' as resourcequota, r.resource, r.unit as resource_unit,
                r.hard, r.hard * u.ratio as used_max, u.ratio as used_ratio_max,
                {days} as days_observed,
                case when u.ratio > 1 then 'exceeded' when u.ratio >= 0.9 then 'almost_full'
                    when u.ratio < 0.3 then 'oversized' else 'fit' end as status,
                r.hard * greatest(u.ratio, 0.01) * 1.25 as recommended_hard,
                '1' as recommended_hard_quantity, 1.5 as ns_cpu_request_cores,
                0.4 as ns_cpu_usage_p95_cores, 2.0 as ns_mem_request_gb,
                1.0 as ns_mem_usage_p95_gb, 0.0 as ns_pv_capacity_gb,
                case when u.ratio > 1 or u.ratio >= 0.9 or u.ratio < 0.3
                    then printf('kubectl -n %s patch resourcequota ...', n.namespace) end
                    as command
            from namespaces as n
            cross join (values ('requests.cpu', 'cores', 2.0), ('limits.cpu', 'cores', 4.0),
                ('requests.memory', 'bytes', 4294967296.0),
                ('limits.memory', 'bytes', 8589934592.0),
                ('pods', 'count', 5.0), ('persistentvolumeclaims', 'count', 2.0),
                ('requests.storage', 'bytes', 53687091200.0)) as r(resource, unit, hard)
            cross join lateral (
                select (hash(n.namespace, r.resource) % 120) / 100.0 as ratio
            ) as u"""
        )
        con.execute(
            f"""create table marts.gov_namespace_lifecycle as
            select
                date '{last}' as as_of_date, o.cluster_type, o.namespace, o.owner,
                date '{last}' - 3 as ttl_expire_date, cast(date '{last}' - 3 as varchar) as ttl_raw,
                'expired' as lifecycle_status, false as is_dormant, 1.5 as cpu_request_cores,
                2.0 as mem_request_gb, 0.0 as pv_capacity_gb, 0.0 as owner_bucket_bytes,
                40.2 as held_cost_per_month, 'USD' as currency,
                date '{last}' + 4 as delete_after_date,
                printf('notify %s; delete after %s', o.owner, date '{last}' + 4) as action,
                printf('kubectl delete namespace %s', o.namespace) as command
            from reporting.rpt_namespace_owner as o
            where o.is_latest and hash(o.namespace) % 25 = 0"""
        )
        con.execute(
            """create table marts.tenant_storage_daily as
            select
                d.date, o.owner, o.owner || '-data' as bucket,
                1e9 * (1 + hash(o.owner) % 500) as bytes, 1e4 as objects,
                null::double as quota_bytes,
                24 as snapshots, 24.0 * (1 + hash(o.owner) % 500) as gib_hours,
                24.0 * (1 + hash(o.owner) % 500) / 730 * 0.023 as cost, 'USD' as currency
            from (select distinct owner from reporting.rpt_namespace_owner) as o
            cross join days as d"""
        )
        con.execute(
            f"""create table marts.gov_bucket_lifecycle as
            select
                date '{last}' as as_of_date, bucket, owner, bytes, objects, 1.0 as cost_per_month,
                'USD' as currency, 0 as owner_namespaces, 'no namespace left' as reason,
                printf('mc ilm rule add --expire-days 30 minio/%s', bucket) as suggestion
            from marts.tenant_storage_daily
            where date = date '{last}' and hash(owner) % 30 = 0"""
        )
        con.execute(
            f"""create table reporting.rpt_window as
            select date '{last}' - 6 as window_start_date, date '{last}' as window_end_date,
                'Asia/Seoul' as report_timezone, 7 as window_days"""
        )
        con.execute(
            """create table reporting.rpt_estimate_inputs as
            select cluster_type, 0.031611 as cpu_core_hour_price, 0.004237 as mem_gb_hour_price,
                0.0000548 as pv_gb_hour_price, 'USD' as currency, 0.74 as idle_watts_per_core,
                2.76 as dynamic_watts_per_core, 'vars' as power_model_source, 1.3 as pue,
                0.12 as electricity_rate, 0.45 as carbon_intensity, 0.05 as carbon_price,
                730 as hours_per_month, ? as cost_expression, ? as it_kwh_expression,
                ? as facility_kwh_expression,
                ? as electricity_cost_expression, ? as carbon_kg_expression,
                ? as carbon_cost_expression
            from (values ('*'), ('COMPUTE'), ('STORAGE'), ('EDGE')) as t(cluster_type)""",
            list(_EXPRESSIONS),
        )
        con.execute(
            "create table main.snapshot_info as select ?::timestamptz as published_at,"
            " 'generated by kube_finops.api.bench' as source_path, 16 as table_count",
            [datetime.now(UTC)],
        )
        con.execute("drop table namespaces; drop table days")
        # the marts hold DOUBLEs (SQL literals above made DECIMALs)
        decimals = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where data_type like 'DECIMAL%' and table_schema in ('marts', 'reporting')"
        ).fetchall()
        for schema, table, column in decimals:
            con.execute(f"alter table {schema}.{table} alter column {column} type double")
        precompute(con)  # as make publish does
        create_indexes(con)
        con.execute("checkpoint")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# wrk's Lua: a request per call with random owners / namespaces, then one RESULT line
_LUA = """
local token = os.getenv("BENCH_API_TOKEN")
wrk.headers["Authorization"] = "Bearer " .. token
local owners = %(owners)d
local namespaces = %(namespaces)d
local function owner() return string.format("owner-%%05d", math.random(0, owners - 1)) end
local function namespace() return string.format("tenant-%%05d", math.random(0, namespaces - 1)) end
local json = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
function setup(thread) thread:set("seed", math.random(1, 1000000)) end
function init(args) math.randomseed(seed + os.time()) end
function request()
  %(request)s
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%.1f %%.1f\\n", summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""
_RESULT = re.compile(r"^RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)$", re.MULTILINE)


def _scenarios(days: int) -> dict[str, str]:
    """Endpoint name -> the body of wrk's request() in Lua."""
    live_start = FIRST_DAY + timedelta(days=days - 8)

    def get(path: str) -> str:
        return f'return wrk.format("GET", {path})'

    return {
        "GET tenant summary (7 days)": get('"/api/v1/governance/tenant/" .. owner() .. "/summary"'),
        "GET tenant summary (8 days, live SQL)": get(
            f'"/api/v1/governance/tenant/" .. owner() .. "/summary?start={live_start}"'
        ),
        "GET namespace cost (7 days)": get('"/api/v1/namespaces/" .. namespace() .. "/cost"'),
        "GET namespace usage (30 days)": get(
            f'"/api/v1/namespaces/" .. namespace() .. "/usage?start={FIRST_DAY}"'
        ),
        "GET namespace recommendations": get(
            '"/api/v1/namespaces/" .. namespace() .. "/recommendations"'
        ),
        "GET cost group_by=owner (page of 100)": get('"/api/v1/cost?group_by=owner"'),
        "GET cost group_by=tier (7 days)": get('"/api/v1/cost?group_by=tier"'),
        "GET cost group_by=namespace (page of 100)": get('"/api/v1/cost?group_by=namespace"'),
        "GET pareto (page of 100)": get('"/api/v1/pareto"'),
        "POST estimate": (
            'local body = string.format(\'{"cpu_request_cores": %s, "mem_request_gb": 4,'
            ' "cpu_utilisation": %.3f, "replicas": %d}\', ({0.5, 1, 2, 4})[math.random(1, 4)],'
            " math.random(), math.random(1, 10))\n"
            '  return wrk.format("POST", "/api/v1/estimate", json, body)'
        ),
    }


def _wrk(
    wrk: str, url: str, token: str, script: Path, clients: int, seconds: float
) -> tuple[int, int, int, float, float]:
    """One wrk run: requests, socket errors (connect/read/write/timeout), non-2xx answers, p50
    and p95 in ms."""
    proc = subprocess.run(
        [
            wrk,
            "--threads",
            "1",
            "--connections",
            str(clients),
            "--duration",
            f"{seconds:g}s",
            "--timeout",
            "30s",
            "--script",
            str(script),
            url,
        ],
        env=dict(os.environ, BENCH_API_TOKEN=token),
        capture_output=True,
        text=True,
        check=False,
    )
    found = _RESULT.search(proc.stdout)
    if proc.returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {(proc.stderr or proc.stdout)[-500:]}")
    requests, socket_errors, status_errors = (int(found.group(n)) for n in (1, 2, 3))
    return requests, socket_errors, status_errors, float(found.group(4)), float(found.group(5))


def _load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def run(namespaces: int, days: int, clients: int, seconds: float, workers: int, out: Path) -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("error: wrk not found (make bench-api installs the Debian package wrk)")
    with tempfile.TemporaryDirectory(prefix="api-bench-") as work_dir:
        work = Path(work_dir)
        snapshot = work / "finops.duckdb"
        began = time.perf_counter()
        generate(snapshot, namespaces, days)
        LOG.info(
            "generated %d namespaces x %d days in %.1f s (%.0f MB)",
            namespaces,
            days,
            time.perf_counter() - began,
            snapshot.stat().st_size / 1e6,
        )
        tokens = work / "tokens.json"
        admin = issue_token(tokens, "admin", None)
        port = _free_port()
        env = dict(os.environ, FINOPS_PUBLISH_PATH=str(snapshot), FINOPS_API_TOKENS=str(tokens))
        server_log = (work / "server.log").open("w")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kube_finops.api",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        rows = []
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            else:
                raise RuntimeError("the API did not become ready")
            for name, request in _scenarios(days).items():
                script = work / "scenario.lua"
                script.write_text(
                    _LUA
                    % {
                        "owners": namespaces // NAMESPACES_PER_OWNER,
                        "namespaces": namespaces,
                        "request": request,
                    }
                )
                _wrk(wrk, url, admin, script, clients, 2)  # warm-up
                load = _load_average()
                result = _wrk(wrk, url, admin, script, clients, seconds)
                rows.append((name, load, *result, result[0] / seconds))
                LOG.info("%s: p50 %.1f ms, p95 %.1f ms (load %s)", name, *result[3:5], load)
        finally:
            server.terminate()
            server.wait(timeout=30)
            server_log.close()
            problems = [
                line
                for line in (work / "server.log").read_text().splitlines()
                if "Traceback" in line or "ERROR" in line or "Error" in line
            ]
            if problems:
                LOG.warning("server log: %s", " | ".join(problems[:10]))
    summary_p95 = rows[0][6]
    lines = [
        f"API load: {namespaces} namespaces x {days} days, wrk {clients} connections"
        f" (1 thread), {seconds:g} s per endpoint after 2 s warm-up, {workers} uvicorn"
        f" worker(s), {os.cpu_count()} CPUs; measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| endpoint | load avg 1/5/15 min before | requests | socket errors | non-200 | p50 ms"
        " | p95 ms | req/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {n} | {load} | {c} | {se} | {he} | {p50:.1f} | {p95:.1f} | {rps:.0f} |"
            for n, load, c, se, he, p50, p95, rps in rows
        ),
        "",
        f"- tenant summary p95 < {TARGET_P95_MS:.0f} ms: "
        f"{'met' if summary_p95 < TARGET_P95_MS else 'NOT met'} ({summary_p95:.1f} ms)",
    ]
    text = "\n".join(lines) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kube_finops.api.bench", description=__doc__)
    parser.add_argument("--namespaces", type=int, default=6000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=10, help="per endpoint")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("FINOPS_API_WORKERS") or os.cpu_count() or 1),
        help="uvicorn workers (env FINOPS_API_WORKERS, default: the CPU count)",
    )
    parser.add_argument("--out", type=Path, default=Path("data/bench/api.md"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sys.stdout.write(
        run(args.namespaces, args.days, args.clients, args.seconds, args.workers, args.out)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
