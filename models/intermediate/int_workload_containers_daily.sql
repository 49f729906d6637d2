-- One row per (date, cluster_type, namespace, workload_kind, workload, container): the replicas of
-- a workload judged together, i.e. the max across its pods (and nodes) of each daily number, like
-- KRR and Kubecost. Incremental by date like the marts: a run replaces the dates of its window
-- and keeps the older ones, which is the history right-sizing's lookback (var lookback_days)
-- reads, so this intermediate model never reads a mart. The workload is the pod's real top
-- controller from the owners inventory when known, else parsed from the pod name.
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
    unique_key='date',
    partition_by=(['date'] if target.type == 'spark' else none)
) }}

with

container_days as (

    select * from {{ ref('int_container_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

filled as (

    select
        date,
        cluster_type,
        namespace,
        pod,
        container,
        minutes_running,
        {{ container_day_metrics_filled() }}
    from container_days

),

pod_owners as (

    select * from {{ ref('int_pod_owners_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

identified as (

    select
        filled.*,
        coalesce(pod_owners.owner_kind, {{ k8s_workload_kind('filled.pod') }}) as workload_kind,
        coalesce(pod_owners.owner_name, {{ k8s_workload_name('filled.pod') }}) as workload
    from filled
    left join pod_owners
        on
            filled.date = pod_owners.date
            and filled.namespace = pod_owners.namespace
            and filled.pod = pod_owners.pod
            and (pod_owners.cluster_label is null or filled.cluster_type = pod_owners.cluster_label)

),

final as (

    select
        date,
        cluster_type,
        namespace,
        workload_kind,
        workload,
        container,
        count(distinct pod) as replicas,
        -- replica-minutes: what the workload's requests were held for (cost of a request change)
        sum(minutes_running) as replica_minutes,
        -- the busiest replica's coverage of the day: weight of this day in window means
        max(minutes_running) as minutes_running,
        max(cpu_request_max) as cpu_request,
        max(cpu_limit_max) as cpu_limit,
        max(cpu_usage_avg) as cpu_usage_avg,
        max(cpu_usage_p95) as cpu_usage_p95,
        max(cpu_throttled_max) as cpu_throttled_max,
        max(mem_request_max) as mem_request_gb,
        max(mem_limit_max) as mem_limit_gb,
        max(mem_usage_avg) as mem_usage_avg_gb,
        max(mem_usage_p95) as mem_usage_p95_gb,
        max(mem_rss_max) as mem_rss_max_gb,
        sum(oom_strike_sum) as oom_count
    from identified
    group by date, cluster_type, namespace, workload_kind, workload, container

)

select * from final
