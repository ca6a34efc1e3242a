{#- Sources are folders of Parquet files under the data home (dbt_project.yml,
    `sources:`). DuckDB reads them in place through dbt-duckdb's
    `external_location`; Spark needs a table in its catalog, so this hook
    (on-run-start) registers every source as an external Parquet table
    `<schema>_lake.<identifier>` over its folder, every run, so that a table
    always points at this run's lake.

    Spark lists a folder's files itself: recursiveFileLookup reads the
    load_date=... subfolders as plain folders (the lake's rows carry their own
    _load_date; hive partition columns would add a column DuckDB does not
    see). The table's columns are declared from the zero-row
    `schema.parquet` at the top of the folder, so that a source with no
    delivery yet still reads (Spark cannot infer a schema from no file);
    parts missing a column read it as null, as DuckDB's union_by_name does.
    Dropping an external table never deletes its files. -#}
{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
    select 1 as lake_sources_read_in_place
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
        {%- set root = env_var('ONEID_SPARK_LAKE', env_var('ONEID_HOME', 'data')) -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() if source.meta.get('lake_area') -%}
            {%- set folder = root ~ '/' ~ source.meta['lake_area'] ~ '/' ~ source.identifier -%}
            {%- if source.schema not in schemas -%}
                {%- do run_query('create database if not exists ' ~ source.schema) -%}
                {%- do schemas.append(source.schema) -%}
            {%- endif -%}
            {%- set described = run_query("describe query select * from parquet.`" ~ folder ~ "/schema.parquet`") -%}
            {%- set columns = [] -%}
            {%- for row in described.rows -%}
                {%- do columns.append('`' ~ row[0] ~ '` ' ~ row[1]) -%}
            {%- endfor -%}
            {%- set table = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- do run_query(
                'create table ' ~ table ~ ' (' ~ columns | join(', ') ~ ') using parquet'
                ~ " options (path '" ~ folder ~ "', recursiveFileLookup 'true', pathGlobFilter '*.parquet')"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as lake_sources_registered
{%- endmacro %}
