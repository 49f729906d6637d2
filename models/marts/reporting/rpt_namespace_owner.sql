-- Who owns each namespace on each date: the single place the API (and anything tenant-scoped)
-- takes a namespace's owner and tier from. Until the tenancy marts land, a namespace is its own
-- owner and its tier is `unassigned`; then the import CTE becomes a select from
-- dim_namespace_daily. is_latest marks a namespace's newest date (its owner today).
{{ config(materialized='table', partition_by=none) }}

with

namespace_days as (

    select * from {{ ref('ns_usage_daily') }}

),

owners as (

    select distinct
        date,
        cluster_type,
        namespace,
        namespace as owner,  -- noqa: RF04
        'unassigned' as tier
    from namespace_days

),

final as (

    select
        *,
        date = max(date) over (partition by cluster_type, namespace) as is_latest
    from owners

)

select * from final
