-- On the run's window: in rank order the cumulative share never decreases, equals the running sum
-- of the shares, and the last namespace of a date+cluster with waste is at exactly 100.
with

pareto as (

    select * from {{ ref('pareto_ns') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

ordered as (

    select
        *,
        lag(waste_cumsum_pct) over (partition by date, cluster_type order by waste_rank) as previous_cumsum,
        sum(waste_share_pct) over (
            partition by date, cluster_type
            order by waste_rank
            rows between unbounded preceding and current row
        ) as running_share,
        max(waste_rank) over (partition by date, cluster_type) as last_rank,
        sum(total_waste_core_hours) over (partition by date, cluster_type) as cluster_waste
    from pareto

)

select *
from ordered
where
    waste_cumsum_pct < coalesce(previous_cumsum, 0)
    or abs(waste_cumsum_pct - running_share) > 1e-6
    or abs(waste_cumsum_before_pct - (waste_cumsum_pct - waste_share_pct)) > 1e-6
    or (waste_rank = last_rank and cluster_waste > 0 and waste_cumsum_pct != 100)
