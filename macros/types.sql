{#- Yuan amounts: exact decimals with 2 places, never floats. -#}
{% macro type_amount() -%}
    decimal(18, 2)
{%- endmacro %}

{#- Shares and rates: 8-byte floating point on every engine
    (`dbt.type_float()` is a 4-byte float on DuckDB, 8 bytes on Spark). -#}
{% macro type_ratio() -%}
    double
{%- endmacro %}
