"""The tenant summary as one SQL statement over a set of owners, one row per owner.

The API runs it for one owner and a requested window; the publish step runs the same statement
for every owner over the published reporting window and stores the rows in `api.tenant_summary`
(indexed on owner), so the default summary is one indexed row read. Everything is SQL over the
marts: counts, sums and the order of each section; Python only pages the namespace list (SQL too,
see `PAGE_SELECT`).

Rows per owner: `owner`, `known` (the owner has a namespace on some date or a bucket), and the
structs / lists of schemas.TenantSummary: totals, cost, quota_fit, lifecycle, object_storage,
namespaces (all of them, ordered by cluster_type, namespace) and top_recommendations (10).
"""

from __future__ import annotations

from kube_finops.api import schemas

OWNERS = "reporting.rpt_namespace_owner"
TENANT_DAYS = "reporting.rpt_tenant_namespace_daily"
PRECOMPUTED = "api.tenant_summary"
SECTION_ROWS = 20  # rows of each section (quota fit, lifecycle, buckets) besides its counts
TOP_RECOMMENDATIONS = 10
RECOMMENDATION_KEY = "cluster_type, workload_kind, workload, container"

# every owner the snapshot knows: a namespace's owner on some date, or a bucket's owner
ALL_OWNERS = (
    f"select distinct owner from {OWNERS}"
    " union select distinct owner from marts.tenant_storage_daily"
)
ONE_OWNER = "select $owner as owner"


def _struct(fields: list[str], alias: str, zero: tuple[str, ...] = ()) -> str:
    parts = [
        f"{name} := coalesce({alias}.{name}, 0)" if name in zero else f"{name} := {alias}.{name}"
        for name in fields
    ]
    return "struct_pack(" + ", ".join(parts) + ")"


def _items(model: type, alias: str = "i") -> str:
    return "struct_pack(" + ", ".join(f"{n} := {alias}.{n}" for n in model.model_fields) + ")"


_TOTAL_COUNTS = (
    "namespace_count",
    "grade_critical",
    "grade_high",
    "grade_medium",
    "grade_low",
    "oom_container_days",
    "shortage_container_days",
    "violation_container_days",
    "dormant_namespaces",
    "open_recommendations",
)


