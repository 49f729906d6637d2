-- Fitted power-model coefficients per cluster type, typed; `*` is the default row.
with

coefficients as (

    select * from {{ ref('power_model_coefficients') }}

),

final as (

    select
        upper(trim(cast(cluster_type as string))) as cluster_type,
        cast(idle_watts_per_core as double) as idle_watts_per_core,
        cast(dynamic_watts_per_core as double) as dynamic_watts_per_core
    from coefficients

)

select * from final
