-- Namespace daily usage and score of the window (sheet 1-2), ranked by score within each date
-- and cluster. Cost columns come from ns_usage_daily when it has them, else NULL.
{%- set ns_columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(ref('ns_usage_daily')) -%}
        {%- do ns_columns.append(column.name | lower) -%}
    {%- endfor -%}
{%- endif -%}
{%- set has_cost = 'alloc_cost' in ns_columns and 'waste_cost' in ns_columns and 'currency' in ns_columns %}

with

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

final as (

    select
        date,
        cluster_type,
        namespace,
        cpu_used_ch,
        cpu_alloc_ch,
        cpu_waste_ch,
        mem_used_gh,
        mem_alloc_gh,
        mem_waste_gh,
        pv_used_gh,
        pv_alloc_gh,
        pv_waste_gh,
        container_cnt,
        final_usage_score,
        {%- if has_cost %}
            alloc_cost,
            waste_cost,
            currency,
        {%- else %}
            cast(null as double) as alloc_cost,
            cast(null as double) as waste_cost,
            cast(null as string) as currency,
        {%- endif %}
        cast(row_number() over (
            partition by date, cluster_type
            order by final_usage_score desc, namespace asc
        ) as bigint) as score_rank
    from namespace_days

)

select * from final
