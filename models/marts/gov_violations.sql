-- Governance: containers without requests or limits, with which setting is missing.
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

final as (

    select * from container_days
    where has_no_request or has_no_limit

)

select * from final
