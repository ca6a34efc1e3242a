{#- For sources deduplicated on their whole content (same_content): fails on
    every content that still comes from more than one landed file, i.e. a
    re-sent row that staging failed to drop. A file is its path within one load;
    min/max comparisons find a second file without hashing every row. -#}
{% test delivered_by_one_file(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') %}
    select
        {{ columns }},
        count(*) as occurrences
    from {{ model }}
    group by {{ columns }}
    having min(_file_path) <> max(_file_path)
        or min(_load_id) <> max(_load_id)
{% endtest %}
