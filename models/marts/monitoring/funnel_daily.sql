{#- The daily acquisition and purchase funnel per source and brand (China
    calendar days): identifiers seen for the first time, persons (OneIDs)
    whose first record arrived, first purchases of a person with a brand,
    repurchases (every further valid order with that brand), and the persons
    whose activity status with a brand turned sleeping or churned that day.
    A new identifier or person is credited to the source and brand of the
    record that brought it. Status is per person and brand, not per source:
    its transitions sit on rows whose source_name is `all`. A person turns
    sleeping the day after their last interaction is one status cycle old
    and churned the day after it is var('tags_status_churn_cycles') cycles
    old (int_tags__lifecycle); as seen tonight, so a lapse that ended in a
    later interaction is not counted. -#}

with

observations as (

    select * from {{ ref('int_identifier_observations') }}
    where identifier_key is not null

),

identifiers as (

    select identifier_key, first_seen_at from {{ ref('int_identifiers') }}

),

record_brands as (

    select * from {{ ref('int_monitoring__record_brands') }}

),

orders as (

    select * from {{ ref('int_commerce__orders') }}
    where is_valid_purchase and oneid is not null

),

lifecycle as (

    select * from {{ ref('int_tags__lifecycle') }}
    where scope <> 'group' and last_interaction_on is not null

),

-- An identifier's first observation: among those at its first_seen_at
-- (int_identifiers), the first by source and record. Ranking only those
-- spares a sort of every observation.
first_observations as (

    select
        observations.identifier_key,
        observations.source_name,
        observations.record_key,
        row_number() over (
            partition by observations.identifier_key
            order by observations.source_name, observations.record_key
        ) as observation_rank
    from observations
    inner join identifiers
        on observations.identifier_key = identifiers.identifier_key
        and observations.observed_at is not distinct from identifiers.first_seen_at

),

new_identifiers as (

    select
        record_brands.observed_on as funnel_date,
        record_brands.source_name,
        record_brands.brand,
        count(*) as identifiers_new
    from first_observations
    inner join record_brands
        on first_observations.source_name = record_brands.source_name
        and first_observations.record_key = record_brands.record_key
    where first_observations.observation_rank = 1
    group by record_brands.observed_on, record_brands.source_name, record_brands.brand

),

first_record_times as (

    select oneid, min(observed_at) as first_observed_at
    from record_brands
    where oneid is not null
    group by oneid

),

-- A person's first record: among those at its earliest time, the first by
-- source and record (ranking only those spares a sort of every record).
first_records as (

    select
        record_brands.oneid,
        record_brands.observed_on,
        record_brands.source_name,
        record_brands.brand,
        row_number() over (
            partition by record_brands.oneid
            order by record_brands.source_name, record_brands.record_key
        ) as record_rank
    from record_brands
    inner join first_record_times
        on record_brands.oneid = first_record_times.oneid
        and record_brands.observed_at is not distinct from first_record_times.first_observed_at

),

new_oneids as (

    select
        observed_on as funnel_date,
        source_name,
        brand,
        count(*) as oneids_new
    from first_records
    where record_rank = 1
    group by observed_on, source_name, brand

),

ranked_orders as (

    select
        ordered_on,
        source_name,
        coalesce(brand, 'unknown') as brand,
        row_number() over (
            partition by oneid, coalesce(brand, 'unknown')
            order by ordered_at, order_key
        ) as brand_order_rank
    from orders

),

purchases as (

    select
        ordered_on as funnel_date,
        source_name,
        brand,
        sum(case when brand_order_rank = 1 then 1 else 0 end) as first_purchases,
        sum(case when brand_order_rank > 1 then 1 else 0 end) as repurchases
    from ranked_orders
    group by ordered_on, source_name, brand

),

status_changes as (

    select
        {{ dbt.dateadd('day', 'status_cycle_days + 1', 'last_interaction_on') }} as changed_on,
        scope as brand,
        'sleeping' as new_status
    from lifecycle

    union all

    select
        {{ dbt.dateadd('day', 'status_cycle_days * ' ~ var('tags_status_churn_cycles') ~ ' + 1', 'last_interaction_on') }} as changed_on,
        scope as brand,
        'churned' as new_status
    from lifecycle

),

status_transitions as (

    select
        cast(changed_on as date) as funnel_date,
        'all' as source_name,
        brand,
        sum(case when new_status = 'sleeping' then 1 else 0 end) as newly_sleeping,
        sum(case when new_status = 'churned' then 1 else 0 end) as newly_churned
    from status_changes
    group by cast(changed_on as date), brand

),

keys as (

    select funnel_date, source_name, brand from new_identifiers
    union
    select funnel_date, source_name, brand from new_oneids
    union
    select funnel_date, source_name, brand from purchases
    union
    select funnel_date, source_name, brand from status_transitions

),

final as (

    select
        keys.funnel_date,
        keys.source_name,
        keys.brand,
        coalesce(new_identifiers.identifiers_new, 0) as identifiers_new,
        coalesce(new_oneids.oneids_new, 0) as oneids_new,
        coalesce(purchases.first_purchases, 0) as first_purchases,
        coalesce(purchases.repurchases, 0) as repurchases,
        coalesce(status_transitions.newly_sleeping, 0) as newly_sleeping,
        coalesce(status_transitions.newly_churned, 0) as newly_churned
    from keys
    left join new_identifiers
        on keys.funnel_date = new_identifiers.funnel_date
        and keys.source_name = new_identifiers.source_name
        and keys.brand = new_identifiers.brand
    left join new_oneids
        on keys.funnel_date = new_oneids.funnel_date
        and keys.source_name = new_oneids.source_name
        and keys.brand = new_oneids.brand
    left join purchases
        on keys.funnel_date = purchases.funnel_date
        and keys.source_name = purchases.source_name
        and keys.brand = purchases.brand
    left join status_transitions
        on keys.funnel_date = status_transitions.funnel_date
        and keys.source_name = status_transitions.source_name
        and keys.brand = status_transitions.brand
    where keys.funnel_date <= {{ business_date() }}

)

select * from final
