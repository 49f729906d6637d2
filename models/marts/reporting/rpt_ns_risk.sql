-- Namespaces at risk over the window (weekly digest): one row per (cluster_type, namespace) with
-- any gov_risk_oom row, ranked by OOM kills, then throttled container-days, then peak throttling.
with

risk_days as (

    select * from {{ ref('rpt_risk_containers') }}

),

by_namespace as (

    select
        cluster_type,
        namespace,
        count(distinct pod || '/' || container) as containers_at_risk,
        cast(sum(oom_strike_sum) as bigint) as oom_kills,
        cast(sum(case when is_oom_killed then 1 else 0 end) as bigint) as oom_container_days,
        cast(sum(case when is_throttle_risk then 1 else 0 end) as bigint) as throttled_container_days,
        cast(sum(case when status = 'Request Shortage' then 1 else 0 end) as bigint) as shortage_container_days,
        max(cpu_throttled_max) as cpu_throttled_max,
        max(cpu_shortage_cores) as cpu_shortage_cores_max,
        max(mem_rss_max) as mem_rss_max_gb
    from risk_days
    group by cluster_type, namespace

),

final as (

    select
        *,
        cast(row_number() over (
            partition by cluster_type
            order by
                oom_kills desc, throttled_container_days desc, cpu_throttled_max desc,
                shortage_container_days desc, namespace asc
        ) as bigint) as risk_rank
    from by_namespace

)

select * from final
