{#- The privacy split (docs/architecture.md): staging and intermediate models
    hold raw identifiers and are built into the restricted store
    (`+database: restricted` in dbt_project.yml), marts into the analyst
    warehouse. DuckDB attaches the restricted store as a second database.
    Spark has one catalog level (a database is a schema), so there the same
    split is a schema of its own, `<schema>_restricted`, and the model's
    database stays unset. -#}
{% macro spark__generate_schema_name(custom_schema_name, node) -%}
    {%- if node is not none and node.config.get('database') == 'restricted' -%}
        {{ target.schema }}_restricted
    {%- else -%}
        {{ default__generate_schema_name(custom_schema_name, node) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__generate_database_name(custom_database_name, node) -%}
    {%- do return(none) -%}
{%- endmacro %}
