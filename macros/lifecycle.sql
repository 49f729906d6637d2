{#- Quota fit and namespace lifecycle helpers. Quota values arrive as kube-state-metrics reports
    them: CPU in cores, memory and storage in bytes, everything else as a count. -#}

{#- The unit family of a ResourceQuota key: `cores` (cpu, requests.cpu, limits.cpu), `bytes`
    (memory, ephemeral storage, requests.storage, per-storage-class storage, hugepages) or
    `count` (pods, persistentvolumeclaims, services, count/..., extended resources). -#}
{% macro quota_resource_unit(resource) -%}
    case
        when {{ resource }} in ('cpu', 'requests.cpu', 'limits.cpu') then 'cores'
        when
            {{ resource }} in (
                'memory', 'requests.memory', 'limits.memory', 'ephemeral-storage',
                'requests.ephemeral-storage', 'limits.ephemeral-storage', 'requests.storage'
            )
            or {{ resource }} like '%.storageclass.storage.k8s.io/requests.storage'
            or {{ resource }} like 'hugepages-%'
            or {{ resource }} like 'requests.hugepages-%'
            then 'bytes'
        else 'count'
    end
{%- endmacro %}

{#- Whole quantity units of a recommendation: value x headroom rounded UP to a millicore (cores),
    a MiB (bytes) or one (count), and never below `value` itself. -#}
{% macro quota_recommended_units(value, unit, headroom) -%}
    case {{ unit }}
        when 'cores' then greatest({{ k8s_ceil_units(value ~ ' * ' ~ headroom, 1000) }}, cast(ceil({{ value }} * 1000) as bigint))
        when 'bytes' then greatest({{ k8s_ceil_units(value ~ ' * ' ~ headroom, '1.0 / 1048576') }}, cast(ceil({{ value }} / 1048576) as bigint))
        else greatest({{ k8s_ceil_units(value ~ ' * ' ~ headroom, 1) }}, cast(ceil({{ value }}) as bigint))
    end
{%- endmacro %}

{#- Whole quantity units back in the quota's own unit (cores, bytes or a count). -#}
{% macro quota_units_value(units, unit) -%}
    case {{ unit }}
        when 'cores' then cast({{ units }} as double) / 1000
        when 'bytes' then cast({{ units }} as double) * 1048576
        else cast({{ units }} as double)
    end
{%- endmacro %}

{#- Whole quantity units as a Kubernetes quantity: `2` or `1250m` (cores), `2Gi` or `640Mi`
    (bytes), `7` (count). -#}
{% macro quota_units_quantity(units, unit) -%}
    case
        when {{ unit }} = 'cores' and {{ units }} % 1000 = 0 then cast(cast({{ units }} / 1000 as bigint) as string)
        when {{ unit }} = 'cores' then cast({{ units }} as string) || 'm'
        when {{ unit }} = 'bytes' and {{ units }} % 1024 = 0 then cast(cast({{ units }} / 1024 as bigint) as string) || 'Gi'
        when {{ unit }} = 'bytes' then cast({{ units }} as string) || 'Mi'
        else cast({{ units }} as string)
    end
{%- endmacro %}

{#- Is the TTL annotation present but not a real YYYY-MM-DD calendar date (e.g. `someday`,
    `2026-02-30`)? Such a namespace is reported, never treated as expired. -#}
{% macro ttl_is_invalid(ttl_raw) -%}
    ({{ ttl_raw }} is not null and {{ finops_try_date(ttl_raw) }} is null)
{%- endmacro %}
