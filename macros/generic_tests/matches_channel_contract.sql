{#- The rules of a source's channel contract (macro channel_contract,
    generated from pipeline/ingest/sources.py), on its staging model: every
    row's lineage (file, line, delivery date) kept, every required column filled, every value with accepted values one of them,
    every value with a minimum at least that, and (unless the source's rows
    are the same content re-sent, where repeats inside a file are real) one
    row per natural key. Returns one row per broken rule with the column, the
    rule and how many rows break it; the test's failure count is the rows. -#}
{% test matches_channel_contract(model, source_name) %}
    {{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}
    {%- set contract = channel_contract(source_name) -%}
    {%- set rules = [('_file_path, _file_line, _delivery_date', 'lineage', '_file_path is null or _file_line is null or _delivery_date is null')] -%}
    {%- for column in contract.columns -%}
        {%- if column.required -%}
            {%- do rules.append((column.name, 'required', column.name ~ ' is null')) -%}
        {%- endif -%}
        {%- if column.get('values') -%}
            {%- set listed = [] -%}
            {%- for value in column['values'] -%}
                {%- do listed.append("'" ~ value | replace("'", "''") ~ "'") -%}
            {%- endfor -%}
            {%- do rules.append((column.name, 'accepted values', column.name ~ ' not in (' ~ listed | join(', ') ~ ')')) -%}
        {%- endif -%}
        {%- if column.get('min_value') is not none -%}
            {%- do rules.append((column.name, 'at least ' ~ column.min_value, column.name ~ ' < ' ~ column.min_value)) -%}
        {%- endif -%}
    {%- endfor %}

    with

    counted as (

        select
        {%- for name, rule, broken in rules %}
            sum(case when {{ broken }} then 1 else 0 end) as rule_{{ loop.index }},
        {%- endfor %}
            0 as no_rule
        from {{ model }}

    ),

    {% if contract.dedup != 'same_content' -%}
    repeated_keys as (

        select count(*) as failing_rows
        from (
            select {{ contract.natural_key | join(', ') }}
            from {{ model }}
            group by {{ contract.natural_key | join(', ') }}
            having count(*) > 1
        ) as repeated

    ),

    {% endif -%}
    broken as (

        {%- for name, rule, broken in rules %}
        select '{{ name }}' as column_name, '{{ rule }}' as rule, rule_{{ loop.index }} as failing_rows from counted
        union all
        {%- endfor %}
        {%- if contract.dedup != 'same_content' %}
        select '{{ contract.natural_key | join(", ") }}' as column_name, 'one row per natural key' as rule, failing_rows from repeated_keys
        {%- else %}
        select 'none' as column_name, 'none' as rule, 0 as failing_rows from counted
        {%- endif %}

    )

    select * from broken
    where failing_rows > 0
{% endtest %}
