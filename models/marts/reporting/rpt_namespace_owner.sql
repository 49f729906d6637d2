-- Who owns each namespace on each date: the single place the API (and anything tenant-scoped)
-- takes a namespace's owner and tier from. Until the tenancy marts land, a namespace is its own
-- owner and has no tier; then this becomes a select from dim_namespace_daily.
{{ config(materialized='table', partition_by=none) }}

with

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}

),

final as (

    select distinct
        date,
        cluster_type,
        namespace,
        namespace as owner,  -- noqa: RF04
        cast(null as string) as tier
    from namespace_days

)

select * from final
