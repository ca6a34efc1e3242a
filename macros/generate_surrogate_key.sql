{#- A portable md5 surrogate key over the given columns, its hex digits
    written as ModHex letters (like keyed_hash) so that no key in the
    analyst warehouse holds a run of digits a privacy scan reads as a phone.
    Nulls and empty strings hash differently, and the separator keeps
    ('ab', 'c') apart from ('a', 'bc'). -#}
{% macro generate_surrogate_key(field_list) -%}
    {%- if field_list | length == 0 -%}
        {{ exceptions.raise_compiler_error("generate_surrogate_key needs at least one column") }}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for field in field_list -%}
        {%- do fields.append(
            "coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '_oneid_null_')"
        ) -%}
        {%- if not loop.last -%}
            {%- do fields.append("'-'") -%}
        {%- endif -%}
    {%- endfor -%}
    translate({{ dbt.hash(dbt.concat(fields)) }}, '0123456789abcdef', 'cbdefghijklnrtuv')
{%- endmacro %}
