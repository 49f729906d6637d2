-- Data quality: one row per (date, metric) of the window. How many samples carried the
-- metric, in how many containers; a metric no sample carried on a day that has data is absent
-- (the users' Grafana panels silently showed "No data" for weeks when a metric did not exist).
with

day_groups as (

    select * from {{ ref('int_container_day_groups') }}

),

per_metric as (

    {%- for c in raw_metric_columns() %}
        select
            date,
            '{{ c }}' as metric,
            {{ 'true' if c in var('optional_metrics') else 'false' }} as is_optional,
            cast(sum(sample_rows) as bigint) as sample_rows,
            cast(sum({{ c }}_samples) as bigint) as samples_with_value,
            count(case when {{ c }}_samples > 0 then 1 end) as containers_with_value,
            count(*) as container_groups
        from day_groups
        group by date
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        *,
        100.0 * cast(samples_with_value as double) / sample_rows as coverage_pct,
        samples_with_value = 0 as is_absent
    from per_metric

)

select * from final
