{#- A person's name masked for the analyst warehouse: its first character
    and one `*` per further character (张三丰 -> 张**, a one-character name
    -> *). Null stays null. -#}
{% macro mask_person_name(expression) -%}
    case
        when {{ expression }} is null then null
        when length({{ expression }}) <= 1 then '*'
        else {{ dbt.concat(['substr(' ~ expression ~ ', 1, 1)', 'repeat(\'*\', length(' ~ expression ~ ') - 1)']) }}
    end
{%- endmacro %}


{#- The membership statuses that still count (var people_member_statuses)
    as a SQL list of literals. -#}
{% macro people_member_statuses_sql() -%}
    {%- set statuses = var('people_member_statuses') -%}
    ({% for status in statuses %}'{{ status }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}


{#- An aggregate: the distinct non-null values of a text expression,
    sorted and comma-separated (null when there are none). Dispatched:
    Spark's listagg cannot order. -#}
{% macro sorted_distinct_list(expression) -%}
    {{ return(adapter.dispatch('sorted_distinct_list')(expression)) }}
{%- endmacro %}
{% macro default__sorted_distinct_list(expression) -%}
    nullif(array_join(array_sort(collect_set({{ expression }})), ','), '')
{%- endmacro %}
{% macro duckdb__sorted_distinct_list(expression) -%}
    string_agg(distinct {{ expression }}, ',' order by {{ expression }})
{%- endmacro %}
