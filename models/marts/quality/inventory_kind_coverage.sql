{{ config(materialized='table', partition_by=none) }}
-- Inventory-lake coverage: one row per inventory kind for the run's window, rebuilt on every run.
-- How many of the window's UTC hours have a snapshot file, whether the kind is absent (its marts
-- are then empty or fall back, and `message` says which and why) and, for namespaces, how many
-- carry the owner / tier labels and the TTL annotation: kube-state-metrics exports labels and
-- annotations only for the keys in its allowlists, so a cluster without them reports every
-- namespace as seed-mapped or unassigned, and this row says how to fix it.
{%- set kinds = ['namespaces', 'nodes', 'owners', 'quotas', 'buckets'] %}
{%- set consequences = {
    'namespaces': 'owners come from seed namespace_owners or are unassigned; no tier, TTL or purpose',
    'nodes': 'cluster_capacity_daily is empty and no idle cost is charged',
    'owners': 'right-sizing names workloads from pod names',
    'quotas': 'quota marts are empty',
    'buckets': 'no object-storage cost is charged',
} %}
{%- set hours_expected = [] %}
{%- set present = {} %}
{%- if execute %}
    {%- set w = finops_window() %}
    {%- set hour = w.start_utc.replace(minute=0, second=0, microsecond=0) %}
    {%- for i in range(((w.end_utc - hour).total_seconds() / 3600) | round(0, 'ceil') | int) %}
        {%- do hours_expected.append(i) %}
    {%- endfor %}
    {%- for kind in kinds %}
        {%- set hours = [] %}
        {%- set files = inventory_window_files(kind, w) %}
        {%- for f in files %}
            {%- set m = modules.re.search('dt=([0-9-]+)/hour=([0-9]+)/', f) %}
            {%- do hours.append(m.group(1) ~ ' ' ~ (m.group(2) | int)) %}
        {%- endfor %}
        {%- do present.update({kind: {'files': files | length, 'hours': hours | unique | list | length}}) %}
    {%- endfor %}
{%- endif %}
{%- set owner_key = var('namespace_owner_label') %}
{%- set tier_key = var('namespace_tier_label') %}
{%- set ksm = "start kube-state-metrics with --metric-" %}
{%- set label_hint = ksm ~ "labels-allowlist=namespaces=[" ~ owner_key ~ "," ~ tier_key ~ "]" %}
{%- set annotation_keys = [var('namespace_ttl_annotation'), var('namespace_purpose_annotation')] | join(',') %}
{%- set annotation_hint = ksm ~ "annotations-allowlist=namespaces=[" ~ annotation_keys ~ "]" %}
with

namespace_snapshots as (

    select * from {{ ref('stg_inventory__namespaces') }}

),

namespace_metadata as (

    select
        'namespaces' as kind,
        count(distinct namespace) as namespaces_seen,
        count(distinct case when owner_label is not null then namespace end) as with_owner_label,
        count(distinct case when tier_label is not null then namespace end) as with_tier_label,
        count(distinct case when ttl_annotation is not null then namespace end) as with_ttl_annotation,
        count(distinct case when label_count > 0 then namespace end) as with_any_label,
        count(distinct case when annotation_count > 0 then namespace end) as with_any_annotation
    from namespace_snapshots

),

kinds as (

    {%- for kind in kinds %}
        select
            '{{ kind }}' as kind,
            {{ hours_expected | length }} as hours_expected,
            {{ present.get(kind, {}).get('hours', 0) }} as hours_present,
            {{ present.get(kind, {}).get('files', 0) }} as files,
            {{ sql_string(consequences[kind]) }} as consequence
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        {{ window_start_date() }} as window_start_date,
        {{ window_end_date() }} as window_end_date,
        kinds.kind,
        cast(kinds.hours_expected as bigint) as hours_expected,
        cast(kinds.hours_present as bigint) as hours_present,
        cast(kinds.files as bigint) as files,
        kinds.hours_present = 0 as is_absent,
        cast(namespace_metadata.namespaces_seen as bigint) as namespaces_seen,
        cast(namespace_metadata.with_owner_label as bigint) as namespaces_with_owner_label,
        cast(namespace_metadata.with_tier_label as bigint) as namespaces_with_tier_label,
        cast(namespace_metadata.with_ttl_annotation as bigint) as namespaces_with_ttl_annotation,
        case
            when kinds.hours_present = 0
                then 'no ' || kinds.kind || ' inventory in the window: ' || kinds.consequence
            when kinds.kind = 'namespaces' and namespace_metadata.with_owner_label = 0
                then 'no namespace carries label {{ owner_key }} (kube_namespace_labels has no label_'
                    || '{{ k8s_sanitize_key(owner_key) }}'
                    || case when namespace_metadata.with_any_label = 0 then ', nor any other label' else '' end
                    || '): {{ label_hint }}; ' || kinds.consequence
                    || case
                        when
                            namespace_metadata.with_any_annotation = 0
                            then '; no annotation either: {{ annotation_hint }}'
                        else ''
                    end
            when kinds.kind = 'namespaces' and namespace_metadata.with_any_annotation = 0
                then 'no namespace carries an annotation (kube_namespace_annotations is empty): {{ annotation_hint }}'
            when kinds.hours_present < kinds.hours_expected
                then cast(kinds.hours_expected - kinds.hours_present as string) || ' of '
                    || cast(kinds.hours_expected as string) || ' hours have no ' || kinds.kind || ' snapshot'
        end as message
    from kinds
    left join namespace_metadata
        on kinds.kind = namespace_metadata.kind

)

select * from final
