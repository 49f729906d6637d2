-- Per (date, cluster_type, namespace) of the window, from daily_enriched: the mean usage above
-- the request summed per container-day (what containers without or below requests take beyond
-- what they reserved: overage, in core-hours and GiB-hours), and the limits held (core-hours,
-- GiB-hours) for the overcommit ratio.
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

final as (

    select
        date,
        cluster_type,
        namespace,
        {{ finops_sum('greatest(cpu_usage_avg - cpu_request_max, 0) * minutes_running / 60.0') }} as cpu_overage_ch,
        {{ finops_sum('greatest(mem_usage_avg - mem_request_max, 0) * minutes_running / 60.0') }} as mem_overage_gh,
        {{ finops_sum('cpu_limit_max * minutes_running / 60.0') }} as cpu_limit_ch,
        {{ finops_sum('mem_limit_max * minutes_running / 60.0') }} as mem_limit_gh
    from container_days
    group by date, cluster_type, namespace

)

select * from final
