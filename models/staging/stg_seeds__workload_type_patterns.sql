-- Ordered regexes on pod or namespace names that name the workload type (SPEC §4).
with

patterns as (

    select * from {{ ref('workload_type_patterns') }}

),

final as (

    select
        priority::integer as priority,
        lower(trim(match_on::varchar)) as match_on,
        pattern::varchar as pattern,
        trim(workload_type::varchar) as workload_type
    from patterns

)

select * from final
