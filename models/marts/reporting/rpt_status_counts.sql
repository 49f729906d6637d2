-- Container-days per status over the window (status donut): one row per (cluster_type, status).
with

container_days as (

    select * from {{ ref('rpt_container_days') }}

),

counted as (

    select
        cluster_type,
        status,
        count(*) as container_days
    from container_days
    group by cluster_type, status

),

final as (

    select
        *,
        100.0 * cast(container_days as double) / sum(container_days) over (partition by cluster_type) as share_pct
    from counted

)

select * from final
