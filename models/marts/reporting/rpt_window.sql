-- The report window and the rules it was built with: one row. The report scripts check that
-- every reporting table they read was built for the window they print, and take every threshold,
-- band, weight and the length of a month from here (the effective dbt vars of this build) instead
-- of restating them, so a var changed for one run is also what the workbook and digest say.
with

final as (

    select
        {{ window_start_date() }} as window_start_date,
        {{ window_end_date() }} as window_end_date,
        '{{ finops_window().timezone }}' as report_timezone,
        cast({{ finops_window().days }} as bigint) as window_days,
        cast({{ var('status_shortage_cores') }} as double) as status_shortage_cores,
        cast({{ var('status_throttle_ratio') }} as double) as status_throttle_ratio,
        cast({{ var('status_cpu_waste_core_hours') }} as double) as status_cpu_waste_core_hours,
        cast({{ var('status_pv_waste_gb_hours') }} as double) as status_pv_waste_gb_hours,
        cast({{ var('usage_score_weight_cpu') }} as double) as usage_score_weight_cpu,
        cast({{ var('usage_score_weight_mem') }} as double) as usage_score_weight_mem,
        cast({{ var('usage_score_weight_pv') }} as double) as usage_score_weight_pv,
        cast({{ var('pareto_critical_below_pct') }} as double) as pareto_critical_below_pct,
        cast({{ var('pareto_high_below_pct') }} as double) as pareto_high_below_pct,
        cast({{ var('pareto_medium_below_pct') }} as double) as pareto_medium_below_pct,
        cast({{ var('report_top_waste_share') }} as double) as report_top_waste_share,
        cast({{ var('hours_per_month') }} as double) as hours_per_month,
        cast({{ var('lookback_days') }} as bigint) as lookback_days,
        cast({{ var('rightsizing_throttle_ratio') }} as double) as rightsizing_throttle_ratio,
        cast({{ var('dormant_days') }} as bigint) as dormant_days,
        cast({{ var('dormant_cpu_epsilon_cores') }} as double) as dormant_cpu_epsilon_cores,
        cast({{ var('quota_almost_full_ratio') }} as double) as quota_almost_full_ratio,
        cast({{ var('quota_oversized_ratio') }} as double) as quota_oversized_ratio,
        cast({{ var('quota_headroom') }} as double) as quota_headroom,
        cast({{ var('quota_overcommit_ratio') }} as double) as quota_overcommit_ratio,
        cast({{ var('ttl_warning_days') }} as bigint) as ttl_warning_days,
        cast({{ var('ttl_grace_days') }} as bigint) as ttl_grace_days,
        cast({{ var('bucket_expire_days') }} as bigint) as bucket_expire_days,
        {{ sql_string(var('shared_cost_split')) }} as shared_cost_split,
        {{ sql_string(var('idle_cost')) }} as idle_cost

)

select * from final
