{#- Every identity-asserting record (an order, a POS receipt, an App event,
    a member or follower profile) with its source, when it happened, its
    OneID and its brand (int_record_brands; `unknown` when the record names
    none we know):
    the grain of the daily acquisition funnel. -#}

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

record_brands as (

    -- The funnel counts a record once: under one brand if it names several.
    select source_name, record_key, max(brand) as brand
    from {{ ref('int_record_brands') }}
    group by source_name, record_key

),

final as (

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

)

select * from final
