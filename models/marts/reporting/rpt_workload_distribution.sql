-- Box-plot statistics per workload type (charts 12, 13, 17): one row per (cluster_type,
-- workload_type, metric) for metric in cpu_util_pct, mem_util_pct (P95 / request, percent) and
-- cpu_limit_request_ratio (container-days with a CPU request only). Quartiles are
-- linear-interpolation percentiles; whiskers are the furthest values within 1.5 IQR of the box,
-- clamped to the box: an interpolated quartile can lie beyond every observation inside the fences
-- (few or tied values), and a whisker never starts inside the box.
with

container_days as (

    select * from {{ ref('rpt_container_days') }}

),

observations as (

    select
        cluster_type,
        workload_type,
        'cpu_util_pct' as metric,
        cpu_util_pct as metric_value
    from container_days
    union all
    select
        cluster_type,
        workload_type,
        'mem_util_pct' as metric,
        mem_util_pct as metric_value
    from container_days
    union all
    select
        cluster_type,
        workload_type,
        'cpu_limit_request_ratio' as metric,
        cpu_limit_request_ratio as metric_value
    from container_days
    where cpu_limit_request_ratio is not null

),

quartiles as (

    select
        cluster_type,
        workload_type,
        metric,
        count(*) as observations,
        min(metric_value) as min_value,
        max(metric_value) as max_value,
        {{ finops_avg('metric_value') }} as mean_value,
        {{ finops_percentile('metric_value', 0.25) }} as q1,
        {{ finops_percentile('metric_value', 0.5) }} as median,
        {{ finops_percentile('metric_value', 0.75) }} as q3
    from observations
    group by cluster_type, workload_type, metric

),

whiskers as (

    select
        quartiles.cluster_type,
        quartiles.workload_type,
        quartiles.metric,
        min(observations.metric_value) as whisker_low,
        max(observations.metric_value) as whisker_high
    from quartiles
    inner join observations
        on
            quartiles.cluster_type = observations.cluster_type
            and quartiles.workload_type = observations.workload_type
            and quartiles.metric = observations.metric
    where
        observations.metric_value >= quartiles.q1 - 1.5 * (quartiles.q3 - quartiles.q1)
        and observations.metric_value <= quartiles.q3 + 1.5 * (quartiles.q3 - quartiles.q1)
    group by quartiles.cluster_type, quartiles.workload_type, quartiles.metric

),

final as (

    select
        quartiles.*,
        least(coalesce(whiskers.whisker_low, quartiles.q1), quartiles.q1) as whisker_low,
        greatest(coalesce(whiskers.whisker_high, quartiles.q3), quartiles.q3) as whisker_high
    from quartiles
    left join whiskers
        on
            quartiles.cluster_type = whiskers.cluster_type
            and quartiles.workload_type = whiskers.workload_type
            and quartiles.metric = whiskers.metric

)

select * from final
