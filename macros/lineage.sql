{#- Lineage that every landed row carries (pipeline.ingest.sources.LINEAGE_COLUMNS),
    kept in staging so any row can be traced back to its delivered file and line. -#}
{% macro lineage_column_names() -%}
    {{ return(['_file_path', '_file_line', '_file_sha256', '_load_id', '_delivery_date', '_load_date', '_loaded_at']) }}
{%- endmacro %}

{#- The lineage columns typed for staging, as the tail of a select list over a
    lake source; _loaded_at becomes zone-less UTC like every staged timestamp. -#}
{% macro stage_lineage_columns() -%}
    {%- set columns = [] -%}
    {%- for name in lineage_column_names() -%}
        {%- if name == '_loaded_at' -%}
            {%- do columns.append(to_utc_timestamp(name) ~ ' as ' ~ name) -%}
        {%- else -%}
            {%- do columns.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#- The lineage column names, as the tail of an explicit select list. -#}
{% macro select_lineage_columns() -%}
    {{ lineage_column_names() | join(',\n        ') }}
{%- endmacro %}
