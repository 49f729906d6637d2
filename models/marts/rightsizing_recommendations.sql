-- Right-sizing recommendations: one row per (cluster_type, namespace, workload_kind,
-- workload, container) that needs a change, judged over the lookback window (var lookback_days)
-- ending at end_date. A table, rebuilt on every run: one snapshot for the window ending at
-- end_date (the weekly list), not a history.
--
-- Per resource the most severe rule that applies sets the values: shortage (OOM / RSS near the
-- memory limit; CPU throttling), then missing_settings (fills only the settings that are unset),
-- then over_allocated (judged separately for CPU and memory, per day, on at least
-- persistence_days days capped by the days observed). Window evidence from daily values: the
-- mean is the minute-weighted mean of the daily means, P95 the max of the daily P95s (an upper
-- bound of the window P95), RSS/throttle maxima and OOM counts are exact.
{{ config(materialized='table', partition_by=none) }}

{%- set cpu_bands = var('severity_cpu_cores') -%}
{%- set mem_bands = var('severity_mem_mib') %}

with

workload_days as (

    select * from {{ ref('int_workload_containers_daily') }}
    where date between {{ lookback_start_date() }} and {{ window_end_date() }}

),

prices as (

    select * from {{ ref('int_resource_prices') }}

),

days_judged as (

    -- strict "<": a day at exactly 15% mean utilisation or exactly 30% P95 is not over-allocated
    select
        *,
        row_number() over (
            partition by cluster_type, namespace, workload_kind, workload, container
            order by date desc
        ) as days_back,
        cpu_request > 0
        and cpu_usage_avg < {{ var('rightsizing_over_mean_util_below') }} * cpu_request
        and cpu_usage_p95 < {{ var('rightsizing_over_p95_ratio_below') }} * cpu_request as is_cpu_over_day,
        mem_request_gb > 0
        and mem_usage_avg_gb < {{ var('rightsizing_over_mean_util_below') }} * mem_request_gb
        and mem_usage_p95_gb < {{ var('rightsizing_over_p95_ratio_below') }} * mem_request_gb as is_mem_over_day
    from workload_days

),

window_evidence as (

    select
        cluster_type,
        namespace,
        workload_kind,
        workload,
        container,
        count(*) as days_observed,
        max(replicas) as replicas_max,
        cast(sum(replica_minutes) as double) / 60.0 / count(*) as replica_hours_per_day,
        cast(sum(case when is_cpu_over_day then 1 else 0 end) as bigint) as cpu_over_days,
        cast(sum(case when is_mem_over_day then 1 else 0 end) as bigint) as mem_over_days,
        sum(cpu_usage_avg * minutes_running) / sum(minutes_running) as cpu_usage_mean,
        max(cpu_usage_p95) as cpu_usage_p95,
        max(cpu_throttled_max) as cpu_throttled_max,
        sum(mem_usage_avg_gb * minutes_running) / sum(minutes_running) as mem_usage_mean_gb,
        max(mem_usage_p95_gb) as mem_usage_p95_gb,
        max(mem_rss_max_gb) as mem_rss_max_gb,
        sum(oom_count) as oom_count
    from days_judged
    group by cluster_type, namespace, workload_kind, workload, container

),

current_settings as (

    -- the settings of the last observed day (max across its replicas)
    select
        cluster_type,
        namespace,
        workload_kind,
        workload,
        container,
        cpu_request as current_cpu_request,
        cpu_limit as current_cpu_limit,
        mem_request_gb as current_mem_request_gb,
        mem_limit_gb as current_mem_limit_gb
    from days_judged
    where days_back = 1

),

rules as (

    select
        window_evidence.*,
        current_settings.current_cpu_request,
        current_settings.current_cpu_limit,
        current_settings.current_mem_request_gb,
        current_settings.current_mem_limit_gb,
        least({{ var('persistence_days') }}, window_evidence.days_observed) as persistence_days_required,
        window_evidence.oom_count > 0 as is_oom_killed,
        current_settings.current_mem_limit_gb > 0
        and window_evidence.mem_rss_max_gb
        > {{ var('rightsizing_rss_limit_ratio') }} * current_settings.current_mem_limit_gb as is_rss_near_limit,
        window_evidence.cpu_throttled_max > {{ var('rightsizing_throttle_ratio') }} as is_cpu_throttled,
        current_settings.current_cpu_request = 0 as cpu_request_missing,
        current_settings.current_cpu_limit = 0 as cpu_limit_missing,
        current_settings.current_mem_request_gb = 0 as mem_request_missing,
        current_settings.current_mem_limit_gb = 0 as mem_limit_missing
    from window_evidence
    inner join current_settings
        on
            window_evidence.cluster_type = current_settings.cluster_type
            and window_evidence.namespace = current_settings.namespace
            and window_evidence.workload_kind = current_settings.workload_kind
            and window_evidence.workload = current_settings.workload
            and window_evidence.container = current_settings.container

),

