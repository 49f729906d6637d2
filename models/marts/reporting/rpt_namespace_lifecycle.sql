-- Lifecycle sheet and digest (issue 15): gov_namespace_lifecycle as of the window's end_date, one
-- row per (cluster_type, namespace), ranked per cluster: expired, expiring, invalid TTL, dormant;
-- within a status the costliest first.
with

namespaces as (

    select * from {{ ref('gov_namespace_lifecycle') }}
    where as_of_date = {{ window_end_date() }}

),

final as (

    select
        cluster_type,
        namespace,
        owner,
        lifecycle_status,
        ttl_expire_date,
        ttl_raw,
        delete_after_date,
        is_dormant,
        cpu_request_cores,
        mem_request_gb,
        pv_capacity_gb,
        owner_bucket_bytes / {{ gib() }} as owner_bucket_gb,
        held_cost_per_month,
        currency,
        action,
        command,
        cast(row_number() over (
            partition by cluster_type
            order by
                case lifecycle_status
                    when 'expired' then 1
                    when 'expiring' then 2
                    when 'invalid_ttl' then 3
                    else 4
                end asc,
                held_cost_per_month desc,
                namespace asc
        ) as bigint) as lifecycle_rank
    from namespaces

)

select * from final
