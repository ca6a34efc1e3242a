{#- Fails on every non-null value outside [min_value, max_value] (or the open
    interval when inclusive is false). Either bound may be left out. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error("accepted_range on " ~ column_name ~ " needs min_value or max_value") }}
    {%- endif -%}
    {%- set low = '>=' if inclusive else '>' -%}
    {%- set high = '<=' if inclusive else '<' %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
      and not (
        1 = 1
        {%- if min_value is not none %}
        and {{ column_name }} {{ low }} {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
        and {{ column_name }} {{ high }} {{ max_value }}
        {%- endif %}
      )
{% endtest %}
