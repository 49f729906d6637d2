-- Tenants sheet, capacity chart's companions and the digest's owners (issue 14): one row per
-- (cluster_type, owner) over the window, from tenant_cost_daily (so the rows of a cluster add up
-- to its chargeback: the `__idle__` and `__shared__` rows are kept). total_cost is the cluster's
-- money (allocated + overage + shared + idle); object storage (the owner's buckets, rows of
-- cluster_type OBJECT_STORAGE) belongs to no cluster and is shown beside it, not added. The
-- owner's namespaces are those of dim_namespace_daily in the window (shared ones excluded); its
-- worst namespace is the one ranked highest in the window's CPU-waste Pareto (rpt_ns_pareto),
-- a namespace belonging to its owner on its last date of the window.
with

tenant_days as (

    select * from {{ ref('tenant_cost_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

namespace_days as (

    select * from {{ ref('dim_namespace_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

namespace_pareto as (

    select * from {{ ref('rpt_ns_pareto') }}

),

cluster_tenants as (

    select
        cluster_type,
        owner,
        {{ finops_sorted_distinct_list('tier', ', ') }} as tiers,
        max(namespaces) as namespaces_max,
        {{ finops_sum('cpu_alloc_cost + mem_alloc_cost + pv_alloc_cost') }} as alloc_cost,
        {{ finops_sum('overage_cost') }} as overage_cost,
        {{ finops_sum('shared_cost') }} as shared_cost,
        {{ finops_sum('idle_cost') }} as idle_cost,
        {{ finops_sum('total_cost') }} as total_cost,
        {{ finops_sum('coalesce(waste_cost, 0)') }} as waste_cost,
        max(currency) as currency
    from tenant_days
    where cluster_type <> 'OBJECT_STORAGE'
    group by cluster_type, owner

),

owner_storage as (

    select
        owner,
        {{ finops_sum('object_storage_cost') }} as object_storage_cost
    from tenant_days
    where cluster_type = 'OBJECT_STORAGE'
    group by owner

),

latest_namespace_owner as (

    select
        cluster_type,
        namespace,
        owner,
        row_number() over (partition by cluster_type, namespace order by date desc) as recency
    from namespace_days
    where not is_shared

),

namespace_owners as (

    select
        cluster_type,
        namespace,
        owner
    from latest_namespace_owner
    where recency = 1

),

owner_namespaces as (

    select
        cluster_type,
        owner,
        count(*) as namespaces
    from namespace_owners
    group by cluster_type, owner

),

owner_pareto as (

    select
        namespace_owners.cluster_type,
        namespace_owners.owner,
        namespace_pareto.namespace,
        namespace_pareto.grade,
        namespace_pareto.waste_rank,
        namespace_pareto.total_waste_core_hours,
        row_number() over (
            partition by namespace_owners.cluster_type, namespace_owners.owner
            order by namespace_pareto.waste_rank
        ) as owner_position
    from namespace_owners
    inner join namespace_pareto
        on
            namespace_owners.cluster_type = namespace_pareto.cluster_type
            and namespace_owners.namespace = namespace_pareto.namespace

),

owner_waste as (

    select
        cluster_type,
        owner,
        {{ finops_sum('total_waste_core_hours') }} as waste_core_hours
    from owner_pareto
    group by cluster_type, owner

),

worst_namespaces as (

    select * from owner_pareto
    where owner_position = 1

),

joined as (

    select
        cluster_tenants.cluster_type,
        cluster_tenants.owner,
        cluster_tenants.owner in ('__idle__', '__shared__') as is_pseudo_owner,
        cluster_tenants.tiers,
        coalesce(owner_namespaces.namespaces, cluster_tenants.namespaces_max, 0) as namespaces,
        cluster_tenants.alloc_cost,
        cluster_tenants.overage_cost,
        cluster_tenants.shared_cost,
        cluster_tenants.idle_cost,
        cluster_tenants.total_cost,
        cluster_tenants.waste_cost,
        coalesce(owner_waste.waste_core_hours, 0) as waste_core_hours,
        coalesce(owner_storage.object_storage_cost, 0) as object_storage_cost,
        worst_namespaces.namespace as worst_namespace,
        worst_namespaces.grade as worst_grade,
        worst_namespaces.waste_rank as worst_namespace_waste_rank,
        cluster_tenants.currency
    from cluster_tenants
    left join owner_namespaces
        on
            cluster_tenants.cluster_type = owner_namespaces.cluster_type
            and cluster_tenants.owner = owner_namespaces.owner
    left join owner_waste
        on
            cluster_tenants.cluster_type = owner_waste.cluster_type
            and cluster_tenants.owner = owner_waste.owner
    left join owner_storage
        on cluster_tenants.owner = owner_storage.owner
    left join worst_namespaces
        on
            cluster_tenants.cluster_type = worst_namespaces.cluster_type
            and cluster_tenants.owner = worst_namespaces.owner

),

ranked as (

    select
        *,
        row_number() over (
            partition by cluster_type, is_pseudo_owner
            order by waste_cost desc, waste_core_hours desc, owner asc
        ) as waste_position
    from joined

),

final as (

    select
        cluster_type,
        owner,
        is_pseudo_owner,
        tiers,
        cast(namespaces as bigint) as namespaces,
        alloc_cost,
        overage_cost,
        shared_cost,
        idle_cost,
        total_cost,
        case when total_cost > 0 then 100.0 * shared_cost / total_cost else 0 end as shared_share_pct,
        case when total_cost > 0 then 100.0 * idle_cost / total_cost else 0 end as idle_share_pct,
        waste_cost,
        waste_core_hours,
        object_storage_cost,
        worst_namespace,
        worst_grade,
        worst_namespace_waste_rank,
        currency,
        cast(row_number() over (
            partition by cluster_type order by total_cost desc, owner asc
        ) as bigint) as cost_rank,
        cast(case when not is_pseudo_owner then waste_position end as bigint) as waste_rank
    from ranked

)

select * from final
