{#- The waste Pareto of pareto_ns (per date and cluster) and rpt_ns_pareto (per cluster over the
    window), one definition for both: the rows of `relation` ranked by `waste_column` (largest
    first, `tie_breaker` ascending on ties) within `partition_by`, with
    waste_rank, waste_share_pct, waste_cumsum_pct, waste_cumsum_before_pct and grade.

    Running sums are exact decimals: monotone, independent of row order, and the last one equals
    the total exactly, so the last cumulative share is exactly 100. The grade is judged on the
    cumulative share of the rows ranked ABOVE (a namespace holding 40% of the waste alone is
    Critical) with the bands of vars pareto_critical_below_pct / pareto_high_below_pct /
    pareto_medium_below_pct (strict "<"); no waste at all is Low. The result also carries the
    helper columns waste_running_sum*, waste_total*: select what you need from it. -#}
{% macro pareto_grades(relation, partition_by, waste_column, tie_breaker) -%}
    {%- set partition = partition_by | join(', ') -%}
    {%- set order = waste_column ~ ' desc, ' ~ tie_breaker ~ ' asc' -%}
    select
        *,
        case
            when {{ waste_column }} <= 0 then 'Low'
            when waste_cumsum_before_pct < {{ var('pareto_critical_below_pct') }} then 'Critical'
            when waste_cumsum_before_pct < {{ var('pareto_high_below_pct') }} then 'High'
            when waste_cumsum_before_pct < {{ var('pareto_medium_below_pct') }} then 'Medium'
            else 'Low'
        end as grade
    from (
        select
            *,
            case when waste_total > 0 then 100.0 * ({{ waste_column }} / waste_total) else 0 end
                as waste_share_pct,
            case when waste_total > 0 then 100.0 * (waste_running_total / waste_total) else 0 end
                as waste_cumsum_pct,
            case when waste_total > 0 then 100.0 * (waste_running_total_before / waste_total) else 0 end
                as waste_cumsum_before_pct
        from (
            select
                *,
                cast(max(waste_running_sum) over (partition by {{ partition }}) as double) as waste_total,
                cast(waste_running_sum as double) as waste_running_total,
                cast(waste_running_sum_before as double) as waste_running_total_before
            from (
                select
                    *,
                    cast(row_number() over (partition by {{ partition }} order by {{ order }}) as bigint) as waste_rank,
                    sum(cast({{ waste_column }} as decimal(38, 12))) over (
                        partition by {{ partition }}
                        order by {{ order }}
                        rows between unbounded preceding and current row
                    ) as waste_running_sum,
                    coalesce(sum(cast({{ waste_column }} as decimal(38, 12))) over (
                        partition by {{ partition }}
                        order by {{ order }}
                        rows between unbounded preceding and 1 preceding
                    ), 0) as waste_running_sum_before
                from {{ relation }}
            ) as ranked
        ) as totals
    ) as shares
{%- endmacro %}
