-- Chargeback / showback per owner: one row per (date, cluster_type, owner, tier) of the window.
-- A tenant's namespaces carry their allocated cost (requests, as ns_usage_daily), their overage
-- (mean usage above the request, priced like requests: a tenant cannot escape its bill by
-- leaving requests unset) and their waste. The shared namespaces (var shared_namespaces) carry no
-- row of their own: their allocated + overage cost is spread over the cluster's tenant rows
-- (var shared_cost_split: `weighted` by the rows' allocated cost, falling back to even when no
-- tenant row has any; or `even`), and lands on one `__shared__` row only when the cluster has no
-- tenant to carry it. The cluster's idle cost (cluster_capacity_daily) is kept on one `__idle__`
-- row (var idle_cost: keep) or spread like shared cost (share). Money is conserved per date and
-- cluster: the rows' total_cost adds up to all namespaces' allocated cost + overage + object
-- storage + idle. Buckets belong to no Kubernetes cluster: their owners' object-storage cost is on
-- rows of cluster_type OBJECT_STORAGE (int_bucket_usage_daily). energy_cost (electricity +
-- carbon of energy_ns_daily) is spread the same way and is not part of total_cost: it is another
-- lens on the same machines.
{%- set split = var('shared_cost_split') %}
{%- set idle_mode = var('idle_cost') %}
{%- if split not in ['weighted', 'even'] %}
    {{ finops_fail("var shared_cost_split='" ~ split ~ "' must be weighted or even") }}
{%- endif %}
{%- if idle_mode not in ['keep', 'share'] %}
    {{ finops_fail("var idle_cost='" ~ idle_mode ~ "' must be keep or share") }}
{%- endif %}

with

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

namespace_overage as (

    select * from {{ ref('int_namespace_overage_daily') }}

),

