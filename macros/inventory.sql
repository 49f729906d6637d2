{#- Reading the inventory lake: hourly snapshots of Kubernetes and object-storage metadata written by
    the extractor beside raw/, one folder per kind:
        <inventory_path>/<kind>/dt=YYYY-MM-DD/hour=HH/part-0000.parquet   (UTC hours)
    As for raw samples, only the dt=/hour= partitions that overlap the window are listed and read.
    A kind without any file in the window is not an error: its staging model is empty (typed) and
    the data-quality mart inventory_kind_coverage says which kind is absent. -#}


{#- Columns per kind: (name, SQL type, required). Required columns missing from a file stop the
    run naming the file; optional ones are NULL when absent. Map columns are read as maps and only
    the keys the models need are taken out (inventory_namespace_columns). -#}
{% macro inventory_kinds() -%}
    {{ return({
        'namespaces': [('cluster', 'string', false), ('namespace', 'string', true),
                       ('labels', 'map', false), ('annotations', 'map', false)],
        'nodes': [('cluster', 'string', false), ('node', 'string', true), ('resource', 'string', true),
                  ('capacity', 'double', false), ('allocatable', 'double', false)],
        'quotas': [('cluster', 'string', false), ('namespace', 'string', true), ('resourcequota', 'string', true),
                   ('resource', 'string', true), ('hard', 'double', false), ('used', 'double', false)],
        'owners': [('cluster', 'string', false), ('namespace', 'string', true), ('pod', 'string', true),
                   ('owner_kind', 'string', false), ('owner_name', 'string', false)],
        'buckets': [('bucket', 'string', true), ('usage_bytes', 'double', false), ('objects', 'double', false),
                    ('quota_bytes', 'double', false)],
    }) }}
{%- endmacro %}

{#- A Kubernetes label or annotation key as kube-state-metrics exports it (without its label_ /
    annotation_ prefix): every character outside [a-zA-Z0-9_] becomes `_`. -#}
{% macro k8s_sanitize_key(key) -%}
    {{ return(modules.re.sub('[^a-zA-Z0-9_]', '_', key | string)) }}
{%- endmacro %}

{#- The metadata the namespace models use, taken out of the maps: (output column, map, var). -#}
{% macro inventory_namespace_keys() -%}
    {{ return([
        ('owner_label', 'labels', 'namespace_owner_label'),
        ('tier_label', 'labels', 'namespace_tier_label'),
        ('ttl_annotation', 'annotations', 'namespace_ttl_annotation'),
        ('purpose_annotation', 'annotations', 'namespace_purpose_annotation'),
    ]) }}
{%- endmacro %}

{#- The inventory root: var inventory_path, else the folder `inventory` beside raw_path
    (<lake>/raw -> <lake>/inventory; s3://bucket/prefix/raw -> s3://bucket/prefix/inventory). -#}
{% macro inventory_root() -%}
    {%- if var('inventory_path', none) -%}
        {{ return((var('inventory_path') | string).rstrip('/')) }}
    {%- endif -%}
    {%- set raw = (var('raw_path') | string).rstrip('/') -%}
    {%- if '/' in raw -%}
        {{ return(raw.rsplit('/', 1)[0] ~ '/inventory') }}
    {%- endif -%}
    {{ return('inventory') }}
{%- endmacro %}

{#- The window's files of one kind, sorted by path: hours that overlap the window only. -#}
{% macro inventory_window_files(kind, w) -%}
    {%- set root = inventory_root() ~ '/' ~ kind -%}
    {%- set globs = [] -%}
    {%- set first = w.start_utc.date() -%}
    {%- set last = (w.end_utc - modules.datetime.timedelta(microseconds=1)).date() -%}
    {%- for i in range((last - first).days + 1) -%}
        {%- do globs.append(root ~ '/dt=' ~ (first + modules.datetime.timedelta(days=i)).isoformat()
            ~ '/hour=*/*.parquet') -%}
    {%- endfor -%}
    {%- set first_hour = w.start_utc.replace(minute=0, second=0, microsecond=0) -%}
    {%- set files = [] -%}
    {%- for path in inventory_list_files(kind, globs) -%}
        {%- set m = modules.re.search('/' ~ kind ~ '/dt=([0-9]{4}-[0-9]{2}-[0-9]{2})/hour=([0-9]{1,2})/[^/]*$',
            path) -%}
        {%- if m -%}
            {%- set hour_naive = modules.datetime.datetime.strptime(m.group(1) ~ ' ' ~ m.group(2), '%Y-%m-%d %H') -%}
            {%- set hour_start = modules.pytz.utc.localize(hour_naive) -%}
            {%- if hour_start >= first_hour and hour_start < w.end_utc -%}
                {%- do files.append(path) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(files | sort) }}
{%- endmacro %}

{#- Paths of the files matching any of `globs` (listing only); no match is an empty list. -#}
{% macro inventory_list_files(kind, globs) -%}
    {{ return(adapter.dispatch('inventory_list_files', 'kube_finops')(kind, globs)) }}
{%- endmacro %}

{% macro duckdb__inventory_list_files(kind, globs) -%}
    {{ return(raw_list_files(globs)) }}
{%- endmacro %}

{#- Spark: a glob that matches nothing is an error ("Path does not exist"), so the kind is listed
    together with the raw lake in one brace pattern below their common parent (a lake with raw data
    always matches) and the raw paths are dropped here. -#}
{% macro spark__inventory_list_files(kind, globs) -%}
    {%- set inv = inventory_root() ~ '/' ~ kind ~ '/dt=*/hour=*/*.parquet' -%}
    {%- set raw = (var('raw_path') | string).rstrip('/') ~ '/dt=*/hour=*/*.parquet' -%}
    {%- set inv_parts = inv.split('/') -%}
    {%- set raw_parts = raw.split('/') -%}
    {%- set common = [] -%}
    {%- for i in range([inv_parts | length, raw_parts | length] | min) -%}
        {%- if inv_parts[i] == raw_parts[i] and (common | length) == i and '*' not in inv_parts[i] -%}
            {%- do common.append(inv_parts[i]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set prefix = common | join('/') -%}
    {%- if (common | length) == 0 or prefix.endswith(':') or prefix.endswith(':/') -%}
        {{ finops_fail("inventory_path " ~ inventory_root() ~ " must share a parent folder (and bucket) with raw_path "
            ~ var('raw_path') ~ " on Spark") }}
    {%- endif -%}
    {%- set n = common | length -%}
    {%- set pattern = prefix ~ '/{' ~ (inv_parts[n:] | join('/')) ~ ',' ~ (raw_parts[n:] | join('/')) ~ '}' -%}
    {%- set listing = run_query("select path from binaryFile.`" ~ pattern ~ "`") -%}
    {%- set kind_dir = '/' ~ (inv_parts[n:-3] | join('/')) ~ '/dt=' -%}
    {%- set files = [] -%}
    {%- for path in listing.columns[0].values() -%}
        {%- if kind_dir in path -%}{%- do files.append(path) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(files | unique | list) }}
{%- endmacro %}

{#- The typed columns every staging model of `kind` gets: snapshot_ts, the kind's columns (maps
    replaced by the keys in inventory_namespace_keys plus label/annotation counts), source_file. -#}
{% macro inventory_output_columns(kind) -%}
    {%- set cols = [] -%}
    {%- for name, type, required in inventory_kinds()[kind] -%}
        {%- if type != 'map' -%}{%- do cols.append((name, type)) -%}{%- endif -%}
    {%- endfor -%}
    {%- if kind == 'namespaces' -%}
        {%- for out, map_col, var_name in inventory_namespace_keys() -%}
            {%- do cols.append((out, 'string')) -%}
        {%- endfor -%}
        {%- do cols.append(('label_count', 'bigint')) -%}
        {%- do cols.append(('annotation_count', 'bigint')) -%}
    {%- endif -%}
    {{ return(cols) }}
{%- endmacro %}

{#- Entry point for the staging models: the pruned, schema-checked read of one kind. -#}
{% macro inventory_scan(kind) -%}
    {{ return(adapter.dispatch('inventory_scan', 'kube_finops')(kind)) }}
{%- endmacro %}

{% macro inventory_empty_relation(kind) -%}
    select
        cast(null as {{ finops_instant_type() }}) as snapshot_ts,
    {%- for name, type in inventory_output_columns(kind) %}
        cast(null as {{ type }}) as {{ name }},
    {%- endfor %}
        cast(null as string) as source_file
    where 1 = 0
{%- endmacro %}

{#- Which columns the files have (union over files); fails on a missing required column. -#}
{% macro inventory_check_columns(kind, present, where) -%}
    {%- set missing = [] -%}
    {%- for name, type, required in inventory_kinds()[kind] -%}
        {%- if required and name not in present -%}{%- do missing.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {%- if 'timestamp' not in present -%}{%- do missing.append('timestamp') -%}{%- endif -%}
    {%- if missing -%}
        {{ finops_fail("inventory file(s) " ~ where ~ " of kind " ~ kind ~ " lack required column(s) "
            ~ (missing | join(', '))) }}
    {%- endif -%}
{%- endmacro %}

{#- The select list shared by both engines once the present columns are known. -#}
{% macro inventory_select_list(kind, present) -%}
    {%- set items = [] -%}
    {%- for name, type, required in inventory_kinds()[kind] if type != 'map' -%}
        {%- do items.append(('cast(' ~ name ~ ' as ' ~ type ~ ')' if name in present
            else 'cast(null as ' ~ type ~ ')', name)) -%}
    {%- endfor -%}
    {%- if kind == 'namespaces' -%}
        {%- for out, map_col, var_name in inventory_namespace_keys() -%}
            {%- set value = finops_map_value(map_col, "'" ~ k8s_sanitize_key(var(var_name)) ~ "'") -%}
            {%- do items.append(("nullif(trim(" ~ value ~ "), '')" if map_col in present
                else 'cast(null as string)', out)) -%}
        {%- endfor -%}
        {#- a NULL map counts 0 (Spark's cardinality(NULL) is -1, DuckDB's NULL) -#}
        {%- for map_col, out in [('labels', 'label_count'), ('annotations', 'annotation_count')] -%}
            {%- set size = 'case when ' ~ map_col ~ ' is null then 0 else cardinality(' ~ map_col ~ ') end' -%}
            {%- do items.append(('cast(' ~ size ~ ' as bigint)' if map_col in present
                else 'cast(0 as bigint)', out)) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for expr, name in items %}
        {{ expr }} as {{ name }},
    {%- endfor %}
{%- endmacro %}

{% macro duckdb__inventory_scan(kind) -%}
    {%- set lake = source('inventory', kind) -%}
    {%- if not execute -%}
        {{ return(inventory_empty_relation(kind)) }}
    {%- endif -%}
    {%- set w = finops_window() -%}
    {%- set files = inventory_window_files(kind, w) -%}
    {%- if files | length == 0 -%}
        {{ log("kube-finops: no inventory files of kind " ~ kind ~ " for " ~ w.start_date ~ " .. " ~ w.end_date
            ~ " under " ~ inventory_root() ~ ": its models are empty (see inventory_kind_coverage)", info=true) }}
        {{ return(inventory_empty_relation(kind)) }}
    {%- endif -%}
    {%- set schema_sql -%}
        select distinct file_name, name
        from parquet_schema([{% for f in files %}{{ sql_string(f) }}{% if not loop.last %}, {% endif %}{% endfor %}])
    {%- endset -%}
    {%- set per_file = {} -%}
    {%- for row in run_query(schema_sql).rows -%}
        {%- do per_file.setdefault(row[0], []).append(row[1]) -%}
    {%- endfor -%}
    {%- set present = [] -%}
    {%- for f in files -%}
        {%- set cols = per_file.get(f, []) -%}
        {%- for name, type, required in inventory_kinds()[kind] -%}
            {%- if required and name not in cols -%}{{ inventory_check_columns(kind, cols, f) }}{%- endif -%}
        {%- endfor -%}
        {%- if 'timestamp' not in cols -%}{{ inventory_check_columns(kind, cols, f) }}{%- endif -%}
        {%- for c in cols -%}{%- do present.append(c) -%}{%- endfor -%}
    {%- endfor -%}
    select
        cast("timestamp" as timestamptz) as snapshot_ts,
    {{- inventory_select_list(kind, present) }}
        filename as source_file
    from read_parquet(
        [{% for f in files %}{{ sql_string(f) }}{% if not loop.last %}, {% endif %}{% endfor %}],
        union_by_name = true, filename = true, hive_partitioning = false
    )
    where "timestamp" >= {{ w.start_utc_sql }} and "timestamp" < {{ w.end_utc_sql }}
{%- endmacro %}

{#- Spark: one parquet.`...` read of exactly the window's files, footers merged (the profile sets
    spark.sql.parquet.mergeSchema), the required columns checked on the merged schema. -#}
{% macro spark__inventory_scan(kind) -%}
    {%- set lake = source('inventory', kind) -%}
    {%- if not execute -%}
        {{ return(inventory_empty_relation(kind)) }}
    {%- endif -%}
    {%- set w = finops_window() -%}
    {%- set files = inventory_window_files(kind, w) -%}
    {%- if files | length == 0 -%}
        {{ log("kube-finops: no inventory files of kind " ~ kind ~ " for " ~ w.start_date ~ " .. " ~ w.end_date
            ~ " under " ~ inventory_root() ~ ": its models are empty (see inventory_kind_coverage)", info=true) }}
        {{ return(inventory_empty_relation(kind)) }}
    {%- endif -%}
    {%- set root = inventory_root() ~ '/' ~ kind -%}
    {%- set parts = [] -%}
    {%- for f in files -%}
        {%- do parts.append(modules.re.search('(dt=[^/]+/hour=[^/]+/[^/]+)$', f).group(1)) -%}
    {%- endfor -%}
    {%- set pattern = root ~ '/{' ~ (parts | join(',')) ~ '}' -%}
    {%- set present = [] -%}
    {%- for row in run_query("describe query select * from parquet.`" ~ pattern ~ "`").rows -%}
        {%- do present.append(row[0]) -%}
    {%- endfor -%}
    {{ inventory_check_columns(kind, present, 'under ' ~ root) }}
    select
        cast(`timestamp` as timestamp) as snapshot_ts,
    {{- inventory_select_list(kind, present) }}
        _metadata.file_path as source_file
    from parquet.`{{ pattern }}`
    where `timestamp` >= {{ w.start_utc_sql }} and `timestamp` < {{ w.end_utc_sql }}
{%- endmacro %}

{#- The value of `key` (a SQL string literal) in map column `map_col`; NULL when absent. -#}
{% macro finops_map_value(map_col, key) -%}
    {{ return(adapter.dispatch('finops_map_value', 'kube_finops')(map_col, key)) }}
{%- endmacro %}

{% macro duckdb__finops_map_value(map_col, key) -%}
    cast({{ map_col }}[{{ key }}] as string)
{%- endmacro %}

{% macro spark__finops_map_value(map_col, key) -%}
    cast(try_element_at({{ map_col }}, {{ key }}) as string)
{%- endmacro %}

{#- A `YYYY-MM-DD` text as a DATE; NULL when it is not one (or not a real calendar date). -#}
{% macro finops_try_date(text) -%}
    {{ return(adapter.dispatch('finops_try_date', 'kube_finops')(text)) }}
{%- endmacro %}

{% macro duckdb__finops_try_date(text) -%}
    case when regexp_matches({{ text }}, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') then try_cast({{ text }} as date) end
{%- endmacro %}

{% macro spark__finops_try_date(text) -%}
    case when ({{ text }}) rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then cast(try_to_timestamp({{ text }}, 'yyyy-MM-dd') as date) end
{%- endmacro %}

{#- Does `value` match one of the var shared_namespaces regexes (search)? -#}
{% macro is_shared_namespace(value) -%}
    {%- set patterns = var('shared_namespaces') or [] -%}
    {%- if patterns is string -%}{%- set patterns = [patterns] -%}{%- endif -%}
    {%- if patterns | length == 0 -%}
        (1 = 0)
    {%- else -%}
        ({% for p in patterns -%}
            {{ finops_regex_search(value, sql_string(p)) }}{% if not loop.last %} or {% endif %}
        {%- endfor %})
    {%- endif -%}
{%- endmacro %}
