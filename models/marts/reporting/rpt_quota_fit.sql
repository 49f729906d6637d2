-- Quotas sheet, quota-fit chart and digest (issue 15): quota_fit as of the window's end_date, one
-- row per (cluster_type, namespace, resourcequota, resource), with the namespace's owner on that
-- date and the values in display units (cores, GiB for bytes, counts). Ranked per cluster:
-- exceeded, then almost_full, then oversized, then fit; within a status the fullest first
-- (oversized: the emptiest first, the largest share to give back, and the quotas nothing used,
-- recommended 0, after them: those are decided by hand).
with

quotas as (

    select * from {{ ref('quota_fit') }}
    where as_of_date = {{ window_end_date() }}

),

namespace_days as (

    select * from {{ ref('dim_namespace_daily') }}
    where date = {{ window_end_date() }}

),

displayed as (

    select
        quotas.*,
        namespace_days.owner,
        case quotas.resource_unit when 'bytes' then 'GiB' else quotas.resource_unit end as display_unit,
        case quotas.resource_unit when 'bytes' then {{ gib() }} else 1.0 end as display_divisor,
        case quotas.status
            when 'exceeded' then 1
            when 'almost_full' then 2
            when 'oversized' then 3
            else 4
        end as status_order,
        case when quotas.hard > 0 then 100.0 * quotas.used_max / quotas.hard end as used_pct
    from quotas
    left join namespace_days
        on
            quotas.cluster_type = namespace_days.cluster_type
            and quotas.namespace = namespace_days.namespace

),

final as (

    select
        cluster_type,
        namespace,
        coalesce(owner, 'unassigned') as owner,
        resourcequota,
        resource,
        status,
        display_unit,
        hard / display_divisor as hard_display,
        used_max / display_divisor as used_max_display,
        used_pct,
        recommended_hard / display_divisor as recommended_hard_display,
        recommended_hard_quantity,
        days_observed,
        ns_cpu_request_cores,
        ns_cpu_usage_p95_cores,
        ns_mem_request_gb,
        ns_mem_usage_p95_gb,
        command,
        cast(row_number() over (
            partition by cluster_type
            order by
                status_order asc,
                -- an oversized quota nothing used has no size to give (recommended 0): last
                case when status = 'oversized' and coalesce(used_max, 0) = 0 then 1 else 0 end asc,
                case when status = 'oversized' then coalesce(used_pct, 0) else -coalesce(used_pct, 0) end asc,
                namespace asc, resourcequota asc, resource asc
        ) as bigint) as quota_rank
    from displayed

)

select * from final
