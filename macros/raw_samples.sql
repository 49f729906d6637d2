{#- Reading the raw lake.

    Only the dt=/hour= partitions that can hold the window are listed (glob() lists, it never opens
    a file), so a corrupt file outside the window is never read. The footers of the listed files are
    read once (parquet_schema) to check the required columns, to tell tz-aware from naive
    timestamp files, and to know which optional columns exist at all. -#}


{#- The lake contract's column lists (kube_finops.lake.contract; a pytest keeps them equal). -#}
{% macro raw_required_columns() -%}
    {{ return(['timestamp', 'namespace', 'pod', 'container']) }}
{%- endmacro %}

{% macro raw_metric_columns() -%}
    {{ return(['cpu_request', 'cpu_limit', 'cpu_usage', 'cpu_throttled', 'mem_request', 'mem_limit',
               'mem_usage', 'mem_rss', 'oom_event', 'pv_capacity', 'pv_used', 'energy_joules']) }}
{%- endmacro %}

{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- Globs of the UTC dates the window touches (Hive layout), or the user's raw_glob. -#}
{% macro raw_partition_globs(w) -%}
    {%- if var('raw_glob') -%}
        {{ return([var('raw_glob')]) }}
    {%- endif -%}
    {%- set root = (var('raw_path') | string).rstrip('/') -%}
    {%- set globs = [] -%}
    {%- set first = w.start_utc.date() -%}
    {%- set last = (w.end_utc - modules.datetime.timedelta(microseconds=1)).date() -%}
    {%- for i in range((last - first).days + 1) -%}
        {%- do globs.append(root ~ '/dt=' ~ (first + modules.datetime.timedelta(days=i)).isoformat()
            ~ '/hour=*/*.parquet') -%}
    {%- endfor -%}
    {{ return(globs) }}
{%- endmacro %}

{#- The window's raw files, sorted by path. With the Hive layout, only hours that overlap the window. -#}
{% macro raw_window_files(w) -%}
    {%- set files = [] -%}
    {%- set first_hour = w.start_utc.replace(minute=0, second=0, microsecond=0) -%}
    {%- for path in raw_list_files(raw_partition_globs(w)) -%}
        {%- set m = modules.re.search('dt=([0-9]{4}-[0-9]{2}-[0-9]{2})/hour=([0-9]{1,2})/[^/]*$', path) -%}
        {%- if var('raw_glob') or not m -%}
            {%- do files.append(path) -%}
        {%- else -%}
            {%- set hour_text = m.group(1) ~ ' ' ~ m.group(2) -%}
            {%- set hour_naive = modules.datetime.datetime.strptime(hour_text, '%Y-%m-%d %H') -%}
            {%- set hour_start = modules.pytz.utc.localize(hour_naive) -%}
            {%- if hour_start >= first_hour and hour_start < w.end_utc -%}
                {%- do files.append(path) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(files | sort) }}
{%- endmacro %}

{#- The paths of the files that match any of `globs` (listing only: no file is opened). -#}
{% macro raw_list_files(globs) -%}
    {{ return(adapter.dispatch('raw_list_files', 'kube_finops')(globs)) }}
{%- endmacro %}

{% macro duckdb__raw_list_files(globs) -%}
    {%- set selects = [] -%}
    {%- for g in globs -%}
        {%- do selects.append('select file from glob(' ~ sql_string(g) ~ ')') -%}
    {%- endfor -%}
    {{ return(run_query(selects | join(' union all ')).columns[0].values() | list) }}
{%- endmacro %}

{#- Spark: the binaryFile source lists without reading content. A glob that matches nothing is an
    error in Spark, so the Hive layout is listed as a whole (dt=*/hour=*) and pruned by the caller;
    only a lake without any file fails, with Spark's "Path does not exist". -#}
{% macro spark__raw_list_files(globs) -%}
    {%- if var('raw_glob') -%}
        {%- set patterns = globs -%}
    {%- else -%}
        {%- set patterns = [(var('raw_path') | string).rstrip('/') ~ '/dt=*/hour=*/*.parquet'] -%}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for g in patterns -%}
        {%- do selects.append('select path from binaryFile.`' ~ g ~ '`') -%}
    {%- endfor -%}
    {{ return(run_query(selects | join(' union all ')).columns[0].values() | list) }}
{%- endmacro %}

{#- A local lake folder named by a var (raw_path) must exist when models are built: a typo would
    otherwise list no file and build empty marts, indistinguishable from a quiet day. Only called
    when no file was listed, so a normal run pays nothing. Not checked: other commands (compile,
    docs, the SQL linter's compile), URIs (s3://...) and paths holding glob characters. -#}
{% macro finops_require_local_folder(var_name) -%}
    {%- set path = (var(var_name) | string).rstrip('/') -%}
    {%- set name = path.split('/')[-1] -%}
    {%- if flags.WHICH not in ('build', 'run') or '://' in path or name in ('', '.', '..')
        or modules.re.search('[*?\\[]', path) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not finops_folder_exists(path) -%}
        {{ finops_fail("var " ~ var_name ~ "='" ~ var(var_name) ~ "' is not an existing folder (check the path;"
            ~ " a folder without files for the window builds an empty day)") }}
    {%- endif -%}
{%- endmacro %}

{% macro finops_folder_exists(path) -%}
    {{ return(adapter.dispatch('finops_folder_exists', 'kube_finops')(path)) }}
{%- endmacro %}

{#- DuckDB's glob() lists folders only for a pattern ending in '/': `<path>*/` lists the folder
    itself (when it exists) and its siblings whose name starts with the same text. -#}
{% macro duckdb__finops_folder_exists(path) -%}
    {%- set name = path.split('/')[-1] -%}
    {%- set found = run_query("select file from glob(" ~ sql_string(path ~ '*/') ~ ")").columns[0].values() -%}
    {%- for f in found -%}
        {%- if f.rstrip('/').split('/')[-1] == name -%}{{ return(true) }}{%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- Spark: listing a missing folder already fails the run (Spark's PATH_NOT_FOUND names the path),
    so by the time this is asked the folder exists. -#}
{% macro spark__finops_folder_exists(path) -%}
    {{ return(true) }}
{%- endmacro %}

{#- Per-file footer facts: {path: {'columns': set, 'naive_ts': bool}}; fails on a missing identity column. -#}
{% macro raw_file_schemas(files) -%}
    {%- set schema_sql -%}
        select file_name, name, coalesce(logical_type, '') as logical_type, coalesce(type, '') as physical_type
        from parquet_schema([{% for f in files %}{{ sql_string(f) }}{% if not loop.last %}, {% endif %}{% endfor %}])
    {%- endset -%}
    {%- set facts = {} -%}
    {%- for f in files -%}
        {%- do facts.update({f: {'columns': [], 'naive_ts': false}}) -%}
    {%- endfor -%}
    {%- for row in run_query(schema_sql).rows -%}
        {%- set entry = facts.get(row[0]) -%}
        {%- if entry is not none -%}
            {%- do entry['columns'].append(row[1]) -%}
            {%- if row[1] == 'timestamp' and ('isAdjustedToUTC=1' not in row[2]) -%}
                {%- do entry.update({'naive_ts': true}) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for f in files -%}
        {%- set missing = [] -%}
        {%- for c in raw_required_columns() -%}
            {%- if c not in facts[f]['columns'] -%}{%- do missing.append(c) -%}{%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ finops_fail("raw file " ~ f ~ " lacks required column(s) " ~ (missing | join(', '))
                ~ " (required: " ~ (raw_required_columns() | join(', ')) ~ ")") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(facts) }}
{%- endmacro %}

{#- One read_parquet over a group of files with the same timestamp kind, selecting the contract's
    columns (NULL where no file of the group has one). -#}
{% macro raw_read_group(files, facts, naive) -%}
    {%- set present = [] -%}
    {%- for f in files -%}{%- for c in facts[f]['columns'] -%}{%- do present.append(c) -%}{%- endfor -%}{%- endfor -%}
    {%- set w = finops_window() -%}
    {%- if naive -%}
        {%- set sample_ts = 'timezone(' ~ sql_string(w.naive_timezone) ~ ', "timestamp"::timestamp)' -%}
    {%- else -%}
        {%- set sample_ts = '"timestamp"::timestamptz' -%}
    {%- endif %}
    select
        {{ sample_ts }} as sample_ts,
        {{ "nullif(trim(cluster::string), '')" if 'cluster' in present else 'null::string' }} as cluster_label,
        {{ 'node::string' if 'node' in present else 'null::string' }} as node,
        namespace::string as namespace,
        pod::string as pod,
        container::string as container,
    {%- for c in raw_metric_columns() %}
        {{ c ~ '::double' if c in present else 'null::double' }} as {{ c }},
    {%- endfor %}
        filename as source_file,
        file_row_number as source_row_number
    from read_parquet(
        [{% for f in files %}{{ sql_string(f) }}{% if not loop.last %}, {% endif %}{% endfor %}],
        union_by_name = true, filename = true, file_row_number = true, hive_partitioning = false
    )
    {% if not naive -%}
    -- coarse window filter on the raw column: pushed into the Parquet scan (row-group statistics)
    where "timestamp" >= {{ w.start_utc_sql }} and "timestamp" < {{ w.end_utc_sql }}
    {%- endif %}
{%- endmacro %}

{#- The typed, empty relation used when the window has no files (or at parse time). -#}
{% macro raw_empty_relation() -%}
    {{ return(adapter.dispatch('raw_empty_relation', 'kube_finops')()) }}
{%- endmacro %}

{% macro duckdb__raw_empty_relation() -%}
    select
        null::timestamptz as sample_ts,
        null::string as cluster_label,
        null::string as node,
        null::string as namespace,
        null::string as pod,
        null::string as container,
    {%- for c in raw_metric_columns() %}
        null::double as {{ c }},
    {%- endfor %}
        null::string as source_file,
        null::bigint as source_row_number
    where false
{%- endmacro %}

{#- Entry point for the base model: the pruned, schema-checked read of the window's raw files. -#}
{% macro raw_samples_scan() -%}
    {{ return(adapter.dispatch('raw_samples_scan', 'kube_finops')()) }}
{%- endmacro %}

{% macro duckdb__raw_samples_scan() -%}
    {#- lineage: the raw lake source (its external_location is the whole lake; we read a pruned list) -#}
    {%- set lake = source('raw', 'container_samples') -%}
    {%- if not execute -%}
        {{ return(raw_empty_relation()) }}
    {%- endif -%}
    {%- set w = finops_window() -%}
    {%- set files = raw_window_files(w) -%}
    {%- if files | length == 0 -%}
        {%- if not var('raw_glob') -%}{{ finops_require_local_folder('raw_path') }}{%- endif -%}
        {{ log("kube-finops: no raw files for " ~ w.start_date ~ " .. " ~ w.end_date ~ " under "
            ~ (var('raw_glob') or var('raw_path')) ~ ": the marts get no rows for this window", info=true) }}
        {{ return(raw_empty_relation()) }}
    {%- endif -%}
    {%- set facts = raw_file_schemas(files) -%}
    {%- set aware_files = [] -%}
    {%- set naive_files = [] -%}
    {%- for f in files -%}
        {%- if facts[f]['naive_ts'] -%}
            {%- do naive_files.append(f) -%}
        {%- else -%}
            {%- do aware_files.append(f) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ log("kube-finops: reading " ~ (files | length) ~ " raw file(s) for " ~ w.start_date ~ " .. " ~ w.end_date
        ~ (" (" ~ (naive_files | length) ~ " with naive timestamps read as " ~ w.naive_timezone ~ ")"
           if naive_files else ""), info=true) }}
    {%- if aware_files %}
        {{ raw_read_group(aware_files, facts, false) }}
    {%- endif %}
    {%- if aware_files and naive_files %}
    union all by name
    {%- endif %}
    {%- if naive_files %}
        {{ raw_read_group(naive_files, facts, true) }}
    {%- endif %}
{%- endmacro %}


{#- Spark: one parquet.`...` read of exactly the window's files (a Hadoop glob of their paths below
    raw_path), with the footers' schemas merged (profile: spark.sql.parquet.mergeSchema) so the
    optional columns of the raw contract are NULL in files without them. The contract checks run on the
    merged schema: a required column missing from every file fails the run; the timestamp kind
    (tz-aware or naive) must be the same in all files of a window (Spark cannot merge the two). -#}
{% macro spark__raw_samples_scan() -%}
    {%- set lake = source('raw', 'container_samples') -%}
    {%- if not execute -%}
        {{ return(raw_empty_relation()) }}
    {%- endif -%}
    {%- set w = finops_window() -%}
    {%- set files = raw_window_files(w) -%}
    {%- if files | length == 0 -%}
        {%- if not var('raw_glob') -%}{{ finops_require_local_folder('raw_path') }}{%- endif -%}
        {{ log("kube-finops: no raw files for " ~ w.start_date ~ " .. " ~ w.end_date ~ " under "
            ~ (var('raw_glob') or var('raw_path')) ~ ": the marts get no rows for this window", info=true) }}
        {{ return(raw_empty_relation()) }}
    {%- endif -%}
    {%- if var('raw_glob') -%}
        {%- set pattern = var('raw_glob') -%}
    {%- else -%}
        {%- set root = (var('raw_path') | string).rstrip('/') -%}
        {%- set parts = [] -%}
        {%- for f in files -%}
            {%- do parts.append(modules.re.search('(dt=[^/]+/hour=[^/]+/[^/]+)$', f).group(1)) -%}
        {%- endfor -%}
        {%- set pattern = root ~ '/{' ~ (parts | join(',')) ~ '}' -%}
    {%- endif -%}
    {%- set described = run_query("describe query select * from parquet.`" ~ pattern ~ "`") -%}
    {%- set types = {} -%}
    {%- for row in described.rows -%}
        {%- do types.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for c in raw_required_columns() -%}
        {%- if c not in types -%}{%- do missing.append(c) -%}{%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ finops_fail("raw files under " ~ (var('raw_glob') or var('raw_path')) ~ " lack required column(s) "
            ~ (missing | join(', ')) ~ " (required: " ~ (raw_required_columns() | join(', ')) ~ ")") }}
    {%- endif -%}
    {%- set naive = types['timestamp'] == 'timestamp_ntz' -%}
    {{ log("kube-finops: reading " ~ (files | length) ~ " raw file(s) for " ~ w.start_date ~ " .. " ~ w.end_date
        ~ (" (naive timestamps read as " ~ w.naive_timezone ~ ")" if naive else ""), info=true) }}
    {%- if naive -%}
        {%- set sample_ts = 'to_utc_timestamp(cast(`timestamp` as timestamp), ' ~ sql_string(w.naive_timezone) ~ ')' -%}
    {%- else -%}
        {%- set sample_ts = 'cast(`timestamp` as timestamp)' -%}
    {%- endif %}
    select
        {{ sample_ts }} as sample_ts,
        {{ "nullif(trim(cast(cluster as string)), '')" if 'cluster' in types else 'cast(null as string)' }}
            as cluster_label,
        {{ 'cast(node as string)' if 'node' in types else 'cast(null as string)' }} as node,
        cast(namespace as string) as namespace,
        cast(pod as string) as pod,
        cast(container as string) as container,
    {%- for c in raw_metric_columns() %}
        {{ 'cast(' ~ c ~ ' as double)' if c in types else 'cast(null as double)' }} as {{ c }},
    {%- endfor %}
        _metadata.file_path as source_file,
        _metadata.row_index as source_row_number
    from parquet.`{{ pattern }}`
    {% if not naive -%}
        where `timestamp` >= {{ w.start_utc_sql }} and `timestamp` < {{ w.end_utc_sql }}
    {%- endif %}
{%- endmacro %}

{% macro spark__raw_empty_relation() -%}
    select
        cast(null as timestamp) as sample_ts,
        cast(null as string) as cluster_label,
        cast(null as string) as node,
        cast(null as string) as namespace,
        cast(null as string) as pod,
        cast(null as string) as container,
    {%- for c in raw_metric_columns() %}
        cast(null as double) as {{ c }},
    {%- endfor %}
        cast(null as string) as source_file,
        cast(null as bigint) as source_row_number
    where false
{%- endmacro %}
