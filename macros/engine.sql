{#- Engine-specific SQL, dispatched so models stay engine-neutral. Every dispatched macro has an
    explicit duckdb__ and spark__ implementation and no default__: another adapter fails at compile
    time naming the missing macro instead of running one engine's SQL on another. SQL that is the
    same on both engines is a plain macro. -#}

{#- Linear-interpolation percentile (numpy's default). -#}
{% macro finops_percentile(column, fraction) -%}
    {{ return(adapter.dispatch('finops_percentile', 'kube_finops')(column, fraction)) }}
{%- endmacro %}

{% macro duckdb__finops_percentile(column, fraction) -%}
    quantile_cont({{ column }}, {{ fraction }})
{%- endmacro %}

{#- Does `value` contain a match of the regular expression `pattern` (search, not full match)? -#}
{% macro finops_regex_search(value, pattern) -%}
    {{ return(adapter.dispatch('finops_regex_search', 'kube_finops')(value, pattern)) }}
{%- endmacro %}

{% macro duckdb__finops_regex_search(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}

{#- Sums and means of doubles that do not depend on the order rows arrive in: parallel hash
    aggregation adds doubles in a different order on every run, so the last bit of a double sum
    wanders between re-runs. Summing exact decimals (12 places: pico-cores, pico-bytes) is
    order-independent, so re-running a window gives the same bits. -#}
{% macro finops_sum(column) -%}
    {{ return(adapter.dispatch('finops_sum', 'kube_finops')(column)) }}
{%- endmacro %}


{% macro duckdb__finops_sum(column) -%}
    sum(({{ column }})::decimal(38, 12))::double
{%- endmacro %}

{% macro spark__finops_sum(column) -%}
    cast(sum(cast({{ column }} as decimal(38, 12))) as double)
{%- endmacro %}

{% macro finops_avg(column) -%}
    {{ return(adapter.dispatch('finops_avg', 'kube_finops')(column)) }}
{%- endmacro %}


{% macro duckdb__finops_avg(column) -%}
    avg(({{ column }})::decimal(38, 12))::double
{%- endmacro %}

{% macro spark__finops_avg(column) -%}
    cast(avg(cast({{ column }} as decimal(38, 12))) as double)
{%- endmacro %}

{#- Number of distinct minutes of one report day's samples. DuckDB: a 1440-bit set per group
    (about 5x cheaper than count(distinct) at 10M rows). Within one report day of a fixed-offset
    zone the UTC epoch-minute modulo 1440 is unique; on a 25-hour DST day two minutes may share a
    bit, which only under-counts, and that sends the container-day to the exact de-duplication. -#}
{% macro finops_distinct_minutes(minute_ts) -%}
    {{ return(adapter.dispatch('finops_distinct_minutes', 'kube_finops')(minute_ts)) }}
{%- endmacro %}

{% macro spark__finops_distinct_minutes(minute_ts) -%}
    count(distinct {{ minute_ts }})
{%- endmacro %}

{% macro duckdb__finops_distinct_minutes(minute_ts) -%}
    bit_count(bitstring_agg(cast(epoch_us({{ minute_ts }}) // 60000000 % 1440 as integer), 0, 1439))
{%- endmacro %}

{#- Group `group` of the first match of `pattern` in `value` ('' when no match). -#}
{#- (the same SQL on both engines: not dispatched) -#}
{% macro finops_regex_extract(value, pattern, group) -%}
    regexp_extract({{ value }}, {{ pattern }}, {{ group }})
{%- endmacro %}

{#- A number as text with a fixed number of decimals (for messages; the marts keep full values). -#}
{% macro finops_format_decimal(value, decimals) -%}
    {{ return(adapter.dispatch('finops_format_decimal', 'kube_finops')(value, decimals)) }}
{%- endmacro %}


{#- Spark's format_string rejects a decimal (a literal such as 0.9 * 100 is one): format a double. -#}
{% macro spark__finops_format_decimal(value, decimals) -%}
    format_string('%.{{ decimals }}f', cast({{ value }} as double))
{%- endmacro %}

{% macro duckdb__finops_format_decimal(value, decimals) -%}
    printf('%.{{ decimals }}f', {{ value }})
{%- endmacro %}

{#- The distinct values of a text column of the group, sorted, joined by `separator`. -#}
{% macro finops_sorted_distinct_list(column, separator) -%}
    {{ return(adapter.dispatch('finops_sorted_distinct_list', 'kube_finops')(column, separator)) }}
{%- endmacro %}

{% macro spark__finops_sorted_distinct_list(column, separator) -%}
    array_join(array_sort(collect_set({{ column }})), '{{ separator }}')
{%- endmacro %}

{% macro duckdb__finops_sorted_distinct_list(column, separator) -%}
    string_agg(distinct {{ column }}, '{{ separator }}' order by {{ column }})
{%- endmacro %}

{#- The UTC instant of local midnight starting `date_expr` in IANA zone `tz` (DST-correct). -#}
{% macro finops_local_midnight_utc(date_expr, tz) -%}
    {{ return(adapter.dispatch('finops_local_midnight_utc', 'kube_finops')(date_expr, tz)) }}
{%- endmacro %}

{% macro spark__finops_local_midnight_utc(date_expr, tz) -%}
    to_utc_timestamp(cast({{ date_expr }} as timestamp), '{{ tz }}')
{%- endmacro %}

{% macro duckdb__finops_local_midnight_utc(date_expr, tz) -%}
    timezone('{{ tz }}', cast({{ date_expr }} as timestamp))
{%- endmacro %}

{#- The date `days` days before `date_expr`. -#}
{% macro finops_date_add(date_expr, days) -%}
    {{ return(adapter.dispatch('finops_date_add', 'kube_finops')(date_expr, days)) }}
{%- endmacro %}

{% macro spark__finops_date_add(date_expr, days) -%}
    date_add({{ date_expr }}, {{ days }})
{%- endmacro %}

{% macro duckdb__finops_date_add(date_expr, days) -%}
    cast({{ date_expr }} + to_days(cast({{ days }} as integer)) as date)
{%- endmacro %}

{#- A JSON object text from (key, SQL expression) pairs, with proper escaping. -#}
{% macro finops_json_object(pairs) -%}
    {{ return(adapter.dispatch('finops_json_object', 'kube_finops')(pairs)) }}
{%- endmacro %}

{% macro spark__finops_json_object(pairs) -%}
    to_json(named_struct({% for key, expr in pairs %}'{{ key }}', {{ expr }}{% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}

{% macro duckdb__finops_json_object(pairs) -%}
    cast(json_object({% for key, expr in pairs %}'{{ key }}', {{ expr }}{% if not loop.last %}, {% endif %}{% endfor %}) as string)
{%- endmacro %}

{#- Whole days from `start_expr` to `end_expr` (DATE - DATE). -#}
{% macro finops_days_between(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('finops_days_between', 'kube_finops')(start_expr, end_expr)) }}
{%- endmacro %}

{% macro spark__finops_days_between(start_expr, end_expr) -%}
    datediff({{ end_expr }}, {{ start_expr }})
{%- endmacro %}

{% macro duckdb__finops_days_between(start_expr, end_expr) -%}
    date_diff('day', {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{#- Linear-interpolation percentile on Spark: percentile() is exact and interpolates linearly. -#}
{% macro spark__finops_percentile(column, fraction) -%}
    percentile({{ column }}, {{ fraction }})
{%- endmacro %}

{% macro spark__finops_regex_search(value, pattern) -%}
    ({{ value }} rlike {{ pattern }})
{%- endmacro %}

{#- `value` of the row with the smallest `key` in the group. -#}
{% macro finops_arg_min(value, key) -%}
    {{ return(adapter.dispatch('finops_arg_min', 'kube_finops')(value, key)) }}
{%- endmacro %}

{% macro duckdb__finops_arg_min(value, key) -%}
    arg_min({{ value }}, {{ key }})
{%- endmacro %}

{% macro spark__finops_arg_min(value, key) -%}
    min_by({{ value }}, {{ key }})
{%- endmacro %}

{#- The SQL type of an instant (a UTC point in time): DuckDB timestamptz; Spark's timestamp is an
    instant shown in the session time zone (pinned to UTC by the profile). -#}
{% macro finops_instant_type() -%}
    {{ return(adapter.dispatch('finops_instant_type', 'kube_finops')()) }}
{%- endmacro %}

{% macro duckdb__finops_instant_type() -%}
    timestamptz
{%- endmacro %}

{% macro spark__finops_instant_type() -%}
    timestamp
{%- endmacro %}

{#- SQL literal of the UTC instant `ts` (an aware Python datetime). -#}
{% macro finops_utc_literal(ts) -%}
    {{ return(adapter.dispatch('finops_utc_literal', 'kube_finops')(ts)) }}
{%- endmacro %}

{% macro duckdb__finops_utc_literal(ts) -%}
    timestamptz '{{ ts.strftime('%Y-%m-%d %H:%M:%S') }}+00'
{%- endmacro %}

{% macro spark__finops_utc_literal(ts) -%}
    timestamp '{{ ts.strftime('%Y-%m-%d %H:%M:%S') }}'
{%- endmacro %}

{#- The instant `ts` truncated to its minute, in integer arithmetic on epoch microseconds. -#}
{% macro finops_minute_floor(ts) -%}
    {{ return(adapter.dispatch('finops_minute_floor', 'kube_finops')(ts)) }}
{%- endmacro %}

{% macro duckdb__finops_minute_floor(ts) -%}
    make_timestamptz(epoch_us({{ ts }}) // 60000000 * 60000000)
{%- endmacro %}

{% macro spark__finops_minute_floor(ts) -%}
    timestamp_micros(unix_micros({{ ts }}) div 60000000 * 60000000)
{%- endmacro %}

{#- Is the double `value` neither NaN nor infinite (NULL stays NULL)? -#}
{% macro finops_is_finite(value) -%}
    {{ return(adapter.dispatch('finops_is_finite', 'kube_finops')(value)) }}
{%- endmacro %}

{% macro duckdb__finops_is_finite(value) -%}
    isfinite({{ value }})
{%- endmacro %}

{% macro spark__finops_is_finite(value) -%}
    (not isnan({{ value }}) and abs({{ value }}) != double('infinity'))
{%- endmacro %}

{#- The naive wall-clock timestamp in IANA zone `tz` of the UTC instant `ts`. -#}
{#- A UTC instant as the naive local time of `tz`. fixed_offset_seconds (the zone's one offset over
    the whole window, or none) lets DuckDB add it as plain arithmetic instead of a per-row
    time-zone lookup; Spark's from_utc_timestamp needs no such help. -#}
{% macro finops_utc_to_local(ts, tz, fixed_offset_seconds=none) -%}
    {{ return(adapter.dispatch('finops_utc_to_local', 'kube_finops')(ts, tz, fixed_offset_seconds)) }}
{%- endmacro %}

{% macro duckdb__finops_utc_to_local(ts, tz, fixed_offset_seconds=none) -%}
    {%- if fixed_offset_seconds is not none -%}
        make_timestamp(epoch_us({{ ts }}) + {{ fixed_offset_seconds * 1000000 }})
    {%- else -%}
        timezone('{{ tz }}', {{ ts }})
    {%- endif -%}
{%- endmacro %}

{% macro spark__finops_utc_to_local(ts, tz, fixed_offset_seconds=none) -%}
    from_utc_timestamp({{ ts }}, '{{ tz }}')
{%- endmacro %}

{#- Coefficient of determination of y on x over the non-null pairs, with DuckDB's (and the SQL
    standard's) edge cases: NULL when x does not vary, 1 when y does not vary. On Spark a y that
    varies by less than 1e-10 of its mean (double rounding of a constant series' sums, which DuckDB's
    exact decimal sums leave exactly constant) counts as not varying, instead of an r2 of noise. -#}
{% macro finops_regr_r2(y, x) -%}
    {{ return(adapter.dispatch('finops_regr_r2', 'kube_finops')(y, x)) }}
{%- endmacro %}

{% macro duckdb__finops_regr_r2(y, x) -%}
    regr_r2({{ y }}, {{ x }})
{%- endmacro %}

{% macro spark__finops_regr_r2(y, x) -%}
    {%- set px = 'case when (' ~ y ~ ') is not null then ' ~ x ~ ' end' -%}
    {%- set py = 'case when (' ~ x ~ ') is not null then ' ~ y ~ ' end' -%}
    case
        when var_pop({{ px }}) = 0 then null
        when var_pop({{ py }}) <= 1e-20 * pow(avg({{ py }}), 2) then 1.0d
        else pow(corr({{ py }}, {{ px }}), 2)
    end
{%- endmacro %}

{#- A one-character string holding a single quote, for text that quotes a value (kubectl's
    -p '...'). DuckDB doubles a quote inside a literal; Spark reads '' inside a literal as the end
    of one literal and the start of the next (adjacent literals are concatenated), so the quote
    would vanish. -#}
{% macro finops_single_quote() -%}
    {{ return(adapter.dispatch('finops_single_quote', 'kube_finops')()) }}
{%- endmacro %}

{% macro duckdb__finops_single_quote() -%}
    ''''
{%- endmacro %}

{% macro spark__finops_single_quote() -%}
    chr(39)
{%- endmacro %}
