-- Daily trend per cluster (sheet 6, charts 18-19): one row per (cluster_type, date) of the window.
with

container_days as (

    select * from {{ ref('rpt_container_days') }}

),

daily as (

    select
        cluster_type,
        date,
        count(*) as container_days,
        {{ finops_sum('cpu_allocated_core_hours') }} as cpu_alloc_ch,
        {{ finops_sum('cpu_usage_core_hours') }} as cpu_used_ch,
        {{ finops_sum('cpu_waste_core_hours') }} as cpu_waste_ch,
        {{ finops_sum('mem_allocated_gb_hours') }} as mem_alloc_gh,
        {{ finops_sum('mem_usage_gb_hours') }} as mem_used_gh,
        {{ finops_sum('mem_waste_gb_hours') }} as mem_waste_gh,
        {{ finops_sum('pv_allocated_gb_hours') }} as pv_alloc_gh,
        {{ finops_sum('pv_waste_gb_hours') }} as pv_waste_gh,
        cast(sum(case when is_oom_killed then 1 else 0 end) as bigint) as oom_container_days,
        cast(sum(case when status = 'Request Shortage' then 1 else 0 end) as bigint) as shortage_container_days,
        cast(sum(case when is_throttle_risk then 1 else 0 end) as bigint) as throttling_risk_container_days,
        cast(sum(case when is_spec_violation then 1 else 0 end) as bigint) as spec_violation_container_days
    from container_days
    group by cluster_type, date

),

final as (

    select
        *,
        case when cpu_alloc_ch > 0 then 100.0 * cpu_used_ch / cpu_alloc_ch else 0 end as cpu_util_pct,
        case when mem_alloc_gh > 0 then 100.0 * mem_used_gh / mem_alloc_gh else 0 end as mem_util_pct
    from daily

)

select * from final
