-- Namespace waste Pareto: one row per (date, cluster_type, namespace), ranked by CPU
-- waste within its date and cluster. The grade is judged on the cumulative share of the
-- namespaces ranked ABOVE it, so a namespace holding 40% of the waste on its own is Critical
-- (macro pareto_grades, shared with rpt_ns_pareto).
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

namespace_waste as (

    select
        date,
        cluster_type,
        namespace,
        {{ finops_sum('cpu_waste_core_hours') }} as total_waste_core_hours,
        cast(sum(minutes_running) as bigint) as minutes_running_sum,
        count(*) as container_cnt,
        {{ finops_sum('cpu_allocated_core_hours') }} as total_allocated_core_hours
    from container_days
    group by date, cluster_type, namespace

),

graded as (

    {{ pareto_grades('namespace_waste', ['date', 'cluster_type'], 'total_waste_core_hours', 'namespace') }}

),

final as (

    select
        date,
        cluster_type,
        namespace,
        total_waste_core_hours,
        minutes_running_sum,
        container_cnt,
        total_allocated_core_hours,
        waste_share_pct,
        waste_cumsum_pct,
        waste_cumsum_before_pct,
        waste_rank,
        grade
    from graded

)

select * from final
