-- Quota overcommit per cluster and day: one row per (date, cluster_type) of the window with
-- quotas inventory. The hard CPU and memory requests quotas (`requests.cpu` or `cpu`,
-- `requests.memory` or `memory`; the smaller when one quota sets both) summed over the cluster's
-- namespaces, over the cluster's allocatable (mean of the day's node snapshots), flagged above
-- var quota_overcommit_ratio (kubernetes-mixin's KubeCPUQuotaOvercommit). A ratio is NULL when
-- the cluster has no node inventory that day.
with

quota_days as (

    select * from {{ ref('int_quota_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

allocatable as (

    select * from {{ ref('int_cluster_allocatable_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

quota_requests as (

    select
        date,
        cluster_type,
        namespace,
        resourcequota,
        min(case when resource in ('requests.cpu', 'cpu') then hard end) as cpu_hard_cores,
        min(case when resource in ('requests.memory', 'memory') then hard end) / 1073741824.0 as mem_hard_gb
    from quota_days
    group by date, cluster_type, namespace, resourcequota

),

cluster_requests as (

    select
        date,
        cluster_type,
        count(distinct namespace) as namespaces_with_quota,
        coalesce({{ finops_sum('cpu_hard_cores') }}, 0) as cpu_hard_requests_cores,
        coalesce({{ finops_sum('mem_hard_gb') }}, 0) as mem_hard_requests_gb
    from quota_requests
    group by date, cluster_type

),

ratios as (

    select
        cluster_requests.*,
        allocatable.cpu_allocatable_ch / 24 as cpu_allocatable_cores,
        allocatable.mem_allocatable_gh / 24 as mem_allocatable_gb,
        cluster_requests.cpu_hard_requests_cores / nullif(allocatable.cpu_allocatable_ch / 24, 0)
            as cpu_quota_overcommit_ratio,
        cluster_requests.mem_hard_requests_gb / nullif(allocatable.mem_allocatable_gh / 24, 0)
            as mem_quota_overcommit_ratio
    from cluster_requests
    left join allocatable
        on
            cluster_requests.date = allocatable.date
            and cluster_requests.cluster_type = allocatable.cluster_type

),

final as (

    select
        date,
        cluster_type,
        namespaces_with_quota,
        cpu_hard_requests_cores,
        cpu_allocatable_cores,
        cpu_quota_overcommit_ratio,
        coalesce(cpu_quota_overcommit_ratio > {{ var('quota_overcommit_ratio') }}, false) as cpu_quota_overcommitted,
        mem_hard_requests_gb,
        mem_allocatable_gb,
        mem_quota_overcommit_ratio,
        coalesce(mem_quota_overcommit_ratio > {{ var('quota_overcommit_ratio') }}, false) as mem_quota_overcommitted
    from ratios

)

select * from final
