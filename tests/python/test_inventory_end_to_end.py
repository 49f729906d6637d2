"""End to end for the inventory: a real Prometheus -> the extractor -> dbt build (seeds, models,
data tests) -> the lifecycle and tenant marts, asserted against numbers worked out by hand.

Window: 2026-07-01 00:00-02:00 UTC = 09:00-11:00 KST, one report date 2026-07-01 (start = end).
The Prometheus serves the default backfill (build_history + add_inventory) plus the lifecycle
cases (LIFECYCLE_CONTAINER + add_lifecycle): a separate server, so the default backfill that the
extractor tests count rows of stays unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DbtRun
from prometheus_fixture import (
    LIFECYCLE_CONTAINER,
    PrometheusServer,
    add_inventory,
    add_lifecycle,
    build_history,
    create_blocks,
    extract,
    population,
    run_prometheus,
)

pytestmark = pytest.mark.slow

SELECT = (
    "+quota_fit +gov_namespace_lifecycle +gov_bucket_lifecycle +tenant_cost_daily "
    "+dim_namespace_daily +inventory_kind_coverage"
)


def _serve(
    tmp_path_factory: pytest.TempPathFactory, name: str, allowlists: bool
) -> Iterator[PrometheusServer]:
    containers, volumes = population()
    history = build_history([*containers, LIFECYCLE_CONTAINER], volumes)
    add_inventory(history, allowlists=allowlists)
    add_lifecycle(history, allowlists=allowlists)
    work = tmp_path_factory.mktemp(name)
    with run_prometheus(create_blocks(history, work), work / "server") as server:
        yield server


def _extract_and_build(server: PrometheusServer, work: Path) -> tuple[DbtRun, str]:
    lake = work / "lake"
    rc, out, err = extract(server.url, lake)
    assert rc == 0, out + err
    run = DbtRun(work / "finops.duckdb", work)
    # build = seeds + models + data tests (a failing test fails the run); unit tests are the
    # dbt suite's job; inventory_path defaults to the `inventory` folder beside raw_path
    run(
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--indirect-selection",
        "cautious",
        "--select",
        SELECT,
        dbt_vars={
            "start_date": "2026-07-01",
            "end_date": "2026-07-01",
            "raw_path": str(lake / "raw"),
        },
    )
    return run, err


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtRun]:
    for server in _serve(tmp_path_factory, "inventory-e2e", allowlists=True):
        run, _err = _extract_and_build(server, tmp_path_factory.mktemp("inventory-e2e-build"))
        yield run


@pytest.fixture(scope="module")
def built_no_allowlist(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[DbtRun, str]]:
    for server in _serve(tmp_path_factory, "inventory-e2e-bare", allowlists=False):
        yield _extract_and_build(server, tmp_path_factory.mktemp("inventory-e2e-bare-build"))


MIB = 1 << 20
PATCH = 'kubectl -n {} patch resourcequota {} --type merge -p \'{{"spec":{{"hard":{{{}}}}}}}\''


def test_quota_fit(built: DbtRun) -> None:
    rows = built.query(
        "select namespace, resource, status, recommended_hard, recommended_hard_quantity, command "
        "from marts.quota_fit where resource = 'requests.memory' or namespace = 'team-d' "
        "order by namespace, resource"
    )
    assert rows == [
        # team-a requests.memory: used 576e6 of 4 GiB = 13 % < 30 % -> oversized;
        # 576e6 x 1.25 = 720e6 B = 686.6 MiB -> 687 MiB = 720371712 B
        (
            "team-a",
            "requests.memory",
            "oversized",
            687.0 * MIB,
            "687Mi",
            PATCH.format("team-a", "personal-user-quota", '"requests.memory":"687Mi"'),
        ),
        # team-d pods: 2 used of 1 -> exceeded; 2 x 1.25 = 2.5 -> 3
        (
            "team-d",
            "pods",
            "exceeded",
            3.0,
            "3",
            PATCH.format("team-d", "team-quota", '"pods":"3"'),
        ),
        # team-d requests.memory: 1900 of 2000 MiB = 95 % >= 90 % -> almost_full;
        # 1900 MiB x 1.25 = 2375 MiB (not a whole GiB: 2375 / 1024 = 2.32)
        (
            "team-d",
            "requests.memory",
            "almost_full",
            2375.0 * MIB,
            "2375Mi",
            PATCH.format("team-d", "team-quota", '"requests.memory":"2375Mi"'),
        ),
    ]
    ratio = built.query(
        "select used_ratio_max from marts.quota_fit "
        "where namespace = 'team-d' and resource = 'requests.memory'"
    )
    assert ratio[0][0] == pytest.approx(0.95)


def test_namespace_lifecycle(built: DbtRun) -> None:
    rows = built.query(
        "select namespace, owner, lifecycle_status, cast(ttl_expire_date as varchar), ttl_raw, "
        "cpu_request_cores, mem_request_gb, pv_capacity_gb, held_cost_per_month, currency, "
        "action, command from marts.gov_namespace_lifecycle "
        "where namespace in ('team-b', 'team-d') order by namespace"
    )
    # team-d: TTL 2026-06-30 < end date 2026-07-01 -> expired; delete after 06-30 + 7 days.
    # holds 2 cores and 1900 MiB = 1.85546875 GiB of requests, no PV; default prices (`*` row):
    # 2 x 0.031611 = 0.063222 / h; 1.85546875 x 0.004237 = 0.0078616211 / h;
    # (0.063222 + 0.0078616211) x 730 h = 0.0710836211 x 730 = 51.8910434 USD per month
    expired = (
        "team-d",
        "dave",
        "expired",
        "2026-06-30",
        "2026-06-30",
        2.0,
        1.85546875,
        0.0,
        pytest.approx(51.8910434, rel=1e-8),
        "USD",
        "notify dave; delete after 2026-07-07",
        "kubectl delete namespace team-d",
    )
    assert rows[1] == expired
    # team-b: TTL `someday` is no date -> invalid_ttl, never deleted
    assert rows[0][:5] == ("team-b", "team-data", "invalid_ttl", None, "someday")
    assert rows[0][11] is None
    assert "someday" in rows[0][10]


def test_bucket_lifecycle(built: DbtRun) -> None:
    rows = built.query(
        "select bucket, owner, bytes, cost_per_month, reason, suggestion "
        "from marts.gov_bucket_lifecycle order by bucket"
    )
    # dave's only namespace (team-d) expired -> his bucket; alice (team-a, TTL 07-10, beyond the
    # 7-day warning) and team-data (team-b, invalid TTL) are active: their buckets are not listed.
    # 2 GiB x 0.023 USD per GiB-month = 0.046
    assert rows == [
        (
            "dave-data",
            "dave",
            2.0 * (1 << 30),
            pytest.approx(0.046),
            "every namespace expired or dormant",
            "mc ilm rule add --expire-days 30 minio/dave-data",
        )
    ]


def test_tenant_cost(built: DbtRun) -> None:
    storage = dict(
        built.query(
            "select owner, total_cost from marts.tenant_cost_daily "
            "where date = date '2026-07-01' and cluster_type = 'OBJECT_STORAGE'"
        )
    )
    # buckets: mean GiB x 24 h x 0.023 / 730 h per month:
    # alice 5 GiB: 120 x 0.023 / 730 = 0.0037808219; dave 2 GiB: 48 x 0.023 / 730 = 0.0015123288;
    # team-data 100 GiB: 2400 x 0.023 / 730 = 0.0756164384
    assert storage == {
        "alice": pytest.approx(0.0037808219),
        "dave": pytest.approx(0.0015123288),
        "team-data": pytest.approx(0.0756164384),
    }
    dave = built.query(
        "select sum(cpu_alloc_cost), sum(mem_alloc_cost), sum(pv_alloc_cost), "
        "sum(overage_cost) from marts.tenant_cost_daily "
        "where date = date '2026-07-01' and owner = 'dave' and cluster_type <> 'OBJECT_STORAGE'"
    )
    # dave's sandbox-0 runs the whole 2 h: 2 cores x 2 h x 0.031611 = 0.126444;
    # 1.85546875 GiB x 2 h x 0.004237 = 0.0157232422; no PV; usage below requests: no overage
    assert dave[0] == (
        pytest.approx(0.126444),
        pytest.approx(0.0157232422),
        pytest.approx(0.0),
        pytest.approx(0.0),
    )


def test_namespace_owners_from_labels(built: DbtRun) -> None:
    rows = built.query(
        "select namespace, owner, owner_source from marts.dim_namespace_daily "
        "where date = date '2026-07-01' order by namespace"
    )
    assert rows == [
        ("kube-system", "platform-team", "seed"),
        ("team-a", "alice", "label"),
        ("team-b", "team-data", "label"),
        ("team-c", "unassigned", "unassigned"),
        ("team-d", "dave", "label"),
    ]


def test_no_allowlist_builds_with_seed_owners_and_says_why(
    built_no_allowlist: tuple[DbtRun, str],
) -> None:
    run, err = built_no_allowlist
    assert "--metric-labels-allowlist=namespaces=[governance.io/tenant-owner," in err
    rows = run.query(
        "select namespace, owner, owner_source from marts.dim_namespace_daily "
        "where date = date '2026-07-01' order by namespace"
    )
    assert rows == [
        ("kube-system", "platform-team", "seed"),
        ("team-a", "unassigned", "unassigned"),
        ("team-b", "unassigned", "unassigned"),
        ("team-c", "unassigned", "unassigned"),
        ("team-d", "unassigned", "unassigned"),
    ]
    coverage = run.query(
        "select hours_present, namespaces_seen, namespaces_with_owner_label, "
        "namespaces_with_ttl_annotation, message from marts.inventory_kind_coverage "
        "where kind = 'namespaces'"
    )
    (hours, seen, with_owner, with_ttl, message) = coverage[0]
    assert (hours, seen, with_owner, with_ttl) == (2, 5, 0, 0)
    assert message.startswith("no namespace carries label governance.io/tenant-owner")
    assert "metric-labels-allowlist" in message
    # without TTL annotations nothing is expired or invalid
    statuses = run.query(
        "select distinct lifecycle_status from marts.gov_namespace_lifecycle "
        "where lifecycle_status in ('expired', 'expiring', 'invalid_ttl')"
    )
    assert statuses == []
