-- OOM and shortage risk of the window (sheet 4): gov_risk_oom rows, OOM first, then the most
-- throttled and the largest shortfall. Grain: as daily_enriched.
with

risk_days as (

    select * from {{ ref('gov_risk_oom') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

final as (

    select
        *,
        {{ is_throttle_risk('cpu_throttled_max') }} as is_throttle_risk,
        cast(row_number() over (
            partition by cluster_type
            order by
                oom_strike_sum desc, cpu_throttled_max desc, cpu_shortage_cores desc, date asc,
                namespace asc, pod asc, container asc, node asc, workload_domain asc, workload_type asc
        ) as bigint) as risk_rank
    from risk_days

)

select * from final
