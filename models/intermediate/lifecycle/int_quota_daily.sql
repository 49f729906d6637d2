{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
    unique_key='date',
    partition_by=(['date'] if target.type == 'spark' else none),
) }}
-- ResourceQuota use per day: one row per (date, cluster_type, namespace, resourcequota, resource)
-- of the quotas inventory in the window. hard and used as of the quota's last snapshot of the
-- date; used_max and used_ratio_max (used / hard) over the day's snapshots, each snapshot against
-- its own hard; is_exceeded when a snapshot used more than its hard. A quota row without a
-- cluster label belongs to every cluster the namespace is on that day (dim_namespace_daily),
-- UNKNOWN when none; a row with the cluster's label wins over it. Incremental by date so the
-- quota-fit lookback, longer than a daily run's window, finds the earlier days too.
with

quota_snapshots as (

    select * from {{ ref('stg_inventory__quotas') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

namespace_days as (

    select * from {{ ref('dim_namespace_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

ranked_snapshots as (

    select
        *,
        row_number() over (
            partition by date, cluster_label, namespace, resourcequota, resource
            order by snapshot_ts desc, source_file desc
        ) as snapshot_rank
    from quota_snapshots

),

quota_days as (

    select
        date,
        cluster_label,
        namespace,
        resourcequota,
        resource,
        count(*) as snapshots,
        max(case when snapshot_rank = 1 then hard end) as hard,
        max(case when snapshot_rank = 1 then used end) as used,
        max(used) as used_max,
        max(used / nullif(hard, 0)) as used_ratio_max,
        max(case when used > hard then 1 else 0 end) = 1 as is_exceeded
    from ranked_snapshots
    group by date, cluster_label, namespace, resourcequota, resource

),

namespace_clusters as (

    select distinct
        date,
        cluster_type,
        namespace
    from namespace_days

),

with_cluster as (

    select
        quota_days.*,
        coalesce(quota_days.cluster_label, namespace_clusters.cluster_type, 'UNKNOWN') as cluster_type
    from quota_days
    left join namespace_clusters
        on
            quota_days.cluster_label is null
            and quota_days.date = namespace_clusters.date
            and quota_days.namespace = namespace_clusters.namespace

),

ranked_labels as (

    -- a labelled row beats an unlabelled one for the same cluster
    select
        *,
        row_number() over (
            partition by date, cluster_type, namespace, resourcequota, resource
            order by case when cluster_label is null then 1 else 0 end
        ) as label_rank
    from with_cluster

),

final as (

    select
        date,
        cluster_type,
        namespace,
        resourcequota,
        resource,
        {{ quota_resource_unit('resource') }} as resource_unit,
        snapshots,
        hard,
        used,
        used_max,
        used_ratio_max,
        is_exceeded
    from ranked_labels
    where label_rank = 1

)

select * from final