def summary_sql(wanted: str) -> str:
    """One row per owner of the `wanted` select (a column `owner`) over $start..$end."""
    totals = _struct(list(schemas.TenantTotals.model_fields), "t", _TOTAL_COUNTS)
    cost = _struct(list(schemas.TenantCost.model_fields), "c")
    return f"""
        with
        wanted as materialized ({wanted}),
        days as materialized (
            select * from {TENANT_DAYS}
            where owner in (select owner from wanted) and date between $start and $end
        ),
        owned_now as materialized (
            select owner, cluster_type, namespace from {OWNERS}
            where is_latest and owner in (select owner from wanted)
        ),
        dormant as materialized (
            select o.owner, d.* from marts.dormant_namespaces as d
            inner join owned_now as o using (cluster_type, namespace)
        ),
        recommendations as materialized (
            select o.owner, r.*
            from marts.rightsizing_recommendations as r
            inner join owned_now as o using (cluster_type, namespace)
        ),
        by_namespace as materialized (
            select
                owner, cluster_type, namespace, max(tier) as tier, count(*) as days,
                sum(alloc_cost) as alloc_cost, sum(waste_cost) as waste_cost,
                sum(facility_kwh) as facility_kwh, sum(carbon_kg) as carbon_kg,
                arg_max(pareto_grade, date) as pareto_grade,
                sum(oom_container_days) as oom_container_days,
                sum(shortage_container_days) as shortage_container_days,
                sum(violation_container_days) as violation_container_days
            from days
            group by owner, cluster_type, namespace
        ),
        recommendations_by_ns as (
            select owner, cluster_type, namespace, count(*) as open_recommendations
            from recommendations group by owner, cluster_type, namespace
        ),
        namespace_rows as (
            select
                n.*,
                d.namespace is not null as dormant,
                coalesce(rc.open_recommendations, 0) as open_recommendations
            from by_namespace as n
            left join dormant as d using (owner, cluster_type, namespace)
            left join recommendations_by_ns as rc using (owner, cluster_type, namespace)
        ),
        namespace_lists as (
            select
                owner,
                list({_items(schemas.TenantNamespace)} order by i.cluster_type, i.namespace)
                    as namespaces
            from namespace_rows as i group by owner
        ),
        top_recommendation_lists as (
            select
                owner,
                list({_items(schemas.Recommendation)}
                    order by i.monthly_cost_delta asc nulls last, i.cluster_type, i.workload_kind,
                    i.workload, i.container)
                    as top_recommendations
            from (
                select * from recommendations
                qualify row_number() over (
                    partition by owner
                    order by monthly_cost_delta asc nulls last, {RECOMMENDATION_KEY}
                ) <= {TOP_RECOMMENDATIONS}
            ) as i
            group by owner
        ),
        namespace_totals as (
            select
                owner,
                count(*) as namespace_count,
                count(*) filter (where pareto_grade = 'Critical') as grade_critical,
                count(*) filter (where pareto_grade = 'High') as grade_high,
                count(*) filter (where pareto_grade = 'Medium') as grade_medium,
                count(*) filter (where pareto_grade = 'Low') as grade_low
            from by_namespace group by owner
        ),
        day_totals as (
            select
                owner,
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
                sum(oom_container_days) as oom_container_days,
                sum(shortage_container_days) as shortage_container_days,
                sum(violation_container_days) as violation_container_days
            from days group by owner
        ),
        dormant_totals as (
            select
                owner,
                count(*) as dormant_namespaces,
                sum(held_cost_per_month) as dormant_held_cost_per_month
            from dormant group by owner
        ),
        recommendation_totals as (
            select
                owner,
                count(*) as open_recommendations,
                sum(monthly_cost_delta) as recommendations_monthly_cost_delta
            from recommendations group by owner
        ),
        totals as (
            select *
            from wanted
            left join namespace_totals using (owner)
            left join day_totals using (owner)
            left join dormant_totals using (owner)
            left join recommendation_totals using (owner)
        ),
        chargeback as (
            select
                owner,
                min(currency) as currency,
                sum(cpu_alloc_cost) as cpu_alloc_cost,
                sum(mem_alloc_cost) as mem_alloc_cost,
                sum(pv_alloc_cost) as pv_alloc_cost,
                sum(overage_cost) as overage_cost,
                sum(object_storage_cost) as object_storage_cost,
                sum(shared_cost) as shared_cost,
                sum(idle_cost) as idle_cost,
                sum(total_cost) as total_cost,
                sum(waste_cost) as waste_cost,
                sum(energy_cost) as energy_cost
            from marts.tenant_cost_daily
            where owner in (select owner from wanted) and date between $start and $end
            group by owner
        ),
        quotas as materialized (
            select o.owner, q.* from marts.quota_fit as q
            inner join owned_now as o using (cluster_type, namespace)
        ),
        quota_ranked as (
            select
                *,
                row_number() over (
                    partition by owner
                    order by
                        case status when 'exceeded' then 1 when 'almost_full' then 2 else 3 end,
                        used_ratio_max desc nulls last, cluster_type, namespace, resourcequota,
                        resource
                ) as item_rank
            from quotas where status <> 'fit'
        ),
        quota_section as (
            select
                q.owner,
                count(*) filter (where q.status = 'exceeded') as exceeded,
                count(*) filter (where q.status = 'almost_full') as almost_full,
                count(*) filter (where q.status = 'oversized') as oversized,
                count(*) filter (where q.status = 'fit') as fit,
                list({_items(schemas.QuotaFinding, 'q')} order by r.item_rank)
                    filter (where r.item_rank <= {SECTION_ROWS}) as items
            from quotas as q
            left join quota_ranked as r
                using (owner, cluster_type, namespace, resourcequota, resource)
            group by q.owner
        ),
        lifecycle_rows as materialized (
            select
                *,
                row_number() over (
                    partition by owner
                    order by
                        case lifecycle_status
                            when 'expired' then 1 when 'expiring' then 2
                            when 'invalid_ttl' then 3 else 4
                        end,
                        cluster_type, namespace
                ) as item_rank
            from marts.gov_namespace_lifecycle where owner in (select owner from wanted)
        ),
        lifecycle_section as (
            select
                owner,
                count(*) filter (where lifecycle_status = 'expired') as expired,
                count(*) filter (where lifecycle_status = 'expiring') as expiring,
                count(*) filter (where lifecycle_status = 'invalid_ttl') as invalid_ttl,
                count(*) filter (where is_dormant) as dormant,
                list({_items(schemas.LifecycleFinding)} order by i.item_rank)
                    filter (where i.item_rank <= {SECTION_ROWS}) as items
            from lifecycle_rows as i group by owner
        ),
        buckets as materialized (
            select
                s.owner,
                s.bucket,
                arg_max(s.bytes, s.date) as bytes,
                arg_max(s.objects, s.date) as objects,
                arg_max(s.quota_bytes, s.date) as quota_bytes,
                sum(s.gib_hours) as gib_hours,
                sum(s.cost) as cost,
                min(s.currency) as currency,
                min(b.reason) as inactive_reason,
                min(b.suggestion) as suggestion
            from marts.tenant_storage_daily as s
            left join marts.gov_bucket_lifecycle as b on s.bucket = b.bucket and s.owner = b.owner
            where s.owner in (select owner from wanted) and s.date between $start and $end
            group by s.owner, s.bucket
        ),
        storage_section as (
            select
                owner,
                count(*) as buckets,
                sum(bytes) as bytes,
                sum(cost) as cost,
                count(inactive_reason) as inactive_buckets,
                list({_items(schemas.Bucket)} order by i.item_rank)
                    filter (where i.item_rank <= {SECTION_ROWS}) as items
            from (
                select
                    *,
                    row_number() over (
                        partition by owner order by bytes desc nulls last, bucket
                    ) as item_rank
                from buckets
            ) as i
            group by owner
        ),
        known as (
            select distinct owner from {OWNERS} where owner in (select owner from wanted)
            union
            select distinct owner from marts.tenant_storage_daily
            where owner in (select owner from wanted)
        ),
        final as (
            select
                w.owner,
                k.owner is not null as known,
                {totals} as totals,
                {cost} as cost,
                struct_pack(
                    exceeded := coalesce(q.exceeded, 0),
                    almost_full := coalesce(q.almost_full, 0),
                    oversized := coalesce(q.oversized, 0),
                    fit := coalesce(q.fit, 0),
                    items := coalesce(q.items, [])
                ) as quota_fit,
                struct_pack(
                    expired := coalesce(l.expired, 0),
                    expiring := coalesce(l.expiring, 0),
                    invalid_ttl := coalesce(l.invalid_ttl, 0),
                    dormant := coalesce(l.dormant, 0),
                    items := coalesce(l.items, [])
                ) as lifecycle,
                struct_pack(
                    buckets := coalesce(s.buckets, 0),
                    bytes := s.bytes,
                    cost := s.cost,
                    inactive_buckets := coalesce(s.inactive_buckets, 0),
                    items := coalesce(s.items, [])
                ) as object_storage,
                coalesce(n.namespaces, []) as namespaces,
                coalesce(r.top_recommendations, []) as top_recommendations
            from wanted as w
            left join known as k using (owner)
            left join totals as t using (owner)
            left join chargeback as c using (owner)
            left join quota_section as q using (owner)
            left join lifecycle_section as l using (owner)
            left join storage_section as s using (owner)
            left join namespace_lists as n using (owner)
            left join top_recommendation_lists as r using (owner)
        )
        select * from final"""


def page_select(source: str) -> str:
    """The answer of one owner from `source` (the summary rows): the namespaces after the cursor
    ($after_cluster, $after_namespace; NULL for the first page), at most $limit of them."""
    return f"""
        select
            known, totals, cost, quota_fit, lifecycle, object_storage,
            list_filter(
                namespaces,
                n -> $after_cluster is null
                    or n.cluster_type > $after_cluster
                    or (n.cluster_type = $after_cluster and n.namespace > $after_namespace)
            )[1:$limit] as namespaces,
            top_recommendations
        from {source}
        where owner = $owner"""
