-- On the run's window, per date and cluster with waste, the namespaces' waste shares add up to 100 %;
-- with no waste at all every share is 0.
with

pareto as (

    select * from {{ ref('pareto_ns') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

per_cluster as (

    select
        date,
        cluster_type,
        sum(total_waste_core_hours) as cluster_waste,
        sum(waste_share_pct) as share_total
    from pareto
    group by date, cluster_type

)

select *
from per_cluster
where
    (cluster_waste > 0 and abs(share_total - 100) > 1e-6)
    or (cluster_waste = 0 and share_total != 0)
