-- What a pre-deployment estimate uses, per cluster type: the prices and power-model coefficients
-- the cost and energy marts apply (int_resource_prices for the clusters the run priced; for `*`
-- and the seeds' other cluster types the same rule: the cluster's row, else the `*` row, else the
-- vars), the energy vars, and the cost and energy expressions rendered from the same macros as
-- ns_usage_daily and energy_ns_daily, so the API evaluates exactly the marts' formulas on a
-- planned workload.
with

run_prices as (

    select * from {{ ref('int_resource_prices') }}

),

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
    select cluster_type from run_prices
    union
    select distinct cluster_type from namespace_days

),

resolved as (

    select
        cluster_types.cluster_type,
        cast(coalesce(
            run_prices.cpu_core_hour, cluster_prices.cpu_core_hour, default_prices.cpu_core_hour
        ) as double) as cpu_core_hour_price,
        cast(coalesce(
            run_prices.mem_gb_hour, cluster_prices.mem_gb_hour, default_prices.mem_gb_hour
        ) as double) as mem_gb_hour_price,
        cast(coalesce(
            run_prices.pv_gb_hour, cluster_prices.pv_gb_hour, default_prices.pv_gb_hour
        ) as double) as pv_gb_hour_price,
        cast(coalesce(
            run_prices.currency, cluster_prices.currency, default_prices.currency
        ) as string) as currency,
        cast(coalesce(
            cluster_coefficients.idle_watts_per_core,
            default_coefficients.idle_watts_per_core,
            {{ var('idle_watts_per_core') }}
        ) as double) as idle_watts_per_core,
        cast(coalesce(
            cluster_coefficients.dynamic_watts_per_core,
            default_coefficients.dynamic_watts_per_core,
            {{ var('dynamic_watts_per_core') }}
        ) as double) as dynamic_watts_per_core,
        case
            when cluster_coefficients.idle_watts_per_core is not null then 'calibrated (cluster type)'
            when default_coefficients.idle_watts_per_core is not null then 'calibrated (default row)'
            else 'vars'
        end as power_model_source
    from cluster_types
    left join run_prices
        on cluster_types.cluster_type = run_prices.cluster_type
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
        cast({{ var('pue') }} as double) as pue,
        cast({{ var('electricity_rate') }} as double) as electricity_rate,
        cast({{ var('carbon_intensity') }} as double) as carbon_intensity,
        cast({{ var('carbon_price') }} as double) as carbon_price,
        cast({{ var('hours_per_month') }} as double) as hours_per_month,
        '{{ finops_alloc_cost(
            "cpu_core_hours", "mem_gb_hours", "pv_gb_hours", "cpu_core_hour_price", "mem_gb_hour_price", "pv_gb_hour_price"
        ) }}' as cost_expression,
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
