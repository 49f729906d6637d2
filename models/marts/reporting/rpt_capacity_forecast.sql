-- Capacity forecast chart (issue 6): per cluster and CPU metric (core-hours used and
-- allocated), the observed daily totals of the trailing var trend_window_days (28) days ending at
-- end_date and the projected line of capacity_forecast for var forecast_days (14) days after it.
-- One row per (cluster_type, metric, date, series); series 'observed' or 'forecast' (the line
-- from the fitted value at end_date to the last forecast date).
with

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}
    where
        date between {{ finops_date_add(window_end_date(), 1 - var('trend_window_days')) }}
        and {{ window_end_date() }}

),

forecasts as (

    select * from {{ ref('capacity_forecast') }}
    where scope = 'cluster' and metric in ('cpu_used_ch', 'cpu_alloc_ch')

),

cluster_days as (

    select
        cluster_type,
        date,
        {{ finops_sum('cpu_used_ch') }} as cpu_used_ch,
        {{ finops_sum('cpu_alloc_ch') }} as cpu_alloc_ch
    from namespace_days
    group by cluster_type, date

),

observed as (

    select
        cluster_type,
        'cpu_used_ch' as metric,
        date,
        'observed' as series,
        cpu_used_ch as core_hours
    from cluster_days
    union all
    select
        cluster_type,
        'cpu_alloc_ch' as metric,
        date,
        'observed' as series,
        cpu_alloc_ch as core_hours
    from cluster_days

),

fit_per_metric as (

    select distinct
        cluster_type,
        metric,
        slope_per_day,
        value_at_end_date,
        r2,
        capacity,
        capacity_reached_date
    from forecasts

),

projected as (

    select
        cluster_type,
        metric,
        forecast_date as date,
        'forecast' as series,
        forecast_value as core_hours
    from forecasts
    union all
    select
        cluster_type,
        metric,
        {{ window_end_date() }} as date,
        'forecast' as series,
        value_at_end_date as core_hours
    from fit_per_metric

),

series_rows as (

    select * from observed
    union all
    select * from projected

),

final as (

    select
        series_rows.cluster_type,
        series_rows.metric,
        series_rows.date,
        series_rows.series,
        series_rows.core_hours,
        fit_per_metric.slope_per_day,
        fit_per_metric.r2,
        fit_per_metric.capacity,
        fit_per_metric.capacity_reached_date
    from series_rows
    left join fit_per_metric
        on
            series_rows.cluster_type = fit_per_metric.cluster_type
            and series_rows.metric = fit_per_metric.metric

)

select * from final
