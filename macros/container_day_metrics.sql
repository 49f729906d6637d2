{#- The per container-day aggregates of daily_enriched over cleaned 1-minute samples, in the raw units
    except memory and PV (GiB). NULL when no usable sample; daily_enriched turns that into 0.
    Shared by the fast path (one pass over all samples) and the de-duplicated recomputation. -#}
{% macro container_day_metrics() -%}
    max(cpu_request) as cpu_request_max,
    max(cpu_limit) as cpu_limit_max,
    {{ finops_percentile('cpu_usage', 0.95) }} as cpu_usage_p95,
    {{ finops_avg('cpu_usage') }} as cpu_usage_avg,
    max(cpu_throttled) as cpu_throttled_max,
    max(mem_request) / {{ gib() }} as mem_request_max,
    max(mem_limit) / {{ gib() }} as mem_limit_max,
    {{ finops_percentile('mem_usage', 0.95) }} / {{ gib() }} as mem_usage_p95,
    {{ finops_avg('mem_usage') }} / {{ gib() }} as mem_usage_avg,
    {{ finops_percentile('mem_rss', 0.95) }} / {{ gib() }} as mem_rss_p95,
    max(mem_rss) / {{ gib() }} as mem_rss_max,
    {{ finops_sum('oom_event') }} as oom_strike_sum,
    max(pv_capacity) / {{ gib() }} as pv_capacity_max,
    {{ finops_percentile('pv_used', 0.95) }} / {{ gib() }} as pv_used_p95,
    {{ finops_sum('energy_joules') }} as energy_joules_sum,
    count(energy_joules) as energy_minutes
{%- endmacro %}

{#- Bytes per GB: GB means GiB. -#}
{% macro gib() -%}
    1073741824.0
{%- endmacro %}

{#- Column list of container_day_metrics(), for selecting them again. -#}
{% macro container_day_metric_columns() -%}
    {{ return(['cpu_request_max', 'cpu_limit_max', 'cpu_usage_p95', 'cpu_usage_avg', 'cpu_throttled_max',
               'mem_request_max', 'mem_limit_max', 'mem_usage_p95', 'mem_usage_avg', 'mem_rss_p95',
               'mem_rss_max', 'oom_strike_sum', 'pv_capacity_max', 'pv_used_p95', 'energy_joules_sum',
               'energy_minutes']) }}
{%- endmacro %}

{#- The container_day_metrics() columns with a day that had no usable sample as 0 (the users'
    fill_null(0)): what daily_enriched publishes and right-sizing judges. -#}
{% macro container_day_metrics_filled() -%}
    {%- for c in container_day_metric_columns() %}
    coalesce({{ c }}, 0) as {{ c }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
