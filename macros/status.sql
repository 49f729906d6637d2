{#- Is a container-day at risk of CPU throttling: its max ratio of throttled CFS periods strictly
    above var status_throttle_ratio (0.2)? One definition for daily_enriched's status (a throttled
    day is a Request Shortage) and the report tables' is_throttle_risk flag. -#}
{% macro is_throttle_risk(throttled_ratio) -%}
    ({{ throttled_ratio }} > {{ var('status_throttle_ratio') }})
{%- endmacro %}
