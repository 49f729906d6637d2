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
