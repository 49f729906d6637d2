-- Node-name patterns that name the cluster and workload domain (SPEC §4); lowest priority wins.
with

patterns as (

    select * from {{ ref('cluster_node_patterns') }}

),

final as (

    select
        priority::integer as priority,
        node_regex::varchar as node_regex,
        upper(trim(cluster_type::varchar)) as cluster_type,
        trim(workload_domain::varchar) as workload_domain
    from patterns

)

select * from final
