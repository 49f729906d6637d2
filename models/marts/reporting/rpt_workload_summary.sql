-- Per workload type over the window (sheet 7, charts 1, 2, 7, 9): one row per
-- (cluster_type, workload_type). Averages are over container-days; utilisation percents are
-- core-hour (GB-hour) weighted: used / allocated.
with

container_days as (

    select * from {{ ref('rpt_container_days') }}

),

by_workload as (

    select
        cluster_type,
        workload_type,
        count(*) as container_days,
        count(distinct namespace) as namespaces,
        {{ finops_avg('cpu_request_max') }} as cpu_request_avg,
        {{ finops_avg('cpu_limit_max') }} as cpu_limit_avg,
        {{ finops_avg('cpu_usage_p95') }} as cpu_p95_avg,
        max(cpu_throttled_max) as cpu_throttled_max,
        {{ finops_sum('cpu_allocated_core_hours') }} as cpu_alloc_ch,
        {{ finops_sum('cpu_usage_core_hours') }} as cpu_used_ch,
        {{ finops_sum('cpu_waste_core_hours') }} as cpu_waste_ch,
        {{ finops_avg('cpu_util_pct') }} as cpu_util_pct_mean,
        {{ finops_avg('mem_request_max') }} as mem_request_avg,
        {{ finops_avg('mem_limit_max') }} as mem_limit_avg,
        {{ finops_avg('mem_usage_p95') }} as mem_p95_avg,
        {{ finops_avg('mem_rss_p95') }} as mem_rss_p95_avg,
        {{ finops_sum('mem_allocated_gb_hours') }} as mem_alloc_gh,
        {{ finops_sum('mem_usage_gb_hours') }} as mem_used_gh,
        {{ finops_sum('mem_waste_gb_hours') }} as mem_waste_gh,
        {{ finops_avg('pv_capacity_max') }} as pv_capacity_avg,
        {{ finops_sum('pv_waste_gb_hours') }} as pv_waste_gh,
        cast(sum(case when is_oom_killed then 1 else 0 end) as bigint) as oom_container_days,
        cast(sum(case when is_throttle_risk then 1 else 0 end) as bigint) as throttling_risk_container_days
    from container_days
    group by cluster_type, workload_type

),

final as (

    select
        *,
        case when cpu_alloc_ch > 0 then 100.0 * cpu_used_ch / cpu_alloc_ch else 0 end as cpu_util_pct,
        case when mem_alloc_gh > 0 then 100.0 * mem_used_gh / mem_alloc_gh else 0 end as mem_util_pct,
        cast(row_number() over (
            partition by cluster_type
            order by cpu_waste_ch desc, workload_type asc
        ) as bigint) as cpu_waste_rank
    from by_workload

)

select * from final
