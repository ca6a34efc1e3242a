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


{#- The business date of the store an incremental night extends (var
    extended_business_date, set by pipeline/incremental.py) as a SQL date:
    only on an incremental night. -#}
{% macro extended_business_date() -%}
    {%- set value = var('extended_business_date', none) -%}
    {%- if value is none or not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value | string | trim) -%}
        {{ exceptions.raise_compiler_error(
            "an incremental night needs var extended_business_date (YYYY-MM-DD); `oneid run` passes it") }}
    {%- endif -%}
    cast('{{ value | string | trim }}' as date)
{%- endmacro %}


{#- Whether a fact dated `column` was inside a window of `days` days (the
    business date and the days before it) on the extended night but is not
    tonight: what a sliding window lost since the store was built. -#}
{% macro left_the_window(column, days) -%}
    ({{ column }} > {{ dbt.dateadd('day', -days, extended_business_date()) }}
        and {{ column }} <= {{ dbt.dateadd('day', -days, business_date()) }})
{%- endmacro %}
