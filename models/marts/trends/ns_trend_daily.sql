-- Namespace daily trend with an anomaly band: one row per (date, cluster_type,
-- namespace). For each of used/allocated core-hours and GB-hours: the mean and sample standard
-- deviation of the namespace's previous var baseline_days (14) observed days, excluding the day
-- itself; a band mean +- var anomaly_sigma (2) x sd, at least var anomaly_min_halfwidth wide on each
-- side so a flat series does not flag noise; and the direction when the day leaves the band.
-- No baseline, band or flag without var min_baseline_days (7) days of history.
{%- set metrics = ['cpu_used_ch', 'cpu_alloc_ch', 'mem_used_gh', 'mem_alloc_gh'] %}
with

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}
    where
        date between {{ finops_date_add(window_start_date(), -var('baseline_days')) }}
        and {{ window_end_date() }}

),

window_days as (

    select * from namespace_days
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

baselines as (

    select
        window_days.date,
        window_days.cluster_type,
        window_days.namespace,
        count(history.date) as baseline_days_observed,
        {%- for m in metrics %}
            {{ finops_sum('history.' ~ m ~ ' * history.' ~ m) }} as {{ m }}_history_sum_sq,
            {{ finops_sum('history.' ~ m) }} as {{ m }}_history_sum{% if not loop.last %},{% endif %}
        {%- endfor %}
    from window_days
    left join namespace_days as history
        on
            window_days.cluster_type = history.cluster_type
            and window_days.namespace = history.namespace
            and history.date >= {{ finops_date_add('window_days.date', -var('baseline_days')) }}
            and window_days.date > history.date
    group by window_days.date, window_days.cluster_type, window_days.namespace

),

bands as (

    select
        window_days.date,
        window_days.cluster_type,
        window_days.namespace,
        {%- for m in metrics %}
            window_days.{{ m }},
        {%- endfor %}
        baselines.baseline_days_observed,
        baselines.baseline_days_observed >= {{ var('min_baseline_days') }} as has_baseline,
        {%- for m in metrics %}
            case
                when baselines.baseline_days_observed >= {{ var('min_baseline_days') }}
                    then baselines.{{ m }}_history_sum / baselines.baseline_days_observed
            end as {{ m }}_baseline_mean,
            -- sample standard deviation from exact sums: the same bits on every re-run
            case
                when baselines.baseline_days_observed >= {{ var('min_baseline_days') }}
                    then sqrt(greatest(
                            (
                                baselines.{{ m }}_history_sum_sq
                                - baselines.{{ m }}_history_sum * baselines.{{ m }}_history_sum
                                / baselines.baseline_days_observed
                            ) / (baselines.baseline_days_observed - 1),
                            0
                        ))
            end as {{ m }}_baseline_sd{% if not loop.last %},{% endif %}
        {%- endfor %}
    from window_days
    inner join baselines
        on
            window_days.date = baselines.date
            and window_days.cluster_type = baselines.cluster_type
            and window_days.namespace = baselines.namespace

),

band_widths as (

    select
        *,
        {%- for m in metrics %}
            greatest(
                {{ var('anomaly_sigma') }} * {{ m }}_baseline_sd,
                {{ var('anomaly_min_halfwidth') }}
            ) as {{ m }}_band_halfwidth{% if not loop.last %},{% endif %}
        {%- endfor %}
    from bands

),

flagged as (

    select
        *,
        {%- for m in metrics %}
            {{ m }}_baseline_mean - {{ m }}_band_halfwidth as {{ m }}_band_low,
            {{ m }}_baseline_mean + {{ m }}_band_halfwidth as {{ m }}_band_high,
            case
                when {{ m }} > {{ m }}_baseline_mean + {{ m }}_band_halfwidth then 'above'
                when {{ m }} < {{ m }}_baseline_mean - {{ m }}_band_halfwidth then 'below'
            end as {{ m }}_anomaly{% if not loop.last %},{% endif %}
        {%- endfor %}
    from band_widths

),

final as (

    select
        *,
        coalesce(
            {%- for m in metrics %}
                {{ m }}_anomaly is not null{% if not loop.last %} or{% endif %}
            {%- endfor %},
            false
        ) as is_anomaly
    from flagged

)

select * from final
