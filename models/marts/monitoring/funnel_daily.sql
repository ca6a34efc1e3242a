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

identifiers as (

    select first_source_name, first_record_key from {{ ref('int_identifiers') }}

),

people as (

    select first_observed_on, first_source_name, first_brand from {{ ref('int_person_records') }}

),

record_brands as (

    select * from {{ ref('int_records') }}

),

orders as (

    select * from {{ ref('int_commerce__orders') }}
    where is_valid_purchase and oneid is not null

),

lifecycle as (

    select * from {{ ref('int_tags__lifecycle') }}
    where scope <> 'group' and last_interaction_on is not null

),

-- An identifier is credited to the record that first carried it, a person
-- to their first record (int_identifiers, int_person_records keep both).
new_identifiers as (

    select
        record_brands.observed_on as funnel_date,
        record_brands.source_name,
        record_brands.brand,
        count(*) as identifiers_new
    from identifiers
    inner join record_brands
        on identifiers.first_source_name = record_brands.source_name
        and identifiers.first_record_key = record_brands.record_key
    group by record_brands.observed_on, record_brands.source_name, record_brands.brand

),

new_oneids as (

    select
        first_observed_on as funnel_date,
        first_source_name as source_name,
        first_brand as brand,
        count(*) as oneids_new
    from people
    group by first_observed_on, first_source_name, first_brand

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