resource_rules as (

    -- the rule that sets each resource, most severe first (null: unchanged)
    select
        *,
        case
            when is_cpu_throttled then 'shortage'
            when cpu_request_missing or cpu_limit_missing then 'missing_settings'
            when
                cpu_over_days >= persistence_days_required
                and greatest(
                    cpu_usage_p95 * {{ var('rightsizing_request_headroom') }}, {{ var('min_cpu_request') }}
                ) < current_cpu_request
                then 'over_allocated'
        end as cpu_rule,
        case
            when is_oom_killed or is_rss_near_limit then 'shortage'
            when mem_request_missing or mem_limit_missing then 'missing_settings'
            when
                mem_over_days >= persistence_days_required
                and greatest(
                    mem_usage_p95_gb * {{ var('rightsizing_request_headroom') }}, {{ var('min_mem_request_gb') }}
                ) < current_mem_request_gb
                then 'over_allocated'
        end as mem_rule
    from rules

),

recommended_requests as (

    select
        *,
        case
            when cpu_rule = 'shortage'
                then greatest(current_cpu_request, cpu_usage_p95, {{ var('min_cpu_request') }})
            when cpu_request_missing
                then greatest(cpu_usage_mean, {{ var('min_cpu_request') }})
            when cpu_rule = 'over_allocated'
                then greatest(cpu_usage_p95 * {{ var('rightsizing_request_headroom') }}, {{ var('min_cpu_request') }})
            else current_cpu_request
        end as recommended_cpu_request,
        case
            when mem_request_missing
                then greatest(mem_usage_mean_gb, {{ var('min_mem_request_gb') }})
            when mem_rule = 'over_allocated'
                then greatest(
                        mem_usage_p95_gb * {{ var('rightsizing_request_headroom') }}, {{ var('min_mem_request_gb') }}
                    )
            else current_mem_request_gb
        end as recommended_mem_request_gb
    from resource_rules

),

recommended as (

    -- limits never fall below the recommended request; an unset CPU limit becomes
    -- rightsizing_limit_to_request_factor x the request, and so does the limit of a throttled
    -- container unless its current limit is already higher (never a limit at its own P95)
    select
        *,
        case
            when cpu_rule = 'shortage'
                then greatest(
                        current_cpu_limit,
                        {{ var('rightsizing_limit_to_request_factor') }} * recommended_cpu_request
                    )
            when cpu_limit_missing
                then {{ var('rightsizing_limit_to_request_factor') }} * recommended_cpu_request
            else greatest(current_cpu_limit, recommended_cpu_request)
        end as recommended_cpu_limit,
        case
            when mem_rule = 'shortage'
                then greatest(
                        current_mem_limit_gb * {{ var('rightsizing_mem_limit_raise_factor') }},
                        mem_rss_max_gb * {{ var('rightsizing_rss_headroom') }},
                        recommended_mem_request_gb
                    )
            when mem_limit_missing
                then greatest(
                        mem_usage_p95_gb * {{ var('rightsizing_missing_mem_limit_headroom') }},
                        recommended_mem_request_gb
                    )
            else greatest(current_mem_limit_gb, recommended_mem_request_gb)
        end as recommended_mem_limit_gb,
        case
            when cpu_rule = 'shortage' or mem_rule = 'shortage' then 'shortage'
            when cpu_rule = 'missing_settings' or mem_rule = 'missing_settings' then 'missing_settings'
            when cpu_rule = 'over_allocated' or mem_rule = 'over_allocated' then 'over_allocated'
        end as recommendation_type
    from recommended_requests

),

priced as (

    select
        recommended.*,
        prices.cpu_core_hour as cpu_core_hour_price,
        prices.mem_gb_hour as mem_gb_hour_price,
        prices.currency,
        (recommended.recommended_cpu_request - recommended.current_cpu_request)
        * recommended.replica_hours_per_day as cpu_core_hours_delta_per_day,
        (recommended.recommended_mem_request_gb - recommended.current_mem_request_gb)
        * recommended.replica_hours_per_day as mem_gb_hours_delta_per_day,
        greatest(
            abs(recommended.recommended_cpu_request - recommended.current_cpu_request),
            abs(recommended.recommended_cpu_limit - recommended.current_cpu_limit)
        ) as cpu_change_cores,
        1024 * greatest(
            abs(recommended.recommended_mem_request_gb - recommended.current_mem_request_gb),
            abs(recommended.recommended_mem_limit_gb - recommended.current_mem_limit_gb)
        ) as mem_change_mib
    from recommended
    left join prices
        on recommended.cluster_type = prices.cluster_type
    where recommended.recommendation_type is not null

),

