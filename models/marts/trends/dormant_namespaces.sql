{{ config(materialized='table', partition_by=none) }}
-- Dormant namespaces (seed 000: garbage collection of idle tenants): one row per
-- (cluster_type, namespace) whose containers used no CPU above var dormant_cpu_epsilon_cores
-- (P95, 0.01 cores) on every one of the last var dormant_days (14) days ending at end_date, seen
-- on all of those days, and that on end_date still holds CPU/memory requests or PV capacity. With
-- what it holds and what that costs per month (var hours_per_month / 24 days, the month of
-- every monthly figure): core-hours and GB-hours, and money at the price seed's rates
-- (ns_usage_daily's allocated cost on end_date x hours_per_month / 24). A snapshot of the latest
-- window: rebuilt on every run.
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where
        date between {{ finops_date_add(window_end_date(), 1 - var('dormant_days')) }}
        and {{ window_end_date() }}

),

namespace_costs_on_end_date as (

    select
        cluster_type,
        namespace,
        alloc_cost,
        currency
    from {{ ref('ns_usage_daily') }}
    where date = {{ window_end_date() }}

),

namespace_days as (

    select
        date,
        cluster_type,
        namespace,
        max(cpu_usage_p95) as max_cpu_usage_p95,
        {{ finops_sum('cpu_request_max') }} as cpu_request_cores,
        {{ finops_sum('mem_request_max') }} as mem_request_gb,
        {{ finops_sum('pv_capacity_max') }} as pv_capacity_gb,
        {{ finops_sum('cpu_allocated_core_hours') }} as cpu_alloc_ch,
        {{ finops_sum('mem_allocated_gb_hours') }} as mem_alloc_gh,
        {{ finops_sum('pv_allocated_gb_hours') }} as pv_alloc_gh,
        count(*) as container_cnt
    from container_days
    group by date, cluster_type, namespace

),

namespace_activity as (

    select
        cluster_type,
        namespace,
        count(*) as days_observed,
        max(max_cpu_usage_p95) as max_cpu_usage_p95,
        min(date) as first_observed_date,
        max(date) as last_observed_date
    from namespace_days
    group by cluster_type, namespace

),

holdings_on_end_date as (

    select * from namespace_days
    where date = {{ window_end_date() }}

),

final as (

    select
        namespace_activity.cluster_type,
        namespace_activity.namespace,
        namespace_activity.days_observed,
        namespace_activity.first_observed_date as idle_since_at_least,
        namespace_activity.max_cpu_usage_p95,
        holdings_on_end_date.container_cnt,
        holdings_on_end_date.cpu_request_cores,
        holdings_on_end_date.mem_request_gb,
        holdings_on_end_date.pv_capacity_gb,
        holdings_on_end_date.cpu_alloc_ch * {{ var('hours_per_month') }} / 24.0 as held_cpu_core_hours_per_month,
        holdings_on_end_date.mem_alloc_gh * {{ var('hours_per_month') }} / 24.0 as held_mem_gb_hours_per_month,
        holdings_on_end_date.pv_alloc_gh * {{ var('hours_per_month') }} / 24.0 as held_pv_gb_hours_per_month,
        namespace_costs_on_end_date.alloc_cost * {{ var('hours_per_month') }} / 24.0 as held_cost_per_month,
        namespace_costs_on_end_date.currency
    from namespace_activity
    inner join holdings_on_end_date
        on
            namespace_activity.cluster_type = holdings_on_end_date.cluster_type
            and namespace_activity.namespace = holdings_on_end_date.namespace
    left join namespace_costs_on_end_date
        on
            namespace_activity.cluster_type = namespace_costs_on_end_date.cluster_type
            and namespace_activity.namespace = namespace_costs_on_end_date.namespace
    where
        namespace_activity.days_observed >= {{ var('dormant_days') }}
        and namespace_activity.max_cpu_usage_p95 <= {{ var('dormant_cpu_epsilon_cores') }}
        and (
            holdings_on_end_date.cpu_request_cores > 0
            or holdings_on_end_date.mem_request_gb > 0
            or holdings_on_end_date.pv_capacity_gb > 0
        )

)

select * from final
