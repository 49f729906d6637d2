-- FOCUS 1.2-shaped showback: one row per (date, cluster_type, namespace, resource_kind) with
-- resource_kind in cpu, memory, storage. Costs are the seed resource_prices rates times the allocated
-- (requested) quantity; usage is the P95-based used quantity. Showback for internal
-- chargeback talks, not an invoice: List, Contracted, Effective and Billed cost are all the same
-- rate x quantity, there are no discounts, credits, taxes or billing periods.
{%- set tz = finops_window().timezone %}

with

container_days as (

    select * from {{ ref('daily_enriched') }}
    where date between {{ window_start_date() }} and {{ window_end_date() }}

),

prices as (

    select * from {{ ref('int_resource_prices') }}

),

namespace_days as (

    select
        date,
        cluster_type,
        namespace,
        {{ finops_sorted_distinct_list('workload_type', ',') }} as workload_types,
        {{ finops_sum('cpu_allocated_core_hours') }} as cpu_alloc_ch,
        {{ finops_sum('cpu_usage_core_hours') }} as cpu_used_ch,
        {{ finops_sum('mem_allocated_gb_hours') }} as mem_alloc_gh,
        {{ finops_sum('mem_usage_gb_hours') }} as mem_used_gh,
        {{ finops_sum('pv_allocated_gb_hours') }} as pv_alloc_gh,
        {{ finops_sum('pv_usage_gb_hours') }} as pv_used_gh
    from container_days
    group by date, cluster_type, namespace

),

priced as (

    select
        namespace_days.*,
        prices.cpu_core_hour as cpu_core_hour_price,
        prices.mem_gb_hour as mem_gb_hour_price,
        prices.pv_gb_hour as pv_gb_hour_price,
        prices.currency
    from namespace_days
    left join prices
        on namespace_days.cluster_type = prices.cluster_type

),

resources as (

    select
        date,
        cluster_type,
        namespace,
        workload_types,
        currency,
        'cpu' as resource_kind,
        'Compute' as service_category,
        'Kubernetes CPU' as service_name,
        'Core-Hours' as pricing_unit,
        cpu_core_hour_price as unit_price,
        cpu_alloc_ch as pricing_quantity,
        cpu_used_ch as consumed_quantity,
        'Core-Hours' as consumed_unit
    from priced
    union all
    select
        date,
        cluster_type,
        namespace,
        workload_types,
        currency,
        'memory' as resource_kind,
        'Compute' as service_category,
        'Kubernetes Memory' as service_name,
        'GiB-Hours' as pricing_unit,
        mem_gb_hour_price as unit_price,
        mem_alloc_gh as pricing_quantity,
        mem_used_gh as consumed_quantity,
        'GiB-Hours' as consumed_unit
    from priced
    union all
    select
        date,
        cluster_type,
        namespace,
        workload_types,
        currency,
        'storage' as resource_kind,
        'Storage' as service_category,
        'Kubernetes Persistent Volumes' as service_name,
        'GiB-Hours' as pricing_unit,
        pv_gb_hour_price as unit_price,
        pv_alloc_gh as pricing_quantity,
        pv_used_gh as consumed_quantity,
        'GiB-Hours' as consumed_unit
    from priced

),

final as (

    select
        date,
        cluster_type,
        namespace,
        resource_kind,
        {{ finops_local_midnight_utc('date', tz) }} as {{ adapter.quote('ChargePeriodStart') }},
        {{ finops_local_midnight_utc(finops_date_add('date', 1), tz) }} as {{ adapter.quote('ChargePeriodEnd') }},
        'Usage' as {{ adapter.quote('ChargeCategory') }},
        'Daily ' || resource_kind || ' allocation of namespace ' || namespace || ' on cluster ' || cluster_type
            as {{ adapter.quote('ChargeDescription') }},
        unit_price * pricing_quantity as {{ adapter.quote('BilledCost') }},
        unit_price * pricing_quantity as {{ adapter.quote('EffectiveCost') }},
        unit_price * pricing_quantity as {{ adapter.quote('ListCost') }},
        unit_price * pricing_quantity as {{ adapter.quote('ContractedCost') }},
        unit_price as {{ adapter.quote('ListUnitPrice') }},
        unit_price as {{ adapter.quote('ContractedUnitPrice') }},
        currency as {{ adapter.quote('BillingCurrency') }},
        pricing_quantity as {{ adapter.quote('PricingQuantity') }},
        pricing_unit as {{ adapter.quote('PricingUnit') }},
        consumed_quantity as {{ adapter.quote('ConsumedQuantity') }},
        consumed_unit as {{ adapter.quote('ConsumedUnit') }},
        service_category as {{ adapter.quote('ServiceCategory') }},
        service_name as {{ adapter.quote('ServiceName') }},
        'kube-finops' as {{ adapter.quote('ProviderName') }},
        cluster_type || '/' || namespace || '/' || resource_kind as {{ adapter.quote('ResourceId') }},
        namespace as {{ adapter.quote('ResourceName') }},
        'Namespace' as {{ adapter.quote('ResourceType') }},
        cluster_type as {{ adapter.quote('SubAccountId') }},
        cluster_type as {{ adapter.quote('SubAccountName') }},
        {{ finops_json_object([('namespace', 'namespace'), ('workload_type', 'workload_types')]) }}
            as {{ adapter.quote('Tags') }}
    from resources

)

select * from final
