-- One row per raw sample in the report window: typed, cleaned and dated.
-- Negative, NaN and infinite metric values become NULL; the timestamp is truncated to the minute
-- in integer arithmetic; `date` is the report-timezone date of that minute.
with

raw_samples as (

    select * from {{ ref('base_raw__container_samples') }}

),

minute_aligned as (

    select
        *,
        {{ finops_minute_floor('sample_ts') }} as sample_minute
    from raw_samples

),

localised as (

    select
        *,
        {{ to_report_local('sample_minute') }} as report_local_minute
    from minute_aligned
    where
        sample_minute >= {{ finops_window().start_utc_sql }}
        and sample_minute < {{ finops_window().end_utc_sql }}

),

final as (

    select
        cast(report_local_minute as date) as date,
        sample_minute,
        sample_ts,
        upper(cluster_label) as cluster_label,
        coalesce(node, 'unknown') as node,
        namespace,
        pod,
        container,
        {%- for c in raw_metric_columns() %}
            case when {{ c }} >= 0 and {{ finops_is_finite(c) }} then {{ c }} end as {{ c }},
        {%- endfor %}
        source_file,
        source_row_number
    from localised

)

select * from final
