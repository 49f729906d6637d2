-- Object-storage buckets per day of the window, from the buckets inventory: the mean stored bytes
-- over the day's hourly snapshots (GiB-hours = mean GiB x 24), the last snapshot's bytes, objects
-- and quota, the owner from seed bucket_owners (lowest matching priority; `{1}` is the regex's
-- first capture group; no match: unassigned) and the cost at var object_storage_gb_month per
-- GiB-month of var hours_per_month hours.
with

bucket_snapshots as (

    select * from {{ ref('stg_inventory__buckets') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

owner_patterns as (

    select * from {{ ref('stg_seeds__bucket_owners') }}

),

ranked as (

    select
        *,
        row_number() over (partition by date, bucket order by snapshot_ts desc, source_file desc) as snapshot_rank
    from bucket_snapshots

),

daily as (

    select
        date,
        bucket,
        count(*) as snapshots,
        {{ finops_avg('coalesce(usage_bytes, 0)') }} / 1073741824.0 * 24 as gib_hours,
        max(case when snapshot_rank = 1 then usage_bytes end) as usage_bytes,
        max(case when snapshot_rank = 1 then objects end) as objects,
        max(case when snapshot_rank = 1 then quota_bytes end) as quota_bytes
    from ranked
    group by date, bucket

),

distinct_buckets as (

    select distinct bucket
    from daily

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
        replace(
            owner_patterns.owner,
            '{1}',
            {{ finops_regex_extract('winning_patterns.bucket', 'owner_patterns.bucket_regex', 1) }}
        ) as owner
    from winning_patterns
    inner join owner_patterns
        on winning_patterns.priority = owner_patterns.priority

),

final as (

    select
        daily.date,
        daily.bucket,
        coalesce(nullif(bucket_owners.owner, ''), 'unassigned') as owner,
        case when bucket_owners.owner is not null then 'seed' else 'unassigned' end as owner_source,
        daily.snapshots,
        daily.usage_bytes,
        daily.objects,
        daily.quota_bytes,
        daily.gib_hours,
        daily.gib_hours * {{ var('object_storage_gb_month') }} / {{ var('hours_per_month') }} as storage_cost
    from daily
    left join bucket_owners
        on daily.bucket = bucket_owners.bucket

)

select * from final
