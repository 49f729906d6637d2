{{ config(materialized='table', partition_by=none) }}
-- Capacity forecast: one row per (scope, cluster_type, namespace, metric,
-- forecast_date). A least-squares line through the daily totals of the trailing var
-- trend_window_days (28) days ending at end_date, per cluster (scope 'cluster', namespace '*') and
-- per namespace (scope 'namespace'), projected var forecast_days (14) days past end_date. Where var
-- cluster_capacity sets a capacity for the cluster and metric, the first day the projected
-- cluster total reaches it; where it sets none, the cluster's allocatable (cluster_capacity_daily,
-- its latest day in the trend window: cpu_allocatable_ch for CPU metrics, mem_allocatable_gh for
-- memory ones). A snapshot of the latest window: rebuilt on every run.
{%- set metrics = ['cpu_used_ch', 'cpu_alloc_ch', 'mem_used_gh', 'mem_alloc_gh'] %}
{%- set capacity = var('cluster_capacity') or {} %}
with

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}
    where
        date between {{ finops_date_add(window_end_date(), 1 - var('trend_window_days')) }}
        and {{ window_end_date() }}

),

namespace_series as (

    {%- for m in metrics %}
        select
            'namespace' as scope,
            cluster_type,
            namespace,
            '{{ m }}' as metric,
            date,
            {{ m }} as daily_value
        from namespace_days
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

cluster_series as (

    select
        'cluster' as scope,
        cluster_type,
        '*' as namespace,
        metric,
        date,
        {{ finops_sum('daily_value') }} as daily_value
    from namespace_series
    group by cluster_type, metric, date

),

series as (

    select * from namespace_series
    union all
    select * from cluster_series

),

fits as (

    select
        scope,
        cluster_type,
        namespace,
        metric,
        count(*) as days_observed,
        max(date) as last_observed_date,
        regr_slope(daily_value, {{ finops_days_between(window_end_date(), 'date') }}) as slope_per_day,
        regr_intercept(daily_value, {{ finops_days_between(window_end_date(), 'date') }}) as value_at_end_date,
        {{ finops_regr_r2('daily_value', finops_days_between(window_end_date(), 'date')) }} as r2
    from series
    group by scope, cluster_type, namespace, metric

),

horizon as (

    {%- for k in range(1, var('forecast_days') + 1) %}
        select {{ k }} as days_ahead
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

configured_capacities as (

    {%- set rows = [] %}
    {%- for cluster, per_metric in capacity.items() %}
    {%- for metric, value in per_metric.items() %}
    {%- do rows.append((cluster | upper, metric, value)) %}
    {%- endfor %}
    {%- endfor %}
    {%- if rows %}
    {%- for cluster, metric, value in rows %}
    select
        '{{ cluster }}' as cluster_type,
        '{{ metric }}' as metric,
        cast({{ value }} as double) as capacity
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- else %}
        select
            cast(null as string) as cluster_type,
            cast(null as string) as metric,
            cast(null as double) as capacity
        where false
    {%- endif %}

),

allocatable_days as (

    select
        cluster_type,
        cpu_allocatable_ch,
        mem_allocatable_gh,
        row_number() over (partition by cluster_type order by date desc) as days_back
    from {{ ref('cluster_capacity_daily') }}
    where
        date between {{ finops_date_add(window_end_date(), 1 - var('trend_window_days')) }}
        and {{ window_end_date() }}

),

allocatable_capacities as (

    {%- for m in metrics %}
        select
            cluster_type,
            '{{ m }}' as metric,
            {{ 'cpu_allocatable_ch' if m.startswith('cpu') else 'mem_allocatable_gh' }} as capacity
        from allocatable_days
        where days_back = 1
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

capacities as (

    select * from configured_capacities
    union all
    select allocatable_capacities.*
    from allocatable_capacities
    left join configured_capacities
        on
            allocatable_capacities.cluster_type = configured_capacities.cluster_type
            and allocatable_capacities.metric = configured_capacities.metric
    where configured_capacities.metric is null

),

projected as (

    select
        fits.scope,
        fits.cluster_type,
        fits.namespace,
        fits.metric,
        {{ finops_date_add(window_end_date(), 'horizon.days_ahead') }} as forecast_date,
        horizon.days_ahead,
        fits.days_observed,
        fits.slope_per_day,
        fits.value_at_end_date,
        fits.r2,
        fits.value_at_end_date + fits.slope_per_day * horizon.days_ahead as forecast_value,
        capacities.capacity
    from fits
    cross join horizon
    left join capacities
        on
            fits.scope = 'cluster'
            and fits.cluster_type = capacities.cluster_type
            and fits.metric = capacities.metric
    where fits.days_observed >= 2

),

final as (

    select
        *,
        capacity is not null and forecast_value >= capacity as exceeds_capacity,
        min(case when capacity is not null and forecast_value >= capacity then forecast_date end) over (
            partition by scope, cluster_type, namespace, metric
        ) as capacity_reached_date
    from projected

)

select * from final
