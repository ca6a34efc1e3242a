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

{#- A 60-bit non-negative integer hash of a string: node ids of the identity
    graph. The first 15 hex digits of the MD5, so that both engines give
    every key the same id (their native 64-bit hashes differ), and with it
    the same smallest node per component and the same rounds. -#}
{% macro hash_bigint(expression) -%}
    {{ return(adapter.dispatch('hash_bigint')(expression)) }}
{%- endmacro %}
{% macro default__hash_bigint(expression) -%}
    cast(conv(substr(md5({{ expression }}), 1, 15), 16, 10) as bigint)
{%- endmacro %}
{% macro duckdb__hash_bigint(expression) -%}
    cast('0x' || substr(md5({{ expression }}), 1, 15) as bigint)
{%- endmacro %}

{#- A text's place in [0, 1): hash_bigint over 2^60. The same on both
    engines, so a draw on it (a campaign's holdout) is too. -#}
{% macro unit_interval_hash(expression) -%}
    (cast({{ hash_bigint(expression) }} as double) / 1152921504606846976.0)
{%- endmacro %}

{#- An aggregate: the values of a text expression joined by `delimiter`, in
    the order of `order_by` (an expression), nulls left out. dbt.listagg
    drops its order on Spark; there the pairs are sorted as structs (by the
    order key, then the value). -#}
{% macro ordered_list(expression, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_list')(expression, delimiter, order_by)) }}
{%- endmacro %}
{% macro default__ordered_list(expression, delimiter, order_by) -%}
    nullif(array_join(transform(array_sort(collect_list(struct({{ order_by }} as k, {{ expression }} as v))), x -> x.v), {{ delimiter }}), '')
{%- endmacro %}
{% macro duckdb__ordered_list(expression, delimiter, order_by) -%}
    string_agg({{ expression }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}
