{#- Engine-specific SQL, dispatched so models stay engine-neutral. -#}

{#- Linear-interpolation percentile (numpy's default; SPEC §5). -#}
{% macro finops_percentile(column, fraction) -%}
    {{ return(adapter.dispatch('finops_percentile', 'kube_finops')(column, fraction)) }}
{%- endmacro %}

{% macro default__finops_percentile(column, fraction) -%}
    quantile_cont({{ column }}, {{ fraction }})
{%- endmacro %}

{#- Does `value` contain a match of the regular expression `pattern` (search, not full match)? -#}
{% macro finops_regex_search(value, pattern) -%}
    {{ return(adapter.dispatch('finops_regex_search', 'kube_finops')(value, pattern)) }}
{%- endmacro %}

{% macro default__finops_regex_search(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}

{#- Sums and means of doubles that do not depend on the order rows arrive in: parallel hash
    aggregation adds doubles in a different order on every run, so the last bit of a double sum
    wanders between re-runs. Summing exact decimals (12 places: pico-cores, pico-bytes) is
    order-independent, so re-running a window gives the same bits. -#}
{% macro finops_sum(column) -%}
    {{ return(adapter.dispatch('finops_sum', 'kube_finops')(column)) }}
{%- endmacro %}

{% macro default__finops_sum(column) -%}
    sum({{ column }})
{%- endmacro %}

{% macro duckdb__finops_sum(column) -%}
    sum({{ column }}::decimal(38, 12))::double
{%- endmacro %}

{% macro finops_avg(column) -%}
    {{ return(adapter.dispatch('finops_avg', 'kube_finops')(column)) }}
{%- endmacro %}

{% macro default__finops_avg(column) -%}
    avg({{ column }})
{%- endmacro %}

{% macro duckdb__finops_avg(column) -%}
    avg({{ column }}::decimal(38, 12))::double
{%- endmacro %}
