-- Governance: downsizing candidates. Over-allocated containers wasting more than
-- var gov_waste_min_core_hours (default 24: a whole core idle all day), ranked largest first.
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

final as (

    select
        *,
        cast(row_number() over (
            partition by date, cluster_type
            order by cpu_waste_core_hours desc, namespace asc, pod asc, container asc, node asc
        ) as bigint) as waste_rank
    from container_days
    where
        status = 'Over-allocated'
        and cpu_waste_core_hours > {{ var('gov_waste_min_core_hours') }}

)

select * from final
