-- Prices resolved per cluster type: one row per cluster_type that the run prices, with each
-- resource's rate and the currency from the cluster's own row of seed resource_prices, else from
-- its `*` default row (also for a blank cell of a cluster's row). The clusters priced: those of
-- the window's container-days, of the right-sizing lookback's workloads, of the window's node
-- inventory (capacity), of the window's namespace inventory (UNKNOWN for a namespace snapshot
-- without a cluster label) and OBJECT_STORAGE when the window has buckets (object storage belongs
-- to no Kubernetes cluster; its rows take that cluster type's currency). Every model that puts
-- money or a currency on usage reads this.
with

window_clusters as (

    select distinct cluster_type from {{ ref('int_container_daily') }}

),

lookback_clusters as (

    select distinct cluster_type from {{ ref('int_workload_containers_daily') }}
    where date between {{ lookback_start_date() }} and {{ window_end_date() }}

),

node_clusters as (

    select distinct cluster_type from {{ ref('int_cluster_allocatable_daily') }}

),

namespace_clusters as (

    select distinct coalesce(cluster_label, 'UNKNOWN') as cluster_type
    from {{ ref('stg_inventory__namespaces') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

bucket_clusters as (

    select distinct 'OBJECT_STORAGE' as cluster_type
    from {{ ref('int_bucket_usage_daily') }}

),

clusters as (

    select cluster_type from window_clusters
    union
    select cluster_type from lookback_clusters
    union
    select cluster_type from node_clusters
    union
    select cluster_type from namespace_clusters
    union
    select cluster_type from bucket_clusters

),

prices as (

    select * from {{ ref('stg_seeds__resource_prices') }}

),

final as (

    select
        clusters.cluster_type,
        coalesce(cluster_prices.cpu_core_hour, default_prices.cpu_core_hour) as cpu_core_hour,
        coalesce(cluster_prices.mem_gb_hour, default_prices.mem_gb_hour) as mem_gb_hour,
        coalesce(cluster_prices.pv_gb_hour, default_prices.pv_gb_hour) as pv_gb_hour,
        coalesce(cluster_prices.currency, default_prices.currency) as currency
    from clusters
    left join prices as cluster_prices
        on clusters.cluster_type = cluster_prices.cluster_type
    left join prices as default_prices
        on default_prices.cluster_type = '*'

)

select * from final
