{#- Fails on every row where the expression is false. With a column_name the
    expression is applied to that column (`column_name: quantity`,
    `expression: "<> 0"`). A null result passes: pair with not_null when needed. -#}
{% test expression_is_true(model, expression, column_name=none) %}
    {%- set condition = (column_name ~ ' ' ~ expression) if column_name else expression %}
    select *
    from {{ model }}
    where not ({{ condition }})
{% endtest %}
