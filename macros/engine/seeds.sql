{#- Seeds on Spark load as DuckDB's COPY loads them: an empty cell is null,
    any other text is itself. dbt-spark's own loader formats bindings into
    the SQL unescaped (an apostrophe breaks it) and keeps empty text cells
    as ''. One exception is dbt's, before any loader: its CSV reader turns
    the bare word `null` into an empty cell (COPY keeps the word), so seeds
    never hold it as a value (the parity test compares every seed). Every
    value is a quoted literal cast to the column's type; Spark's string
    literals take backslash escapes. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set types = spark_seed_types(model, agate_table) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {{ spark_seed_literal(value, types[loop.index0]) }}{%- if not loop.last %}, {% endif -%}
                {%- endfor -%}){%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{% macro spark_seed_literal(value, type) -%}
    {%- if value is none or (value is string and value == '') -%}
        cast(null as {{ type }})
    {%- else -%}
        cast('{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
    {%- endif -%}
{%- endmacro %}

{% macro spark_seed_types(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {{ return(types) }}
{%- endmacro %}

{#- The seed's table is created by a query that returns no row: unlike
    `create table (columns)`, it writes one Parquet file with the schema, so
    an empty seed is still a readable table for publish, which reads the
    table's files and not Spark's catalog. -#}
{% macro spark__create_csv_table(model, agate_table) %}
    {%- set types = spark_seed_types(model, agate_table) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {%- set columns = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do columns.append('cast(null as ' ~ types[loop.index0] ~ ') as ' ~ adapter.quote_seed_column(col_name | string, quote_seed_column)) -%}
    {%- endfor -%}
    {%- set sql -%}
        create table {{ this.render() }} {{ file_format_clause() }} as select {{ columns | join(', ') }} where 1 = 0
    {%- endset -%}
    {%- call statement('_') -%}{{ sql }}{%- endcall -%}
    {{ return(sql) }}
{% endmacro %}
