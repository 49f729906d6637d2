-- Request/limit violations of the window (sheet 5): gov_violations rows, longest running first.
-- Grain: as daily_enriched.
with

violation_days as (

    select * from {{ ref('gov_violations') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

final as (

    select
        *,
        cast(row_number() over (
            partition by cluster_type
            order by
                minutes_running desc, date asc, namespace asc, pod asc, container asc, node asc,
                workload_domain asc, workload_type asc
        ) as bigint) as violation_rank
    from violation_days

)

select * from final
