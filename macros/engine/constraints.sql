{#- Enforced contracts' `not_null` constraints on Spark. DuckDB declares them
    in the table's DDL and the build fails on a null. dbt-spark issues
    `ALTER COLUMN ... SET NOT NULL`, which only Delta tables accept, and
    Delta's jars are not on PyPI. Here the same promise is kept by a query
    right after the table is built: a null in a not_null column fails the
    model, with the column and the count in the error. -#}
{% macro spark__persist_constraints(relation, model) %}
    {%- if config.get('contract').enforced -%}
        {%- set checked = [] -%}
        {%- for column_name, column in model.columns.items() -%}
            {%- for constraint in column.get('constraints', []) if constraint.type == 'not_null' -%}
                {%- do checked.append(column_name) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if checked -%}
            {%- set counts = [] -%}
            {%- for column_name in checked -%}
                {%- do counts.append('count_if(' ~ adapter.quote(column_name) ~ ' is null)') -%}
            {%- endfor -%}
            {%- set result = run_query('select ' ~ counts | join(', ') ~ ' from ' ~ relation) -%}
            {%- for column_name in checked -%}
                {%- set nulls = result.rows[0][loop.index0] -%}
                {%- if nulls > 0 -%}
                    {{ exceptions.raise_compiler_error(
                        "contract of " ~ relation ~ ": column " ~ column_name ~ " is not_null but "
                        ~ nulls ~ " row(s) are null") }}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- The same for `keyed_incremental` tables, which dbt's table
    materialization (the caller of persist_constraints) never builds: the
    materialization calls this after every build and merge. DuckDB needs
    nothing: the table's DDL refuses a null on every insert. -#}
{% macro enforce_contract_constraints(relation, model) %}
    {{ return(adapter.dispatch('enforce_contract_constraints')(relation, model)) }}
{% endmacro %}

{% macro default__enforce_contract_constraints(relation, model) %}
{% endmacro %}

{% macro spark__enforce_contract_constraints(relation, model) %}
    {%- do spark__persist_constraints(relation, model) -%}
{% endmacro %}
