"""The API's endpoints: read the published marts through queries; tenants see only their owner."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from kube_finops.api import queries, schemas, summary_body
from kube_finops.api.auth import Principal
from kube_finops.api.deps import (
    DEFAULT_PAGE,
    Caller,
    CursorParam,
    End,
    Limit,
    Snapshot,
    Start,
    resolve_window,
)
from kube_finops.api.pagination import decode_cursor, encode_cursor
from kube_finops.api.snapshot import SnapshotStore, SnapshotUnavailableError

router = APIRouter()
NOT_FOUND = {404: {"description": "unknown, or not visible to this token (indistinguishable)"}}
AUTH = {401: {"description": "missing or invalid bearer token"}}

NamespaceName = Annotated[str, Path(min_length=1, max_length=253, description="namespace")]
OwnerName = Annotated[str, Path(min_length=1, max_length=253, description="owner")]


def _scope(caller: Principal) -> str | None:
    return None if caller.is_admin else caller.owner


def _visible_namespace(cur, caller: Principal, namespace: str) -> None:
    if not queries.namespace_visible(cur, namespace, _scope(caller)):
        raise HTTPException(status_code=404, detail="namespace not found")


def _page(scope: str, items: list, limit: int, key) -> dict:
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": encode_cursor(scope, key(items[-1])) if more else None}


# --------------------------------------------------------------------------- health


@router.get("/healthz", response_model=schemas.Health, tags=["health"])
def healthz() -> schemas.Health:
    return schemas.Health(status="ok")


@router.get(
    "/readyz",
    response_model=schemas.Ready,
    tags=["health"],
    responses={503: {"model": schemas.Ready, "description": "no snapshot, or too old"}},
)
def readyz(request: Request):
    store = request.app.state.snapshots
    max_age = request.app.state.settings.max_snapshot_age_hours
    try:
        with store.cursor() as cur:
            info = queries.snapshot_info(cur)
            window = queries.window(cur)
    except SnapshotUnavailableError as exc:
        return JSONResponse(status_code=503, content={"status": "unavailable", "detail": str(exc)})
    published_at = info[0] if info else None
    age = (datetime.now(UTC) - published_at).total_seconds() / 3600 if published_at else None
    ready = age is not None and age <= max_age
    body = schemas.Ready(
        status="ready" if ready else "stale",
        published_at=published_at,
        age_hours=round(age, 3) if age is not None else None,
        window_start_date=window[0] if window else None,
        window_end_date=window[1] if window else None,
        detail=None if ready else f"snapshot older than {max_age} hours",
    )
    return JSONResponse(status_code=200 if ready else 503, content=body.model_dump(mode="json"))


# --------------------------------------------------------------------------- tenant summary


@router.get(
    "/api/v1/governance/tenant/{owner}/summary",
    response_model=schemas.TenantSummary,
    tags=["tenants"],
    responses={**AUTH, **NOT_FOUND},
)
async def tenant_summary(
    request: Request,
    owner: OwnerName,
    caller: Caller,
    start: Start = None,
    end: End = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: CursorParam = None,
) -> dict | Response:
    """The owner's namespaces, cost (by resource, with its shares of shared namespaces and idle
    capacity), energy, waste, Pareto grades, risks, violations, quota fit, lifecycle (TTL,
    dormant), object storage and open right-sizing recommendations over start..end (namespaces
    paginated; the other sections give counts and their first rows)."""
    if not caller.is_admin and caller.owner != owner:
        raise HTTPException(status_code=404, detail="owner not found")
    store: SnapshotStore = request.app.state.snapshots
    if cursor is None and limit == DEFAULT_PAGE:
        # the published window's first page: JSON stored at publish time (validated against
        # TenantSummary then), one indexed row read on the event loop (then kept in memory for
        # this snapshot), no per-request rendering
        ready = store.memo(
            ("tenant-summary", owner, start, end),
            lambda cur: summary_body.ready_json(cur, owner, start, end),
        )
        if ready is not None:
            return Response(content=ready, media_type="application/json")
    return await run_in_threadpool(_tenant_summary, store, owner, start, end, limit, cursor)


def _tenant_summary(
    store: SnapshotStore,
    owner: str,
    start: date | None,
    end: date | None,
    limit: int,
    cursor: str | None,
) -> dict:
    """Another window or page: the precomputed row's namespaces, or the summary SQL live."""
    after = decode_cursor(summary_body.PAGE_SCOPE, cursor, (str, str))
    with store.cursor() as cur:
        start, end = resolve_window(cur, start, end)
        found = queries.tenant_summary(cur, owner, start, end, after, limit + 1)
    if found is None:
        raise HTTPException(status_code=404, detail="owner not found")
    return summary_body.body(owner, start, end, found, limit)


# --------------------------------------------------------------------------- namespaces


