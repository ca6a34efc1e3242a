{#- Every identity-asserting record (an order, a POS receipt, an App event,
    a member or follower profile) with its source, when it happened, its
    OneID and its brand (int_record_brands; `unknown` when the record names
    none we know):
    the grain of the daily acquisition funnel.

    Incremental (docs/incremental.md): a night re-derives the records of
    int_identity_reconsidered_records (touched tonight, or holding an
    identifier whose OneID moved); one whose observations are gone leaves a
    tombstone. -#}

{{ config(materialized='keyed_incremental', unique_key=['source_name', 'record_key'], dedup='replace') }}
-- depends_on: {{ ref('int_identity_reconsidered_records') }}

with

{% if is_incremental() -%}
reconsidered as (

    select source_name, record_key from {{ ref('int_identity_reconsidered_records') }}

),

{% endif -%}
observations as (

    select
        observations.source_name,
        observations.record_key,
        min(observations.observed_at) as observed_at
    from {{ ref('int_identifier_observations') }} as observations
    {%- if is_incremental() %}
    inner join reconsidered
        on observations.source_name = reconsidered.source_name
        and observations.record_key = reconsidered.record_key
    {%- endif %}
    group by observations.source_name, observations.record_key

),

record_oneids as (

    select source_name, record_key, oneid from {{ ref('int_record_oneids') }}

),

record_brands as (

    -- The funnel counts a record once: under one brand if it names several.
    select source_name, record_key, max(brand) as brand
    from {{ ref('int_record_brands') }}
    group by source_name, record_key

),

records as (

    select
        observations.source_name,
        observations.record_key,
        observations.observed_at,
        {{ cst_date('observations.observed_at') }} as observed_on,
        record_oneids.oneid,
        coalesce(record_brands.brand, 'unknown') as brand
    from observations
    left join record_oneids
        on observations.source_name = record_oneids.source_name
        and observations.record_key = record_oneids.record_key
    left join record_brands
        on observations.source_name = record_brands.source_name
        and observations.record_key = record_brands.record_key

),

-- A reconsidered record whose observations are gone leaves a tombstone.
final as (

    {{ with_tombstones('records', 'reconsidered', ['source_name', 'record_key']) }}

)

select * from final
