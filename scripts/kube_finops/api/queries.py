"""Every SQL statement of the API. The API selects from the published marts and recomputes no
business rule: costs, energy, grades and recommendations are the marts' numbers.

Tenant scoping is SQL: rows join reporting.rpt_namespace_owner (the one namespace -> owner
mapping) and a tenant's owner goes into the WHERE clause. Dated rows take the owner of their date;
undated ones (recommendations, dormant namespaces) the namespace's latest owner.
"""

from __future__ import annotations

from datetime import date

import duckdb
from pydantic import BaseModel

from kube_finops.api import schemas

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
    "owner": "o.owner",
    "tier": "o.tier",
    "cluster_type": "n.cluster_type",
}


def cost_by(
    cur: Cursor,
    group_by: str,
    owner: str | None,
    start: date,
    end: date,
    after: list[object] | None,
    limit: int,
) -> list[schemas.CostGroup]:
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
            sum(e.facility_kwh), sum(e.electricity_cost), sum(e.carbon_kg)
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

TENANT_DAYS = "reporting.rpt_tenant_namespace_daily"

_OWNED = f"""
    days as materialized (
        select * from {TENANT_DAYS} where owner = ? and date between ? and ?
    ),
    owned_now as materialized (
        select cluster_type, namespace from {OWNERS} where owner = ? and is_latest
    ),
    dormant as materialized (
        select d.* from marts.dormant_namespaces as d
        inner join owned_now using (cluster_type, namespace)
    ),
    recommendations as materialized (
        select r.cluster_type, r.namespace, r.monthly_cost_delta
        from marts.rightsizing_recommendations as r
        inner join owned_now using (cluster_type, namespace)
    ),
    by_namespace as materialized (
        select
            cluster_type, namespace, max(tier) as tier, count(*) as days,
            sum(alloc_cost) as alloc_cost, sum(waste_cost) as waste_cost,
            sum(facility_kwh) as facility_kwh, sum(carbon_kg) as carbon_kg,
            arg_max(pareto_grade, date) as pareto_grade,
            sum(oom_container_days) as oom_container_days,
            sum(shortage_container_days) as shortage_container_days,
            sum(violation_container_days) as violation_container_days
        from days
        group by cluster_type, namespace
    )"""


def _owned_params(owner: str, start: date, end: date) -> list[object]:
    return [owner, start, end, owner]


def tenant_summary(
    cur: Cursor, owner: str, start: date, end: date, after: list[object] | None, limit: int
) -> tuple[bool, dict, list[dict], list[dict]]:
    """One statement (one snapshot read, each CTE computed once): whether the owner exists, its
    totals, one page of its namespaces (limit rows) and its 10 largest-saving recommendations."""
    page, page_params = _after("cluster_type, namespace", after)
    ns_columns = ", ".join(schemas.TenantNamespace.model_fields)
    rec_columns = columns(schemas.Recommendation, "r")
    sql = f"""
        with {_OWNED},
        recommendations_by_ns as (
            select cluster_type, namespace, count(*) as open_recommendations
            from recommendations group by cluster_type, namespace
        ),
        namespace_rows as (
            select
                n.cluster_type, n.namespace, n.tier, n.days, n.alloc_cost, n.waste_cost,
                n.facility_kwh, n.carbon_kg, n.pareto_grade, n.oom_container_days,
                n.shortage_container_days, n.violation_container_days,
                d.namespace is not null as dormant,
                coalesce(rc.open_recommendations, 0) as open_recommendations
            from by_namespace as n
            left join dormant as d using (cluster_type, namespace)
            left join recommendations_by_ns as rc using (cluster_type, namespace)
        ),
        namespace_page as (
            select {ns_columns} from namespace_rows
            where true{page}
            order by cluster_type, namespace
            limit ?
        ),
        top_recommendations as (
            select {rec_columns}
            from marts.rightsizing_recommendations as r
            inner join owned_now using (cluster_type, namespace)
            order by r.monthly_cost_delta asc nulls last, {RECOMMENDATION_KEY}
            limit 10
        ),
        namespace_totals as (
            select
                count(*) as namespace_count,
                count(*) filter (where pareto_grade = 'Critical') as grade_critical,
                count(*) filter (where pareto_grade = 'High') as grade_high,
                count(*) filter (where pareto_grade = 'Medium') as grade_medium,
                count(*) filter (where pareto_grade = 'Low') as grade_low
            from by_namespace
        ),
        day_totals as (
            select
                min(currency) as currency,
                sum(cpu_alloc_cost) as cpu_alloc_cost,
                sum(mem_alloc_cost) as mem_alloc_cost,
                sum(pv_alloc_cost) as pv_alloc_cost,
                sum(alloc_cost) as alloc_cost,
                sum(waste_cost) as waste_cost,
                sum(it_kwh) as it_kwh,
                sum(facility_kwh) as facility_kwh,
                sum(electricity_cost) as electricity_cost,
                sum(carbon_kg) as carbon_kg,
                coalesce(sum(oom_container_days), 0) as oom_container_days,
                coalesce(sum(shortage_container_days), 0) as shortage_container_days,
                coalesce(sum(violation_container_days), 0) as violation_container_days
            from days
        ),
        dormant_totals as (
            select
                count(*) as dormant_namespaces,
                sum(held_cost_per_month) as dormant_held_cost_per_month
            from dormant
        ),
        recommendation_totals as (
            select
                count(*) as open_recommendations,
                sum(monthly_cost_delta) as recommendations_monthly_cost_delta
            from recommendations
        ),
        totals as (
            select {", ".join(schemas.TenantTotals.model_fields)}
            from namespace_totals, day_totals, dormant_totals, recommendation_totals
        )
        select
            exists (select 1 from {OWNERS} where owner = ?),
            (select totals from totals),
            (select list(namespace_page order by cluster_type, namespace) from namespace_page),
            (select list(t) from top_recommendations as t)"""
    params = [*_owned_params(owner, start, end), *page_params, limit, owner]
    exists, totals, namespaces, top = cur.execute(sql, params).fetchone()
    return bool(exists), totals, namespaces or [], top or []


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
