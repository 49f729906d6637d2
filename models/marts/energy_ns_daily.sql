-- Namespace daily energy, electricity cost and carbon: one row per (date, cluster_type,
-- namespace). Per container-day: Kepler joules when the container has any Kepler sample that day
-- (joules / 3.6e6 kWh), else the linear power model idle_watts_per_core * cpu_request_max +
-- dynamic_watts_per_core * cpu_usage_avg, times hours running. Coefficients: the cluster's row
-- of seed power_model_coefficients, else its `*` row, else the vars.
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

coefficients as (

    select * from {{ ref('stg_seeds__power_model_coefficients') }}

),

container_energy as (

    select
        container_days.date,
        container_days.cluster_type,
        container_days.namespace,
        container_days.energy_minutes > 0 as has_kepler,
        case
            when container_days.energy_minutes > 0 then container_days.energy_joules_sum / 3600000.0
            else
                {{ finops_model_it_kwh(
                    'coalesce(cluster_coefficients.idle_watts_per_core, default_coefficients.idle_watts_per_core, '
                    ~ var('idle_watts_per_core') ~ ')',
                    'coalesce(cluster_coefficients.dynamic_watts_per_core, default_coefficients.dynamic_watts_per_core, '
                    ~ var('dynamic_watts_per_core') ~ ')',
                    'container_days.cpu_request_max',
                    'container_days.cpu_usage_avg',
                    'container_days.minutes_running'
                ) }}
        end as it_kwh
    from container_days
    left join coefficients as cluster_coefficients
        on container_days.cluster_type = cluster_coefficients.cluster_type
    left join coefficients as default_coefficients
        on default_coefficients.cluster_type = '*'

),

namespace_energy as (

    select
        date,
        cluster_type,
        namespace,
        {{ finops_sum('it_kwh') }} as it_kwh,
        {{ finops_sum('case when has_kepler then it_kwh else 0 end') }} as kepler_it_kwh,
        {{ finops_sum('case when has_kepler then 0 else it_kwh end') }} as model_it_kwh,
        cast(sum(case when has_kepler then 1 else 0 end) as bigint) as kepler_container_cnt,
        cast(sum(case when has_kepler then 0 else 1 end) as bigint) as model_container_cnt
    from container_energy
    group by date, cluster_type, namespace

),

facility as (

    select
        *,
        case
            when model_container_cnt = 0 then 'kepler'
            when kepler_container_cnt = 0 then 'model'
            else 'mixed'
        end as energy_source,
        {{ finops_facility_kwh('it_kwh') }} as facility_kwh
    from namespace_energy

),

final as (

    select
        *,
        {{ finops_electricity_cost('facility_kwh') }} as electricity_cost,
        {{ finops_carbon_kg('facility_kwh') }} as carbon_kg,
        {{ finops_carbon_cost('facility_kwh') }} as carbon_cost
    from facility

)

select * from final
