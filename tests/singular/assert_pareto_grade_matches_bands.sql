-- Every grade is the band of the cumulative share of the namespaces ranked above (SPEC §6).
with

pareto as (

    select * from {{ ref('pareto_ns') }}

),

expected as (

    select
        *,
        case
            when total_waste_core_hours = 0 then 'Low'
            when waste_cumsum_before_pct < {{ var('pareto_critical_below_pct') }} then 'Critical'
            when waste_cumsum_before_pct < {{ var('pareto_high_below_pct') }} then 'High'
            when waste_cumsum_before_pct < {{ var('pareto_medium_below_pct') }} then 'Medium'
            else 'Low'
        end as expected_grade
    from pareto

)

select *
from expected
where grade != expected_grade
