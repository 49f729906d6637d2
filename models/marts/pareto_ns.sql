-- Namespace waste Pareto (SPEC §6): one row per (date, cluster_type, namespace), ranked by CPU
-- waste within its date and cluster. The grade is judged on the cumulative share of the
-- namespaces ranked ABOVE it, so a namespace holding 40% of the waste on its own is Critical.
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

ranked as (

    -- running sums in exact decimals: monotone, order-independent, and the last one equals the
    -- total exactly, so the last cumulative share is exactly 100
    select
        *,
        cast(row_number() over (
            partition by date, cluster_type
            order by total_waste_core_hours desc, namespace asc
        ) as bigint) as waste_rank,
        sum(cast(total_waste_core_hours as decimal(38, 12))) over (
            partition by date, cluster_type
            order by total_waste_core_hours desc, namespace asc
            rows between unbounded preceding and current row
        ) as waste_running_sum,
        coalesce(sum(cast(total_waste_core_hours as decimal(38, 12))) over (
            partition by date, cluster_type
            order by total_waste_core_hours desc, namespace asc
            rows between unbounded preceding and 1 preceding
        ), 0) as waste_running_sum_before
    from namespace_waste

),

shares as (

    select
        *,
        cast(max(waste_running_sum) over (partition by date, cluster_type) as double) as cluster_waste_total,
        cast(waste_running_sum as double) as waste_running_total,
        cast(waste_running_sum_before as double) as waste_running_total_before
    from ranked

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
        case when cluster_waste_total > 0 then 100.0 * (total_waste_core_hours / cluster_waste_total) else 0 end
            as waste_share_pct,
        case when cluster_waste_total > 0 then 100.0 * (waste_running_total / cluster_waste_total) else 0 end
            as waste_cumsum_pct,
        case when cluster_waste_total > 0 then 100.0 * (waste_running_total_before / cluster_waste_total) else 0 end
            as waste_cumsum_before_pct,
        waste_rank,
        case
            when total_waste_core_hours <= 0 then 'Low'
            when 100.0 * (waste_running_total_before / cluster_waste_total) < {{ var('pareto_critical_below_pct') }}
                then 'Critical'
            when 100.0 * (waste_running_total_before / cluster_waste_total) < {{ var('pareto_high_below_pct') }}
                then 'High'
            when 100.0 * (waste_running_total_before / cluster_waste_total) < {{ var('pareto_medium_below_pct') }}
                then 'Medium'
            else 'Low'
        end as grade
    from shares

)

select * from final
