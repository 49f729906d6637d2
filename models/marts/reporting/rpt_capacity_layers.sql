-- Capacity layers chart and the Tenants sheet's capacity table (issue 14): one row per
-- (cluster_type, date) of the window with node inventory, from cluster_capacity_daily: what the
-- nodes offer (allocatable), what the containers request, what they use, and the idle part of
-- allocatable nobody requested, in core-hours and GiB-hours, with the idle cost.
with

capacity_days as (

    select * from {{ ref('cluster_capacity_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

final as (

    select
        cluster_type,
        date,
        nodes_max,
        snapshots,
        cpu_allocatable_ch,
        cpu_requested_ch,
        cpu_used_ch,
        cpu_overage_ch,
        cpu_idle_ch,
        case when cpu_allocatable_ch > 0 then 100.0 * cpu_idle_ch / cpu_allocatable_ch else 0 end as cpu_idle_pct,
        mem_allocatable_gh,
        mem_requested_gh,
        mem_used_gh,
        mem_overage_gh,
        mem_idle_gh,
        case when mem_allocatable_gh > 0 then 100.0 * mem_idle_gh / mem_allocatable_gh else 0 end as mem_idle_pct,
        cpu_idle_cost + mem_idle_cost as idle_cost,
        allocatable_cost,
        requests_exceed_allocatable,
        currency
    from capacity_days

)

select * from final
