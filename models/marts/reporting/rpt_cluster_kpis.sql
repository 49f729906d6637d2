-- Executive-summary KPIs (sheet 0): one row per cluster_type over the window. Containers are
-- distinct (namespace, pod, container) identities; container-days are daily_enriched rows.
-- Right-sizing KPIs count the window's recommendations: to act on (critical, warning),
-- and the monthly savings (negative cost changes) and increases (positive ones) in currency.
with

container_days as (

    select * from {{ ref('rpt_container_days') }}

),

namespace_days as (

    select * from {{ ref('rpt_ns_daily') }}

),

recommendations as (

    select * from {{ ref('rightsizing_recommendations') }}
    where window_end_date = {{ window_end_date() }}

),

window_bounds as (

    select * from {{ ref('rpt_window') }}

),

identified as (

    select
        *,
        namespace || '/' || pod || '/' || container as container_key
    from container_days

),

cluster_facts as (

    select
        cluster_type,
        {{ finops_sorted_distinct_list('workload_domain', ', ') }} as workload_domains,
        min(date) as first_date,
        max(date) as last_date,
        count(distinct date) as days_with_data,
        count(distinct namespace) as namespaces,
        count(distinct container_key) as containers_observed,
        count(*) as container_days,
        count(distinct case when is_oom_killed then container_key end) as oom_containers,
        count(distinct case when is_throttle_risk then container_key end) as throttling_risk_containers,
        count(distinct case when is_spec_violation then container_key end) as spec_violation_containers,
        cast(sum(case when is_oom_killed then 1 else 0 end) as bigint) as oom_container_days,
        cast(sum(case when is_throttle_risk then 1 else 0 end) as bigint) as throttling_risk_container_days,
        cast(sum(case when is_spec_violation then 1 else 0 end) as bigint) as spec_violation_container_days,
        cast(sum(oom_strike_sum) as bigint) as oom_kills,
        {{ finops_sum('cpu_allocated_core_hours') }} as cpu_alloc_ch,
        {{ finops_sum('cpu_usage_core_hours') }} as cpu_used_ch,
        {{ finops_sum('cpu_waste_core_hours') }} as cpu_waste_ch,
        {{ finops_sum('mem_allocated_gb_hours') }} as mem_alloc_gh,
        {{ finops_sum('mem_usage_gb_hours') }} as mem_used_gh,
        {{ finops_sum('mem_waste_gb_hours') }} as mem_waste_gh,
        {{ finops_sum('pv_allocated_gb_hours') }} as pv_alloc_gh,
        {{ finops_sum('pv_waste_gb_hours') }} as pv_waste_gh
    from identified
    group by cluster_type

),

cluster_costs as (

    select
        cluster_type,
        sum(alloc_cost) as alloc_cost,
        sum(waste_cost) as waste_cost,
        max(currency) as currency
    from namespace_days
    group by cluster_type

),

rightsizing_totals as (

    select
        cluster_type,
        cast(sum(case when severity in ('critical', 'warning') then 1 else 0 end) as bigint)
            as rightsizing_actions,
        sum(case when monthly_cost_delta < 0 then -monthly_cost_delta else 0 end)
            as rightsizing_monthly_savings,
        sum(case when monthly_cost_delta > 0 then monthly_cost_delta else 0 end)
            as rightsizing_monthly_increase
    from recommendations
    group by cluster_type

),

final as (

    select
        window_bounds.window_start_date,
        window_bounds.window_end_date,
        window_bounds.report_timezone,
        cluster_facts.*,
        case
            when cluster_facts.cpu_alloc_ch > 0 then 100.0 * cluster_facts.cpu_used_ch / cluster_facts.cpu_alloc_ch
            else 0
        end as cpu_efficiency_pct,
        case
            when cluster_facts.mem_alloc_gh > 0 then 100.0 * cluster_facts.mem_used_gh / cluster_facts.mem_alloc_gh
            else 0
        end as mem_efficiency_pct,
        cluster_costs.alloc_cost,
        cluster_costs.waste_cost,
        cluster_costs.currency,
        coalesce(rightsizing_totals.rightsizing_actions, 0) as rightsizing_actions,
        coalesce(rightsizing_totals.rightsizing_monthly_savings, 0) as rightsizing_monthly_savings,
        coalesce(rightsizing_totals.rightsizing_monthly_increase, 0) as rightsizing_monthly_increase
    from cluster_facts
    cross join window_bounds
    left join cluster_costs
        on cluster_facts.cluster_type = cluster_costs.cluster_type
    left join rightsizing_totals
        on cluster_facts.cluster_type = rightsizing_totals.cluster_type

)

select * from final
