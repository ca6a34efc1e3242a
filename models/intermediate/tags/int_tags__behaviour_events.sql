{#- Every dated behaviour of a person that the value score, category
    preference, appliance needs and status read: one row per valid order
    (`purchase`) and per App event with a OneID. The App's own `purchase`
    event is left out: the order it reports is already here, from the order
    sources. -#}

with

orders as (

    select * from {{ ref('int_commerce__orders') }}

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

brand_aliases as (

    select * from {{ ref('identity_brand_aliases') }}

),

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
        coalesce(brand_aliases.brand, products.brand, app_events.brand) as brand,
        app_events.sku,
        products.category_l1 as category,
        app_events.event_at as occurred_at,
        {{ cst_date('app_events.event_at') }} as occurred_on
    from app_events
    inner join record_oneids on app_events.event_id = record_oneids.record_key
    left join brand_aliases on app_events.brand = brand_aliases.alias
    left join products on app_events.sku = products.sku
    where app_events.event_name <> 'purchase'
        and app_events.event_at is not null

),

final as (

    select * from purchases
    union all
    select * from app_behaviour

)

select * from final
