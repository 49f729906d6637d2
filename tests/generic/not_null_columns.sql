{#- None of the given columns is NULL: one query for all of a model's required columns (a
    not_null test per column costs a dbt node each, about 40 ms of a build apiece). The rows
    returned on failure show which column is NULL. -#}
{% test not_null_columns(model, columns) %}

select
    {{ columns | join(',\n    ') }}
from {{ model }}
where
    {% for column in columns -%}
        {{ column }} is null{% if not loop.last %} or {% endif %}
    {% endfor %}

{% endtest %}
