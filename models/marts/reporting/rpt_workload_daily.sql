-- Per workload type and date (charts 3, 4, 5, 11, 14): one row per (cluster_type, workload_type,
-- date) of the window.
with

container_days as (

    select * from {{ ref('rpt_container_days') }}

),

final as (

    select
        cluster_type,
        workload_type,
        date,
        count(*) as container_days,
        {{ finops_sum('cpu_waste_core_hours') }} as cpu_waste_ch,
        {{ finops_sum('mem_waste_gb_hours') }} as mem_waste_gh,
        {{ finops_sum('cpu_shortage_cores') }} as cpu_shortage_cores,
        {{ finops_avg('cpu_util_pct') }} as cpu_util_pct_mean
    from container_days
    group by cluster_type, workload_type, date

)

select * from final
