{#- How identifiers may appear in the analyst warehouse: masked, or as keyed
    hashes. Raw values never leave the restricted store. -#}

{#- The key of an identifier: `<id_type>:<namespace>:<value>`. -#}
{% macro identifier_key(id_type, namespace, value) -%}
    {{ dbt.concat([id_type, "':'", namespace, "':'", value]) }}
{%- endmacro %}

{#- Keyed hash (SHA-256 of the secret key and the value) written in ModHex:
    the hex digits 0-f as the letters c b d e f g h i j k l n r t u v. A
    hash in letters can never be mistaken for, or scanned as, a phone
    number; it converts back to hex one letter at a time. -#}
{% macro keyed_hash(expression) -%}
    {%- set key = identity_hash_key() | replace("'", "''") -%}
    translate({{ sha256_hex("'" ~ key ~ "|' || " ~ expression) }}, '0123456789abcdef', 'cbdefghijklnrtuv')
{%- endmacro %}

{#- A normalized identifier masked for people: phones `138****5678`, emails
    `l***@qq.***` (the domain's first label), anything else its first and
    last four characters around `****`; values of 8 characters or fewer keep
    only their first. -#}
{% macro mask_identifier(id_type, value) -%}
    case
        when {{ value }} is null then null
        when {{ id_type }} = 'phone' then substr({{ value }}, 1, 3) || '****' || {{ dbt.right(value, 4) }}
        when {{ id_type }} = 'email' then
            substr({{ value }}, 1, 1) || '***@' || {{ dbt.split_part(dbt.split_part(value, "'@'", 2), "'.'", 1) }} || '.***'
        when {{ dbt.length(value) }} <= 8 then substr({{ value }}, 1, 1) || '***'
        else substr({{ value }}, 1, 4) || '****' || {{ dbt.right(value, 4) }}
    end
{%- endmacro %}

{#- A raw, rejected value masked for an example: short placeholders (`null`,
    `-`, `无`, `0`) are shown as they are, longer values keep their first
    three and last four characters, so no phone, email or device id survives. -#}
{% macro mask_rejected_value(value) -%}
    case
        when {{ value }} is null then null
        when {{ dbt.length(value) }} <= 4 then {{ value }}
        when {{ dbt.length(value) }} <= 8 then substr({{ value }}, 1, 1) || '***'
        else substr({{ value }}, 1, 3) || '****' || {{ dbt.right(value, 4) }}
    end
{%- endmacro %}
