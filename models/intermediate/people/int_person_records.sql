{#- One row per OneID that owns at least one record: how many records of
    which sources reach it (int_record_oneids), the brands of those records
    (int_record_brands; unknown shop names add no brand), and its first
    record (int_records: the earliest, then the first by
    source and record key), which the funnel credits a new person to.

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

dated_records as (

    select * from {{ ref('int_records') }}
    where oneid is not null
    {%- if is_incremental() %}
        and oneid in (select oneid from revoted)
    {%- endif %}

),

first_record_times as (

    select oneid, min(observed_at) as first_observed_at
    from dated_records
    group by oneid

),

-- Ranking only the records at the earliest time spares a sort of them all.
first_records as (

    select
        dated_records.oneid,
        dated_records.observed_on,
        dated_records.source_name,
        dated_records.brand,
        row_number() over (
            partition by dated_records.oneid
            order by dated_records.source_name, dated_records.record_key
        ) as record_rank
    from dated_records
    inner join first_record_times
        on dated_records.oneid = first_record_times.oneid
        and dated_records.observed_at is not distinct from first_record_times.first_observed_at

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
        brand_lists.brands,
        first_records.observed_on as first_observed_on,
        first_records.source_name as first_source_name,
        first_records.brand as first_brand
    from aggregated
    left join brand_lists on aggregated.oneid = brand_lists.oneid
    left join first_records
        on aggregated.oneid = first_records.oneid
        and first_records.record_rank = 1

),

final as (

    {{ with_tombstones('people', 'revoted', ['oneid']) }}

)

select * from final
