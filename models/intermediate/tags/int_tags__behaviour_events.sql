{#- Every dated behaviour of a person that the value score, category
    preference, appliance needs and status read: one row per valid order
    (`purchase`) and per App event with a OneID. The App's own `purchase`
    event is left out: the order it reports is already here, from the order
    sources.

    Incremental (docs/incremental.md), keyed by behaviour and key: a night
    re-derives the orders int_commerce__orders re-derived, the App events
    whose record int_record_oneids re-voted, and the App events of products
    whose catalog row arrived tonight; a re-derived key that no longer
    counts (an order no longer valid, an event without a OneID) leaves a
    tombstone. -#}

{{ config(materialized='keyed_incremental', unique_key=['behaviour', 'behaviour_key'], dedup='replace') }}

with

orders as (

    select * from {{ ref('int_commerce__orders') }}
    {%- if is_incremental() %}
    where order_key in (select order_key from {{ night_slice(ref('int_commerce__orders')) }})
    {%- endif %}

),

app_events as (

    select * from {{ ref('stg_app__events') }}

),

record_oneids as (

    select record_key, oneid
    from {{ ref('int_record_oneids') }}
    where source_name = 'app_events'

),

products as (

    select * from {{ ref('stg_catalog__products') }}

),

brand_names as (

    select name_as_delivered, brand from {{ ref('int_brand_names') }}

),

{% if is_incremental() -%}
rederived_events as (

    select record_key as event_id
    from {{ night_slice(ref('int_record_oneids')) }}
    where source_name = 'app_events'
    union
    select cast(event_id as {{ dbt.type_string() }}) as event_id
    from app_events
    where sku in (select sku from products where {{ tonight_loads_condition() }})

),
{%- endif %}

purchases as (

    select
        order_key as behaviour_key,
        oneid,
        'purchase' as behaviour,
        brand,
        cast(null as {{ dbt.type_string() }}) as sku,
        category,
        ordered_at as occurred_at,
        ordered_on as occurred_on
    from orders
    where is_valid_purchase
        and oneid is not null

),

app_behaviour as (

    select
        app_events.event_id as behaviour_key,
        record_oneids.oneid,
        app_events.event_name as behaviour,
        coalesce(brand_names.brand, product_brands.brand) as brand,
        app_events.sku,
        products.category_l1 as category,
        app_events.event_at as occurred_at,
        {{ cst_date('app_events.event_at') }} as occurred_on
    from app_events
    inner join record_oneids on app_events.event_id = record_oneids.record_key
    {%- if is_incremental() %}
    inner join rederived_events on app_events.event_id = rederived_events.event_id
    {%- endif %}
    left join brand_names on app_events.brand = brand_names.name_as_delivered
    left join products on app_events.sku = products.sku
    left join brand_names as product_brands on products.brand = product_brands.name_as_delivered
    where app_events.event_name <> 'purchase'
        and app_events.event_at is not null

),

behaviours as (

    select * from purchases
    union all
    select * from app_behaviour

),

{% if is_incremental() -%}
-- Every key the night re-derives; one that no longer counts (an order no
-- longer valid, an event without a OneID) leaves a tombstone. (An event's
-- name never changes: the first delivery of an event wins.)
rederived_keys as (

    select 'purchase' as behaviour, order_key as behaviour_key from orders
    union all
    select app_events.event_name as behaviour, rederived_events.event_id as behaviour_key
    from rederived_events
    inner join app_events on app_events.event_id = rederived_events.event_id
    where app_events.event_name <> 'purchase'

),
{%- endif %}

final as (

    {{ with_tombstones('behaviours', 'rederived_keys', ['behaviour', 'behaviour_key']) }}

)

select * from final