@router.get(
    "/api/v1/namespaces/{namespace}/usage",
    response_model=schemas.Page[schemas.NamespaceUsageDay],
    tags=["namespaces"],
    responses={**AUTH, **NOT_FOUND},
)
def namespace_usage(
    namespace: NamespaceName,
    caller: Caller,
    cur: Snapshot,
    start: Start = None,
    end: End = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: CursorParam = None,
) -> dict:
    """Daily usage, allocation and waste (core-hours, GB-hours) of one namespace."""
    _visible_namespace(cur, caller, namespace)
    start, end = resolve_window(cur, start, end)
    after = decode_cursor("ns-usage", cursor, (date, str))
    rows = queries.namespace_usage(cur, namespace, _scope(caller), start, end, after, limit + 1)
    return _page("ns-usage", rows, limit, lambda r: [r.date, r.cluster_type])


@router.get(
    "/api/v1/namespaces/{namespace}/cost",
    response_model=schemas.Page[schemas.NamespaceCostDay],
    tags=["namespaces"],
    responses={**AUTH, **NOT_FOUND},
)
def namespace_cost(
    namespace: NamespaceName,
    caller: Caller,
    cur: Snapshot,
    start: Start = None,
    end: End = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: CursorParam = None,
) -> dict:
    """Daily allocation cost, waste cost, energy and carbon of one namespace."""
    _visible_namespace(cur, caller, namespace)
    start, end = resolve_window(cur, start, end)
    after = decode_cursor("ns-cost", cursor, (date, str))
    rows = queries.namespace_cost(cur, namespace, _scope(caller), start, end, after, limit + 1)
    return _page("ns-cost", rows, limit, lambda r: [r.date, r.cluster_type])


@router.get(
    "/api/v1/namespaces/{namespace}/recommendations",
    response_model=schemas.Page[schemas.Recommendation],
    tags=["namespaces"],
    responses={**AUTH, **NOT_FOUND},
)
def namespace_recommendations(
    namespace: NamespaceName,
    caller: Caller,
    cur: Snapshot,
    limit: Limit = DEFAULT_PAGE,
    cursor: CursorParam = None,
) -> dict:
    """Open right-sizing recommendations of one namespace (the latest build's lookback)."""
    _visible_namespace(cur, caller, namespace)
    after = decode_cursor("ns-recommendations", cursor, (str, str, str, str))
    rows = queries.namespace_recommendations(cur, namespace, _scope(caller), after, limit + 1)
    return _page(
        "ns-recommendations",
        rows,
        limit,
        lambda r: [r.cluster_type, r.workload_kind, r.workload, r.container],
    )


# --------------------------------------------------------------------------- fleet


@router.get(
    "/api/v1/cost",
    response_model=schemas.Page[schemas.CostGroup],
    tags=["cost"],
    responses=AUTH,
)
def cost(
    caller: Caller,
    cur: Snapshot,
    group_by: Annotated[
        Literal["namespace", "owner", "tier", "cluster_type"], Query(description="grouping")
    ] = "namespace",
    start: Start = None,
    end: End = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: CursorParam = None,
) -> dict:
    """Allocated cost, waste cost and energy over start..end grouped by one key (a tenant sees
    its own rows only)."""
    start, end = resolve_window(cur, start, end)
    after = decode_cursor(f"cost-{group_by}", cursor, (str, str))
    rows = queries.cost_by(cur, group_by, _scope(caller), start, end, after, limit + 1)
    return _page(f"cost-{group_by}", rows, limit, lambda r: [r.group, r.currency or ""])


@router.get(
    "/api/v1/pareto",
    response_model=schemas.Page[schemas.ParetoRow],
    tags=["cost"],
    responses=AUTH,
)
def pareto(
    caller: Caller,
    cur: Snapshot,
    on: Annotated[
        date | None, Query(alias="date", description="default: the window's last date")
    ] = None,
    cluster_type: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: CursorParam = None,
) -> dict:
    """Namespaces ranked by CPU waste on one date, with cumulative share and grade."""
    if on is None:
        on = resolve_window(cur, None, None)[1]
    after = decode_cursor("pareto", cursor, (str, int))
    rows = queries.pareto(cur, on, cluster_type, _scope(caller), after, limit + 1)
    return _page("pareto", rows, limit, lambda r: [r.cluster_type, r.waste_rank])


@router.get(
    "/api/v1/calibration",
    response_model=schemas.Page[schemas.Calibration],
    tags=["estimate"],
    responses=AUTH,
)
def calibration(
    caller: Caller, cur: Snapshot, limit: Limit = DEFAULT_PAGE, cursor: CursorParam = None
) -> dict:
    """The power-model coefficients and energy factors in use, per cluster type."""
    after = decode_cursor("calibration", cursor, (str,))
    rows = queries.calibration(cur, after, limit + 1)
    return _page("calibration", rows, limit, lambda r: [r.cluster_type])


@router.post(
    "/api/v1/estimate",
    response_model=schemas.Estimate,
    tags=["estimate"],
    responses=AUTH,
)
def estimate(
    caller: Caller, cur: Snapshot, request: Annotated[schemas.EstimateRequest, Body()]
) -> schemas.Estimate:
    """Monthly cost, IT and facility kWh and carbon of a planned workload, priced with the
    marts' prices and power model (an unknown cluster_type uses the `*` row)."""
    return queries.estimate(cur, request)
