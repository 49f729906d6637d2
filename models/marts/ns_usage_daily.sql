-- Namespace daily usage, score and cost: one row per (date, cluster_type, namespace).
-- Costs price the allocated (and wasted) core-hours and GB-hours at the cluster's resolved prices
-- (int_resource_prices: its row of seed resource_prices, else the `*` default row) with macro
-- finops_resource_cost, which the API's estimate evaluates too (rpt_estimate_inputs).
with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

summed as (

    select
        date,
        cluster_type,
        namespace,
        {{ finops_sum('cpu_usage_core_hours') }} as cpu_used_ch,
        {{ finops_sum('cpu_allocated_core_hours') }} as cpu_alloc_ch,
        {{ finops_sum('cpu_waste_core_hours') }} as cpu_waste_ch,
        {{ finops_sum('mem_usage_gb_hours') }} as mem_used_gh,
        {{ finops_sum('mem_allocated_gb_hours') }} as mem_alloc_gh,
        {{ finops_sum('mem_waste_gb_hours') }} as mem_waste_gh,
        {{ finops_sum('pv_usage_gb_hours') }} as pv_used_gh,
        {{ finops_sum('pv_allocated_gb_hours') }} as pv_alloc_gh,
        {{ finops_sum('pv_waste_gb_hours') }} as pv_waste_gh,
        count(*) as container_cnt
    from container_days
    group by date, cluster_type, namespace

),

prices as (

    select * from {{ ref('int_resource_prices') }}

),

priced as (

    select
        summed.*,
        prices.cpu_core_hour as cpu_core_hour_price,
        prices.mem_gb_hour as mem_gb_hour_price,
        prices.pv_gb_hour as pv_gb_hour_price,
        prices.currency
    from summed
    left join prices
        on summed.cluster_type = prices.cluster_type

),

costed as (

    select
        *,
        {{ finops_resource_cost('cpu_alloc_ch', 'cpu_core_hour_price') }} as cpu_alloc_cost,
        {{ finops_resource_cost('mem_alloc_gh', 'mem_gb_hour_price') }} as mem_alloc_cost,
        {{ finops_resource_cost('pv_alloc_gh', 'pv_gb_hour_price') }} as pv_alloc_cost,
        {{ finops_resource_cost('cpu_waste_ch', 'cpu_core_hour_price') }} as cpu_waste_cost,
        {{ finops_resource_cost('mem_waste_gh', 'mem_gb_hour_price') }} as mem_waste_cost,
        {{ finops_resource_cost('pv_waste_gh', 'pv_gb_hour_price') }} as pv_waste_cost
    from priced

),

final as (

    select
        *,
        cpu_alloc_ch * {{ var('usage_score_weight_cpu') }}
        + mem_alloc_gh * {{ var('usage_score_weight_mem') }}
        + pv_alloc_gh * {{ var('usage_score_weight_pv') }} as final_usage_score,
        cpu_alloc_cost + mem_alloc_cost + pv_alloc_cost as alloc_cost,
        cpu_waste_cost + mem_waste_cost + pv_waste_cost as waste_cost
    from costed

)

select * from final
