{#- The report window: inclusive report-timezone dates start_date..end_date.
    Every model and hook reads it through finops_window(), which validates the vars first, so a
    malformed value stops the run with a message naming the var before any query uses it. -#}

{% macro finops_fail(message) -%}
    {{ exceptions.raise_compiler_error(message) }}
{%- endmacro %}

{% macro finops_timezone(name) -%}
    {%- set value = var(name) -%}
    {%- if value is none or (value | string) not in modules.pytz.all_timezones_set -%}
        {{ finops_fail("var " ~ name ~ "='" ~ value ~ "' is not an IANA time zone name (e.g. Asia/Seoul, UTC)") }}
    {%- endif -%}
    {{ return(modules.pytz.timezone(value | string)) }}
{%- endmacro %}

{#- The window may also come from the environment (FINOPS_START_DATE, FINOPS_END_DATE; `make build`
    passes it so): a changed --vars invalidates dbt's partial parse and costs a full re-parse of the
    project on every daily run, an env var read only at execution time does not. The var wins. -#}
{% macro finops_window_env(name) -%}
    {%- if execute -%}
        {{ return(env_var('FINOPS_' ~ (name | upper), '')) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{% macro finops_parse_date(name, tz) -%}
    {%- set value = var(name) -%}
    {%- set label = 'var ' ~ name -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {%- set value = finops_window_env(name) -%}
        {%- set label = 'FINOPS_' ~ (name | upper) -%}
    {%- endif -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {#- default: yesterday in the report time zone -#}
        {%- set today = modules.datetime.datetime.now(tz).date() -%}
        {{ return(today - modules.datetime.timedelta(days=1)) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- set m = modules.re.match('^([0-9]{4})-([0-9]{2})-([0-9]{2})$', text) -%}
    {%- if not m -%}
        {{ finops_fail(label ~ "='" ~ text ~ "' is not a date in YYYY-MM-DD form") }}
    {%- endif -%}
    {%- set y = m.group(1) | int -%}
    {%- set mo = m.group(2) | int -%}
    {%- set d = m.group(3) | int -%}
    {%- if y < 1970 or mo < 1 or mo > 12 or d < 1 -%}
        {{ finops_fail(label ~ "='" ~ text ~ "' is not a valid calendar date") }}
    {%- endif -%}
    {%- set first_next = modules.datetime.date(y + (mo // 12), (mo % 12) + 1, 1) -%}
    {%- if d > (first_next - modules.datetime.timedelta(days=1)).day -%}
        {{ finops_fail(label ~ "='" ~ text ~ "' is not a valid calendar date") }}
    {%- endif -%}
    {{ return(modules.datetime.date(y, mo, d)) }}
{%- endmacro %}

{% macro finops_window() -%}
    {%- set tz = finops_timezone('report_timezone') -%}
    {%- set naive_tz = finops_timezone('raw_naive_timezone') -%}
    {%- set start_date = finops_parse_date('start_date', tz) -%}
    {%- set end_date = finops_parse_date('end_date', tz) -%}
    {%- if start_date > end_date -%}
        {{ finops_fail("var start_date=" ~ start_date ~ " is after var end_date=" ~ end_date
            ~ " (both inclusive, YYYY-MM-DD)") }}
    {%- endif -%}
    {%- set dt = modules.datetime -%}
    {%- set start_local = tz.localize(dt.datetime(start_date.year, start_date.month, start_date.day)) -%}
    {%- set end_next = end_date + dt.timedelta(days=1) -%}
    {%- set end_local = tz.localize(dt.datetime(end_next.year, end_next.month, end_next.day)) -%}
    {%- set start_utc = start_local.astimezone(modules.pytz.utc) -%}
    {%- set end_utc = end_local.astimezone(modules.pytz.utc) -%}
    {#- fixed UTC offset over the whole window? then local time is plain arithmetic (no ICU) -#}
    {%- set offsets = [] -%}
    {%- for i in range(((end_utc - start_utc).total_seconds() // 3600) | int + 1) -%}
        {%- do offsets.append((start_utc + dt.timedelta(hours=i)).astimezone(tz).utcoffset().total_seconds() | int) -%}
    {%- endfor -%}
    {{ return({
        'start_date': start_date,
        'end_date': end_date,
        'days': (end_date - start_date).days + 1,
        'timezone': tz.zone,
        'naive_timezone': naive_tz.zone,
        'start_utc': start_utc,
        'end_utc': end_utc,
        'start_utc_sql': finops_utc_literal(start_utc) | trim,
        'end_utc_sql': finops_utc_literal(end_utc) | trim,
        'fixed_offset_seconds': offsets[0] if (offsets | unique | list | length) == 1 else none,
    }) }}
{%- endmacro %}

{#- SQL date literals for the window, for filters such as "date between ... and ..." -#}
{% macro window_start_date() -%}
    date '{{ finops_window().start_date }}'
{%- endmacro %}

{% macro window_end_date() -%}
    date '{{ finops_window().end_date }}'
{%- endmacro %}

{#- Naive report-timezone timestamp of a UTC instant. With a fixed offset over the window this is
    integer arithmetic on epoch microseconds (about 20x cheaper than ICU's timezone() per row);
    windows that cross a DST change fall back to timezone(). -#}
{% macro to_report_local(ts) -%}
    {%- set w = finops_window() -%}
    {{ finops_utc_to_local(ts, w.timezone, w.fixed_offset_seconds) }}
{%- endmacro %}

{% macro finops_check_vars() -%}
    {%- if execute -%}
        {%- set w = finops_window() -%}
        {{ log("kube-finops window " ~ w.start_date ~ " .. " ~ w.end_date ~ " (" ~ w.timezone ~ "), raw "
            ~ (var('raw_glob') or var('raw_path')), info=true) }}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- on-run-end: say how many container-days the window produced, and say so loudly when none. -#}
{% macro finops_report_window(results) -%}
    {%- if execute -%}
        {%- set built = results | selectattr('node.name', 'equalto', 'daily_enriched')
            | selectattr('status', 'equalto', 'success') | list -%}
        {%- if built -%}
            {%- set w = finops_window() -%}
            {%- set rel = built[0].node.relation_name -%}
            {%- set counted = run_query("select count(*), count(distinct date) from " ~ rel
                ~ " where date between date '" ~ w.start_date ~ "' and date '" ~ w.end_date ~ "'") -%}
            {%- set n = counted.rows[0][0] -%}
            {%- if n == 0 -%}
                {{ log("kube-finops: the window " ~ w.start_date ~ " .. " ~ w.end_date
                    ~ " has no data: the marts hold no rows for it", info=true) }}
            {%- else -%}
                {{ log("kube-finops: daily_enriched holds " ~ n ~ " container-days on " ~ counted.rows[0][1] ~ " of "
                    ~ w.days ~ " day(s) of the window " ~ w.start_date ~ " .. " ~ w.end_date, info=true) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- First date of the right-sizing lookback window: the var lookback_days dates ending at end_date.
-#}
{% macro lookback_start_date() -%}
    {%- set days = var('lookback_days') | int -%}
    {%- if days < 1 -%}
        {{ finops_fail("var lookback_days=" ~ var('lookback_days') ~ " must be a whole number of days >= 1") }}
    {%- endif -%}
    date '{{ finops_window().end_date - modules.datetime.timedelta(days=days - 1) }}'
{%- endmacro %}
