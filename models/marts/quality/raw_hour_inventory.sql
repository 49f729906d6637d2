{{ config(materialized='table', partition_by=none) }}
-- Data quality: one row per UTC hour overlapping the window, with the number of raw
-- files found for it (Hive layout only; the extractor writes one per hour). A missing hour means
-- the marts undercount that day. Rebuilt on every run from the same file listing the staging
-- model reads.
{%- set hours = [] %}
{%- set present = {} %}
{%- if execute and not var('raw_glob') %}
    {%- set w = finops_window() %}
    {%- set hour = w.start_utc.replace(minute=0, second=0, microsecond=0) %}
    {%- for i in range(((w.end_utc - hour).total_seconds() / 3600) | round(0, 'ceil') | int) %}
        {%- do hours.append(hour + modules.datetime.timedelta(hours=i)) %}
    {%- endfor %}
    {%- for f in raw_window_files(w) %}
        {%- set m = modules.re.search('dt=([0-9]{4}-[0-9]{2}-[0-9]{2})/hour=([0-9]{1,2})/', f) %}
        {%- if m %}
            {%- set key = m.group(1) ~ ' ' ~ '%02d' | format(m.group(2) | int) %}
            {%- do present.update({key: present.get(key, 0) + 1}) %}
        {%- endif %}
    {%- endfor %}
{%- endif %}
with

hours as (

    {%- if hours %}
        {%- for h in hours %}
            {%- set key = h.strftime('%Y-%m-%d %H') %}
            select
                {{ finops_utc_literal(h) }} as hour_start_utc,
                {{ present.get(key, 0) }} as file_count
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- else %}
    select
        cast(null as {{ finops_instant_type() }}) as hour_start_utc,
        0 as file_count
    where false
    {%- endif %}

),

final as (

    select
        hour_start_utc,
        cast({{ to_report_local('hour_start_utc') }} as date) as date,
        file_count,
        file_count = 0 as is_missing
    from hours

)

select * from final
