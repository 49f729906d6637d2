-- Prices per cluster type, typed; cluster_type `*` is the default row.
with

prices as (

    select * from {{ ref('resource_prices') }}

),

final as (

    select
        upper(trim(cast(cluster_type as string))) as cluster_type,
        cast(cpu_core_hour as double) as cpu_core_hour,
        cast(mem_gb_hour as double) as mem_gb_hour,
        cast(pv_gb_hour as double) as pv_gb_hour,
        upper(trim(cast(currency as string))) as currency
    from prices

)

select * from final
