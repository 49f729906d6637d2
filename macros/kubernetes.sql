{#- Kubernetes naming and units.

    Workload identity from a pod name. Controllers append suffixes made of Kubernetes'
    SafeEncodeString alphabet (consonants and the digits 2456789, so generated suffixes never
    contain a vowel or 0, 1, 3), which tells them apart from words of the workload's own name:
      CronJob      <name>-<8-digit scheduled minute>-<5 safe chars>   etl-orders-29184480-x7k2p
      Deployment   <name>-<pod-template-hash: 6-10 safe chars, or 9-10 digits on old clusters>-<5 safe chars>
      StatefulSet  <name>-<ordinal>                                   kafka-0
      DaemonSet    <name>-<5 safe chars>                              node-exporter-x7k2p
                   (a plain Job's pods look the same; they are reported as daemonset)
      otherwise    a bare pod, which keeps its name.
    Checked in that order: the first pattern that matches the whole name wins. -#}

{% macro k8s_safe_chars() -%}[bcdfghjklmnpqrstvwxz2456789]{%- endmacro %}

{% macro k8s_workload_patterns() -%}
    {%- set s = k8s_safe_chars() -%}
    {{ return([
        ('cronjob', '^(.+)-[0-9]{8}-' ~ s ~ '{5}$'),
        ('deployment', '^(.+)-(' ~ s ~ '{6,10}|[0-9]{9,10})-' ~ s ~ '{5}$'),
        ('statefulset', '^(.+)-[0-9]+$'),
        ('daemonset', '^(.+)-' ~ s ~ '{5}$'),
    ]) }}
{%- endmacro %}

{#- kubectl resource kind of the pod's controller: cronjob, deployment, statefulset, daemonset, pod -#}
{% macro k8s_workload_kind(pod) -%}
    case
    {%- for kind, pattern in k8s_workload_patterns() %}
        when {{ finops_regex_search(pod, "'" ~ pattern ~ "'") }} then '{{ kind }}'
    {%- endfor %}
        else 'pod'
    end
{%- endmacro %}

{#- The pod name without its controller suffix. -#}
{% macro k8s_workload_name(pod) -%}
    case
    {%- for kind, pattern in k8s_workload_patterns() %}
        when {{ finops_regex_search(pod, "'" ~ pattern ~ "'") }}
            then {{ finops_regex_extract(pod, "'" ~ pattern ~ "'", 1) }}
    {%- endfor %}
        else {{ pod }}
    end
{%- endmacro %}

{#- Whole units rounded UP (a recommendation is never cut by formatting); the 1e-6 rounding first
    keeps float noise such as 0.8 * 1.25 = 1.0000000000000002 from adding a unit. -#}
{% macro k8s_ceil_units(value, per_unit) -%}
    cast(ceil(round({{ value }} * {{ per_unit }}, 6)) as bigint)
{%- endmacro %}

{#- CPU cores as a Kubernetes quantity: whole cores as `2`, otherwise millicores `125m`. -#}
{% macro k8s_cpu_quantity(cores) -%}
    case
        when {{ k8s_ceil_units(cores, 1000) }} % 1000 = 0
            then cast(cast({{ k8s_ceil_units(cores, 1000) }} / 1000 as bigint) as string)
        else cast({{ k8s_ceil_units(cores, 1000) }} as string) || 'm'
    end
{%- endmacro %}

{#- GiB as a Kubernetes quantity: whole GiB as `2Gi`, otherwise MiB `640Mi`. -#}
{% macro k8s_memory_quantity(gib) -%}
    case
        when {{ k8s_ceil_units(gib, 1024) }} % 1024 = 0
            then cast(cast({{ k8s_ceil_units(gib, 1024) }} / 1024 as bigint) as string) || 'Gi'
        else cast({{ k8s_ceil_units(gib, 1024) }} as string) || 'Mi'
    end
{%- endmacro %}
