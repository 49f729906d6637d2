-- Per-container daily facts: one row per (date, cluster_type, workload_domain,
-- namespace, workload_type, node, pod, container). Incremental by date: a run replaces the dates
-- of its window and leaves the others, so a daily run costs one day.
with

container_days as (

    select * from {{ ref('int_container_daily') }}

),

filled as (

    -- a daily number with no usable sample is 0 (the users' fill_null(0))
    select
        date,
        cluster_type,
        workload_domain,
        namespace,
        workload_type,
        node,
        pod,
        container,
        minutes_running,
        {{ container_day_metrics_filled() }}
    from container_days

),

hours as (

    select
        *,
        cpu_request_max * minutes_running / 60.0 as cpu_allocated_core_hours,
        cpu_usage_p95 * minutes_running / 60.0 as cpu_usage_core_hours,
        mem_request_max * minutes_running / 60.0 as mem_allocated_gb_hours,
        mem_usage_p95 * minutes_running / 60.0 as mem_usage_gb_hours,
        pv_capacity_max * minutes_running / 60.0 as pv_allocated_gb_hours,
        pv_used_p95 * minutes_running / 60.0 as pv_usage_gb_hours
    from filled

),

waste_and_flags as (

    select
        *,
        greatest(cpu_allocated_core_hours - cpu_usage_core_hours, 0) as cpu_waste_core_hours,
        greatest(mem_allocated_gb_hours - mem_usage_gb_hours, 0) as mem_waste_gb_hours,
        greatest(pv_allocated_gb_hours - pv_usage_gb_hours, 0) as pv_waste_gb_hours,
        greatest(cpu_usage_p95 - cpu_request_max, 0) as cpu_shortage_cores,
        oom_strike_sum > 0 as is_oom_killed,
        cpu_request_max = 0 as cpu_request_missing,
        mem_request_max = 0 as mem_request_missing,
        cpu_limit_max = 0 as cpu_limit_missing,
        mem_limit_max = 0 as mem_limit_missing
    from hours

),

final as (

    select
        *,
        cpu_request_missing or mem_request_missing as has_no_request,
        cpu_limit_missing or mem_limit_missing as has_no_limit,
        case
            when is_oom_killed
                then 'OOM Killed'
            when
                cpu_shortage_cores > {{ var('status_shortage_cores') }}
                or {{ is_throttle_risk('cpu_throttled_max') }}
                then 'Request Shortage'
            when
                cpu_waste_core_hours > {{ var('status_cpu_waste_core_hours') }}
                or pv_waste_gb_hours > {{ var('status_pv_waste_gb_hours') }}
                then 'Over-allocated'
            else 'Optimized'
        end as status
    from waste_and_flags

)

select * from final
