-- Namespace owners per day: one row per (date, cluster_type, namespace) of the window, as of the
-- namespace's last inventory snapshot of that date. Every namespace seen in the inventory or in
-- daily_enriched gets a row. Owner precedence: the owner label, then the first matching pattern
-- of seed namespace_owners (lowest priority), then `unassigned`; the tier likewise (label, then
-- seed). An inventory row without a cluster label applies to the namespace on every cluster it
-- runs on (UNKNOWN when it runs nowhere); a row with the cluster's label wins over it.
with

namespace_snapshots as (

    select * from {{ ref('stg_inventory__namespaces') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

owner_patterns as (

    select * from {{ ref('stg_seeds__namespace_owners') }}

),

ranked_snapshots as (

    select
        *,
        row_number() over (
            partition by date, cluster_label, namespace
            order by snapshot_ts desc, source_file desc
        ) as snapshot_rank
    from namespace_snapshots

),

last_snapshots as (

    select * from ranked_snapshots
    where snapshot_rank = 1

),

running_namespaces as (

    select distinct
        date,
        cluster_type,
        namespace
    from container_days

),

unlabelled_nowhere as (

    -- inventory rows without a cluster label for namespaces that ran on no cluster that day
    select
        last_snapshots.date,
        'UNKNOWN' as cluster_type,
        last_snapshots.namespace
    from last_snapshots
    left join running_namespaces
        on
            last_snapshots.date = running_namespaces.date
            and last_snapshots.namespace = running_namespaces.namespace
    where last_snapshots.cluster_label is null and running_namespaces.namespace is null

),

namespace_keys as (

    select
        date,
        cluster_label as cluster_type,
        namespace
    from last_snapshots
    where cluster_label is not null
    union
    select * from running_namespaces
    union
    select * from unlabelled_nowhere

),

with_snapshot as (

    select
        namespace_keys.date,
        namespace_keys.cluster_type,
        namespace_keys.namespace,
        coalesce(own_cluster.namespace, any_cluster.namespace) is not null as in_inventory,
        case
            when own_cluster.namespace is not null then own_cluster.owner_label else any_cluster.owner_label
        end as owner_label,
        case
            when own_cluster.namespace is not null then own_cluster.tier_label else any_cluster.tier_label
        end as tier_label,
        case
            when own_cluster.namespace is not null then own_cluster.ttl_annotation else any_cluster.ttl_annotation
        end as ttl_raw,
        case
            when own_cluster.namespace is not null then own_cluster.purpose_annotation
            else any_cluster.purpose_annotation
        end as purpose
    from namespace_keys
    left join last_snapshots as own_cluster
        on
            namespace_keys.date = own_cluster.date
            and namespace_keys.cluster_type = own_cluster.cluster_label
            and namespace_keys.namespace = own_cluster.namespace
    left join last_snapshots as any_cluster
        on
            namespace_keys.date = any_cluster.date
            and namespace_keys.namespace = any_cluster.namespace
            and any_cluster.cluster_label is null

),

distinct_namespaces as (

    select distinct namespace
    from namespace_keys

),

winning_patterns as (

    select
        distinct_namespaces.namespace,
        min(owner_patterns.priority) as priority
    from distinct_namespaces
    inner join owner_patterns
        on {{ finops_regex_search('distinct_namespaces.namespace', 'owner_patterns.namespace_regex') }}
    group by distinct_namespaces.namespace

),

seed_matches as (

    select
        winning_patterns.namespace,
        owner_patterns.owner as seed_owner,
        owner_patterns.tier as seed_tier
    from winning_patterns
    inner join owner_patterns
        on winning_patterns.priority = owner_patterns.priority

),

final as (

    select
        with_snapshot.date,
        with_snapshot.cluster_type,
        with_snapshot.namespace,
        coalesce(with_snapshot.owner_label, seed_matches.seed_owner, 'unassigned') as owner,
        coalesce(with_snapshot.tier_label, seed_matches.seed_tier) as tier,
        with_snapshot.purpose,
        {{ finops_try_date('with_snapshot.ttl_raw') }} as ttl_expire_date,
        with_snapshot.ttl_raw,
        case
            when with_snapshot.owner_label is not null then 'label'
            when seed_matches.seed_owner is not null then 'seed'
            else 'unassigned'
        end as owner_source,
        with_snapshot.in_inventory,
        {{ is_shared_namespace('with_snapshot.namespace') }} as is_shared
    from with_snapshot
    left join seed_matches
        on with_snapshot.namespace = seed_matches.namespace

)

select * from final
