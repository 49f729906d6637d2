{{ config(materialized='table', partition_by=none) }}
-- Namespaces that need a lifecycle action, as of end_date: one row per (cluster_type, namespace)
-- of dim_namespace_daily on end_date that is expired (TTL date before end_date), expiring (TTL
-- date within var ttl_warning_days from end_date), has an invalid TTL (an annotation that is not
-- a real YYYY-MM-DD date: reported, never treated as expired) or is dormant (dormant_namespaces),
-- in that order of precedence (is_dormant says so whatever the status). With what it still holds
-- on end_date (daily_enriched: requests and PV capacity), what that costs per month (the
-- cluster's resolved prices, int_resource_prices, x var hours_per_month) and the bytes its owner
-- keeps in buckets (tenant_storage_daily), the next action and, for an expired namespace, the
-- delete command; the delete is due var ttl_grace_days after the TTL date. A snapshot of the
-- latest window: rebuilt on every run.
with

namespaces_on_end_date as (

    select * from {{ ref('dim_namespace_daily') }}
    where date = {{ window_end_date() }}

),

dormant as (

    select * from {{ ref('dormant_namespaces') }}

),

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date = {{ window_end_date() }}

),

prices as (

    select * from {{ ref('int_resource_prices') }}

),

buckets_on_end_date as (

    select * from {{ ref('tenant_storage_daily') }}
    where date = {{ window_end_date() }}

),

owner_buckets as (

    select
        owner,
        {{ finops_sum('bytes') }} as bucket_bytes
    from buckets_on_end_date
    group by owner

),

holdings as (

    select
        cluster_type,
        namespace,
        {{ finops_sum('cpu_request_max') }} as cpu_request_cores,
        {{ finops_sum('mem_request_max') }} as mem_request_gb,
        {{ finops_sum('pv_capacity_max') }} as pv_capacity_gb
    from container_days
    group by cluster_type, namespace

),

ttl_parsed as (

    select
        namespaces_on_end_date.cluster_type,
        namespaces_on_end_date.namespace,
        namespaces_on_end_date.owner,
        namespaces_on_end_date.ttl_raw,
        {{ finops_try_date('namespaces_on_end_date.ttl_raw') }} as ttl_expire_date,
        {{ ttl_is_invalid('namespaces_on_end_date.ttl_raw') }} as ttl_invalid,
        dormant.namespace is not null as is_dormant,
        dormant.idle_since_at_least
    from namespaces_on_end_date
    left join dormant
        on
            namespaces_on_end_date.cluster_type = dormant.cluster_type
            and namespaces_on_end_date.namespace = dormant.namespace

),

classified as (

    select
        *,
        case
            when ttl_expire_date < {{ window_end_date() }} then 'expired'
            when ttl_expire_date <= {{ finops_date_add(window_end_date(), var('ttl_warning_days')) }} then 'expiring'
            when ttl_invalid then 'invalid_ttl'
            when is_dormant then 'dormant'
        end as lifecycle_status,
        {{ finops_date_add('ttl_expire_date', var('ttl_grace_days')) }} as delete_after_date
    from ttl_parsed

),

priced as (

    select
        classified.*,
        coalesce(holdings.cpu_request_cores, 0) as cpu_request_cores,
        coalesce(holdings.mem_request_gb, 0) as mem_request_gb,
        coalesce(holdings.pv_capacity_gb, 0) as pv_capacity_gb,
        coalesce(owner_buckets.bucket_bytes, 0) as owner_bucket_bytes,
        prices.cpu_core_hour as cpu_core_hour_price,
        prices.mem_gb_hour as mem_gb_hour_price,
        prices.pv_gb_hour as pv_gb_hour_price,
        prices.currency
    from classified
    left join holdings
        on
            classified.cluster_type = holdings.cluster_type
            and classified.namespace = holdings.namespace
    left join owner_buckets
        on classified.owner = owner_buckets.owner
    left join prices
        on classified.cluster_type = prices.cluster_type
    where classified.lifecycle_status is not null

),

final as (

    select
        {{ window_end_date() }} as as_of_date,
        cluster_type,
        namespace,
        owner,
        ttl_expire_date,
        ttl_raw,
        lifecycle_status,
        is_dormant,
        cpu_request_cores,
        mem_request_gb,
        pv_capacity_gb,
        owner_bucket_bytes,
        (
            cpu_request_cores * cpu_core_hour_price
            + mem_request_gb * mem_gb_hour_price
            + pv_capacity_gb * pv_gb_hour_price
        ) * {{ var('hours_per_month') }} as held_cost_per_month,
        currency,
        delete_after_date,
        case
            when lifecycle_status = 'expired' and delete_after_date < {{ window_end_date() }}
                then 'delete now (grace ended ' || cast(delete_after_date as string) || '); notify ' || owner
            when lifecycle_status = 'expired'
                then 'notify ' || owner || '; delete after ' || cast(delete_after_date as string)
            when lifecycle_status = 'expiring'
                then
                    'notify ' || owner || ': TTL ' || cast(ttl_expire_date as string)
                    || '; extend the TTL or it is deleted after ' || cast(delete_after_date as string)
            when lifecycle_status = 'invalid_ttl'
                then
                    'ask ' || owner || ' to fix the TTL annotation ' || {{ finops_single_quote() }} || ttl_raw
                    || {{ finops_single_quote() }} || ' (a YYYY-MM-DD date): {{ var("namespace_ttl_annotation") }}'
            else
                'ask ' || owner || ' to delete or scale down: no CPU use since at least '
                || cast(idle_since_at_least as string)
        end as action,
        case
            when lifecycle_status = 'expired' then 'kubectl delete namespace ' || namespace
        end as command
    from priced

)

select * from final