costed as (

    select
        *,
        (cpu_core_hours_delta_per_day * cpu_core_hour_price + mem_gb_hours_delta_per_day * mem_gb_hour_price)
        * {{ var('hours_per_month') }} / 24.0 as monthly_cost_delta,
        case
            when cpu_change_cores >= {{ cpu_bands[0] }} or mem_change_mib >= {{ mem_bands[0] }} then 'critical'
            when cpu_change_cores >= {{ cpu_bands[1] }} or mem_change_mib >= {{ mem_bands[1] }} then 'warning'
            when cpu_change_cores >= {{ cpu_bands[2] }} or mem_change_mib >= {{ mem_bands[2] }} then 'ok'
            else 'good'
        end as severity,
        {{ k8s_cpu_quantity('recommended_cpu_request') }} as recommended_cpu_request_quantity,
        {{ k8s_cpu_quantity('recommended_cpu_limit') }} as recommended_cpu_limit_quantity,
        {{ k8s_memory_quantity('recommended_mem_request_gb') }} as recommended_mem_request_quantity,
        {{ k8s_memory_quantity('recommended_mem_limit_gb') }} as recommended_mem_limit_quantity,
        concat_ws(
            ', ',
            case when oom_count > 0 then 'OOM-killed ' || cast(cast(oom_count as bigint) as string) || ' time(s)' end,
            case
                when is_rss_near_limit
                    then 'RSS peak ' || {{ finops_format_decimal('mem_rss_max_gb', 2) }} || ' GiB above '
                        || {{ finops_format_decimal(var('rightsizing_rss_limit_ratio') * 100, 0) }}
                        || '% of the memory limit ' || {{ k8s_memory_quantity('current_mem_limit_gb') }}
            end,
            case
                when is_cpu_throttled
                    then 'CPU throttled in up to ' || {{ finops_format_decimal('100 * cpu_throttled_max', 0) }}
                        || '% of periods (P95 ' || {{ finops_format_decimal('cpu_usage_p95', 2) }} || ' cores)'
            end,
            case
                when cpu_request_missing or cpu_limit_missing or mem_request_missing or mem_limit_missing
                    then 'no ' || concat_ws(
                            ', ',
                            case when cpu_request_missing then 'CPU request' end,
                            case when cpu_limit_missing then 'CPU limit' end,
                            case when mem_request_missing then 'memory request' end,
                            case when mem_limit_missing then 'memory limit' end
                        ) || ' (mean use ' || {{ finops_format_decimal('cpu_usage_mean', 2) }} || ' cores, '
                        || {{ finops_format_decimal('mem_usage_mean_gb', 2) }} || ' GiB)'
            end,
            case
                when cpu_rule = 'over_allocated'
                    then 'requests ' || {{ k8s_cpu_quantity('current_cpu_request') }} || ' CPU but P95 is '
                        || {{ finops_format_decimal('cpu_usage_p95', 2) }} || ' cores (mean '
                        || {{ finops_format_decimal('cpu_usage_mean', 2) }} || ') on ' || cast(cpu_over_days as string)
                        || ' of ' || cast(days_observed as string) || ' days'
            end,
            case
                when mem_rule = 'over_allocated'
                    then 'requests ' || {{ k8s_memory_quantity('current_mem_request_gb') }} || ' memory but P95 is '
                        || {{ finops_format_decimal('mem_usage_p95_gb', 2) }} || ' GiB on '
                        || cast(mem_over_days as string) || ' of ' || cast(days_observed as string) || ' days'
            end
        ) as evidence
    from priced

),

final as (

    select
        cluster_type,
        namespace,
        workload_kind,
        workload,
        container,
        recommendation_type,
        severity,
        cpu_rule,
        mem_rule,
        current_cpu_request,
        current_cpu_limit,
        current_mem_request_gb,
        current_mem_limit_gb,
        recommended_cpu_request,
        recommended_cpu_limit,
        recommended_mem_request_gb,
        recommended_mem_limit_gb,
        days_observed,
        replicas_max,
        replica_hours_per_day,
        cpu_over_days,
        mem_over_days,
        persistence_days_required,
        cpu_usage_mean,
        cpu_usage_p95,
        cpu_throttled_max,
        mem_usage_mean_gb,
        mem_usage_p95_gb,
        mem_rss_max_gb,
        oom_count,
        cpu_change_cores,
        mem_change_mib,
        cpu_core_hours_delta_per_day,
        mem_gb_hours_delta_per_day,
        monthly_cost_delta,
        currency,
        workload || ' (' || workload_kind || ') container ' || container || ' in ' || namespace || ': '
        || evidence || '; set requests cpu=' || recommended_cpu_request_quantity
        || ', memory=' || recommended_mem_request_quantity || ' and limits cpu=' || recommended_cpu_limit_quantity
        || ', memory=' || recommended_mem_limit_quantity
        || case
            when monthly_cost_delta < 0
                then ' (saves ' || {{ finops_format_decimal('-monthly_cost_delta', 2) }} || ' ' || currency
                    || '/month).'
            when monthly_cost_delta > 0
                then ' (costs ' || {{ finops_format_decimal('monthly_cost_delta', 2) }} || ' ' || currency
                    || '/month more).'
            else ' (requests unchanged: no cost change).'
        end as message,
        'kubectl -n ' || namespace || ' set resources ' || workload_kind || '/' || workload || ' -c ' || container
        || ' --requests=cpu=' || recommended_cpu_request_quantity || ',memory=' || recommended_mem_request_quantity
        || ' --limits=cpu=' || recommended_cpu_limit_quantity || ',memory=' || recommended_mem_limit_quantity
            as kubectl_command,
        {{ lookback_start_date() }} as window_start_date,
        {{ window_end_date() }} as window_end_date
    from costed

)

select * from final
