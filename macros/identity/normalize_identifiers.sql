{#- Identifier normalization, applied in staging. Each `normalize_*` macro
    returns the canonical form or null; each `*_rejection` macro returns why a
    non-empty value is not an identifier (null when it is one, or when the
    value is empty). Rules: shared/reference/media-upload-formats.md. -#}

{#- Full-width digits and punctuation (NFKC for what phones contain). -#}
{% macro halfwidth(expression) -%}
    translate({{ expression }}, '０１２３４５６７８９＋－（）．　', '0123456789+-(). ')
{%- endmacro %}

{#- Whitespace as literal characters in the class: POSIX `[:space:]` is RE2
    only, and `\s` needs a backslash that DuckDB's and Spark's string
    literals read differently. -#}
{% macro _phone_compact(expression) -%}
    {{ regexp_replace_all(halfwidth(trim_spaces(expression)), '[' ~ ' \t\n\r\f\v' ~ '().-]', '') }}
{%- endmacro %}

{#- Strip +86 / 0086 / 86 only when exactly 11 digits remain. -#}
{% macro _phone_national(expression) -%}
    case
        when {{ regexp_like(_phone_compact(expression), '^[+]86[0-9]{11}$') }} then substr({{ _phone_compact(expression) }}, 4)
        when {{ regexp_like(_phone_compact(expression), '^0086[0-9]{11}$') }} then substr({{ _phone_compact(expression) }}, 5)
        when {{ regexp_like(_phone_compact(expression), '^86[0-9]{11}$') }} then substr({{ _phone_compact(expression) }}, 3)
        else {{ _phone_compact(expression) }}
    end
{%- endmacro %}

{% macro cn_mobile_rejection(expression) -%}
    case
        when {{ expression }} is null or {{ trim_spaces(expression) }} = '' then null
        when {{ halfwidth(expression) }} like '%*%' then 'masked'
        when {{ regexp_like(halfwidth(trim_spaces(expression)), '^[0-9]+([.][0-9]+)?[eE][+]?[0-9]+$') }} then 'scientific_notation'
        when not {{ regexp_like(_phone_national(expression), '^[0-9]+$') }} then 'not_digits'
        when length({{ _phone_national(expression) }}) <> 11 then 'wrong_length'
        when not {{ regexp_like(_phone_national(expression), '^1[3-9][0-9]{9}$') }} then 'bad_prefix'
        else null
    end
{%- endmacro %}

{% macro normalize_cn_mobile(expression) -%}
    case when {{ expression }} is not null and {{ trim_spaces(expression) }} <> ''
              and ({{ cn_mobile_rejection(expression) }}) is null
         then {{ _phone_national(expression) }} end
{%- endmacro %}

{% macro email_rejection(expression) -%}
    case
        when {{ expression }} is null or {{ trim_spaces(expression) }} = '' then null
        when {{ expression }} like '%*%' then 'masked'
        when not {{ regexp_like('lower(' ~ trim_spaces(expression) ~ ')', '^[a-z0-9._%+-]+@[a-z0-9.-]+[.][a-z]{2,}$') }} then 'bad_format'
        else null
    end
{%- endmacro %}

{% macro normalize_email(expression) -%}
    case when ({{ email_rejection(expression) }}) is null and {{ trim_spaces(expression) }} <> ''
         then lower({{ trim_spaces(expression) }}) end
{%- endmacro %}

{#- Device ids: IDFA upper-case with hyphens (8-4-4-4-12); OAID and IMEI lower-case. -#}
{% macro _idfa_canonical(expression) -%}
    case
        when {{ regexp_like('upper(' ~ trim_spaces(expression) ~ ')', '^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$') }}
            then upper({{ trim_spaces(expression) }})
        when {{ regexp_like('upper(' ~ trim_spaces(expression) ~ ')', '^[0-9A-F]{32}$') }}
            then upper(
                substr({{ trim_spaces(expression) }}, 1, 8) || '-' || substr({{ trim_spaces(expression) }}, 9, 4) || '-'
                || substr({{ trim_spaces(expression) }}, 13, 4) || '-' || substr({{ trim_spaces(expression) }}, 17, 4) || '-'
                || substr({{ trim_spaces(expression) }}, 21, 12))
    end
{%- endmacro %}

{% macro device_id_rejection(expression, device_type) -%}
    case
        when {{ expression }} is null or {{ trim_spaces(expression) }} = '' then null
        when {{ regexp_like(trim_spaces(expression), '^[0-]+$') }} then 'all_zero'
        when {{ expression }} like '%*%' then 'masked'
    {%- if device_type == 'idfa' %}
        when ({{ _idfa_canonical(expression) }}) is null then 'bad_format'
    {%- elif device_type == 'imei' %}
        when not {{ regexp_like('lower(' ~ trim_spaces(expression) ~ ')', '^([0-9]{14,15}|[0-9a-f]{14})$') }} then 'bad_format'
    {%- elif device_type == 'oaid' %}
        when not {{ regexp_like('lower(' ~ trim_spaces(expression) ~ ')', '^[0-9a-f-]{16,64}$') }} then 'bad_format'
    {%- else %}
        {{ exceptions.raise_compiler_error("device_id_rejection: unknown device type " ~ device_type) }}
    {%- endif %}
        else null
    end
{%- endmacro %}

{% macro normalize_device_id(expression, device_type) -%}
    case when ({{ device_id_rejection(expression, device_type) }}) is null and {{ trim_spaces(expression) }} <> '' then
    {%- if device_type == 'idfa' %} {{ _idfa_canonical(expression) }}
    {%- else %} lower({{ trim_spaces(expression) }})
    {%- endif %} end
{%- endmacro %}
