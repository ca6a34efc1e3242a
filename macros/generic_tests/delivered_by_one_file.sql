{#- For sources deduplicated on their whole content (same_content): fails on
    every content that still comes from more than one landed file, i.e. a
    re-sent row that staging failed to drop. A file is its path within one load. -#}
{% test delivered_by_one_file(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') %}
    select
        {{ columns }},
        count(distinct {{ generate_surrogate_key(['_file_path', '_load_id']) }}) as files
    from {{ model }}
    group by {{ columns }}
    having count(distinct {{ generate_surrogate_key(['_file_path', '_load_id']) }}) > 1
{% endtest %}
