{#- Trimmed text, with empty strings as null: blank cells never become keys. -#}
{% macro clean_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#- The key two spellings of a name or code are compared on: without spaces
    (half- or full-width), full-width letters and digits made half-width,
    lower-case. `ＮＩＫＥ 官方旗舰店` and `Nike官方旗舰店` share a key, as do
    ` Dry` and `ｄｒｙ`. -#}
{% macro comparison_key(expression) -%}
    lower(replace(replace(translate({{ expression }}, '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ', '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), ' ', ''), '　', ''))
{%- endmacro %}
