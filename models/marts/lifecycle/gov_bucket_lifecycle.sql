{{ config(materialized='table', partition_by=none) }}
-- Buckets of inactive owners, as of end_date: one row per bucket of tenant_storage_daily on
-- end_date whose owner (not `unassigned`) has no namespace left on any cluster, or only
-- namespaces that are expired or dormant (gov_namespace_lifecycle). With its size, its monthly
-- cost (var object_storage_gb_month per GiB-month) and the users' lifecycle step: an `mc ilm`
-- expiry rule of var bucket_expire_days days on alias var minio_alias. A snapshot of the latest
-- window: rebuilt on every run.
with

buckets_on_end_date as (

    select * from {{ ref('tenant_storage_daily') }}
    where date = {{ window_end_date() }}

),

namespaces_on_end_date as (

    select * from {{ ref('dim_namespace_daily') }}
    where date = {{ window_end_date() }}

),

lifecycle as (

    select * from {{ ref('gov_namespace_lifecycle') }}

),

owner_namespaces as (

    select
        namespaces_on_end_date.owner,
        count(*) as namespaces,
        sum(case when lifecycle.lifecycle_status = 'expired' or lifecycle.is_dormant then 0 else 1 end)
            as active_namespaces
    from namespaces_on_end_date
    left join lifecycle
        on
            namespaces_on_end_date.cluster_type = lifecycle.cluster_type
            and namespaces_on_end_date.namespace = lifecycle.namespace
    group by namespaces_on_end_date.owner

),

final as (

    select
        {{ window_end_date() }} as as_of_date,
        buckets_on_end_date.bucket,
        buckets_on_end_date.owner,
        buckets_on_end_date.bytes,
        buckets_on_end_date.objects,
        coalesce(buckets_on_end_date.bytes, 0) / 1073741824.0 * {{ var('object_storage_gb_month') }} as cost_per_month,
        buckets_on_end_date.currency,
        cast(coalesce(owner_namespaces.namespaces, 0) as bigint) as owner_namespaces,
        case
            when owner_namespaces.owner is null then 'no namespace left'
            else 'every namespace expired or dormant'
        end as reason,
        'mc ilm rule add --expire-days {{ var("bucket_expire_days") }} {{ var("minio_alias") }}/'
        || buckets_on_end_date.bucket as suggestion
    from buckets_on_end_date
    left join owner_namespaces
        on buckets_on_end_date.owner = owner_namespaces.owner
    where
        buckets_on_end_date.owner <> 'unassigned'
        and coalesce(owner_namespaces.active_namespaces, 0) = 0

)

select * from final
