-- Lifecycle sheet and digest (issue 15): gov_bucket_lifecycle as of the window's end_date, one row
-- per bucket of an inactive owner, costliest first. Buckets belong to no Kubernetes cluster: every
-- cluster's report shows the same rows.
with

buckets as (

    select * from {{ ref('gov_bucket_lifecycle') }}
    where as_of_date = {{ window_end_date() }}

),

final as (

    select
        bucket,
        owner,
        bytes / {{ gib() }} as size_gb,
        objects,
        cost_per_month,
        currency,
        owner_namespaces,
        reason,
        suggestion,
        cast(row_number() over (order by cost_per_month desc, bucket asc) as bigint) as bucket_rank
    from buckets

)

select * from final
