{#- A text as a SQL string literal. -#}
{% macro identity_string_literal(text) -%}
    {{ return(adapter.dispatch('identity_string_literal')(text)) }}
{%- endmacro %}
{% macro default__identity_string_literal(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
{% macro duckdb__identity_string_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{#- True when `value` matches a regex row of the blocklist seed for its
    `id_type` (or for `*`). The seed is read when the model runs and its
    patterns inlined, so each is compiled once. At parse time, when the seed
    has no regex rows, and when a bare `dbt compile` runs before the seed
    was ever loaded, the condition is false; `dbt build` loads the seed
    first. -#}
{% macro identity_blocklist_patterns_match(id_type, value, blocklist_relation) -%}
    {%- set conditions = [] -%}
    {%- if execute and load_relation(blocklist_relation) is not none -%}
        {%- set rows = run_query("select id_type, pattern from " ~ blocklist_relation ~ " where match_kind = 'regex' order by id_type, pattern") -%}
        {%- for row in rows -%}
            {%- set matches = regexp_matches_column(value, identity_string_literal(row[1])) -%}
            {%- if row[0] == '*' -%}
                {%- do conditions.append(matches) -%}
            {%- else -%}
                {%- do conditions.append("(" ~ id_type ~ " = " ~ identity_string_literal(row[0]) ~ " and " ~ matches ~ ")") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ conditions | join('\n        or ') if conditions else '1 = 0' }}
{%- endmacro %}

{#- A regular match against any expression, a column or a literal
    (regexp_like of portable_functions.sql quotes a literal pattern itself). -#}
{% macro regexp_matches_column(expression, pattern_expression) -%}
    {{ return(adapter.dispatch('regexp_matches_column')(expression, pattern_expression)) }}
{%- endmacro %}
{% macro default__regexp_matches_column(expression, pattern_expression) -%}
    ({{ expression }} rlike {{ pattern_expression }})
{%- endmacro %}
{% macro duckdb__regexp_matches_column(expression, pattern_expression) -%}
    regexp_matches({{ expression }}, {{ pattern_expression }})
{%- endmacro %}
