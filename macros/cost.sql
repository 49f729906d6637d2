{#- Money on resource quantities, shared by mart ns_usage_daily (allocation and waste cost) and
    the API's pre-deployment estimate (reporting.rpt_estimate_inputs stores the expression
    rendered), so the two cannot disagree. Arguments are SQL expressions: a quantity in
    core-hours or GB-hours and the resolved price per core-hour or GB-hour
    (int_resource_prices). -#}

{% macro finops_resource_cost(quantity, price) -%}
    {{ quantity }} * {{ price }}
{%- endmacro %}

{#- CPU, memory and volume cost of core-hours and GB-hours at the resolved prices. -#}
{% macro finops_alloc_cost(cpu_core_hours, mem_gb_hours, pv_gb_hours, cpu_price, mem_price, pv_price) -%}
    {{ finops_resource_cost(cpu_core_hours, cpu_price) }}
    + {{ finops_resource_cost(mem_gb_hours, mem_price) }}
    + {{ finops_resource_cost(pv_gb_hours, pv_price) }}
{%- endmacro %}
