{#- The spaces trimmed from both ends of a value on every engine: the plain
    space and every Unicode space separator (no-break, ideographic, ...), as
    DuckDB's trim() does and pipeline/identifiers.py mirrors. Spark's trim()
    drops the plain space only, so there the same characters are removed by
    one regular expression. Tabs and newlines are not spaces here. -#}
{% macro trim_spaces(expression) -%}
    {{ return(adapter.dispatch('trim_spaces')(expression)) }}
{%- endmacro %}
{% macro default__trim_spaces(expression) -%}
    {%- set spaces = ' \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000' -%}  {#- written as escapes: invisible in an editor -#}
    regexp_replace({{ expression }}, '^[{{ spaces }}]+|[{{ spaces }}]+$', '')
{%- endmacro %}
{% macro duckdb__trim_spaces(expression) -%}
    trim({{ expression }})
{%- endmacro %}

{#- Trimmed text, with empty strings as null: blank cells never become keys. -#}
{% macro clean_text(column) -%}
    nullif({{ trim_spaces('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') }}, '')
{%- endmacro %}

{#- The key two spellings of a name or code are compared on: without spaces
    (half- or full-width), full-width letters and digits made half-width,
    lower-case. `ＮＩＫＥ 官方旗舰店` and `Nike官方旗舰店` share a key, as do
    ` Dry` and `ｄｒｙ`. -#}
{% macro comparison_key(expression) -%}
    lower(replace(replace(translate({{ expression }}, '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ', '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), ' ', ''), '　', ''))
{%- endmacro %}
