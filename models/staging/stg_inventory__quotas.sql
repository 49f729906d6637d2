-- ResourceQuota snapshots of the window, one row per (snapshot, cluster, namespace,
-- resourcequota, resource): the raw quota key (requests.cpu, limits.memory, requests.storage,
-- pods, ...) and its hard and used values in cores / bytes / counts as kube-state-metrics reports
-- them. Negative or non-finite values become NULL. Empty when the window has no quotas files.
with

snapshots as (

    {{ inventory_scan('quotas') }}

),

final as (

    select
        snapshot_ts,
        cast({{ to_report_local('snapshot_ts') }} as date) as date,
        upper(nullif(trim(cluster), '')) as cluster_label,
        namespace,
        resourcequota,
        trim(resource) as resource,
        case when hard >= 0 and {{ finops_is_finite('hard') }} then hard end as hard,
        case when used >= 0 and {{ finops_is_finite('used') }} then used end as used,
        source_file
    from snapshots
    where namespace is not null and resourcequota is not null and resource is not null

)

select * from final
