{#- The run's business date as a SQL date: var('business_date') (YYYY-MM-DD),
    or the current date when a bare `dbt build` runs without it. The value is
    parsed here so that a malformed date fails at compile time, not as SQL. -#}
{% macro business_date() -%}
    {%- set value = var('business_date', none) -%}
    {%- if value is none or value | string | trim == '' -%}
        current_date
    {%- else -%}
        {%- set text = value | string | trim -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
            {{ exceptions.raise_compiler_error("var business_date must be YYYY-MM-DD, got " ~ text) }}
        {%- endif -%}
        {%- set parsed = modules.datetime.date.fromisoformat(text) -%}
        cast('{{ parsed.isoformat() }}' as date)
    {%- endif -%}
{%- endmacro %}
