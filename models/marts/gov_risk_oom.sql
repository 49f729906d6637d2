-- Governance: OOM and CPU-shortage risk. One row per daily_enriched row at risk, with
-- its key and metrics and the action to take.
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

final as (

    select
        *,
        case
            when is_oom_killed then 'Upsize Memory Limit (OOM Detected)'
            else 'Upsize CPU Request/Limit (Throttling Detected)'
        end as recommendation
    from container_days
    where status in ('OOM Killed', 'Request Shortage') or oom_strike_sum > 0

)

select * from final
