-- Object-storage bucket snapshots of the window, one row per (snapshot, bucket): bytes, objects
-- and the bucket quota in bytes (NULL: none). Negative or non-finite values become NULL. Empty
-- when the window has no buckets files.
with

snapshots as (

    {{ inventory_scan('buckets') }}

),

final as (

    select
        snapshot_ts,
        cast({{ to_report_local('snapshot_ts') }} as date) as date,
        bucket,
        case when usage_bytes >= 0 and {{ finops_is_finite('usage_bytes') }} then usage_bytes end as usage_bytes,
        case when objects >= 0 and {{ finops_is_finite('objects') }} then objects end as objects,
        case when quota_bytes > 0 and {{ finops_is_finite('quota_bytes') }} then quota_bytes end as quota_bytes,
        source_file
    from snapshots
    where bucket is not null

)

select * from final
