-- Namespace CPU-waste Pareto over the whole window (sheet 1, chart 6, digest): one row per
-- (cluster_type, namespace). Same ranking and grade bands as pareto_ns, on the window's
-- summed waste instead of one day's: the grade is judged on the cumulative share of the
-- namespaces ranked above.
with

namespace_days as (

    select * from {{ ref('pareto_ns') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

namespace_costs as (

    select
        cluster_type,
        namespace,
        sum(waste_cost) as waste_cost,
        sum(alloc_cost) as alloc_cost
    from {{ ref('rpt_ns_daily') }}
    group by cluster_type, namespace

),

namespace_waste as (

    select
        cluster_type,
        namespace,
        {{ finops_sum('total_waste_core_hours') }} as total_waste_core_hours,
        cast(sum(minutes_running_sum) as bigint) as minutes_running_sum,
        cast(sum(container_cnt) as bigint) as container_days,
        {{ finops_sum('total_allocated_core_hours') }} as total_allocated_core_hours,
        count(*) as days_present,
        cast(sum(case when grade = 'Critical' then 1 else 0 end) as bigint) as days_critical
    from namespace_days
    group by cluster_type, namespace

),

graded as (

    {{ pareto_grades('namespace_waste', ['cluster_type'], 'total_waste_core_hours', 'namespace') }}

),

final as (

    select
        graded.cluster_type,
        graded.namespace,
        graded.waste_rank,
        graded.grade,
        graded.total_waste_core_hours,
        graded.total_allocated_core_hours,
        case
            when graded.total_allocated_core_hours > 0
                then 100.0 * graded.total_waste_core_hours / graded.total_allocated_core_hours
            else 0
        end as waste_of_allocated_pct,
        graded.waste_share_pct,
        graded.waste_cumsum_pct,
        graded.waste_cumsum_before_pct,
        graded.minutes_running_sum,
        graded.container_days,
        graded.days_present,
        graded.days_critical,
        namespace_costs.waste_cost,
        namespace_costs.alloc_cost
    from graded
    left join namespace_costs
        on
            graded.cluster_type = namespace_costs.cluster_type
            and graded.namespace = namespace_costs.namespace

)

select * from final
