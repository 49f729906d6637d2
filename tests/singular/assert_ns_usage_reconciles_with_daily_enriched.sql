-- ns_usage_daily and pareto_ns add up to daily_enriched per date and cluster on the run's window:
-- no container is lost or counted twice between the marts. (Window only: older dates were judged
-- by the runs that built them.)
with

containers as (

    select
        date,
        cluster_type,
        count(*) as container_cnt,
        sum(cpu_allocated_core_hours) as cpu_alloc,
        sum(cpu_waste_core_hours) as cpu_waste,
        sum(mem_allocated_gb_hours) as mem_alloc,
        sum(pv_allocated_gb_hours) as pv_alloc
    from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}
    group by date, cluster_type

),

namespaces as (

    select
        date,
        cluster_type,
        sum(container_cnt) as container_cnt,
        sum(cpu_alloc_ch) as cpu_alloc,
        sum(cpu_waste_ch) as cpu_waste,
        sum(mem_alloc_gh) as mem_alloc,
        sum(pv_alloc_gh) as pv_alloc
    from {{ ref('ns_usage_daily') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}
    group by date, cluster_type

),

pareto as (

    select
        date,
        cluster_type,
        sum(container_cnt) as container_cnt,
        sum(total_waste_core_hours) as cpu_waste
    from {{ ref('pareto_ns') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}
    group by date, cluster_type

),

compared as (

    select
        containers.*,
        namespaces.container_cnt as ns_container_cnt,
        namespaces.cpu_alloc as ns_cpu_alloc,
        namespaces.cpu_waste as ns_cpu_waste,
        namespaces.mem_alloc as ns_mem_alloc,
        namespaces.pv_alloc as ns_pv_alloc,
        pareto.container_cnt as pareto_container_cnt,
        pareto.cpu_waste as pareto_cpu_waste
    from containers
    full outer join namespaces
        on containers.date = namespaces.date and containers.cluster_type = namespaces.cluster_type
    full outer join pareto
        on containers.date = pareto.date and containers.cluster_type = pareto.cluster_type

)

select *
from compared
where
    container_cnt is distinct from ns_container_cnt
    or container_cnt is distinct from pareto_container_cnt
    or abs(cpu_alloc - ns_cpu_alloc) > 1e-6 * greatest(1, abs(cpu_alloc))
    or abs(cpu_waste - ns_cpu_waste) > 1e-6 * greatest(1, abs(cpu_waste))
    or abs(cpu_waste - pareto_cpu_waste) > 1e-6 * greatest(1, abs(cpu_waste))
    or abs(mem_alloc - ns_mem_alloc) > 1e-6 * greatest(1, abs(mem_alloc))
    or abs(pv_alloc - ns_pv_alloc) > 1e-6 * greatest(1, abs(pv_alloc))
    or ns_cpu_alloc is null
    or pareto_cpu_waste is null
