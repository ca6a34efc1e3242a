{#- The brands each identity-asserting record names: its source's brand,
    shop or store (`brand` of identity_record_sources) resolved by
    int_brand_names. A record naming no brand that resolves has no row.

    Incremental (docs/incremental.md): a night re-derives the records its
    loads touched, whole; a touched record that now names no brand we know
    leaves a tombstone. -#}

{{ config(materialized='keyed_incremental', unique_key=['source_name', 'record_key'], dedup='replace') }}
-- depends_on: {{ ref('int_identity_reconsidered_records') }}

with

brand_names as (

    select name_as_delivered, brand from {{ ref('int_brand_names') }}
    where brand is not null

),

delivered_brands as (

    {%- set sources = [] -%}
    {%- for source in identity_record_sources() if source.get('person_brand', true) -%}
    {%- do sources.append(source) -%}
    {%- endfor %}
    {% for source in sources %}
    select distinct
        '{{ source.source }}' as source_name,
        cast({{ source.record }} as {{ dbt.type_string() }}) as record_key,
        {{ source.brand }} as brand_as_delivered
    from {{ ref(source.model) }}
    where {{ source.brand }} is not null
    {%- if is_incremental() %}
        and {{ source.record }} in (select record_key from ({{ touched_records(source) }}) as records)
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

named_brands as (

    select distinct
        delivered_brands.source_name,
        delivered_brands.record_key,
        brand_names.brand
    from delivered_brands
    inner join brand_names on delivered_brands.brand_as_delivered = brand_names.name_as_delivered

),

{% if is_incremental() -%}
touched as (

    select source_name, record_key
    from {{ ref('int_identity_reconsidered_records') }}
    where is_touched

),

{% endif -%}
-- A touched record that names no brand we know any more leaves a tombstone.
final as (

    {{ with_tombstones('named_brands', 'touched', ['source_name', 'record_key']) }}

)

select * from final
