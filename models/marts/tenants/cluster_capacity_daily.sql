-- Cluster capacity layers per day: one row per (date, cluster_type) that has node inventory in
-- the window. Allocatable (mean of the day's hourly snapshots x 24) against what containers
-- requested, used (P95-based, as ns_usage_daily) and took above their requests (overage: mean
-- usage above the request per container-day). Idle = allocatable - requested - overage, never
-- below 0; a day whose requests exceed allocatable is a data gap (nodes missing from the
-- inventory), flagged, with idle 0. Idle and allocatable are priced at the cluster's resolved
-- prices (int_resource_prices: its row of seed resource_prices, else the `*` default row).
with

allocatable as (

    select * from {{ ref('int_cluster_allocatable_daily') }}

),

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

namespace_overage as (

    select * from {{ ref('int_namespace_overage_daily') }}

),

prices as (

    select * from {{ ref('int_resource_prices') }}

),

cluster_usage as (

    select
        namespace_days.date,
        namespace_days.cluster_type,
        {{ finops_sum('namespace_days.cpu_alloc_ch') }} as cpu_requested_ch,
        {{ finops_sum('namespace_days.cpu_used_ch') }} as cpu_used_ch,
        {{ finops_sum('coalesce(namespace_overage.cpu_overage_ch, 0)') }} as cpu_overage_ch,
        {{ finops_sum('coalesce(namespace_overage.cpu_limit_ch, 0)') }} as cpu_limit_ch,
        {{ finops_sum('namespace_days.mem_alloc_gh') }} as mem_requested_gh,
        {{ finops_sum('namespace_days.mem_used_gh') }} as mem_used_gh,
        {{ finops_sum('coalesce(namespace_overage.mem_overage_gh, 0)') }} as mem_overage_gh
    from namespace_days
    left join namespace_overage
        on
            namespace_days.date = namespace_overage.date
            and namespace_days.cluster_type = namespace_overage.cluster_type
            and namespace_days.namespace = namespace_overage.namespace
    group by namespace_days.date, namespace_days.cluster_type

),

layered as (

    select
        allocatable.date,
        allocatable.cluster_type,
        allocatable.snapshots,
        allocatable.nodes_max,
        allocatable.cpu_allocatable_ch,
        coalesce(cluster_usage.cpu_requested_ch, 0) as cpu_requested_ch,
        coalesce(cluster_usage.cpu_used_ch, 0) as cpu_used_ch,
        coalesce(cluster_usage.cpu_overage_ch, 0) as cpu_overage_ch,
        coalesce(cluster_usage.cpu_limit_ch, 0) as cpu_limit_ch,
        allocatable.mem_allocatable_gh,
        coalesce(cluster_usage.mem_requested_gh, 0) as mem_requested_gh,
        coalesce(cluster_usage.mem_used_gh, 0) as mem_used_gh,
        coalesce(cluster_usage.mem_overage_gh, 0) as mem_overage_gh
    from allocatable
    left join cluster_usage
        on
            allocatable.date = cluster_usage.date
            and allocatable.cluster_type = cluster_usage.cluster_type

),

priced as (

    select
        layered.*,
        prices.cpu_core_hour as cpu_core_hour_price,
        prices.mem_gb_hour as mem_gb_hour_price,
        prices.currency
    from layered
    left join prices
        on layered.cluster_type = prices.cluster_type

),

idle as (

    select
        *,
        greatest(cpu_allocatable_ch - cpu_requested_ch - cpu_overage_ch, 0) as cpu_idle_ch,
        cpu_requested_ch - cpu_used_ch as cpu_slack_ch,
        greatest(mem_allocatable_gh - mem_requested_gh - mem_overage_gh, 0) as mem_idle_gh,
        mem_requested_gh - mem_used_gh as mem_slack_gh
    from priced

),

final as (

    select
        date,
        cluster_type,
        snapshots,
        nodes_max,
        cpu_allocatable_ch,
        cpu_requested_ch,
        cpu_used_ch,
        cpu_overage_ch,
        cpu_idle_ch,
        cpu_slack_ch,
        mem_allocatable_gh,
        mem_requested_gh,
        mem_used_gh,
        mem_overage_gh,
        mem_idle_gh,
        mem_slack_gh,
        cpu_idle_ch * cpu_core_hour_price as cpu_idle_cost,
        mem_idle_gh * mem_gb_hour_price as mem_idle_cost,
        cpu_allocatable_ch * cpu_core_hour_price + mem_allocatable_gh * mem_gb_hour_price as allocatable_cost,
        cpu_requested_ch > cpu_allocatable_ch or mem_requested_gh > mem_allocatable_gh as requests_exceed_allocatable,
        case when cpu_allocatable_ch > 0 then cpu_limit_ch / cpu_allocatable_ch end as cpu_limit_overcommit,
        currency
    from idle

)

select * from final
