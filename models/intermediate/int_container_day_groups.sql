-- One row per (date, cluster label, node, namespace, pod, container): the day's aggregates in a
-- single pass over the samples, without de-duplication, plus what int_container_daily needs to
-- tell whether this container-day had duplicate minutes (rare) and the cluster and workload
-- classification, matched on the few distinct names rather than on every sample.
with

samples as (

    select * from {{ ref('stg_raw__container_samples') }}

),

node_patterns as (

    select * from {{ ref('stg_seeds__cluster_node_patterns') }}

),

workload_patterns as (

    select * from {{ ref('stg_seeds__workload_type_patterns') }}

),

aggregated as (

    select
        date,
        cluster_label,
        node,
        namespace,
        pod,
        container,
        count(*) as sample_rows,
        {{ finops_distinct_minutes('sample_minute') }} as distinct_minutes,
        min(sample_minute) as first_minute,
        max(sample_minute) as last_minute,
        -- samples that carry each metric, for the data-quality mart raw_metric_coverage_daily
        {%- for c in raw_metric_columns() %}
            count({{ c }}) as {{ c }}_samples,
        {%- endfor %}
        {{ container_day_metrics() }}
    from samples
    group by date, cluster_label, node, namespace, pod, container

),

distinct_nodes as (

    select distinct node from aggregated

),

distinct_pods as (

    select distinct
        namespace,
        pod
    from aggregated

),

node_classes as (

    select
        distinct_nodes.node,
        {{ finops_arg_min('node_patterns.cluster_type', 'node_patterns.priority') }} as node_cluster_type,
        {{ finops_arg_min('node_patterns.workload_domain', 'node_patterns.priority') }} as node_workload_domain
    from distinct_nodes
    inner join node_patterns
        on {{ finops_regex_search('distinct_nodes.node', 'node_patterns.node_regex') }}
    group by distinct_nodes.node

),

workload_classes as (

    select
        distinct_pods.namespace,
        distinct_pods.pod,
        {{ finops_arg_min('workload_patterns.workload_type', 'workload_patterns.priority') }} as workload_type
    from distinct_pods
    inner join workload_patterns
        on {{ finops_regex_search(
            "case workload_patterns.match_on when 'namespace' then distinct_pods.namespace else distinct_pods.pod end",
            'workload_patterns.pattern'
        ) }}
    group by distinct_pods.namespace, distinct_pods.pod

),

final as (

    select
        aggregated.*,
        coalesce(aggregated.cluster_label, node_classes.node_cluster_type, 'UNKNOWN') as cluster_type,
        coalesce(node_classes.node_workload_domain, 'UNKNOWN') as workload_domain,
        coalesce(workload_classes.workload_type, 'other') as workload_type
    from aggregated
    left join node_classes
        on aggregated.node = node_classes.node
    left join workload_classes
        on
            aggregated.namespace = workload_classes.namespace
            and aggregated.pod = workload_classes.pod

)

select * from final
