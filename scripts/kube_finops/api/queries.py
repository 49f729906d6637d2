"""Every SQL statement of the API. The API selects from the published marts and recomputes no
business rule: costs, energy, grades and recommendations are the marts' numbers.

Tenant scoping is SQL: rows join reporting.rpt_namespace_owner (the one namespace -> owner
mapping) and a tenant's owner goes into the WHERE clause. Dated rows take the owner of their date;
undated ones (recommendations, dormant namespaces) the namespace's latest owner.
"""

from __future__ import annotations

import contextlib
from datetime import date

import duckdb
from pydantic import BaseModel

from kube_finops.api import schemas, summary_sql

OWNERS = "reporting.rpt_namespace_owner"
Cursor = duckdb.DuckDBPyConnection


def columns(model: type[BaseModel], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{name}" for name in model.model_fields)


def rows_as(model: type[BaseModel], cur: Cursor, sql: str, params: list[object]) -> list:
    names = list(model.model_fields)
    return [
        model.model_validate(dict(zip(names, row, strict=True)))
        for row in cur.execute(sql, params).fetchall()
    ]


def _owner_filter(owner: str | None, alias: str = "o") -> tuple[str, list[object]]:
    return ("", []) if owner is None else (f" and {alias}.owner = ?", [owner])


def _after(key_sql: str, after: list[object] | None) -> tuple[str, list[object]]:
    if after is None:
        return "", []
    marks = ", ".join("?" for _ in after)
    return f" and ({key_sql}) > ({marks})", list(after)


# --------------------------------------------------------------------------- snapshot facts


def window(cur: Cursor) -> tuple[date, date] | None:
    row = cur.execute(
        "select window_start_date, window_end_date from reporting.rpt_window limit 1"
    ).fetchone()
    return (row[0], row[1]) if row else None


def snapshot_info(cur: Cursor) -> tuple | None:
    return cur.execute("select published_at from main.snapshot_info limit 1").fetchone()


def namespace_visible(cur: Cursor, namespace: str, owner: str | None) -> bool:
    where, params = _owner_filter(owner)
    row = cur.execute(
        f"select 1 from {OWNERS} as o where o.namespace = ?{where} limit 1", [namespace, *params]
    ).fetchone()
    return row is not None


# --------------------------------------------------------------------------- namespace lists


def namespace_usage(
    cur: Cursor,
    namespace: str,
    owner: str | None,
    start: date,
    end: date,
    after: list[object] | None,
    limit: int,
) -> list[schemas.NamespaceUsageDay]:
    where, params = _owner_filter(owner)
    page, page_params = _after("n.date, n.cluster_type", after)
    sql = f"""
        select {columns(schemas.NamespaceUsageDay, 'n')}
        from marts.ns_usage_daily as n
        inner join {OWNERS} as o
            on n.date = o.date and n.cluster_type = o.cluster_type and n.namespace = o.namespace
        where n.namespace = ? and n.date between ? and ?{where}{page}
        order by n.date, n.cluster_type
        limit ?"""
    return rows_as(
        schemas.NamespaceUsageDay, cur, sql, [namespace, start, end, *params, *page_params, limit]
    )


def namespace_cost(
    cur: Cursor,
    namespace: str,
    owner: str | None,
    start: date,
    end: date,
    after: list[object] | None,
    limit: int,
) -> list[schemas.NamespaceCostDay]:
    where, params = _owner_filter(owner)
    page, page_params = _after("n.date, n.cluster_type", after)
    sql = f"""
        select
            n.date, n.cluster_type, n.currency, n.cpu_alloc_cost, n.mem_alloc_cost,
            n.pv_alloc_cost, n.alloc_cost, n.waste_cost, e.it_kwh, e.facility_kwh,
            e.electricity_cost, e.carbon_kg, e.carbon_cost, e.energy_source
        from marts.ns_usage_daily as n
        inner join {OWNERS} as o
            on n.date = o.date and n.cluster_type = o.cluster_type and n.namespace = o.namespace
        left join marts.energy_ns_daily as e
            on n.date = e.date and n.cluster_type = e.cluster_type and n.namespace = e.namespace
        where n.namespace = ? and n.date between ? and ?{where}{page}
        order by n.date, n.cluster_type
        limit ?"""
    return rows_as(
        schemas.NamespaceCostDay, cur, sql, [namespace, start, end, *params, *page_params, limit]
    )


RECOMMENDATION_KEY = "r.cluster_type, r.workload_kind, r.workload, r.container"


def namespace_recommendations(
    cur: Cursor, namespace: str, owner: str | None, after: list[object] | None, limit: int
) -> list[schemas.Recommendation]:
    where, params = _owner_filter(owner)
    page, page_params = _after(RECOMMENDATION_KEY, after)
    sql = f"""
        select {columns(schemas.Recommendation, 'r')}
        from marts.rightsizing_recommendations as r
        inner join {OWNERS} as o
            on o.is_latest and r.cluster_type = o.cluster_type and r.namespace = o.namespace
        where r.namespace = ?{where}{page}
        order by {RECOMMENDATION_KEY}
        limit ?"""
    return rows_as(schemas.Recommendation, cur, sql, [namespace, *params, *page_params, limit])


# --------------------------------------------------------------------------- fleet lists

GROUP_KEYS = {
    "namespace": "n.namespace",
    "cluster_type": "n.cluster_type",
}
CHARGEBACK_KEYS = {"owner": "t.owner", "tier": "t.tier"}


def cost_by(
    cur: Cursor,
    group_by: str,
    owner: str | None,
    start: date,
    end: date,
    after: list[object] | None,
    limit: int,
) -> list[schemas.CostGroup]:
    """namespace / cluster_type: the namespaces' own cost (ns_usage_daily); owner / tier: the
    chargeback of tenant_cost_daily (allocated + overage + object storage + shared + idle)."""
    if group_by in CHARGEBACK_KEYS:
        return _chargeback_by(cur, CHARGEBACK_KEYS[group_by], owner, start, end, after, limit)
    key = GROUP_KEYS[group_by]
    where, params = _owner_filter(owner)
    having = ""
    if after is not None:
        having = " having (coalesce(" + key + ", ''), coalesce(n.currency, '')) > (?, ?)"
    sql = f"""
        select
            coalesce({key}, '') as grp,
            n.currency,
            count(distinct n.cluster_type || '/' || n.namespace) as namespace_count,
            sum(n.cpu_alloc_cost), sum(n.mem_alloc_cost), sum(n.pv_alloc_cost),
            sum(n.alloc_cost), sum(n.waste_cost),
            sum(e.facility_kwh), sum(e.electricity_cost), sum(e.carbon_kg),
            null, null, null, null, null, null
        from marts.ns_usage_daily as n
        inner join {OWNERS} as o
            on n.date = o.date and n.cluster_type = o.cluster_type and n.namespace = o.namespace
        left join marts.energy_ns_daily as e
            on n.date = e.date and n.cluster_type = e.cluster_type and n.namespace = e.namespace
        where n.date between ? and ?{where}
        group by grp, n.currency{having}
        order by grp, coalesce(n.currency, '')
        limit ?"""
    return rows_as(schemas.CostGroup, cur, sql, [start, end, *params, *(after or []), limit])


def _chargeback_by(
    cur: Cursor,
    key: str,
    owner: str | None,
    start: date,
    end: date,
    after: list[object] | None,
    limit: int,
) -> list[schemas.CostGroup]:
    where, params = _owner_filter(owner, "t")
    having = ""
    if after is not None:
        having = " where (grp, coalesce(currency, '')) > (?, ?)"
    sql = f"""
        with days as (
            select
                coalesce({key}, '') as grp, t.currency, t.date,
                sum(t.namespaces) as namespaces,
                sum(t.cpu_alloc_cost) as cpu_alloc_cost, sum(t.mem_alloc_cost) as mem_alloc_cost,
                sum(t.pv_alloc_cost) as pv_alloc_cost, sum(t.waste_cost) as waste_cost,
                sum(t.overage_cost) as overage_cost,
                sum(t.object_storage_cost) as object_storage_cost,
                sum(t.shared_cost) as shared_cost, sum(t.idle_cost) as idle_cost,
                sum(t.total_cost) as total_cost, sum(t.energy_cost) as energy_cost
            from marts.tenant_cost_daily as t
            where t.date between ? and ?{where}
            group by grp, t.currency, t.date
        ),
        groups as (
            select
                grp, currency, max(namespaces) as namespace_count,
                sum(cpu_alloc_cost) as cpu_alloc_cost, sum(mem_alloc_cost) as mem_alloc_cost,
                sum(pv_alloc_cost) as pv_alloc_cost,
                sum(cpu_alloc_cost + mem_alloc_cost + pv_alloc_cost) as alloc_cost,
                sum(waste_cost) as waste_cost,
                null as facility_kwh, null as electricity_cost, null as carbon_kg,
                sum(overage_cost) as overage_cost, sum(object_storage_cost) as object_storage_cost,
                sum(shared_cost) as shared_cost, sum(idle_cost) as idle_cost,
                sum(total_cost) as total_cost, sum(energy_cost) as energy_cost
            from days
            group by grp, currency
        )
        select * from groups{having}
        order by grp, coalesce(currency, '')
        limit ?"""
    return rows_as(schemas.CostGroup, cur, sql, [start, end, *params, *(after or []), limit])


def pareto(
    cur: Cursor,
    on: date,
    cluster_type: str | None,
    owner: str | None,
    after: list[object] | None,
    limit: int,
) -> list[schemas.ParetoRow]:
    where, params = _owner_filter(owner)
    if cluster_type is not None:
        where += " and p.cluster_type = ?"
        params.append(cluster_type)
    page, page_params = _after("p.cluster_type, p.waste_rank", after)
    sql = f"""
        select {columns(schemas.ParetoRow, 'p')}
        from marts.pareto_ns as p
        inner join {OWNERS} as o
            on p.date = o.date and p.cluster_type = o.cluster_type and p.namespace = o.namespace
        where p.date = ?{where}{page}
        order by p.cluster_type, p.waste_rank
        limit ?"""
    return rows_as(schemas.ParetoRow, cur, sql, [on, *params, *page_params, limit])


def calibration(cur: Cursor, after: list[object] | None, limit: int) -> list[schemas.Calibration]:
    page, page_params = _after("cluster_type", after)
    sql = f"""
        select {columns(schemas.Calibration)}
        from reporting.rpt_estimate_inputs
        where true{page}
        order by cluster_type
        limit ?"""
    return rows_as(schemas.Calibration, cur, sql, [*page_params, limit])


# --------------------------------------------------------------------------- tenant summary

_SUMMARY_KEYS = (
    "known",
    "totals",
    "cost",
    "quota_fit",
    "lifecycle",
    "object_storage",
    "namespaces",
    "top_recommendations",
)
_PRECOMPUTED_PAGE = (
    summary_sql.page_select(summary_sql.PRECOMPUTED)
    + " and window_start = $start and window_end = $end"
)
_LIVE_PAGE = (
    "with summaries as ("
    + summary_sql.summary_sql(summary_sql.ONE_OWNER)
    + ")"
    + summary_sql.page_select("summaries")
)


def tenant_summary(
    cur: Cursor, owner: str, start: date, end: date, after: list[object] | None, limit: int
) -> dict | None:
    """The owner's summary over start..end with one page of its namespaces (limit rows), or None
    when the snapshot knows no such owner. The published window's summaries are precomputed at
    publish time (api.tenant_summary, one indexed row); any other window runs the same SQL for
    this owner."""
    params: dict[str, object] = {
        "owner": owner,
        "start": start,
        "end": end,
        "limit": limit,
        "after_cluster": after[0] if after else None,
        "after_namespace": after[1] if after else None,
    }
    row = None
    with contextlib.suppress(duckdb.CatalogException):  # published without api.tenant_summary
        row = cur.execute(_PRECOMPUTED_PAGE, params).fetchone()
    if row is None:
        row = cur.execute(_LIVE_PAGE, params).fetchone()
    found = dict(zip(_SUMMARY_KEYS, row, strict=True))
    return found if found.pop("known") else None


# --------------------------------------------------------------------------- estimate

_ESTIMATE_EXPRESSIONS = (
    "cost_expression",
    "it_kwh_expression",
    "facility_kwh_expression",
    "electricity_cost_expression",
    "carbon_kg_expression",
    "carbon_cost_expression",
)


def estimate(cur: Cursor, request: schemas.EstimateRequest) -> schemas.Estimate:
    """Price a planned workload with the marts' prices and the expressions rendered from the
    macros the cost and energy marts use (stored in reporting.rpt_estimate_inputs)."""
    cluster_type = request.cluster_type.strip().upper()
    row = cur.execute(
        "select cluster_type, "
        + ", ".join(_ESTIMATE_EXPRESSIONS)
        + " from reporting.rpt_estimate_inputs where cluster_type in (?, '*')"
        " order by cluster_type = '*' limit 1",
        [cluster_type],
    ).fetchone()
    if row is None:
        raise LookupError("reporting.rpt_estimate_inputs has no `*` row")
    used_cluster, cost, it_kwh, facility_kwh, electricity_cost, carbon_kg, carbon_cost = row
    sql = f"""
        with
        workload as (
            select
                ?::integer as replicas,
                ?::double as cpu_request_cores,
                ?::double as mem_request_gb,
                ?::double as pv_request_gb,
                coalesce(?::double * ?::double, list_avg(?::double[])) as cpu_usage_cores,
                ?::double as requested_hours
        ),
        per_replica as (
            select
                i.*,
                w.*,
                coalesce(w.requested_hours, i.hours_per_month) as hours,
                coalesce(w.requested_hours, i.hours_per_month) * 60.0 as minutes_running,
                w.replicas * coalesce(w.requested_hours, i.hours_per_month) * w.cpu_request_cores
                    as cpu_core_hours,
                w.replicas * coalesce(w.requested_hours, i.hours_per_month) * w.mem_request_gb
                    as mem_gb_hours,
                w.replicas * coalesce(w.requested_hours, i.hours_per_month) * w.pv_request_gb
                    as pv_gb_hours
            from reporting.rpt_estimate_inputs as i
            cross join workload as w
            where i.cluster_type = ?
        ),
        it as (
            select
                *,
                replicas * ({it_kwh}) as it_kwh,
                {cost} as monthly_cost
            from per_replica
        ),
        facility as (
            select *, {facility_kwh} as facility_kwh from it
        )
        select
            currency, monthly_cost, it_kwh, facility_kwh,
            {electricity_cost} as electricity_cost,
            {carbon_kg} as carbon_kg,
            {carbon_cost} as carbon_cost,
            {columns(schemas.EstimateInputs)}
        from facility"""
    params = [
        request.replicas,
        request.cpu_request_cores,
        request.mem_request_gb,
        request.pv_request_gb,
        request.cpu_request_cores if request.cpu_utilisation is not None else None,
        request.cpu_utilisation,
        request.cpu_history_cores,
        request.hours,
        used_cluster,
    ]
    result = cur.execute(sql, params).fetchone()
    head = [
        "currency",
        "monthly_cost",
        "it_kwh",
        "facility_kwh",
        "electricity_cost",
        "carbon_kg",
        "carbon_cost",
    ]
    values = dict(zip(head, result[: len(head)], strict=True))
    values["inputs"] = dict(
        zip(schemas.EstimateInputs.model_fields, result[len(head) :], strict=True)
    )
    return schemas.Estimate.model_validate(values)
