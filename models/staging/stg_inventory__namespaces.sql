-- Namespace metadata snapshots of the window, one row per (snapshot, cluster, namespace): the
-- owner and tier labels and the TTL and purpose annotations (keys from vars, sanitized as
-- kube-state-metrics exports them), how many labels and annotations the snapshot carried, and
-- the report-timezone date of the snapshot. Empty when the window has no namespaces files.
with

snapshots as (

    {{ inventory_scan('namespaces') }}

),

final as (

    select
        snapshot_ts,
        cast({{ to_report_local('snapshot_ts') }} as date) as date,
        upper(nullif(trim(cluster), '')) as cluster_label,
        namespace,
        owner_label,
        tier_label,
        ttl_annotation,
        purpose_annotation,
        label_count,
        annotation_count,
        source_file
    from snapshots
    where namespace is not null

)

select * from final
