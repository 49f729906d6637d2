-- Container-days per workload type and status over the window (chart 15): one row per
-- (cluster_type, workload_type, status).
with

container_days as (

    select * from {{ ref('rpt_container_days') }}

),

final as (

    select
        cluster_type,
        workload_type,
        status,
        count(*) as container_days
    from container_days
    group by cluster_type, workload_type, status

)

select * from final
