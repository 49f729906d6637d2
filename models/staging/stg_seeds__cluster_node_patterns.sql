-- Node-name patterns that name the cluster and workload domain; lowest priority wins.
with

patterns as (

    select * from {{ ref('cluster_node_patterns') }}

),

final as (

    select
        cast(priority as integer) as priority,
        cast(node_regex as string) as node_regex,
        upper(trim(cast(cluster_type as string))) as cluster_type,
        trim(cast(workload_domain as string)) as workload_domain
    from patterns

)

select * from final
