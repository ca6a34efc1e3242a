{#- One row per OneID that owns at least one record: how many records of
    which sources reach it (int_record_oneids) and the brands of those records (each source's brand or shop
    column, macro person_record_brand_columns, mapped through the seed
    identity_brand_aliases; unknown shop names add no brand). -#}

{%- set brand_columns = person_record_brand_columns() %}

with

record_oneids as (

    select * from {{ ref('int_record_oneids') }}

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
    select distinct
        '{{ source.source }}' as source_name,
        cast({{ source.record }} as {{ dbt.type_string() }}) as record_key,
        {{ brand_columns[source.source] }} as brand_as_delivered
    from {{ ref(source.model) }}
    where {{ brand_columns[source.source] }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

person_brands as (

    select
        record_oneids.oneid,
        brand_aliases.brand
    from record_oneids
    inner join record_brands
        on record_oneids.source_name = record_brands.source_name
        and record_oneids.record_key = record_brands.record_key
    inner join brand_aliases on record_brands.brand_as_delivered = brand_aliases.alias

),

brand_lists as (

    select
        oneid,
        {{ sorted_distinct_list('brand') }} as brands
    from person_brands
    group by oneid

),

aggregated as (

    select
        oneid,
        cast(count(*) as {{ dbt.type_bigint() }}) as record_count,
        {{ identity_source_list('source_name') }} as sources
    from record_oneids
    group by oneid

),

final as (

    select
        aggregated.oneid,
        aggregated.record_count,
        aggregated.sources,
        brand_lists.brands
    from aggregated
    left join brand_lists on aggregated.oneid = brand_lists.oneid

)

select * from final
