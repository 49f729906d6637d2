-- One row per daily_enriched key (date, cluster_type, workload_domain, namespace, workload_type,
-- node, pod, container) with the day's aggregates over de-duplicated minutes.
--
-- De-duplication is cheap because duplicates are rare: int_container_day_groups aggregated every
-- sample once; only container-days that may hold a duplicate minute (a group with more rows than
-- distinct minutes, or two groups of the same container-day overlapping in time or sharing a
-- daily_enriched key) are recomputed here from their samples, keeping per (namespace, pod,
-- container, minute) the row with the latest original timestamp, then the later file, then the
-- later row in the file. Every other group is taken as it is.
with

day_groups as (

    select * from {{ ref('int_container_day_groups') }}

),

samples as (

    select * from {{ ref('stg_raw__container_samples') }}

),

groups_checked as (

    select
        *,
        sample_rows > distinct_minutes as has_repeated_minute,
        coalesce(
            first_minute <= max(last_minute) over (
                partition by date, namespace, pod, container
                order by first_minute, last_minute, node, cluster_label
                rows between unbounded preceding and 1 preceding
            ),
            false
        ) as overlaps_earlier_group,
        count(*) over (
            partition by date, cluster_type, workload_domain, namespace, workload_type, node, pod, container
        ) > 1 as shares_daily_key
    from day_groups

),

container_days_to_dedup as (

    select distinct
        date,
        namespace,
        pod,
        container
    from groups_checked
    where has_repeated_minute or overlaps_earlier_group or shares_daily_key

),

day_groups_flagged as (

    select
        day_groups.*,
        container_days_to_dedup.date is not null as needs_dedup
    from day_groups
    left join container_days_to_dedup
        on
            day_groups.date = container_days_to_dedup.date
            and day_groups.namespace = container_days_to_dedup.namespace
            and day_groups.pod = container_days_to_dedup.pod
            and day_groups.container = container_days_to_dedup.container

),

clean_groups as (

    select
        date,
        cluster_type,
        workload_domain,
        namespace,
        workload_type,
        node,
        pod,
        container,
        distinct_minutes as minutes_running,
        {{ container_day_metric_columns() | join(',\n        ') }}
    from day_groups_flagged
    where not needs_dedup

),

samples_to_dedup as (

    -- container_days_to_dedup is distinct on the join key, so this keeps each sample at most once
    select samples.*
    from samples
    inner join container_days_to_dedup
        on
            samples.date = container_days_to_dedup.date
            and samples.namespace = container_days_to_dedup.namespace
            and samples.pod = container_days_to_dedup.pod
            and samples.container = container_days_to_dedup.container

),

ranked_samples as (

    select
        *,
        row_number() over (
            partition by namespace, pod, container, sample_minute
            order by sample_ts desc, source_file desc, source_row_number desc
        ) as duplicate_rank
    from samples_to_dedup

),

deduplicated_samples as (

    select * from ranked_samples
    where duplicate_rank = 1

),

deduplicated_classified as (

    select
        deduplicated_samples.*,
        day_groups.cluster_type,
        day_groups.workload_domain,
        day_groups.workload_type
    from deduplicated_samples
    inner join day_groups
        on
            deduplicated_samples.date = day_groups.date
            and deduplicated_samples.cluster_label is not distinct from day_groups.cluster_label
            and deduplicated_samples.node = day_groups.node
            and deduplicated_samples.namespace = day_groups.namespace
            and deduplicated_samples.pod = day_groups.pod
            and deduplicated_samples.container = day_groups.container

),

recomputed_groups as (

    select
        date,
        cluster_type,
        workload_domain,
        namespace,
        workload_type,
        node,
        pod,
        container,
        count(*) as minutes_running,
        {{ container_day_metrics() }}
    from deduplicated_classified
    group by date, cluster_type, workload_domain, namespace, workload_type, node, pod, container

),

final as (

    select * from clean_groups
    -- clean_groups and recomputed_groups list the same columns in the same order
    union all
    select * from recomputed_groups

)

select * from final
