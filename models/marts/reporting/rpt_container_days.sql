-- Container-days of the window with the ratios the CPU and memory sheets and the distribution
-- charts show, and the waste ranks that pick the top share (var report_top_waste_share, the
-- users' 30%) for those sheets. Grain: as daily_enriched.
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

measured as (

    select
        *,
        case when cpu_request_max > 0 then 100.0 * cpu_usage_p95 / cpu_request_max else 0 end as cpu_util_pct,
        case when mem_request_max > 0 then 100.0 * mem_usage_p95 / mem_request_max else 0 end as mem_util_pct,
        case when cpu_request_max > 0 then cpu_limit_max / cpu_request_max end as cpu_limit_request_ratio,
        {{ is_throttle_risk('cpu_throttled_max') }} as is_throttle_risk,
        has_no_request or has_no_limit as is_spec_violation,
        cast(row_number() over (
            partition by cluster_type
            order by
                cpu_waste_core_hours desc, date asc, namespace asc, pod asc, container asc,
                node asc, workload_domain asc, workload_type asc
        ) as bigint) as cpu_waste_rank,
        cast(row_number() over (
            partition by cluster_type
            order by
                mem_waste_gb_hours desc, pv_waste_gb_hours desc, date asc, namespace asc, pod asc,
                container asc, node asc, workload_domain asc, workload_type asc
        ) as bigint) as mem_waste_rank,
        count(*) over (partition by cluster_type) as cluster_container_days
    from container_days

),

final as (

    select
        *,
        cpu_waste_rank
        <= greatest(1, floor(cluster_container_days * {{ var('report_top_waste_share') }})) as is_cpu_top_waste,
        mem_waste_rank
        <= greatest(1, floor(cluster_container_days * {{ var('report_top_waste_share') }})) as is_mem_top_waste
    from measured

)

select * from final
