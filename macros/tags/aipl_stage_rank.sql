{#- The order of the AIPL stages: aware 1, interest 2, purchase 3, loyal 4;
    no stage (`none`, as aipl_flow writes it) 0. One definition for every
    model that ranks or compares stages. -#}
{% macro aipl_stage_rank(stage) -%}
    case {{ stage }}
        when 'none' then 0
        when 'aware' then 1
        when 'interest' then 2
        when 'purchase' then 3
        when 'loyal' then 4
    end
{%- endmacro %}
