-- Who owns each namespace on each date: the single place the API (and anything tenant-scoped)
-- takes a namespace's owner and tier from. They are dim_namespace_daily's (owner label, else the
-- namespace_owners seed, else `unassigned`; a namespace without an inventory row gets the seed or
-- `unassigned` there too), with a tier of `unknown` when neither label nor seed gives one, as
-- tenant_cost_daily groups it. is_latest marks a namespace's newest date (its owner today).
{{ config(materialized='table', partition_by=none) }}

with

namespace_owners as (

    select * from {{ ref('dim_namespace_daily') }}

),

final as (

    select
        date,
        cluster_type,
        namespace,
        owner,
        coalesce(tier, 'unknown') as tier,
        owner_source,
        is_shared,
        date = max(date) over (partition by cluster_type, namespace) as is_latest
    from namespace_owners

)

select * from final
