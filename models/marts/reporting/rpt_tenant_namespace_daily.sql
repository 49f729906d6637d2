-- One row per namespace-day with its owner and everything a tenant summary adds up: allocation
-- and waste cost, energy, Pareto grade, risk and violation container-days. The API filters it on
-- owner (an index in the published snapshot) instead of joining six marts per request.
{{ config(materialized='table', partition_by=none) }}

with

owners as (

    select * from {{ ref('rpt_namespace_owner') }}

),

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}

),

energy as (

    select * from {{ ref('energy_ns_daily') }}

),

pareto as (

    select * from {{ ref('pareto_ns') }}

),

risks as (

    select * from {{ ref('gov_risk_oom') }}

),

violations as (

    select * from {{ ref('gov_violations') }}

),

risk_days as (

    select
        date,
        cluster_type,
        namespace,
        cast(sum(case when is_oom_killed then 1 else 0 end) as bigint) as oom_container_days,
        cast(sum(case when is_oom_killed then 0 else 1 end) as bigint) as shortage_container_days
    from risks
    group by date, cluster_type, namespace

),

violation_days as (

    select
        date,
        cluster_type,
        namespace,
        count(*) as violation_container_days
    from violations
    group by date, cluster_type, namespace

),

final as (

    select
        namespace_days.date,
        namespace_days.cluster_type,
        namespace_days.namespace,
        owners.owner,  -- noqa: RF04
        owners.tier,
        namespace_days.currency,
        namespace_days.cpu_alloc_cost,
        namespace_days.mem_alloc_cost,
        namespace_days.pv_alloc_cost,
        namespace_days.alloc_cost,
        namespace_days.waste_cost,
        energy.it_kwh,
        energy.facility_kwh,
        energy.electricity_cost,
        energy.carbon_kg,
        pareto.grade as pareto_grade,
        coalesce(risk_days.oom_container_days, cast(0 as bigint)) as oom_container_days,
        coalesce(risk_days.shortage_container_days, cast(0 as bigint)) as shortage_container_days,
        coalesce(violation_days.violation_container_days, cast(0 as bigint)) as violation_container_days
    from namespace_days
    inner join owners
        on
            namespace_days.date = owners.date
            and namespace_days.cluster_type = owners.cluster_type
            and namespace_days.namespace = owners.namespace
    left join energy
        on
            namespace_days.date = energy.date
            and namespace_days.cluster_type = energy.cluster_type
            and namespace_days.namespace = energy.namespace
    left join pareto
        on
            namespace_days.date = pareto.date
            and namespace_days.cluster_type = pareto.cluster_type
            and namespace_days.namespace = pareto.namespace
    left join risk_days
        on
            namespace_days.date = risk_days.date
            and namespace_days.cluster_type = risk_days.cluster_type
            and namespace_days.namespace = risk_days.namespace
    left join violation_days
        on
            namespace_days.date = violation_days.date
            and namespace_days.cluster_type = violation_days.cluster_type
            and namespace_days.namespace = violation_days.namespace

)

select * from final
