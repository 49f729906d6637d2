-- Object storage per tenant: one row per (date, owner, bucket) of the buckets inventory in the
-- window. bytes, objects and quota_bytes as of the bucket's last snapshot of the date; gib_hours
-- = mean bytes over the day's snapshots / 1024^3 x 24; cost = gib_hours / var hours_per_month x
-- var object_storage_gb_month (in the currency of resource_prices' `*` row). Owner: the first
-- matching pattern of seed bucket_owners (lowest priority; an owner `{1}` takes the pattern's
-- first capture group), else `unassigned`.
with

bucket_snapshots as (

    select * from {{ ref('stg_inventory__buckets') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

owner_patterns as (

    select * from {{ ref('stg_seeds__bucket_owners') }}

),

prices as (

    select * from {{ ref('stg_seeds__resource_prices') }}
    where cluster_type = '*'

),

ranked_snapshots as (

    select
        *,
        row_number() over (
            partition by date, bucket
            order by snapshot_ts desc, source_file desc
        ) as snapshot_rank
    from bucket_snapshots

),

bucket_days as (

    select
        date,
        bucket,
        count(*) as snapshots,
        max(case when snapshot_rank = 1 then usage_bytes end) as bytes,
        max(case when snapshot_rank = 1 then objects end) as objects,
        max(case when snapshot_rank = 1 then quota_bytes end) as quota_bytes,
        {{ finops_avg('usage_bytes') }} / 1073741824.0 * 24 as gib_hours
    from ranked_snapshots
    group by date, bucket

),

distinct_buckets as (

    select distinct bucket
    from bucket_days

),

winning_patterns as (

    select
        distinct_buckets.bucket,
        min(owner_patterns.priority) as priority
    from distinct_buckets
    inner join owner_patterns
        on {{ finops_regex_search('distinct_buckets.bucket', 'owner_patterns.bucket_regex') }}
    group by distinct_buckets.bucket

),

bucket_owners as (

    select
        winning_patterns.bucket,
        case
            when owner_patterns.owner = '{1}'
                then {{ finops_regex_extract('winning_patterns.bucket', 'owner_patterns.bucket_regex', 1) }}
            else owner_patterns.owner
        end as owner
    from winning_patterns
    inner join owner_patterns
        on winning_patterns.priority = owner_patterns.priority

),

final as (

    select
        bucket_days.date,
        coalesce(nullif(bucket_owners.owner, ''), 'unassigned') as owner,
        bucket_days.bucket,
        bucket_days.bytes,
        bucket_days.objects,
        bucket_days.quota_bytes,
        bucket_days.snapshots,
        bucket_days.gib_hours,
        bucket_days.gib_hours / {{ var('hours_per_month') }} * {{ var('object_storage_gb_month') }} as cost,
        prices.currency
    from bucket_days
    left join bucket_owners
        on bucket_days.bucket = bucket_owners.bucket
    cross join prices

)

select * from final
