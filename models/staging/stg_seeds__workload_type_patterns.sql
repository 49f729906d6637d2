-- Ordered regexes on pod or namespace names that name the workload type.
with

patterns as (

    select * from {{ ref('workload_type_patterns') }}

),

final as (

    select
        cast(priority as integer) as priority,
        lower(trim(cast(match_on as string))) as match_on,
        cast(pattern as string) as pattern,
        trim(cast(workload_type as string)) as workload_type
    from patterns

)

select * from final
