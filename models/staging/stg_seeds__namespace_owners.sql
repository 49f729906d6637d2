-- Namespace-name patterns that name the owner (and tier) where the owner label is missing;
-- lowest priority wins.
with

patterns as (

    select * from {{ ref('namespace_owners') }}

),

final as (

    select
        cast(priority as integer) as priority,
        cast(namespace_regex as string) as namespace_regex,
        trim(cast(owner as string)) as owner,
        nullif(trim(cast(tier as string)), '') as tier
    from patterns

)

select * from final
