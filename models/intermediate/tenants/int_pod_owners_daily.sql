{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
    unique_key='date',
    partition_by=(['date'] if target.type == 'spark' else none),
) }}
-- The top controller of every pod per day, from the owners inventory: one row per (date,
-- cluster_label, namespace, pod), as of the pod's last snapshot of the date. Incremental by date
-- (each run replaces its window's dates) so right-sizing's lookback, longer than a daily run's
-- window, finds the owners of the earlier days too.
with

owner_snapshots as (

    select * from {{ ref('stg_inventory__owners') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by date, cluster_label, namespace, pod
            order by snapshot_ts desc, source_file desc
        ) as snapshot_rank
    from owner_snapshots

),

final as (

    select
        date,
        cluster_label,
        namespace,
        pod,
        owner_kind,
        owner_name
    from ranked
    where snapshot_rank = 1

)

select * from final
