{#- Data tests judge the run's window, not the history: a generic test (not_null_columns,
    unique_combination_of_columns, expression_is_true, accepted_values...) on a model that is
    incremental by `date` (the daily marts, int_workload_containers_daily) reads only the window's
    dates, so a daily run's tests cost one day and a threshold var changed for one run is never
    applied to days built with another value. Models rebuilt whole on every run (tables) are
    tested whole. A test's own `where` config still applies on top.
    This replaces dbt's get_where_subquery, which every generic test calls on its model. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set window_filter = finops_test_window_filter() -%}
    {%- if window_filter and where -%}
        {%- set where = '(' ~ where ~ ') and ' ~ window_filter -%}
    {%- elif window_filter -%}
        {%- set where = window_filter -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) as dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{#- "date between <window>" when the current generic test is attached to a model incremental by
    date, else an empty string. -#}
{% macro finops_test_window_filter() -%}
    {%- if not execute or model is not mapping -%}
        {{ return('') }}
    {%- endif -%}
    {%- set attached = model.get('attached_node') -%}
    {%- set node = graph.nodes.get(attached) if attached else none -%}
    {%- if node and node.config.materialized == 'incremental' and node.config.unique_key == 'date' -%}
        {{ return('date between ' ~ window_start_date() ~ ' and ' ~ window_end_date()) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
