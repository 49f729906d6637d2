-- Quotas sheet (issue 15): quota_overcommit_daily over the window, one row per (cluster_type,
-- date): the summed hard CPU / memory requests quotas against the nodes' allocatable.
with

overcommit_days as (

    select * from {{ ref('quota_overcommit_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

final as (

    select
        cluster_type,
        date,
        namespaces_with_quota,
        cpu_hard_requests_cores,
        cpu_allocatable_cores,
        cpu_quota_overcommit_ratio,
        cpu_quota_overcommitted,
        mem_hard_requests_gb,
        mem_allocatable_gb,
        mem_quota_overcommit_ratio,
        mem_quota_overcommitted
    from overcommit_days

)

select * from final
