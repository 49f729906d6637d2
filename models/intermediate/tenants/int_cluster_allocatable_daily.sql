-- Allocatable node capacity per (date, cluster_type) of the window, from the nodes inventory:
-- per hourly snapshot the sum over the cluster's nodes, then the mean over the day's snapshots
-- times 24 (core-hours; GiB-hours for memory). A node's cluster_type is its upper-cased cluster
-- label, else the first matching node pattern, else UNKNOWN (as for container samples).
with

node_snapshots as (

    select * from {{ ref('stg_inventory__nodes') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

node_patterns as (

    select * from {{ ref('stg_seeds__cluster_node_patterns') }}

),

distinct_nodes as (

    select distinct node
    from node_snapshots

),

node_classes as (

    select
        distinct_nodes.node,
        {{ finops_arg_min('node_patterns.cluster_type', 'node_patterns.priority') }} as node_cluster_type
    from distinct_nodes
    inner join node_patterns
        on {{ finops_regex_search('distinct_nodes.node', 'node_patterns.node_regex') }}
    group by distinct_nodes.node

),

classified as (

    select
        node_snapshots.date,
        node_snapshots.snapshot_ts,
        coalesce(node_snapshots.cluster_label, node_classes.node_cluster_type, 'UNKNOWN') as cluster_type,
        node_snapshots.node,
        node_snapshots.resource,
        node_snapshots.allocatable
    from node_snapshots
    left join node_classes
        on node_snapshots.node = node_classes.node

),

-- one value per (snapshot, node, resource) even if a snapshot listed a node twice
node_values as (

    select
        date,
        snapshot_ts,
        cluster_type,
        node,
        max(case when resource = 'cpu' then allocatable end) as cpu_allocatable,
        max(case when resource = 'memory' then allocatable end) as mem_allocatable_gb
    from classified
    group by date, snapshot_ts, cluster_type, node

),

snapshot_totals as (

    select
        date,
        snapshot_ts,
        cluster_type,
        count(*) as nodes,
        {{ finops_sum('coalesce(cpu_allocatable, 0)') }} as cpu_allocatable,
        {{ finops_sum('coalesce(mem_allocatable_gb, 0)') }} as mem_allocatable_gb
    from node_values
    group by date, snapshot_ts, cluster_type

),

final as (

    select
        date,
        cluster_type,
        count(*) as snapshots,
        max(nodes) as nodes_max,
        {{ finops_avg('cpu_allocatable') }} * 24 as cpu_allocatable_ch,
        {{ finops_avg('mem_allocatable_gb') }} * 24 as mem_allocatable_gh
    from snapshot_totals
    group by date, cluster_type

)

select * from final
