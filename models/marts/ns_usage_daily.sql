-- Namespace daily usage and score (SPEC §6): one row per (date, cluster_type, namespace).
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

summed as (

    select
        date,
        cluster_type,
        namespace,
        {{ finops_sum('cpu_usage_core_hours') }} as cpu_used_ch,
        {{ finops_sum('cpu_allocated_core_hours') }} as cpu_alloc_ch,
        {{ finops_sum('cpu_waste_core_hours') }} as cpu_waste_ch,
        {{ finops_sum('mem_usage_gb_hours') }} as mem_used_gh,
        {{ finops_sum('mem_allocated_gb_hours') }} as mem_alloc_gh,
        {{ finops_sum('mem_waste_gb_hours') }} as mem_waste_gh,
        {{ finops_sum('pv_usage_gb_hours') }} as pv_used_gh,
        {{ finops_sum('pv_allocated_gb_hours') }} as pv_alloc_gh,
        {{ finops_sum('pv_waste_gb_hours') }} as pv_waste_gh,
        count(*) as container_cnt
    from container_days
    group by date, cluster_type, namespace

),

final as (

    select
        *,
        cpu_alloc_ch * {{ var('usage_score_weight_cpu') }}
        + mem_alloc_gh * {{ var('usage_score_weight_mem') }}
        + pv_alloc_gh * {{ var('usage_score_weight_pv') }} as final_usage_score
    from summed

)

select * from final
