{#- Yuan amounts: exact decimals with 2 places, never floats. -#}
{% macro type_amount() -%}
    decimal(18, 2)
{%- endmacro %}
