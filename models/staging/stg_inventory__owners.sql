-- Pod owner snapshots of the window, one row per (snapshot, cluster, namespace, pod): the pod's
-- top controller kind (lower-cased, as kubectl names it: deployment, statefulset, daemonset,
-- cronjob, job, replicaset, pod) and name. Empty when the window has no owners files.
with

snapshots as (

    {{ inventory_scan('owners') }}

),

final as (

    select
        snapshot_ts,
        cast({{ to_report_local('snapshot_ts') }} as date) as date,
        upper(nullif(trim(cluster), '')) as cluster_label,
        namespace,
        pod,
        case
            when owner_kind is null or trim(owner_kind) in ('', '<none>') then 'pod'
            else lower(trim(owner_kind))
        end as owner_kind,
        coalesce(nullif(trim(owner_name), ''), pod) as owner_name,
        source_file
    from snapshots
    where namespace is not null and pod is not null

)

select * from final
