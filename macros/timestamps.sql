{#- Lake timestamps are instants (Parquet timestamps adjusted to UTC).
    Staging exposes them as zone-less UTC timestamps so that date arithmetic
    never depends on the session time zone of the warehouse. -#}
{% macro to_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('to_utc_timestamp')(column)) }}
{%- endmacro %}

{% macro default__to_utc_timestamp(column) -%}
    cast({{ column }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(column) -%}
    timezone('UTC', {{ column }})
{%- endmacro %}

{#- The China Standard Time (UTC+8, no daylight saving) calendar date of a
    zone-less UTC timestamp: the brands' business day. -#}
{% macro cst_date(utc_timestamp) -%}
    cast({{ dbt.dateadd('hour', 8, utc_timestamp) }} as date)
{%- endmacro %}
