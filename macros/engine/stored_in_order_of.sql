{#- Ends a model's final select on DuckDB: store the table in the order of
    the key the profile API and `oneid profile` look rows up by. DuckDB skips
    a row group (122,880 rows) only by its min/max, so a point query on a
    table in build order reads the whole key column (72 ms on 3.2M rows),
    and on one stored in key order reads one row group (1.5-3 ms;
    docs/benchmarks.md, "Serving"). CTAS keeps the order even with
    preserve_insertion_order off. Spark writes Parquet for scans, not
    look-ups: nothing. -#}
{% macro stored_in_order_of(column) -%}
    {{ return(adapter.dispatch('stored_in_order_of')(column)) }}
{%- endmacro %}

{% macro default__stored_in_order_of(column) -%}
{%- endmacro %}

{% macro duckdb__stored_in_order_of(column) -%}
    order by {{ column }}
{%- endmacro %}
