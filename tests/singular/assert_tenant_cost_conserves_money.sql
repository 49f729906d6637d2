-- Chargeback conserves money per date and cluster of the run's window, to the cent: the owners'
-- total_cost in tenant_cost_daily adds up to the allocated cost of every namespace
-- (ns_usage_daily, shared namespaces included) + the overage of every container-day (mean usage
-- above the request, priced like requests, recomputed here from daily_enriched) + object storage
-- + the cluster's idle cost (cluster_capacity_daily). Shared cost and shared idle only move money
-- between owners; they must neither create nor lose any.
with

owners as (

    select
        date,
        cluster_type,
        sum(total_cost) as charged,
        sum(object_storage_cost) as object_storage_cost
    from {{ ref('tenant_cost_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}
    group by date, cluster_type

),

allocated as (

    select
        date,
        cluster_type,
        sum(alloc_cost) as alloc_cost
    from {{ ref('ns_usage_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}
    group by date, cluster_type

),

prices as (

    select * from {{ ref('int_resource_prices') }}

),

overage as (

    select
        container_days.date,
        container_days.cluster_type,
        sum(
            greatest(container_days.cpu_usage_avg - container_days.cpu_request_max, 0)
            * container_days.minutes_running / 60.0
            * prices.cpu_core_hour
            + greatest(container_days.mem_usage_avg - container_days.mem_request_max, 0)
            * container_days.minutes_running / 60.0
            * prices.mem_gb_hour
        ) as overage_cost
    from {{ ref('daily_enriched') }} as container_days
    left join prices
        on container_days.cluster_type = prices.cluster_type
    where container_days.date between {{ window_start_date() }} and {{ window_end_date() }}
    group by container_days.date, container_days.cluster_type

),

idle as (

    select
        date,
        cluster_type,
        cpu_idle_cost + mem_idle_cost as idle_cost
    from {{ ref('cluster_capacity_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

clusters as (

    select
        date,
        cluster_type
    from owners
    union
    select
        date,
        cluster_type
    from allocated
    union
    select
        date,
        cluster_type
    from idle

),

compared as (

    select
        clusters.date,
        clusters.cluster_type,
        coalesce(owners.charged, 0) as charged,
        coalesce(allocated.alloc_cost, 0) + coalesce(overage.overage_cost, 0)
        + coalesce(owners.object_storage_cost, 0) + coalesce(idle.idle_cost, 0) as expected
    from clusters
    left join owners
        on clusters.date = owners.date and clusters.cluster_type = owners.cluster_type
    left join allocated
        on clusters.date = allocated.date and clusters.cluster_type = allocated.cluster_type
    left join overage
        on clusters.date = overage.date and clusters.cluster_type = overage.cluster_type
    left join idle
        on clusters.date = idle.date and clusters.cluster_type = idle.cluster_type

)

select *
from compared
where abs(charged - expected) >= 0.005