namespace_owners as (

    select * from {{ ref('dim_namespace_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

namespace_energy as (

    select * from {{ ref('energy_ns_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

cluster_capacity as (

    select * from {{ ref('cluster_capacity_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

bucket_days as (

    select * from {{ ref('int_bucket_usage_daily') }}

),

prices as (

    -- resolved per cluster type, OBJECT_STORAGE included
    select * from {{ ref('int_resource_prices') }}

),

namespace_costs as (

    select
        namespace_days.date,
        namespace_days.cluster_type,
        namespace_days.namespace,
        coalesce(namespace_owners.owner, 'unassigned') as owner,
        coalesce(namespace_owners.tier, 'unknown') as tier,
        {{ is_shared_namespace('namespace_days.namespace') }} as is_shared,
        namespace_days.cpu_alloc_cost,
        namespace_days.mem_alloc_cost,
        namespace_days.pv_alloc_cost,
        namespace_days.alloc_cost,
        namespace_days.waste_cost,
        coalesce(namespace_overage.cpu_overage_ch, 0) * prices.cpu_core_hour
        + coalesce(namespace_overage.mem_overage_gh, 0) * prices.mem_gb_hour as overage_cost,
        coalesce(namespace_energy.electricity_cost, 0) + coalesce(namespace_energy.carbon_cost, 0) as energy_cost
    from namespace_days
    left join prices
        on namespace_days.cluster_type = prices.cluster_type
    left join namespace_overage
        on
            namespace_days.date = namespace_overage.date
            and namespace_days.cluster_type = namespace_overage.cluster_type
            and namespace_days.namespace = namespace_overage.namespace
    left join namespace_owners
        on
            namespace_days.date = namespace_owners.date
            and namespace_days.cluster_type = namespace_owners.cluster_type
            and namespace_days.namespace = namespace_owners.namespace
    left join namespace_energy
        on
            namespace_days.date = namespace_energy.date
            and namespace_days.cluster_type = namespace_energy.cluster_type
            and namespace_days.namespace = namespace_energy.namespace

),

tenant_rows as (

    select
        date,
        cluster_type,
        owner,
        tier,
        count(*) as namespaces,
        {{ finops_sum('cpu_alloc_cost') }} as cpu_alloc_cost,
        {{ finops_sum('mem_alloc_cost') }} as mem_alloc_cost,
        {{ finops_sum('pv_alloc_cost') }} as pv_alloc_cost,
        {{ finops_sum('alloc_cost') }} as alloc_cost,
        {{ finops_sum('overage_cost') }} as overage_cost,
        {{ finops_sum('waste_cost') }} as waste_cost,
        {{ finops_sum('energy_cost') }} as energy_cost
    from namespace_costs
    where not is_shared
    group by date, cluster_type, owner, tier

),

shared_pools as (

    select
        date,
        cluster_type,
        count(*) as namespaces,
        {{ finops_sum('alloc_cost + overage_cost') }} as shared_amount,
        {{ finops_sum('energy_cost') }} as shared_energy
    from namespace_costs
    where is_shared
    group by date, cluster_type

),

cluster_idle as (

    select
        date,
        cluster_type,
        cpu_idle_cost + mem_idle_cost as idle_amount
    from cluster_capacity

),

tenant_totals as (

    select
        *,
        count(*) over (partition by date, cluster_type) as tenant_rows_in_cluster,
        sum(alloc_cost) over (partition by date, cluster_type) as cluster_tenant_alloc_cost
    from tenant_rows

),

tenant_weights as (

    -- weighted: the row's share of the cluster's tenant allocated cost (even when that is 0)
    select
        *,
        case
            when {{ sql_string(split) }} = 'weighted' and cluster_tenant_alloc_cost > 0
                then alloc_cost / cluster_tenant_alloc_cost
            else 1.0 / tenant_rows_in_cluster
        end as weight
    from tenant_totals

),

tenants_charged as (

    select
        tenant_weights.date,
        tenant_weights.cluster_type,
        tenant_weights.owner,
        tenant_weights.tier,
        tenant_weights.namespaces,
        tenant_weights.cpu_alloc_cost,
        tenant_weights.mem_alloc_cost,
        tenant_weights.pv_alloc_cost,
        tenant_weights.overage_cost,
        cast(0 as double) as object_storage_cost,
        tenant_weights.waste_cost,
        coalesce(shared_pools.shared_amount, 0) * tenant_weights.weight as shared_cost,
        case
            when {{ sql_string(idle_mode) }} = 'share'
                then coalesce(cluster_idle.idle_amount, 0) * tenant_weights.weight
            else cast(0 as double)
        end as idle_cost,
        tenant_weights.energy_cost + coalesce(shared_pools.shared_energy, 0) * tenant_weights.weight as energy_cost
    from tenant_weights
    left join shared_pools
        on
            tenant_weights.date = shared_pools.date
            and tenant_weights.cluster_type = shared_pools.cluster_type
    left join cluster_idle
        on
            tenant_weights.date = cluster_idle.date
            and tenant_weights.cluster_type = cluster_idle.cluster_type

),

clusters_with_tenants as (

    select distinct
        date,
        cluster_type
    from tenant_rows

),

shared_carriers as (

    -- shared namespaces on a cluster without any tenant: their cost stays on one __shared__ row
    select
        shared_pools.date,
        shared_pools.cluster_type,
        '__shared__' as owner,
        'unknown' as tier,
        shared_pools.namespaces,
        cast(0 as double) as cpu_alloc_cost,
        cast(0 as double) as mem_alloc_cost,
        cast(0 as double) as pv_alloc_cost,
        cast(0 as double) as overage_cost,
        cast(0 as double) as object_storage_cost,
        cast(0 as double) as waste_cost,
        shared_pools.shared_amount as shared_cost,
        cast(0 as double) as idle_cost,
        shared_pools.shared_energy as energy_cost
    from shared_pools
    left join clusters_with_tenants
        on
            shared_pools.date = clusters_with_tenants.date
            and shared_pools.cluster_type = clusters_with_tenants.cluster_type
    where clusters_with_tenants.cluster_type is null

),

idle_rows as (

    -- kept idle cost, or shared idle cost of a cluster without any tenant to spread it on
    select
        cluster_idle.date,
        cluster_idle.cluster_type,
        '__idle__' as owner,
        'unknown' as tier,
        0 as namespaces,
        cast(0 as double) as cpu_alloc_cost,
        cast(0 as double) as mem_alloc_cost,
        cast(0 as double) as pv_alloc_cost,
        cast(0 as double) as overage_cost,
        cast(0 as double) as object_storage_cost,
        cast(0 as double) as waste_cost,
        cast(0 as double) as shared_cost,
        cluster_idle.idle_amount as idle_cost,
        cast(0 as double) as energy_cost
    from cluster_idle
    left join clusters_with_tenants
        on
            cluster_idle.date = clusters_with_tenants.date
            and cluster_idle.cluster_type = clusters_with_tenants.cluster_type
    where {{ sql_string(idle_mode) }} = 'keep' or clusters_with_tenants.cluster_type is null

),

storage_rows as (

    -- buckets belong to no Kubernetes cluster: one OBJECT_STORAGE row per owner
    select
        date,
        'OBJECT_STORAGE' as cluster_type,
        owner,
        'unknown' as tier,
        0 as namespaces,
        cast(0 as double) as cpu_alloc_cost,
        cast(0 as double) as mem_alloc_cost,
        cast(0 as double) as pv_alloc_cost,
        cast(0 as double) as overage_cost,
        {{ finops_sum('storage_cost') }} as object_storage_cost,
        cast(0 as double) as waste_cost,
        cast(0 as double) as shared_cost,
        cast(0 as double) as idle_cost,
        cast(0 as double) as energy_cost
    from bucket_days
    group by date, owner

),

owner_rows as (

    select * from tenants_charged
    union all
    select * from shared_carriers
    union all
    select * from idle_rows
    union all
    select * from storage_rows

),

final as (

    select
        owner_rows.date,
        owner_rows.cluster_type,
        owner_rows.owner,
        owner_rows.tier,
        cast(owner_rows.namespaces as bigint) as namespaces,
        owner_rows.cpu_alloc_cost,
        owner_rows.mem_alloc_cost,
        owner_rows.pv_alloc_cost,
        owner_rows.overage_cost,
        owner_rows.object_storage_cost,
        owner_rows.waste_cost,
        owner_rows.shared_cost,
        owner_rows.idle_cost,
        owner_rows.cpu_alloc_cost + owner_rows.mem_alloc_cost + owner_rows.pv_alloc_cost
        + owner_rows.overage_cost + owner_rows.object_storage_cost + owner_rows.shared_cost
        + owner_rows.idle_cost as total_cost,
        owner_rows.energy_cost,
        prices.currency
    from owner_rows
    left join prices
        on owner_rows.cluster_type = prices.cluster_type

)

select * from final
