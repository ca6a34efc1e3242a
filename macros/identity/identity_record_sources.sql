{#- identity_record_sources() itself is generated from the channel contract:
    macros/generated/channel_contract.sql. -#}


{#- The sources of a group of rows as one text, comma-separated and
    alphabetical: an aggregate over `source_column` without the cost of an
    ordered string aggregation. -#}
{% macro identity_source_list(source_column) -%}
    concat_ws(','
    {%- for source in identity_record_sources() | map(attribute='source') | sort %},
        max(case when {{ source_column }} = '{{ source }}' then '{{ source }}' end)
    {%- endfor %})
{%- endmacro %}


{#- The keys of the records of one source (an entry of identity_record_sources)
    that tonight touched: staging kept a row of tonight's for them, or the
    brand, shop or store name they carry resolves to another brand tonight
    (int_brand_names' slice: a new brand makes a shop name resolve, or two
    brands make it ambiguous). Models that call it on incremental nights
    declare `-- depends_on: {{ ref('int_brand_names') }}`. -#}
{% macro touched_records(source) -%}
    select distinct {{ source.record }} as record_key
    from {{ ref(source.model) }}
    where {{ tonight_loads_condition() }}
        or {{ source.brand }} in (
            select name_as_delivered from {{ night_slice(ref('int_brand_names')) }}
            where brand is distinct from _previous_brand
        )
{%- endmacro %}


{#- (source_name, record_key) of every record tonight's loads touched, over
    all identity sources. -#}
{% macro touched_identity_records() -%}
    {%- for source in identity_record_sources() %}
    select
        '{{ source.source }}' as source_name,
        cast(record_key as {{ dbt.type_string() }}) as record_key
    from ({{ touched_records(source) }}) as records
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- The OneIDs, before and after tonight, of the records int_record_oneids
    re-voted tonight (its slice): the people whose per-record facts an
    incremental night re-derives. Only on incremental nights. -#}
{% macro revoted_oneids() -%}
    select oneid from {{ night_slice(ref('int_record_oneids')) }}
    where oneid is not null
    union
    select _previous_oneid as oneid from {{ night_slice(ref('int_record_oneids')) }}
    where _previous_oneid is not null
{%- endmacro %}
