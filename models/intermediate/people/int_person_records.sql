{#- One row per OneID that owns at least one record: how many records of
    which sources reach it (int_record_oneids) and the brands of those records
    (int_record_brands; unknown shop names add no brand).

    Incremental (docs/incremental.md), keyed by OneID: a night re-counts
    the people whose records int_record_oneids re-voted (their OneIDs
    before and after tonight); a OneID left without records leaves a
    tombstone. -#}

{{ config(materialized='keyed_incremental', unique_key=['oneid'], dedup='replace') }}

with

{% if is_incremental() -%}
revoted as (

    {{ revoted_oneids() }}

),
{%- endif %}

record_oneids as (

    select * from {{ ref('int_record_oneids') }}
    {%- if is_incremental() %}
    where oneid in (select oneid from revoted)
    {%- endif %}

),

record_brands as (

    select * from {{ ref('int_record_brands') }}

),

person_brands as (

    select
        record_oneids.oneid,
        record_brands.brand
    from record_oneids
    inner join record_brands
        on record_oneids.source_name = record_brands.source_name
        and record_oneids.record_key = record_brands.record_key

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

people as (

    select
        aggregated.oneid,
        aggregated.record_count,
        aggregated.sources,
        brand_lists.brands
    from aggregated
    left join brand_lists on aggregated.oneid = brand_lists.oneid

),

final as (

    {{ with_tombstones('people', 'revoted', ['oneid']) }}

)

select * from final
