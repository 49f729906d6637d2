{#- Energy, electricity and carbon expressions shared by mart energy_ns_daily and the API's
    pre-deployment estimate (reporting.rpt_estimate_inputs stores them rendered), so the two
    cannot disagree. Arguments are SQL expressions. -#}

{#- IT energy of the linear power model, kWh: idle watts per requested core plus dynamic watts per
    core of mean usage, over minutes_running minutes. -#}
{% macro finops_model_it_kwh(
    idle_watts_per_core, dynamic_watts_per_core, cpu_request_cores, cpu_usage_cores, minutes_running
) -%}
    ({{ idle_watts_per_core }} * {{ cpu_request_cores }} + {{ dynamic_watts_per_core }} * {{ cpu_usage_cores }})
    * {{ minutes_running }} / 60.0 / 1000.0
{%- endmacro %}

{#- Facility energy: IT energy times the power usage effectiveness (var pue). -#}
{% macro finops_facility_kwh(it_kwh) -%}
    {{ it_kwh }} * {{ var('pue') }}
{%- endmacro %}

{% macro finops_electricity_cost(facility_kwh) -%}
    {{ facility_kwh }} * {{ var('electricity_rate') }}
{%- endmacro %}

{% macro finops_carbon_kg(facility_kwh) -%}
    {{ facility_kwh }} * {{ var('carbon_intensity') }}
{%- endmacro %}

{% macro finops_carbon_cost(facility_kwh) -%}
    {{ facility_kwh }} * {{ var('carbon_intensity') }} * {{ var('carbon_price') }}
{%- endmacro %}
