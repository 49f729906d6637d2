{{ config(materialized='table', partition_by=none) }}
-- Is each ResourceQuota the right size? One row per (cluster_type, namespace, resourcequota,
-- resource) present on the cluster's last quota-inventory day of the lookback (var lookback_days
-- dates ending at end_date). hard as of that day; used_max and used_ratio_max over every snapshot
-- of the lookback. status: exceeded (a snapshot used more than its hard), almost_full (used /
-- hard >= var quota_almost_full_ratio), oversized (used / hard < var quota_oversized_ratio on
-- every day of the lookback that has quota inventory: the quota is seen on all of them), else
-- fit. recommended_hard = used_max x var quota_headroom rounded up to a whole millicore / MiB /
-- count and never below used_max, as a Kubernetes quantity, with the kubectl patch command for
-- every status but fit. The namespace's containers beside it: the largest daily sum of requests
-- and of usage P95 over the lookback. A snapshot of the latest window: rebuilt on every run.
with

quota_days as (

    select * from {{ ref('int_quota_daily') }}
    where date between {{ lookback_start_date() }} and {{ window_end_date() }}

),

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ lookback_start_date() }} and {{ window_end_date() }}

),

cluster_quota_days as (

    select
        cluster_type,
        count(distinct date) as quota_days,
        max(date) as last_quota_date
    from quota_days
    group by cluster_type

),

quota_lookback as (

    select
        cluster_type,
        namespace,
        resourcequota,
        resource,
        max(resource_unit) as resource_unit,
        count(distinct date) as days_observed,
        max(date) as last_date,
        max(used_max) as used_max,
        max(used_ratio_max) as used_ratio_max,
        max(case when is_exceeded then 1 else 0 end) = 1 as is_exceeded
    from quota_days
    group by cluster_type, namespace, resourcequota, resource

),

current_quotas as (

    select
        quota_lookback.*,
        last_day.hard,
        cluster_quota_days.quota_days
    from quota_lookback
    inner join cluster_quota_days
        on
            quota_lookback.cluster_type = cluster_quota_days.cluster_type
            and quota_lookback.last_date = cluster_quota_days.last_quota_date
    inner join quota_days as last_day
        on
            quota_lookback.cluster_type = last_day.cluster_type
            and quota_lookback.namespace = last_day.namespace
            and quota_lookback.resourcequota = last_day.resourcequota
            and quota_lookback.resource = last_day.resource
            and quota_lookback.last_date = last_day.date

),

namespace_days as (

    select
        date,
        cluster_type,
        namespace,
        {{ finops_sum('cpu_request_max') }} as cpu_request_cores,
        {{ finops_sum('cpu_usage_p95') }} as cpu_usage_p95_cores,
        {{ finops_sum('mem_request_max') }} as mem_request_gb,
        {{ finops_sum('mem_usage_p95') }} as mem_usage_p95_gb,
        {{ finops_sum('pv_capacity_max') }} as pv_capacity_gb
    from container_days
    group by date, cluster_type, namespace

),

namespace_peaks as (

    select
        cluster_type,
        namespace,
        max(cpu_request_cores) as ns_cpu_request_cores,
        max(cpu_usage_p95_cores) as ns_cpu_usage_p95_cores,
        max(mem_request_gb) as ns_mem_request_gb,
        max(mem_usage_p95_gb) as ns_mem_usage_p95_gb,
        max(pv_capacity_gb) as ns_pv_capacity_gb
    from namespace_days
    group by cluster_type, namespace

),

classified as (

    select
        current_quotas.*,
        case
            when current_quotas.is_exceeded then 'exceeded'
            when current_quotas.used_ratio_max >= {{ var('quota_almost_full_ratio') }} then 'almost_full'
            when
                current_quotas.used_ratio_max < {{ var('quota_oversized_ratio') }}
                and current_quotas.days_observed >= current_quotas.quota_days
                then 'oversized'
            else 'fit'
        end as status,
        {{ quota_recommended_units('current_quotas.used_max', 'current_quotas.resource_unit', var('quota_headroom')) }}
            as recommended_units
    from current_quotas

),

final as (

    select
        {{ window_end_date() }} as as_of_date,
        classified.cluster_type,
        classified.namespace,
        classified.resourcequota,
        classified.resource,
        classified.resource_unit,
        classified.hard,
        classified.used_max,
        classified.used_ratio_max,
        classified.days_observed,
        classified.status,
        {{ quota_units_value('classified.recommended_units', 'classified.resource_unit') }} as recommended_hard,
        {{ quota_units_quantity('classified.recommended_units', 'classified.resource_unit') }}
            as recommended_hard_quantity,
        namespace_peaks.ns_cpu_request_cores,
        namespace_peaks.ns_cpu_usage_p95_cores,
        namespace_peaks.ns_mem_request_gb,
        namespace_peaks.ns_mem_usage_p95_gb,
        namespace_peaks.ns_pv_capacity_gb,
        case
            when classified.status <> 'fit'
                then
                    'kubectl -n ' || classified.namespace || ' patch resourcequota '
                    || classified.resourcequota || ' --type merge -p ' || {{ finops_single_quote() }}
                    || '{"spec":{"hard":{"' || classified.resource || '":"'
                    || {{ quota_units_quantity('classified.recommended_units', 'classified.resource_unit') }}
                    || '"}}}' || {{ finops_single_quote() }}
        end as command
    from classified
    left join namespace_peaks
        on
            classified.cluster_type = namespace_peaks.cluster_type
            and classified.namespace = namespace_peaks.namespace

)

select * from final
