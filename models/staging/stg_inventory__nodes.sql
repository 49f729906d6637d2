-- Node capacity snapshots of the window, one row per (snapshot, cluster, node, resource):
-- `cpu` in cores, `memory` in GiB (bytes / 1024^3, as everywhere in the marts), `pods` as counts.
-- Negative or non-finite values become NULL. Empty when the window has no nodes files.
with

snapshots as (

    {{ inventory_scan('nodes') }}

),

cleaned as (

    select
        snapshot_ts,
        cast({{ to_report_local('snapshot_ts') }} as date) as date,
        upper(nullif(trim(cluster), '')) as cluster_label,
        node,
        lower(trim(resource)) as resource,
        case when capacity >= 0 and {{ finops_is_finite('capacity') }} then capacity end as capacity,
        case when allocatable >= 0 and {{ finops_is_finite('allocatable') }} then allocatable end as allocatable,
        source_file
    from snapshots
    where node is not null and resource is not null

),

final as (

    select
        snapshot_ts,
        date,
        cluster_label,
        node,
        resource,
        case when resource = 'memory' then capacity / 1073741824.0 else capacity end as capacity,
        case when resource = 'memory' then allocatable / 1073741824.0 else allocatable end as allocatable,
        source_file
    from cleaned

)

select * from final
