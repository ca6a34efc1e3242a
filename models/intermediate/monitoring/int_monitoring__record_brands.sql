{#- Every identity-asserting record (an order, a POS receipt, an App event,
    a member or follower profile) with its source, when it happened, its
    OneID and its brand (each source's brand or shop column through the seed
    identity_brand_aliases; `unknown` when the record names none we know):
    the grain of the daily acquisition funnel. -#}

{%- set brand_columns = person_record_brand_columns() %}

with

observations as (

    select
        source_name,
        record_key,
        min(observed_at) as observed_at
    from {{ ref('int_identifier_observations') }}
    group by source_name, record_key

),

record_oneids as (

    select source_name, record_key, oneid from {{ ref('int_record_oneids') }}

),

brand_aliases as (

    select alias, brand from {{ ref('identity_brand_aliases') }}

),

record_brands as (

    {%- set sources = [] -%}
    {%- for source in identity_record_sources() if source.source in brand_columns -%}
    {%- do sources.append(source) -%}
    {%- endfor %}
    {% for source in sources %}
    select
        '{{ source.source }}' as source_name,
        cast({{ source.record }} as {{ dbt.type_string() }}) as record_key,
        max({{ brand_columns[source.source] }}) as brand_as_delivered
    from {{ ref(source.model) }}
    group by cast({{ source.record }} as {{ dbt.type_string() }})
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        observations.source_name,
        observations.record_key,
        observations.observed_at,
        {{ cst_date('observations.observed_at') }} as observed_on,
        record_oneids.oneid,
        coalesce(brand_aliases.brand, 'unknown') as brand
    from observations
    left join record_oneids
        on observations.source_name = record_oneids.source_name
        and observations.record_key = record_oneids.record_key
    left join record_brands
        on observations.source_name = record_brands.source_name
        and observations.record_key = record_brands.record_key
    left join brand_aliases on record_brands.brand_as_delivered = brand_aliases.alias

)

select * from final
