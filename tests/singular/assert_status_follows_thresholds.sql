-- Every daily_enriched status and derived number follows SPEC §5 when recomputed from its own
-- aggregates, with the thresholds from the vars.
with

container_days as (

    select * from {{ ref('daily_enriched') }}

),

expected as (

    select
        *,
        case
            when oom_strike_sum > 0 then 'OOM Killed'
            when
                cpu_usage_p95 - cpu_request_max > {{ var('status_shortage_cores') }}
                or cpu_throttled_max > {{ var('status_throttle_ratio') }}
                then 'Request Shortage'
            when
                cpu_request_max * minutes_running / 60.0 - cpu_usage_p95 * minutes_running / 60.0
                > {{ var('status_cpu_waste_core_hours') }}
                or pv_capacity_max * minutes_running / 60.0 - pv_used_p95 * minutes_running / 60.0
                > {{ var('status_pv_waste_gb_hours') }}
                then 'Over-allocated'
            else 'Optimized'
        end as expected_status
    from container_days

)

select *
from expected
where
    status != expected_status
    or cpu_waste_core_hours < 0
    or mem_waste_gb_hours < 0
    or pv_waste_gb_hours < 0
    or abs(cpu_waste_core_hours - greatest(cpu_allocated_core_hours - cpu_usage_core_hours, 0)) > 1e-9
    or has_no_request != (cpu_request_max = 0 or mem_request_max = 0)
    or has_no_limit != (cpu_limit_max = 0 or mem_limit_max = 0)
