-- Object storage per tenant: one row per (date, owner, bucket) of the buckets inventory in the
-- window, from int_bucket_usage_daily (the same rows tenant_cost_daily charges on its
-- OBJECT_STORAGE rows): bytes, objects and quota_bytes as of the bucket's last snapshot of the
-- date; gib_hours = mean bytes over the day's snapshots / 1024^3 x 24; cost = gib_hours / var
-- hours_per_month x var object_storage_gb_month, in the currency of the OBJECT_STORAGE cluster
-- type (int_resource_prices: its row of seed resource_prices, else the `*` row), as on
-- tenant_cost_daily's OBJECT_STORAGE rows.
-- Owner: the first matching pattern of seed bucket_owners (lowest priority; an owner `{1}` takes
-- the pattern's first capture group), else `unassigned`.
with

bucket_days as (

    select * from {{ ref('int_bucket_usage_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

prices as (

    select * from {{ ref('int_resource_prices') }}

),

final as (

    select
        bucket_days.date,
        bucket_days.owner,
        bucket_days.bucket,
        bucket_days.usage_bytes as bytes,
        bucket_days.objects,
        bucket_days.quota_bytes,
        bucket_days.snapshots,
        bucket_days.gib_hours,
        bucket_days.storage_cost as cost,
        prices.currency
    from bucket_days
    left join prices
        on prices.cluster_type = 'OBJECT_STORAGE'

)

select * from final
