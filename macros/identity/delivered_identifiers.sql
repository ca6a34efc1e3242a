{#- Identifiers delivered as (id_type, id_value) pairs (consents, campaign
    touches): the canonical form and the rejection reason for the declared
    type. The type of a `device` id is not delivered, so a device id is usable
    when it is a valid OAID, IDFA or IMEI, and its canonical form is lower
    case (compare device ids case-insensitively). -#}

{% macro delivered_identifier_rejection(id_type, id_value) -%}
    case {{ id_type }}
        when 'phone' then {{ cn_mobile_rejection(id_value) }}
        when 'email' then {{ email_rejection(id_value) }}
        when 'device' then
            case
                when ({{ device_id_rejection(id_value, 'oaid') }}) is null
                  or ({{ device_id_rejection(id_value, 'idfa') }}) is null
                  or ({{ device_id_rejection(id_value, 'imei') }}) is null then null
                else {{ device_id_rejection(id_value, 'oaid') }}
            end
        else case when {{ id_value }} like '%*%' then 'masked' end
    end
{%- endmacro %}

{% macro delivered_identifier_normalized(id_type, id_value) -%}
    case
        when ({{ delivered_identifier_rejection(id_type, id_value) }}) is not null then null
        when {{ id_type }} = 'phone' then {{ normalize_cn_mobile(id_value) }}
        when {{ id_type }} = 'email' then {{ normalize_email(id_value) }}
        when {{ id_type }} = 'device' then lower({{ trim_spaces(id_value) }})
        else nullif({{ trim_spaces(id_value) }}, '')
    end
{%- endmacro %}
