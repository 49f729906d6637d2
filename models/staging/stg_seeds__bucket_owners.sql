-- Bucket-name patterns that name the bucket's owner; lowest priority wins, an owner of `{1}`
-- takes the regex's first capture group.
with

patterns as (

    select * from {{ ref('bucket_owners') }}

),

final as (

    select
        cast(priority as integer) as priority,
        cast(bucket_regex as string) as bucket_regex,
        trim(cast(owner as string)) as owner
    from patterns

)

select * from final
