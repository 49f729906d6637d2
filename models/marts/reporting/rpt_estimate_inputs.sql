-- What a pre-deployment estimate uses, per cluster type: the prices and power-model coefficients
-- the cost and energy marts apply (the cluster's row, else the `*` row, else the vars), the energy
-- vars, and the energy expressions rendered from the same macros as energy_ns_daily, so the API
-- evaluates exactly the marts' formulas on a planned workload.
with

prices as (

    select * from {{ ref('stg_seeds__resource_prices') }}

),

coefficients as (

    select * from {{ ref('stg_seeds__power_model_coefficients') }}

),

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}

),

cluster_types as (

    select '*' as cluster_type
    union
    select cluster_type from prices
    union
    select cluster_type from coefficients
    union
    select distinct cluster_type from namespace_days

),

resolved as (

    select
        cluster_types.cluster_type,
        coalesce(cluster_prices.cpu_core_hour, default_prices.cpu_core_hour) as cpu_core_hour_price,
        coalesce(cluster_prices.mem_gb_hour, default_prices.mem_gb_hour) as mem_gb_hour_price,
        coalesce(cluster_prices.pv_gb_hour, default_prices.pv_gb_hour) as pv_gb_hour_price,
        coalesce(cluster_prices.currency, default_prices.currency) as currency,
        coalesce(
            cluster_coefficients.idle_watts_per_core,
            default_coefficients.idle_watts_per_core,
            {{ var('idle_watts_per_core') }}
        ) as idle_watts_per_core,
        coalesce(
            cluster_coefficients.dynamic_watts_per_core,
            default_coefficients.dynamic_watts_per_core,
            {{ var('dynamic_watts_per_core') }}
        ) as dynamic_watts_per_core,
        case
            when cluster_coefficients.idle_watts_per_core is not null then 'calibrated (cluster type)'
            when default_coefficients.idle_watts_per_core is not null then 'calibrated (default row)'
            else 'vars'
        end as power_model_source
    from cluster_types
    left join prices as cluster_prices
        on cluster_types.cluster_type = cluster_prices.cluster_type
    left join prices as default_prices
        on default_prices.cluster_type = '*'
    left join coefficients as cluster_coefficients
        on cluster_types.cluster_type = cluster_coefficients.cluster_type
    left join coefficients as default_coefficients
        on default_coefficients.cluster_type = '*'

),

final as (

    select
        *,
        {{ var('pue') }} as pue,
        {{ var('electricity_rate') }} as electricity_rate,
        {{ var('carbon_intensity') }} as carbon_intensity,
        {{ var('carbon_price') }} as carbon_price,
        {{ var('hours_per_month') }} as hours_per_month,
        '{{ finops_model_it_kwh(
            "idle_watts_per_core", "dynamic_watts_per_core", "cpu_request_cores", "cpu_usage_cores", "minutes_running"
        ) }}' as it_kwh_expression,
        '{{ finops_facility_kwh("it_kwh") }}' as facility_kwh_expression,
        '{{ finops_electricity_cost("facility_kwh") }}' as electricity_cost_expression,
        '{{ finops_carbon_kg("facility_kwh") }}' as carbon_kg_expression,
        '{{ finops_carbon_cost("facility_kwh") }}' as carbon_cost_expression
    from resolved

)

select * from final
