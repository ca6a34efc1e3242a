{#- Fails on every non-null value of the column that seed tag_values does
    not list for tag_name: every tag value a mart publishes has an English
    and a Chinese label. -#}
{% test has_tag_label(model, column_name, tag_name) %}
    select distinct {{ column_name }} as value_code
    from {{ model }}
    where {{ column_name }} is not null
      and cast({{ column_name }} as {{ dbt.type_string() }}) not in (
        select value_code from {{ ref('tag_values') }}
        where tag_name = '{{ tag_name }}'
      )
{% endtest %}
