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


{#- Per identity source (macro identity_record_sources), the column naming
    the brand, shop or store of a record (a POS receipt without 品牌: its
    store); resolved to a brand by int_brand_names. -#}
{% macro person_record_brand_columns() -%}
    {{ return({
        'tmall_orders': 'shop_name',
        'tmall_members': 'brand',
        'jd_orders': 'shop_name',
        'wechat_miniapp_users': 'brand',
        'wechat_oa_followers': 'brand',
        'app_events': 'brand',
        'eshop_orders': 'brand',
        'pos_sales': 'coalesce(brand, store_name)',
        'crm_members': 'brand',
        'guide_tags': 'brand',
    }) }}
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
