{#- Functions whose name or flags differ between DuckDB and Spark. -#}

{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all')(expression, pattern, replacement)) }}
{%- endmacro %}
{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}
{% macro duckdb__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro regexp_like(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_like')(expression, pattern)) }}
{%- endmacro %}
{% macro default__regexp_like(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}
{% macro duckdb__regexp_like(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro md5_hex(expression) -%}
    lower(md5({{ expression }}))
{%- endmacro %}

{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex')(expression)) }}
{%- endmacro %}
{% macro default__sha256_hex(expression) -%}
    lower(sha2({{ expression }}, 256))
{%- endmacro %}
{% macro duckdb__sha256_hex(expression) -%}
    lower(sha256({{ expression }}))
{%- endmacro %}

{#- A 63-bit non-negative integer hash of a string: node ids of the identity graph. -#}
{% macro hash_bigint(expression) -%}
    {{ return(adapter.dispatch('hash_bigint')(expression)) }}
{%- endmacro %}
{% macro default__hash_bigint(expression) -%}
    abs(xxhash64({{ expression }}))
{%- endmacro %}
{% macro duckdb__hash_bigint(expression) -%}
    cast(hash({{ expression }}) >> 1 as bigint)
{%- endmacro %}
