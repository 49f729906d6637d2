-- Anomaly band chart (issue 6): the CPU core-hours used per day by the top namespaces of
-- each cluster with their trailing baseline band, over the trailing var trend_window_days (28) days
-- ending at end_date. One row per (cluster_type, namespace, date). Namespaces are ranked by days
-- out of band in the report window, then by core-hours used in the window; the top var
-- report_trend_top_namespaces (4) per cluster are kept.
with

trend_days as (

    select * from {{ ref('ns_trend_daily') }}
    where
        date between {{ finops_date_add(window_end_date(), 1 - var('trend_window_days')) }}
        and {{ window_end_date() }}

),

window_totals as (

    select
        cluster_type,
        namespace,
        cast(sum(case when cpu_used_ch_anomaly is not null then 1 else 0 end) as bigint) as anomaly_days,
        {{ finops_sum('cpu_used_ch') }} as window_cpu_used_ch
    from trend_days
    where date between {{ window_start_date() }} and {{ window_end_date() }}
    group by cluster_type, namespace

),

ranked as (

    select
        *,
        cast(row_number() over (
            partition by cluster_type
            order by anomaly_days desc, window_cpu_used_ch desc, namespace asc
        ) as bigint) as trend_rank
    from window_totals

),

final as (

    select
        trend_days.cluster_type,
        trend_days.namespace,
        ranked.trend_rank,
        ranked.anomaly_days,
        trend_days.date,
        trend_days.cpu_used_ch,
        trend_days.cpu_used_ch_baseline_mean,
        trend_days.cpu_used_ch_band_low,
        trend_days.cpu_used_ch_band_high,
        trend_days.cpu_used_ch_anomaly,
        trend_days.has_baseline
    from trend_days
    inner join ranked
        on
            trend_days.cluster_type = ranked.cluster_type
            and trend_days.namespace = ranked.namespace
    where ranked.trend_rank <= {{ var('report_trend_top_namespaces') }}

)

select * from final
