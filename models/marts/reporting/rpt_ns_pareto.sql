-- Namespace CPU-waste Pareto over the whole window (sheet 1, chart 6, digest): one row per
-- (cluster_type, namespace). Same ranking and grade bands as pareto_ns (SPEC §6), on the window's
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

ranked as (

    select
        *,
        cast(row_number() over (
            partition by cluster_type
            order by total_waste_core_hours desc, namespace asc
        ) as bigint) as waste_rank,
        sum(cast(total_waste_core_hours as decimal(38, 12))) over (
            partition by cluster_type
            order by total_waste_core_hours desc, namespace asc
            rows between unbounded preceding and current row
        ) as waste_running_sum,
        coalesce(sum(cast(total_waste_core_hours as decimal(38, 12))) over (
            partition by cluster_type
            order by total_waste_core_hours desc, namespace asc
            rows between unbounded preceding and 1 preceding
        ), 0) as waste_running_sum_before
    from namespace_waste

),

shares as (

    select
        *,
        cast(max(waste_running_sum) over (partition by cluster_type) as double) as cluster_waste_total,
        cast(waste_running_sum as double) as waste_running_total,
        cast(waste_running_sum_before as double) as waste_running_total_before
    from ranked

),

graded as (

    select
        *,
        case when cluster_waste_total > 0 then 100.0 * (total_waste_core_hours / cluster_waste_total) else 0 end
            as waste_share_pct,
        case when cluster_waste_total > 0 then 100.0 * (waste_running_total / cluster_waste_total) else 0 end
            as waste_cumsum_pct,
        case when cluster_waste_total > 0 then 100.0 * (waste_running_total_before / cluster_waste_total) else 0 end
            as waste_cumsum_before_pct
    from shares

),

final as (

    select
        graded.cluster_type,
        graded.namespace,
        graded.waste_rank,
        case
            when graded.total_waste_core_hours <= 0 then 'Low'
            when graded.waste_cumsum_before_pct < {{ var('pareto_critical_below_pct') }} then 'Critical'
            when graded.waste_cumsum_before_pct < {{ var('pareto_high_below_pct') }} then 'High'
            when graded.waste_cumsum_before_pct < {{ var('pareto_medium_below_pct') }} then 'Medium'
            else 'Low'
        end as grade,
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
